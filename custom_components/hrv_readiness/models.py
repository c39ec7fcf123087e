"""Typed, frozen views of the MQTT contract v1 payloads (docs/mqtt.md).

The integration parses the contract itself and never imports the collector. Unknown
fields are ignored, a ``schema_version`` with an unknown major number is refused,
and every other problem raises :class:`PayloadError` naming the field.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from .const import ID_PATTERN, SUPPORTED_SCHEMA_MAJOR

_ID_RE = re.compile(ID_PATTERN)


class PayloadError(ValueError):
    """An MQTT payload does not follow the contract; ``field`` names the culprit."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True, slots=True)
class UserInfo:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Announce:
    collector_id: str
    name: str
    sw_version: str | None
    users: tuple[UserInfo, ...]
    discovery: bool


@dataclass(frozen=True, slots=True)
class Reading:
    measured_at: datetime
    date: date | None
    duration_s: float | None
    beats: int | None
    rmssd_ms: float | None
    ln_rmssd: float | None
    sdnn_ms: float | None
    pnn50_pct: float | None
    resting_hr_bpm: float | None
    artifact_pct: float | None
    quality: str
    quality_reason: str | None
    #: Contract v1.4: breathing rate read off the reading, or why none.
    breathing_rate_per_min: float | None = None
    breathing_quality: str | None = None
    #: Contract v1.3: the orthostatic test of the reading (None: none, or refused).
    orthostatic_hr_rise_bpm: float | None = None
    standing_ln_rmssd: float | None = None


@dataclass(frozen=True, slots=True)
class Baseline:
    ln_rmssd_7d_mean: float | None = None
    ln_rmssd_normal_low: float | None = None
    ln_rmssd_normal_high: float | None = None
    ln_rmssd_swc_low: float | None = None
    ln_rmssd_swc_high: float | None = None
    ln_rmssd_7d_cv_pct: float | None = None
    resting_hr_baseline_bpm: float | None = None
    resting_hr_normal_low_bpm: float | None = None
    resting_hr_normal_high_bpm: float | None = None
    breathing_baseline_per_min: float | None = None
    breathing_normal_high_per_min: float | None = None


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    text: str


@dataclass(frozen=True, slots=True)
class Readiness:
    status: str
    score: int | None
    fatigue_type: str
    watch: str | None
    reasons: tuple[Reason, ...]
    advice: str | None
    readings_needed: int | None
    baseline: Baseline
    #: Contract v1.4: "reported", "possible" or None (docs/model.md rule 13).
    illness: str | None = None


@dataclass(frozen=True, slots=True)
class Strap:
    name: str | None
    address: str | None
    battery_pct: int | None


@dataclass(frozen=True, slots=True)
class UserState:
    collector_id: str
    user: str
    published_at: datetime | None
    reading: Reading | None
    readiness: Readiness | None
    strap: Strap | None


@dataclass(frozen=True, slots=True)
class Measurement:
    state: str
    elapsed_s: float | None
    total_s: float | None
    progress_pct: float | None
    heart_rate_bpm: float | None
    beats: int | None
    artifacts: int | None
    reason: str | None
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    """One morning of ``<user>/history``: the reading that counted and its verdict."""

    date: date
    measured_at: datetime
    ln_rmssd: float
    resting_hr_bpm: float | None
    score: int | None
    status: str | None
    ln_rmssd_7d_mean: float | None
    ln_rmssd_normal_low: float | None
    ln_rmssd_normal_high: float | None
    ln_rmssd_swc_low: float | None
    ln_rmssd_swc_high: float | None
    breathing_rate_per_min: float | None = None
    orthostatic_hr_rise_bpm: float | None = None
    standing_ln_rmssd: float | None = None


@dataclass(frozen=True, slots=True)
class History:
    collector_id: str
    user: str
    points: tuple[HistoryPoint, ...]


# --- field readers -------------------------------------------------------------------


