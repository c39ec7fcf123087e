"""Reading the contract as a consumer does (Home Assistant): the same pydantic models.

One definition of the MQTT contract: the payload models of :mod:`.payloads` are what
the collector publishes and what a consumer parses. A consumer, as docs/mqtt.md asks,

* ignores fields it does not know (a newer collector adds fields in minor versions),
* takes an enumeration's value it does not know as text (a newer collector may add a
  reason code or a status; the consumer shows what it knows and "unknown" otherwise),
* refuses a ``schema_version`` whose major number it does not know,
* and otherwise holds the payload to the models, naming the field that is wrong.

:func:`consumer_model` derives that reading of each model (a subclass: an instance of
the consumer's ``StatePayload`` is a ``StatePayload``).

Everything wrong is one :class:`PayloadError` (a ``ParseError``) with ``field``.
"""

from __future__ import annotations

import copy
import functools
import json
import types
import typing
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar, Union, cast

from pydantic import BaseModel, ValidationError, create_model

from hrv_readiness.errors import ParseError
from hrv_readiness.mqtt.payloads import (
    SCHEMA_VERSION,
    AnnouncePayload,
    EventPayload,
    HistoryPayload,
    MeasurementPayload,
    StatePayload,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

_M = TypeVar("_M", bound=BaseModel)

#: Larger payloads are not the contract's (the history of 90 mornings is ~40 kB).
MAX_PAYLOAD_BYTES = 1_000_000


class PayloadError(ParseError):
    """An MQTT payload does not follow the contract; ``field`` names the culprit."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def _no_constant(name: str) -> Any:  # noqa: ANN401 - json's parse_constant hook
    msg = f"{name} is not a number"
    raise PayloadError(msg, field="payload")


def decode(payload: str | bytes | bytearray) -> dict[str, Any]:
    """A payload's JSON object (UTF-8, no NaN/Infinity, bounded size and depth)."""
    if len(payload) > MAX_PAYLOAD_BYTES:
        msg = f"{len(payload)} bytes is more than {MAX_PAYLOAD_BYTES}"
        raise PayloadError(msg, field="payload")
    try:
        text = payload.decode() if isinstance(payload, bytes | bytearray) else payload
        data = json.loads(text, parse_constant=_no_constant)
    except UnicodeDecodeError as err:
        raise PayloadError("not UTF-8 text", field="payload") from err
    except RecursionError as err:
        raise PayloadError("nested too deeply", field="payload") from err
    except ValueError as err:  # json.JSONDecodeError, a number out of range
        raise PayloadError(f"not JSON: {err}", field="payload") from err
    if not isinstance(data, dict):
        msg = f"expected a JSON object, got {type(data).__name__}"
        raise PayloadError(msg, field="payload")
    return data


def _widen(annotation: Any) -> Any:  # noqa: ANN401 - any type expression
    """The consumer's reading of a field's type: closed string sets as text, models too."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return consumer_model(annotation)
    if origin is Literal and all(isinstance(arg, str) for arg in args):
        return str
    if origin is Annotated:
        inner = _widen(args[0])
        return annotation if inner is args[0] else Annotated[(inner, *args[1:])]
    if origin in {Union, types.UnionType}:
        widened = tuple(_widen(arg) for arg in args)
        return annotation if widened == args else Union[widened]  # noqa: UP007
    if origin is tuple:
        widened = tuple(arg if arg is Ellipsis else _widen(arg) for arg in args)
        return annotation if widened == args else tuple[widened]  # type: ignore[valid-type]
    return annotation


def consumer_model(model: type[_M]) -> type[_M]:
    """``model`` as a consumer reads it: unknown fields ignored, unknown enum values kept."""
    return cast("type[_M]", _consumer_model(model))


@functools.cache
def _consumer_model(model: type[BaseModel]) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        widened = _widen(info.annotation)
        if widened is not info.annotation:
            copied = copy.copy(info)
            copied.annotation = widened
            fields[name] = (widened, copied)
    derived = create_model(model.__name__, __base__=model, __module__=__name__, **fields)
    derived.model_config["extra"] = "ignore"
    derived.model_rebuild(force=True)
    return derived


def _major(version: object) -> int | None:
    if isinstance(version, bool):
        return None
    if isinstance(version, int):
        return version
    if isinstance(version, str):
        head = version.split(".", 1)[0]
        return int(head) if head.isdigit() else None
    return None


def parse(model: type[_M], payload: str | bytes | bytearray | Mapping[str, Any]) -> _M:
    """``payload`` as ``model``, read as a consumer reads it (see the module's rules)."""
    data = dict(payload) if isinstance(payload, dict) else decode(payload)  # type: ignore[arg-type]
    if "schema_version" in model.model_fields:
        major = _major(data.get("schema_version"))
        if major != SCHEMA_VERSION:
            msg = f"schema_version {data.get('schema_version')!r} is not {SCHEMA_VERSION}.x"
            raise PayloadError(msg, field="schema_version")
        data["schema_version"] = SCHEMA_VERSION
    try:
        return consumer_model(model).model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "payload"
        raise PayloadError(first["msg"], field=field) from err


def parse_state(payload: str | bytes | bytearray) -> StatePayload:
    return parse(StatePayload, payload)


def parse_measurement(payload: str | bytes | bytearray) -> MeasurementPayload:
    return parse(MeasurementPayload, payload)


def parse_announce(payload: str | bytes | bytearray) -> AnnouncePayload:
    return parse(AnnouncePayload, payload)


def parse_history(payload: str | bytes | bytearray) -> HistoryPayload:
    return parse(HistoryPayload, payload)


def parse_event(payload: str | bytes | bytearray) -> EventPayload:
    return parse(EventPayload, payload)


__all__ = [
    "PayloadError",
    "decode",
    "parse",
    "parse_announce",
    "parse_event",
    "parse_history",
    "parse_measurement",
    "parse_state",
]
