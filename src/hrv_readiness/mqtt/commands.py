"""Commands from Home Assistant: outside bytes in, a typed command or a rejection out.

Every command arrives on ``<base>/<collector>/<user>/command/<name>`` as a JSON object.
:func:`parse_command` is the only door: it checks the topic, the user (only users of
this collector's config), the command name, the size, the JSON, and every value against
the v1 payload models, and returns one of the frozen command types below or raises
:class:`InvalidCommandError` with a stable ``code``. Nothing in a payload is ever
executed or used as a path, a topic or a format string; values are only compared,
range-checked and copied into typed fields.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import ValidationError

from hrv_readiness.errors import CommandRejectedError
from hrv_readiness.mqtt.payloads import (
    COMMAND_NAMES,
    COMMAND_PAYLOADS,
    CommandName,
    DeleteCommandPayload,
    DeleteEntry,
    EventPayload,
    IllnessLevel,
    MeasureCommandPayload,
    RecomputeCommandPayload,
    RemoveCommandPayload,
    RenameCommandPayload,
    SessionType,
    TrainingCommandPayload,
    UndoCommandPayload,
    WellnessCommandPayload,
)
from hrv_readiness.readiness.dates import MorningDateError, check_morning
from hrv_readiness.readiness.models import default_training_date

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Collection, Mapping

    from pydantic import BaseModel

    from hrv_readiness.mqtt.topics import Topics
    from hrv_readiness.readiness import TrainingEntry, WellnessEntry

#: Larger payloads are refused unread: a real command is well under 1 KiB.
MAX_PAYLOAD_BYTES = 4096
#: Entries may be back-dated this far (a forgotten week), not further.
MAX_BACKDATE_DAYS = 365

RejectionCode = Literal[
    "invalid_topic",
    "unknown_user",
    "unknown_command",
    "retained_command",
    "payload_too_large",
    "invalid_json",
    "not_an_object",
    "missing_field",
    "unknown_field",
    "wrong_type",
    "out_of_range",
    "invalid_value",
    "busy",
    "store_unavailable",
    "nothing_to_change",
    "name_taken",
]


class InvalidCommandError(CommandRejectedError):
    """A command was refused; nothing was stored or started.

    ``user`` and ``command`` are what the topic named (``None`` when the topic could not
    be read), ``request_id`` is echoed in the rejection event when the payload had a
    usable one.
    """

    def __init__(
        self,
        message: str,
        *,
        code: RejectionCode,
        user: str | None,
        command: str | None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, code=code)
        self.user = user
        self.command = command
        self.request_id = request_id


@dataclass(frozen=True, slots=True, kw_only=True)
class MeasureCommand:
    user: str
    request_id: str | None = None
    #: An orthostatic test instead of the plain reading.
    orthostatic: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class RecomputeCommand:
    user: str
    request_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class WellnessCommand:
    user: str
    date: dt.date
    soreness: int
    energy: int
    sleep_quality: int
    stress: int
    heavy_legs: bool | None = None
    ill: IllnessLevel | None = None
    request_id: str | None = None

    def entry(self) -> WellnessEntry:
        """The readiness model's record of this command (to store)."""
        from hrv_readiness.readiness import WellnessEntry  # noqa: PLC0415 - keep mqtt light

        return WellnessEntry(
            user=self.user,
            date=self.date,
            soreness=self.soreness,
            energy=self.energy,
            sleep_quality=self.sleep_quality,
            stress=self.stress,
            heavy_legs=bool(self.heavy_legs),
            ill=self.ill or "none",
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class TrainingCommand:
    user: str
    date: dt.date
    session_type: SessionType
    effort: int
    duration_min: int
    request_id: str | None = None

    def entry(self) -> TrainingEntry:
        """The readiness model's record of this command (to store)."""
        from hrv_readiness.readiness import TrainingEntry  # noqa: PLC0415 - keep mqtt light

        return TrainingEntry(
            user=self.user,
            date=self.date,
            session_type=self.session_type,
            effort=self.effort,
            duration_min=self.duration_min,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class DeleteCommand:
    """Move the user's ``entry`` of the morning ``date`` to the trash (v1.5)."""

    user: str
    date: dt.date
    entry: DeleteEntry
    request_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class UndoCommand:
    """Put back the user's last change kept in the trash (v1.5)."""

    user: str
    request_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RenameCommand:
    """Give the user's whole history to ``to``, a user here without one (v1.7)."""

    user: str
    to: str
    request_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RemoveCommand:
    """Move the user's whole history to the trash; ``undo`` brings it back (v1.7)."""

    user: str
    request_id: str | None = None


Command = (
    MeasureCommand
    | RecomputeCommand
    | WellnessCommand
    | TrainingCommand
    | DeleteCommand
    | UndoCommand
    | RenameCommand
    | RemoveCommand
)

_COMMAND_NAME_OF: dict[type[Command], CommandName] = {
    MeasureCommand: "measure",
    RecomputeCommand: "recompute",
    WellnessCommand: "wellness",
    TrainingCommand: "training",
    DeleteCommand: "delete",
    UndoCommand: "undo",
    RenameCommand: "rename",
    RemoveCommand: "remove",
}


def command_name(command: Command) -> CommandName:
    return _COMMAND_NAME_OF[type(command)]


def refusal(command: Command, message: str, code: RejectionCode) -> InvalidCommandError:
    """The refusal of a valid ``command`` not acted on (its user and request id echoed)."""
    return InvalidCommandError(
        message,
        code=code,
        user=command.user,
        command=command_name(command),
        request_id=command.request_id,
    )


def parse_command(
    topic: str,
    payload: bytes,
    *,
    topics: Topics,
    users: Collection[str],
    today: dt.date,
    retained: bool = False,
) -> Command:
    """Validate one received command message and return it typed.

    ``today`` is the collector's local date (default of a wellness entry; a training
    entry defaults to :func:`default_training_date`, the day before). ``retained`` is the
    MQTT retain flag of the received message: a retained command is a stale replay and is refused.
    Raises :class:`InvalidCommandError` for anything else than a valid command for one
    of ``users``.
    """
    split = topics.split_command(topic)
    if split is None:
        raise InvalidCommandError(
            f"{topic!r} is not a command topic of this collector",
            code="invalid_topic",
            user=None,
            command=None,
        )
    user, name = split
    request_id = _request_id_of(payload)

    def reject(message: str, code: RejectionCode) -> InvalidCommandError:
        return InvalidCommandError(
            message, code=code, user=user, command=name, request_id=request_id
        )

    if user not in users:
        raise reject(f"user {user!r} is not configured on this collector", "unknown_user")
    if name not in COMMAND_NAMES:
        known = ", ".join(COMMAND_NAMES)
        raise reject(f"unknown command {name!r} (known: {known})", "unknown_command")
    if retained:
        raise reject(
            "retained command ignored: publish commands with retain=false",
            "retained_command",
        )
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise reject(
            f"payload of {len(payload)} bytes exceeds {MAX_PAYLOAD_BYTES}", "payload_too_large"
        )
    text = _decode_object(payload, reject)
    model = COMMAND_PAYLOADS[name]
    try:
        parsed = model.model_validate_json(text)
    except ValidationError as err:
        raise _rejection_from(err, reject) from err

    return _typed(user, parsed, today, reject, users=users)


def command_from_fields(
    user: str,
    name: str,
    fields: Mapping[str, object],
    *,
    users: Collection[str],
    today: dt.date,
) -> Command:
    """Validate a command given as values in process (Home Assistant's own actions).

    The same rules as :func:`parse_command` without a topic or JSON: ``fields`` are the
    command payload's fields. Raises :class:`InvalidCommandError`.
    """
    request_id = fields.get("request_id")

    def reject(message: str, code: RejectionCode) -> InvalidCommandError:
        return InvalidCommandError(
            message,
            code=code,
            user=user,
            command=name,
            request_id=request_id if isinstance(request_id, str) else None,
        )

    if user not in users:
        raise reject(f"user {user!r} is not configured here", "unknown_user")
    if name not in COMMAND_NAMES:
        known = ", ".join(COMMAND_NAMES)
        raise reject(f"unknown command {name!r} (known: {known})", "unknown_command")
    try:
        # Lax only where JSON would be (a date as its ISO string); numbers stay strict.
        parsed = COMMAND_PAYLOADS[name].model_validate(dict(fields), strict=False)
    except ValidationError as err:
        raise _rejection_from(err, reject) from err
    return _typed(user, parsed, today, reject, users=users)


def _typed(  # noqa: PLR0911 - one return per command
    user: str,
    parsed: BaseModel,
    today: dt.date,
    reject: Any,  # noqa: ANN401
    *,
    users: Collection[str],
) -> Command:
    """The typed command of a validated payload (dates checked against ``today``).

    A rename's ``to`` must be another of ``users``: a history renamed to an id nobody
    here serves would vanish from every view.
    """
    if isinstance(parsed, MeasureCommandPayload):
        return MeasureCommand(
            user=user, request_id=parsed.request_id, orthostatic=parsed.orthostatic
        )
    if isinstance(parsed, RecomputeCommandPayload):
        return RecomputeCommand(user=user, request_id=parsed.request_id)
    if isinstance(parsed, WellnessCommandPayload):
        date = _checked_date(parsed.date or today, today, reject)
        return WellnessCommand(
            user=user,
            date=date,
            soreness=parsed.soreness,
            energy=parsed.energy,
            sleep_quality=parsed.sleep_quality,
            stress=parsed.stress,
            heavy_legs=parsed.heavy_legs,
            ill=parsed.ill,
            request_id=parsed.request_id,
        )
    if isinstance(parsed, TrainingCommandPayload):
        date = _checked_date(parsed.date or default_training_date(today), today, reject)
        return TrainingCommand(
            user=user,
            date=date,
            session_type=parsed.session_type,
            effort=parsed.effort,
            duration_min=parsed.duration_min,
            request_id=parsed.request_id,
        )
    if isinstance(parsed, DeleteCommandPayload):
        date = _checked_date(parsed.date, today, reject)
        return DeleteCommand(user=user, date=date, entry=parsed.entry, request_id=parsed.request_id)
    if isinstance(parsed, UndoCommandPayload):
        return UndoCommand(user=user, request_id=parsed.request_id)
    if isinstance(parsed, RenameCommandPayload):
        return _rename(user, parsed, reject, users=users)
    if isinstance(parsed, RemoveCommandPayload):
        return RemoveCommand(user=user, request_id=parsed.request_id)
    msg = f"no command type for {type(parsed).__name__}"  # pragma: no cover - table above
    raise AssertionError(msg)  # pragma: no cover


def _rename(
    user: str,
    parsed: RenameCommandPayload,
    reject: Any,  # noqa: ANN401
    *,
    users: Collection[str],
) -> RenameCommand:
    """A rename to another user served here (not to the same one, not to nobody)."""
    if parsed.to == user:
        raise reject(f"field 'to': the history is already {user}'s", "invalid_value")
    if parsed.to not in users:
        known = ", ".join(sorted(u for u in users if u != user)) or "none"
        raise reject(
            f"field 'to': {parsed.to!r} is not a user served here (others: {known})",
            "unknown_user",
        )
    return RenameCommand(user=user, to=parsed.to, request_id=parsed.request_id)


def rejection_event(error: InvalidCommandError, *, at: dt.datetime) -> EventPayload:
    """The ``command_rejected`` event that answers a refused command."""
    return EventPayload(
        type="command_rejected",
        user=error.user or "",
        at=at,
        request_id=error.request_id,
        detail={"code": error.code, "reason": str(error), "command": error.command},
    )


def accepted_event(command: Command, *, at: dt.datetime) -> EventPayload:
    """The ``command_accepted`` event the daemon publishes once it has acted."""
    return EventPayload(
        type="command_accepted",
        user=command.user,
        at=at,
        request_id=command.request_id,
        detail={"command": command_name(command)},
    )


class _DuplicateKeyError(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError(key)
        result[key] = value
    return result


def _no_constants(name: str) -> Any:  # noqa: ANN401 - json's parse_constant hook
    raise ValueError(name)


def _load(payload: bytes) -> object:
    return json.loads(
        payload.decode("utf-8"),
        object_pairs_hook=_no_duplicates,
        parse_constant=_no_constants,
    )


def _decode_object(payload: bytes, reject: Any) -> str:  # noqa: ANN401
    """Return the payload as JSON text of an object (empty payload: ``{}``)."""
    if not payload.strip():
        return "{}"
    try:
        value = _load(payload)
    except _DuplicateKeyError as err:
        raise reject(f"field {err} appears twice", "invalid_json") from err
    except UnicodeDecodeError as err:
        raise reject("payload is not UTF-8 text", "invalid_json") from err
    except ValueError as err:  # json.JSONDecodeError, NaN/Infinity
        raise reject(f"payload is not valid JSON: {err}", "invalid_json") from err
    except RecursionError as err:  # "[[[[...]]]]" deeper than the parser's stack
        raise reject("payload is nested too deeply", "invalid_json") from err
    if not isinstance(value, dict):
        raise reject(f"payload must be a JSON object, not {type(value).__name__}", "not_an_object")
    return payload.decode("utf-8")


def _request_id_of(payload: bytes) -> str | None:
    """The request id to echo, if the payload has a usable one (best effort)."""
    if len(payload) > MAX_PAYLOAD_BYTES:
        return None
    try:
        value = _load(payload)
    except (ValueError, RecursionError):
        return None
    if isinstance(value, dict):
        request_id = value.get("request_id")
        if isinstance(request_id, str) and 0 < len(request_id) <= 64:  # noqa: PLR2004
            return request_id
    return None


_RANGE_ERRORS = frozenset(
    {
        "greater_than",
        "greater_than_equal",
        "less_than",
        "less_than_equal",
        "string_too_long",
        "string_too_short",
    }
)


def _rejection_from(error: ValidationError, reject: Any) -> InvalidCommandError:  # noqa: ANN401
    first = error.errors(include_url=False)[0]
    field = ".".join(str(part) for part in first["loc"]) or "payload"
    kind = first["type"]
    code: RejectionCode
    if kind == "missing":
        code = "missing_field"
        message = f"field {field!r} is required"
    elif kind == "extra_forbidden":
        code = "unknown_field"
        message = f"field {field!r} is not part of this command"
    elif kind in _RANGE_ERRORS:
        code = "out_of_range"
        message = f"field {field!r}: {first['msg']}"
    elif kind.endswith("_type") or kind in {"int_from_float", "bool_parsing", "int_parsing"}:
        code = "wrong_type"
        message = f"field {field!r}: {first['msg']}"
    else:
        code = "invalid_value"
        message = f"field {field!r}: {first['msg']}"
    result: InvalidCommandError = reject(message, code)
    return result


def _checked_date(date: dt.date, today: dt.date, reject: Any) -> dt.date:  # noqa: ANN401
    """The one date rule (readiness/dates.py), with the commands' shorter reach back."""
    try:
        return check_morning(date, today=today, max_backdate_days=MAX_BACKDATE_DAYS)
    except MorningDateError as err:
        raise reject(f"date {err}", "out_of_range") from err
