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

import os
import re
import socket
from datetime import time
from pathlib import Path  # noqa: TC003 - pydantic resolves it at run time
from typing import Annotated, Any, Literal, Self

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from hrv_readiness.ble.models import MeasurementSettings
from hrv_readiness.errors import ConfigError
from hrv_readiness.hrv import DEFAULT_ARTIFACT_REJECT_PCT
from hrv_readiness.mqtt.settings import MqttSettings
from hrv_readiness.readiness.settings import ReadinessSettings
from hrv_readiness.store.paths import default_data_dir

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


Identifier = Annotated[str, AfterValidator(_check_id)]
MacAddress = Annotated[str, AfterValidator(_check_mac)]


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

    @property
    def display_name(self) -> str:
        return self.name or f"HRV Readiness ({self.id})"


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


class MorningWindow(_Frozen):
    start: time = time(5, 0)
    end: time = time(10, 0)

    @model_validator(mode="after")
    def _end_after_start(self) -> Self:
        if self.end <= self.start:
            msg = f"end ({self.end:%H:%M}) must be after start ({self.start:%H:%M})"
            raise ValueError(msg)
        return self


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
        description="Readings with more corrected beats than this (%) are rejected "
        "(hrv-analysis rejects above 4 %; docs/model.md).",
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
        for user in self.users:
            self.readiness_for(user.id)
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


def format_validation_error(err: ValidationError, *, source: str) -> str:
    """One line per problem: ``source: a.b[0].c = 'value' — what is allowed``."""
    lines = []
    for problem in err.errors(include_url=False):
        path = ""
        for part in problem["loc"]:
            path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
        message = str(problem["msg"]).removeprefix("Value error, ")
        if problem["type"] == "extra_forbidden":
            message = "unknown key (check the spelling against config.example.yaml)"
        elif problem["type"] == "missing":
            message = "required but missing"
        where = path or "(top level)"
        if problem["type"] == "missing" or problem["input"] is None:
            lines.append(f"{source}: {where} — {message}")
        else:
            lines.append(f"{source}: {where} = {problem['input']!r} — {message}")
    return "\n".join(lines)


def parse_config(data: object, *, source: str = "config") -> Config:
    try:
        return Config.model_validate(data)
    except ValidationError as err:
        raise ConfigError(format_validation_error(err, source=source)) from err


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
    return parse_config(_expand_env(data), source=str(path))


def _expand_env(value: object) -> object:
    """Expand ``${VAR}`` in strings so secrets (MQTT password) can live in the environment."""
    if isinstance(value, str):
        return os.path.expandvars(value)
    if isinstance(value, dict):
        return {key: _expand_env(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_expand_env(item) for item in value]
    return value
