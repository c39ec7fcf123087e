"""The collector's configuration: one YAML file, validated once, frozen.

Each package owns the settings of its own concern (`MqttSettings` in
`hrv_readiness.mqtt`, `ReadinessSettings` in `hrv_readiness.readiness`, `MeasurementSettings`
in `hrv_readiness.ble`); this module only composes them and adds what belongs to the
household (users, their straps, the morning window, where data lives).

A bad file gives one clear message per problem naming the field, the value and what
is allowed, e.g.::

    config.yaml: users[0].strap.address = 'A0:9E:1A' — not a Bluetooth address;
    expected six hex pairs like A0:9E:1A:12:34:56
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import socket
import zoneinfo
from datetime import time
from pathlib import Path  # noqa: TC003 - pydantic resolves it at run time
from typing import TYPE_CHECKING, Annotated, Any, Literal, Self

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from hrv_readiness.ble.models import MeasurementSettings
from hrv_readiness.clock import now_in
from hrv_readiness.errors import ConfigError
from hrv_readiness.hrv import (
    DEFAULT_ARTIFACT_REJECT_PCT,
    OrthostaticProtocol,
)
from hrv_readiness.mqtt.settings import MqttSettings
from hrv_readiness.readiness.settings import ReadinessSettings
from hrv_readiness.routine import window as routine_window
from hrv_readiness.store.paths import default_data_dir

if TYPE_CHECKING:
    from collections.abc import Collection

_ID_PATTERN = re.compile(r"^[a-z0-9_]{1,32}$")
_MAC_PATTERN = re.compile(r"^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$")


def _check_id(value: str) -> str:
    if not _ID_PATTERN.fullmatch(value):
        msg = "must be 1-32 characters of a-z, 0-9 and _ (it is used in MQTT topics)"
        raise ValueError(msg)
    return value


def _check_mac(value: str) -> str:
    if not _MAC_PATTERN.fullmatch(value):
        msg = "not a Bluetooth address; expected six hex pairs like A0:9E:1A:12:34:56"
        raise ValueError(msg)
    return value.upper()


def _check_time_zone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        msg = "not a time zone; expected an IANA name like Europe/Berlin or UTC"
        raise ValueError(msg) from None
    return value


Identifier = Annotated[str, AfterValidator(_check_id)]
MacAddress = Annotated[str, AfterValidator(_check_mac)]
TimeZoneName = Annotated[str, AfterValidator(_check_time_zone)]


def default_collector_id() -> str:
    """The host name, reduced to the topic-safe alphabet (``Pi-Kitchen`` → ``pi_kitchen``)."""
    slug = re.sub(r"[^a-z0-9_]+", "_", socket.gethostname().lower()).strip("_")
    return (slug or "collector")[:32]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CollectorSection(_Frozen):
    id: Identifier = Field(
        default_factory=default_collector_id,
        description="Topic-safe id of this collector; default: the host name.",
    )
    name: str | None = Field(default=None, description="Name shown in Home Assistant.")
    timezone: TimeZoneName | None = Field(
        default=None,
        description=(
            "IANA time zone whose calendar dates each morning and whose clock the morning "
            "window is read in (e.g. Europe/Berlin); default: this machine's. Set it when "
            "the machine's zone is not the household's (a Pi left on UTC)."
        ),
    )

    @property
    def display_name(self) -> str:
        return self.name or f"HRV Readiness ({self.id})"

    def now(self) -> dt.datetime:
        """The current time in the household's time zone (the one clock that dates mornings).

        Every path of the collector (the daemon's measurements, commands without a date,
        the command line with ``--config``) dates a morning by this clock, so a history
        never gets two mornings, or none, from two clocks that disagree on the zone
        (the rule: :mod:`hrv_readiness.clock`).
        """
        return now_in(self.timezone)


class StrapSection(_Frozen):
    """Which strap belongs to a user: its address, or a pattern on its advertised name."""

    address: MacAddress | None = None
    name_pattern: str | None = Field(
        default=None,
        description="Shell-style pattern on the advertised name, e.g. 'Polar H10 ABCD*'.",
    )

    @model_validator(mode="after")
    def _one_way_to_find_it(self) -> Self:
        if self.address is None and self.name_pattern is None:
            msg = "give the strap's `address` or a `name_pattern` (or both)"
            raise ValueError(msg)
        return self


class UserSection(_Frozen):
    id: Identifier
    name: str | None = None
    strap: StrapSection | None = Field(
        default=None, description="The user's strap; without it the user can only be simulated."
    )
    readiness: dict[str, Any] = Field(
        default_factory=dict,
        description="Per-user overrides of the `readiness:` section (same keys).",
    )

    @property
    def display_name(self) -> str:
        return self.name or self.id


_CLOCK_TIME = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$")


def _clock_time(value: object) -> object:
    """A naive local time from ``"05:30"``; YAML's traps refused with the fix."""
    if isinstance(value, bool):
        msg = "expected a time like '05:30' (in quotes)"
        raise ValueError(msg)  # noqa: TRY004 - pydantic wants ValueError
    if isinstance(value, int):
        # YAML 1.1 reads an unquoted 5:00 as the base-60 number 300.
        hours, minutes = divmod(value, 60)
        msg = (
            f"YAML read the unquoted time {hours}:{minutes:02d} as the number {value}; "
            f"write it in quotes: '{hours:02d}:{minutes:02d}'"
        )
        raise ValueError(msg)  # noqa: TRY004
    if isinstance(value, time):
        if value.tzinfo is not None:
            msg = "a local time without a time zone, like '05:30'"
            raise ValueError(msg)
        return value
    if isinstance(value, str):
        match = _CLOCK_TIME.fullmatch(value.strip())
        if match is None:
            msg = "expected a 24-hour time like '05:30'"
            raise ValueError(msg)
        return time(int(match[1]), int(match[2]))
    msg = "expected a time like '05:30' (in quotes)"
    raise ValueError(msg)