def _object(value: object, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PayloadError(f"expected a JSON object, got {type(value).__name__}", field=field)
    return value


def _optional_object(data: dict[str, Any], key: str, field: str) -> dict[str, Any] | None:
    value = data.get(key)
    return None if value is None else _object(value, field)


def _string(data: dict[str, Any], key: str, field: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise PayloadError(f"expected a string, got {value!r}", field=field)
    return value


def _optional_string(data: dict[str, Any], key: str, field: str) -> str | None:
    return None if data.get(key) is None else _string(data, key, field)


def _optional_number(data: dict[str, Any], key: str, field: str) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PayloadError(f"expected a number, got {value!r:.40}", field=field)
    try:
        number = float(value)
    except OverflowError as err:
        raise PayloadError("number out of range", field=field) from err
    if not math.isfinite(number):
        raise PayloadError(f"expected a finite number, got {number!r}", field=field)
    return number


def _optional_int(data: dict[str, Any], key: str, field: str) -> int | None:
    number = _optional_number(data, key, field)
    if number is None:
        return None
    if not number.is_integer():
        raise PayloadError(f"expected an integer, got {number!r}", field=field)
    return int(number)


def _optional_datetime(data: dict[str, Any], key: str, field: str) -> datetime | None:
    text = _optional_string(data, key, field)
    if text is None:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as err:
        raise PayloadError(f"not an ISO 8601 timestamp: {text!r}", field=field) from err
    if parsed.tzinfo is None:
        raise PayloadError(f"timestamp without a UTC offset: {text!r}", field=field)
    return parsed


def _optional_date(data: dict[str, Any], key: str, field: str) -> date | None:
    text = _optional_string(data, key, field)
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as err:
        raise PayloadError(f"not an ISO 8601 date: {text!r}", field=field) from err


def _identifier(data: dict[str, Any], key: str, field: str) -> str:
    value = _string(data, key, field)
    if not _ID_RE.match(value):
        raise PayloadError(f"not an id of a-z, 0-9 and _: {value!r}", field=field)
    return value


def decode_json(payload: str | bytes | bytearray) -> dict[str, Any]:
    """Decode a JSON object payload and check its ``schema_version``."""
    try:
        data = json.loads(payload)
    except (ValueError, RecursionError) as err:  # UnicodeDecodeError is a ValueError
        raise PayloadError(f"not JSON ({err})", field="payload") from err
    data = _object(data, "payload")
    version = data.get("schema_version")
    major: int | None = None
    if isinstance(version, int) and not isinstance(version, bool):
        major = version
    elif isinstance(version, str) and re.fullmatch(r"\d+(\.\d+)*", version):
        major = int(version.split(".", 1)[0])
    if major is None:
        raise PayloadError(f"missing or invalid: {version!r}", field="schema_version")
    if major != SUPPORTED_SCHEMA_MAJOR:
        raise PayloadError(
            f"version {version!r} is not supported (this integration reads "
            f"{SUPPORTED_SCHEMA_MAJOR})",
            field="schema_version",
        )
    return data


# --- payloads ------------------------------------------------------------------------


def parse_announce(payload: str | bytes | bytearray) -> Announce:
    """Parse ``<base>/<collector>/announce``."""
    data = decode_json(payload)
    users_raw = data.get("users")
    if not isinstance(users_raw, list):
        raise PayloadError(f"expected a list, got {users_raw!r}", field="users")
    users: list[UserInfo] = []
    for index, raw in enumerate(users_raw):
        item = _object(raw, f"users[{index}]")
        user_id = _identifier(item, "id", f"users[{index}].id")
        name = _optional_string(item, "name", f"users[{index}].name") or user_id
        users.append(UserInfo(id=user_id, name=name))
    discovery = data.get("discovery", False)
    if not isinstance(discovery, bool):
        raise PayloadError(f"expected true or false, got {discovery!r}", field="discovery")
    collector_id = _identifier(data, "collector_id", "collector_id")
    return Announce(
        collector_id=collector_id,
        name=_optional_string(data, "name", "name") or collector_id,
        sw_version=_optional_string(data, "sw_version", "sw_version"),
        users=tuple(users),
        discovery=discovery,
    )


def _parse_reading(data: dict[str, Any]) -> Reading:
    measured_at = _optional_datetime(data, "measured_at", "reading.measured_at")
    if measured_at is None:
        raise PayloadError("missing", field="reading.measured_at")
    raw_test = data.get("orthostatic")
    # An unknown shape is ignored like an unknown field (consumers ignore what they
    # do not know); a test is an object.
    orthostatic: dict[str, Any] = raw_test if isinstance(raw_test, dict) else {}
    return Reading(
        measured_at=measured_at,
        date=_optional_date(data, "date", "reading.date"),
        duration_s=_optional_number(data, "duration_s", "reading.duration_s"),
        beats=_optional_int(data, "beats", "reading.beats"),
        rmssd_ms=_optional_number(data, "rmssd_ms", "reading.rmssd_ms"),
        ln_rmssd=_optional_number(data, "ln_rmssd", "reading.ln_rmssd"),
        sdnn_ms=_optional_number(data, "sdnn_ms", "reading.sdnn_ms"),
        pnn50_pct=_optional_number(data, "pnn50_pct", "reading.pnn50_pct"),
        resting_hr_bpm=_optional_number(data, "resting_hr_bpm", "reading.resting_hr_bpm"),
        artifact_pct=_optional_number(data, "artifact_pct", "reading.artifact_pct"),
        quality=_string(data, "quality", "reading.quality"),
        quality_reason=_optional_string(data, "quality_reason", "reading.quality_reason"),
        breathing_rate_per_min=_optional_number(
            data, "breathing_rate_per_min", "reading.breathing_rate_per_min"
        ),
        breathing_quality=_optional_string(data, "breathing_quality", "reading.breathing_quality"),
        orthostatic_hr_rise_bpm=_optional_number(
            orthostatic, "hr_rise_bpm", "reading.orthostatic.hr_rise_bpm"
        ),
        standing_ln_rmssd=_optional_number(
            orthostatic, "standing_ln_rmssd", "reading.orthostatic.standing_ln_rmssd"
        ),
    )


def _parse_baseline(data: dict[str, Any] | None) -> Baseline:
    if data is None:
        return Baseline()
    values = {
        name: _optional_number(data, name, f"readiness.baseline.{name}")
        for name in Baseline.__dataclass_fields__
    }
    return Baseline(**values)


def _parse_readiness(data: dict[str, Any]) -> Readiness:
    reasons_raw = data.get("reasons") or []
    if not isinstance(reasons_raw, list):
        raise PayloadError(f"expected a list, got {reasons_raw!r}", field="readiness.reasons")
    reasons = []
    for index, raw in enumerate(reasons_raw):
        field = f"readiness.reasons[{index}]"
        item = _object(raw, field)
        reasons.append(
            Reason(code=_string(item, "code", f"{field}.code"), text=_string(item, "text", field))
        )
    return Readiness(
        status=_string(data, "status", "readiness.status"),
        score=_optional_int(data, "score", "readiness.score"),
        fatigue_type=_optional_string(data, "fatigue_type", "readiness.fatigue_type") or "unknown",
        watch=_optional_string(data, "watch", "readiness.watch"),
        reasons=tuple(reasons),
        advice=_optional_string(data, "advice", "readiness.advice"),
        readings_needed=_optional_int(data, "readings_needed", "readiness.readings_needed"),
        baseline=_parse_baseline(
            _optional_object(data, "baseline", "readiness.baseline"),
        ),
        illness=_optional_string(data, "illness", "readiness.illness"),
    )


def parse_state(payload: str | bytes | bytearray) -> UserState:
    """Parse ``<base>/<collector>/<user>/state``."""
    return state_from_json(decode_json(payload))


def state_from_json(data: dict[str, Any]) -> UserState:
    """The state from an already decoded (and version-checked) payload."""
    reading = _optional_object(data, "reading", "reading")
    readiness = _optional_object(data, "readiness", "readiness")
    strap = _optional_object(data, "strap", "strap")
    return UserState(
        collector_id=_identifier(data, "collector_id", "collector_id"),
        user=_identifier(data, "user", "user"),
        published_at=_optional_datetime(data, "published_at", "published_at"),
        reading=None if reading is None else _parse_reading(reading),
        readiness=None if readiness is None else _parse_readiness(readiness),
        strap=None
        if strap is None
        else Strap(
            name=_optional_string(strap, "name", "strap.name"),
            address=_optional_string(strap, "address", "strap.address"),
            battery_pct=_optional_int(strap, "battery_pct", "strap.battery_pct"),
        ),
    )


def parse_measurement(payload: str | bytes | bytearray) -> Measurement:
    """Parse ``<base>/<collector>/<user>/measurement``."""
    return measurement_from_json(decode_json(payload))


def measurement_from_json(data: dict[str, Any]) -> Measurement:
    """The measurement from an already decoded (and version-checked) payload."""
    return Measurement(
        state=_string(data, "state", "state"),
        elapsed_s=_optional_number(data, "elapsed_s", "elapsed_s"),
        total_s=_optional_number(data, "total_s", "total_s"),
        progress_pct=_optional_number(data, "progress_pct", "progress_pct"),
        heart_rate_bpm=_optional_number(data, "heart_rate_bpm", "heart_rate_bpm"),
        beats=_optional_int(data, "beats", "beats"),
        artifacts=_optional_int(data, "artifacts", "artifacts"),
        reason=_optional_string(data, "reason", "reason"),
        updated_at=_optional_datetime(data, "updated_at", "updated_at"),
    )


def history_from_json(data: dict[str, Any]) -> History:
    """``<base>/<collector>/<user>/history`` (contract v1.2) from a decoded payload."""
    raw_points = data.get("points")
    if not isinstance(raw_points, list):
        raise PayloadError(f"expected a list, got {raw_points!r:.40}", field="points")
    points = []
    for index, raw in enumerate(raw_points):
        field = f"points[{index}]"
        item = _object(raw, field)
        measured_at = _optional_datetime(item, "measured_at", f"{field}.measured_at")
        day = _optional_date(item, "date", f"{field}.date")
        ln_rmssd = _optional_number(item, "ln_rmssd", f"{field}.ln_rmssd")
        for name, value in (("measured_at", measured_at), ("date", day), ("ln_rmssd", ln_rmssd)):
            if value is None:
                raise PayloadError("missing", field=f"{field}.{name}")
        assert measured_at is not None  # noqa: S101 - checked above (for mypy)
        assert day is not None  # noqa: S101
        assert ln_rmssd is not None  # noqa: S101

        def number(name: str, item: dict[str, Any] = item, field: str = field) -> float | None:
            return _optional_number(item, name, f"{field}.{name}")

        points.append(
            HistoryPoint(
                date=day,
                measured_at=measured_at,
                ln_rmssd=ln_rmssd,
                resting_hr_bpm=number("resting_hr_bpm"),
                score=_optional_int(item, "score", f"{field}.score"),
                status=_optional_string(item, "status", f"{field}.status"),
                ln_rmssd_7d_mean=number("ln_rmssd_7d_mean"),
                ln_rmssd_normal_low=number("ln_rmssd_normal_low"),
                ln_rmssd_normal_high=number("ln_rmssd_normal_high"),
                ln_rmssd_swc_low=number("ln_rmssd_swc_low"),
                ln_rmssd_swc_high=number("ln_rmssd_swc_high"),
                breathing_rate_per_min=number("breathing_rate_per_min"),
                orthostatic_hr_rise_bpm=number("orthostatic_hr_rise_bpm"),
                standing_ln_rmssd=number("standing_ln_rmssd"),
            )
        )
    return History(
        collector_id=_identifier(data, "collector_id", "collector_id"),
        user=_identifier(data, "user", "user"),
        points=tuple(sorted(points, key=lambda p: p.measured_at)),
    )