ClockTime = Annotated[time, BeforeValidator(_clock_time)]


class MorningWindow(_Frozen):
    """Local times; an ``end`` before ``start`` spans midnight (e.g. 22:00-06:00)."""

    start: ClockTime = time(5, 0)
    end: ClockTime = time(10, 0)

    @model_validator(mode="after")
    def _has_length(self) -> Self:
        if self.end == self.start:
            msg = f"end ({self.end:%H:%M}) equals start: the window has no length"
            raise ValueError(msg)
        return self

    def window(self) -> routine_window.MorningWindow:
        """The routine's window (the one definition of what is inside it)."""
        return routine_window.MorningWindow(self.start, self.end)


class MeasurementSection(MeasurementSettings):
    """The session settings (`hrv_readiness.ble.MeasurementSettings`) plus the routine."""

    morning_window: MorningWindow = MorningWindow()
    automatic: bool = Field(
        default=True,
        description="Measure automatically when a strap with skin contact appears "
        "inside the morning window (once per day).",
    )
    artifact_reject_pct: float = Field(
        default=DEFAULT_ARTIFACT_REJECT_PCT,
        gt=0.0,
        le=50.0,
        description="Readings with more artifact events (an ectopic, missed or extra "
        "beat is one event) than this % of their beats are rejected (hrv-analysis "
        "rejects above 4 %; docs/model.md).",
    )

    orthostatic: OrthostaticProtocol = Field(
        default_factory=OrthostaticProtocol,
        description="Phases of the orthostatic test (docs/model.md, 'The orthostatic test').",
    )
    morning_test: Literal["reading", "orthostatic"] = Field(
        default="reading",
        description="What the morning window measures: the plain reading, or an "
        "orthostatic test (lying, 'stand up now', standing), whose lying part is the "
        "morning reading.",
    )

    def session_settings(self) -> MeasurementSettings:
        """Only the fields the measurement session understands."""
        return MeasurementSettings.model_validate(
            self.model_dump(include=set(MeasurementSettings.model_fields))
        )


class StorageSection(_Frozen):
    data_dir: Path = Field(default_factory=default_data_dir)

    @property
    def database_path(self) -> Path:
        return self.data_dir.expanduser() / "hrv.sqlite3"


class LoggingSection(_Frozen):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    format: Literal["text", "json"] = "text"


class Config(_Frozen):
    collector: CollectorSection = CollectorSection()
    users: tuple[UserSection, ...] = Field(min_length=1)
    measurement: MeasurementSection = MeasurementSection()
    readiness: ReadinessSettings = ReadinessSettings()
    mqtt: MqttSettings = MqttSettings()
    storage: StorageSection = StorageSection()
    logging: LoggingSection = LoggingSection()

    @model_validator(mode="after")
    def _unique_users(self) -> Self:
        seen: set[str] = set()
        for user in self.users:
            if user.id in seen:
                msg = f"user id {user.id!r} appears twice"
                raise ValueError(msg)
            seen.add(user.id)
        return self

    @model_validator(mode="after")
    def _user_overrides_are_valid(self) -> Self:
        for index, user in enumerate(self.users):
            try:
                self.readiness_for(user.id)
            except ValidationError as err:
                # Not a ValueError, so pydantic lets it through; parse_config formats it.
                raise _OverrideError(err, loc=("users", index, "readiness")) from None
        return self

    def user(self, user_id: str) -> UserSection:
        for user in self.users:
            if user.id == user_id:
                return user
        known = ", ".join(u.id for u in self.users)
        msg = f"no user {user_id!r} in the config (known: {known})"
        raise ConfigError(msg)

    def readiness_for(self, user_id: str) -> ReadinessSettings:
        """The readiness settings of one user: the global section plus their overrides."""
        overrides = self.user(user_id).readiness
        if not overrides:
            return self.readiness
        return ReadinessSettings.model_validate(
            {**self.readiness.model_dump(), **overrides},
        )


#: Keys whose values are never shown in a message (a typo of one, too).
_SECRET_KEY = re.compile(r"pas+w|passwd|secret|token|credential", re.IGNORECASE)
#: Secrets shorter than this are not searched for in messages (they would match words).
_MIN_REDACTED_LENGTH = 3


class _OverrideError(ConfigError):
    """A user's ``readiness:`` overrides are invalid; ``loc`` is where they are."""

    def __init__(self, err: ValidationError, *, loc: tuple[str | int, ...]) -> None:
        super().__init__(format_validation_error(err, source="config", prefix=loc))
        self.error = err
        self.loc = loc


def format_validation_error(
    err: ValidationError,
    *,
    source: str,
    secrets: Collection[str] = (),
    prefix: tuple[str | int, ...] = (),
) -> str:
    """One line per problem: ``source: a.b[0].c = 'value' — what is allowed``.

    A value is shown only when it is a scalar that cannot be a secret: never a whole
    section, never the value of a password-like key or of an unknown key, and no
    string of ``secrets`` in any form. A problem caused by another one inside it
    (a list that failed because an item failed) is left out.
    """
    problems = err.errors(include_url=False)
    locations = [(*prefix, *problem["loc"]) for problem in problems]
    lines = []
    for problem, loc in zip(problems, locations, strict=True):
        if any(other[: len(loc)] == loc and other != loc for other in locations):
            continue  # a consequence of a problem deeper inside
        path = _path(loc)
        message = str(problem["msg"]).removeprefix("Value error, ")
        if problem["type"] == "extra_forbidden":
            message = "unknown key (check the spelling against config.example.yaml)"
        elif problem["type"] == "missing":
            message = "required but missing"
        where = path or "(top level)"
        value = problem.get("input")
        if _shows_value(problem["type"], loc, value):
            lines.append(f"{source}: {where} = {value!r} — {message}")
        else:
            lines.append(f"{source}: {where} — {message}")
    return redact("\n".join(lines), secrets)


def _path(loc: tuple[object, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _shows_value(kind: str, loc: tuple[object, ...], value: object) -> bool:
    if kind in {"missing", "extra_forbidden"} or value is None:
        return False
    if any(isinstance(part, str) and _SECRET_KEY.search(part) for part in loc):
        return False
    if isinstance(value, list | tuple | dict):
        return not value  # an empty one says what is wrong; a full one may hold a secret
    return isinstance(value, str | int | float | bool)


def redact(text: str, secrets: Collection[str]) -> str:
    """``text`` with every form of every secret (as written, repr, JSON) replaced."""
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) < _MIN_REDACTED_LENGTH:
            continue
        for form in {secret, repr(secret)[1:-1], json.dumps(secret)[1:-1]}:
            text = text.replace(form, "***")
    return text


def _secrets(value: object, *, under_secret: bool = False) -> set[str]:
    """Every scalar under a password-like key of the raw config, as text."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            secret_key = under_secret or bool(_SECRET_KEY.search(str(key)))
            found |= _secrets(item, under_secret=secret_key)
    elif isinstance(value, list):
        for item in value:
            found |= _secrets(item, under_secret=under_secret)
    elif under_secret and value is not None:
        found.add(str(value))
    return found


def parse_config(data: object, *, source: str = "config") -> Config:
    try:
        return Config.model_validate(data)
    except _OverrideError as err:
        message = format_validation_error(
            err.error, source=source, secrets=_secrets(data), prefix=err.loc
        )
        raise ConfigError(message) from None
    except ValidationError as err:
        message = format_validation_error(err, source=source, secrets=_secrets(data))
        # Not chained: pydantic's error repeats every input, the password included, and
        # a logged traceback would carry it into the journal.
        raise ConfigError(message) from None


def load_config(path: Path) -> Config:
    """Read and validate the YAML config file; every problem is a `ConfigError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        msg = f"config file {path} does not exist (copy config.example.yaml to start)"
        raise ConfigError(msg) from err
    except OSError as err:
        msg = f"cannot read config file {path}: {err.strerror}"
        raise ConfigError(msg) from err
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(err, "problem", None) or str(err)
        msg = f"{path}{where}: not valid YAML: {problem}"
        raise ConfigError(msg) from err
    if not isinstance(data, dict):
        msg = f"{path}: expected a mapping of sections (collector, users, mqtt, ...)"
        raise ConfigError(msg)
    try:
        expanded = _expand_env(data)
    except _UnsetVariablesError as err:
        msg = "\n".join(f"{path}: {line}" for line in err.lines)
        raise ConfigError(msg) from None
    return parse_config(expanded, source=str(path))


_ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _expand_env(value: object, path: str = "") -> object:
    """Expand ``${VAR}`` in strings so secrets (MQTT password) can live in the environment.

    Only the ``${VAR}`` form: a ``$`` anywhere else (a password like ``pa$word``) is
    kept. A variable that is not set is an error naming where it is used.
    """
    unset: list[tuple[str, str]] = []
    expanded = _expand(value, path, unset)
    if unset:
        lines = [
            f"{where or '(top level)'} — environment variable {name} is not set"
            for where, name in unset
        ]
        raise _UnsetVariablesError(lines)
    return expanded


class _UnsetVariablesError(Exception):
    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def _expand(value: object, path: str, unset: list[tuple[str, str]]) -> object:
    if isinstance(value, str):

        def replace(match: re.Match[str]) -> str:
            name = match[1]
            if name not in os.environ:
                unset.append((path, name))
                return ""
            return os.environ[name]

        return _ENV_REFERENCE.sub(replace, value)
    if isinstance(value, dict):
        return {
            key: _expand(item, f"{path}.{key}" if path else str(key), unset)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_expand(item, f"{path}[{index}]", unset) for index, item in enumerate(value)]
    return value
