"""Pydantic models of every JSON payload of the MQTT contract, schema version 1.

The contract itself is docs/mqtt.md; the JSON Schemas in ``schemas/`` are generated
from these models (``python -m hrv_readiness.mqtt.schema_export``) and committed, and the
tests check both that what the collector publishes validates against them and that the
examples in docs/mqtt.md do. Field names are the contract: add, never rename.

Outgoing payloads forbid unknown fields so a drift between code and schema fails a
test; consumers (the Home Assistant integration) ignore fields they do not know.
Incoming command payloads are strict (no ``"5"`` for 5, no ``true`` for 1) and forbid
unknown fields so a typo is rejected instead of silently dropped.
"""

from __future__ import annotations

import datetime as dt  # noqa: TC003 - pydantic needs it at runtime
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StrictBool,
    StrictInt,
    StrictStr,
    WithJsonSchema,
)

from hrv_readiness.readiness.models import MAX_SESSION_MINUTES
from hrv_readiness.readiness.reasons import ReasonCode

SCHEMA_VERSION: Literal[1] = 1


def _iso(value: dt.datetime) -> str:
    # isoformat() keeps "+00:00" (pydantic would write "Z"); the contract's examples
    # and Python < 3.11 consumers expect the offset form.
    return value.isoformat()


#: An aware timestamp, written as ISO 8601 with its UTC offset.
Timestamp = Annotated[
    AwareDatetime,
    PlainSerializer(_iso, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date-time",
            "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}$",
        }
    ),
]
Identifier = Annotated[str, Field(pattern=r"^[a-z0-9_]{1,64}$")]
RequestId = Annotated[StrictStr, Field(min_length=1, max_length=64)]
Percent = Annotated[float, Field(ge=0, le=100)]

QualityLevel = Literal["good", "acceptable", "rejected"]
ReadinessStatus = Literal["ready", "caution", "rest", "building_baseline"]
FatigueType = Literal[
    "recovered", "muscular", "nervous_system", "combined", "overreaching", "unknown"
]
Watch = Literal["parasympathetic_saturation"]
#: v1.4: the verdict's illness flag and the questionnaire's illness answer.
Illness = Literal["reported", "possible"]
IllnessLevel = Literal["none", "mild", "clear"]
#: v1.4: why a reading has no breathing rate (``good`` when it has one).
BreathingQuality = Literal[
    "good", "too_short", "too_many_artifacts", "out_of_range", "no_clear_peak"
]
MeasurementState = Literal[
    "idle",
    "waiting_for_strap",
    "connecting",
    "waiting_for_contact",
    "settling",
    "recording",
    "complete",
    "aborted",
    "failed",
]
EventType = Literal[
    "measurement_started",
    "measurement_completed",
    "measurement_rejected",
    "measurement_failed",
    "command_accepted",
    "command_rejected",
    "stand_up",
]
#: The one vocabulary of commands (topics, schemas, the daemon, Home Assistant's actions).
CommandName = Literal[
    "measure", "wellness", "training", "recompute", "delete", "undo", "rename", "remove"
]
COMMAND_NAMES: tuple[CommandName, ...] = (
    "measure",
    "wellness",
    "training",
    "recompute",
    "delete",
    "undo",
    "rename",
    "remove",
)
#: What a ``delete`` command removes from a morning (v1.5).
DeleteEntry = Literal["reading", "questionnaire", "training", "all"]
SessionType = Literal["heavy_compound", "explosive", "intervals", "endurance", "isolation", "rest"]


class _Outgoing(BaseModel):
    # Every field of an outgoing payload is always written, so the schema requires it.
    model_config = ConfigDict(
        frozen=True, extra="forbid", json_schema_serialization_defaults_required=True
    )

    def to_bytes(self) -> bytes:
        """The payload as published: compact UTF-8 JSON."""
        return self.model_dump_json().encode()


class AnnouncedUser(_Outgoing):
    id: Identifier
    name: Annotated[str, Field(min_length=1, max_length=100)]


class AnnouncePayload(_Outgoing):
    """``<base>/<collector>/announce`` (retained): who this collector is."""

    schema_version: Literal[1] = SCHEMA_VERSION
    collector_id: Identifier
    name: str
    sw_version: str
    users: tuple[AnnouncedUser, ...]
    discovery: bool


OrthostaticRefusal = Literal[
    "no_cue",
    "supine_short",
    "supine_rejected",
    "no_stand",
    "standing_short",
    "standing_rejected",
]


class OrthostaticPayload(_Outgoing):
    """v1.3: the orthostatic part of a reading (docs/model.md, "The orthostatic test").

    Every metric is ``null`` exactly when ``refusal`` says why the test gave none; the
    reading's own metrics are then still those of its supine window.
    """

    refusal: OrthostaticRefusal | None
    reason: str | None
    supine_ln_rmssd: float | None
    supine_hr_bpm: Annotated[float, Field(gt=0)] | None
    standing_rmssd_ms: Annotated[float, Field(ge=0)] | None
    standing_ln_rmssd: float | None
    standing_hr_bpm: Annotated[float, Field(gt=0)] | None
    peak_hr_bpm: Annotated[float, Field(gt=0)] | None
    time_to_peak_s: Annotated[float, Field(ge=0)] | None
    hr_rise_bpm: float | None
    standing_hr_rise_bpm: float | None
    rmssd_ratio: Annotated[float, Field(ge=0)] | None
    hr_ratio: Annotated[float, Field(gt=0)] | None


class ReadingPayload(_Outgoing):
    """One morning reading. Metrics are ``null`` when the reading was rejected."""

    measured_at: Timestamp
    date: dt.date
    duration_s: Annotated[float, Field(ge=0)]
    beats: Annotated[int, Field(ge=0)]
    rmssd_ms: Annotated[float, Field(ge=0)] | None
    ln_rmssd: float | None
    sdnn_ms: Annotated[float, Field(ge=0)] | None
    pnn50_pct: Percent | None
    resting_hr_bpm: Annotated[float, Field(gt=0)] | None
    artifact_pct: Percent | None
    quality: QualityLevel
    quality_reason: str | None
    #: v1.3: ``null`` for a plain reading.
    orthostatic: OrthostaticPayload | None = None
    # Added in v1.4 (the illness watch):
    breathing_rate_per_min: Annotated[float, Field(ge=0)] | None = None
    breathing_quality: BreathingQuality | None = None


#: The readiness model's closed set of reason codes (hrv_readiness.readiness.reasons),
#: plus the placeholder of a reading that has no verdict yet.
StateReasonCode = Literal[ReasonCode, "not_assessed"]


class ReasonPayload(_Outgoing):
    code: StateReasonCode
    text: str


class BaselinePayload(_Outgoing):
    """The person's own normal range; every field ``null`` while it is being built."""

    ln_rmssd_7d_mean: float | None = None
    ln_rmssd_normal_low: float | None = None
    ln_rmssd_normal_high: float | None = None
    ln_rmssd_swc_low: float | None = None
    ln_rmssd_swc_high: float | None = None
    ln_rmssd_7d_cv_pct: Annotated[float, Field(ge=0)] | None = None
    resting_hr_baseline_bpm: float | None = None
    resting_hr_normal_low_bpm: float | None = None
    resting_hr_normal_high_bpm: float | None = None
    # Added in v1 after the first draft (consumers ignore what they do not know):
    ln_rmssd_baseline_mean: float | None = None
    ln_rmssd_baseline_sd: Annotated[float, Field(ge=0)] | None = None
    resting_hr_7d_mean_bpm: float | None = None
    readings_in_7d: Annotated[int, Field(ge=0)] = 0
    readings_in_baseline: Annotated[int, Field(ge=0)] = 0
    # Added in v1.4 (the illness watch): the breathing rate's mean and upper edge.
    breathing_baseline_per_min: float | None = None
    breathing_normal_high_per_min: float | None = None


class OrthostaticBaselinePayload(_Outgoing):
    """v1.3: today's orthostatic test against the person's earlier tests.

    The ranges are ``null`` while ``tests_needed`` is above 0 (six earlier tests first).
    """

    tests_in_baseline: Annotated[int, Field(ge=0)]
    tests_needed: Annotated[int, Field(ge=0)]
    hr_rise_bpm: float
    hr_rise_normal_low_bpm: float | None
    hr_rise_normal_high_bpm: float | None
    standing_ln_rmssd: float
    standing_ln_rmssd_normal_low: float | None
    standing_ln_rmssd_normal_high: float | None
    standing_hr_bpm: float
    standing_hr_normal_low_bpm: float | None
    standing_hr_normal_high_bpm: float | None


class ReadinessPayload(_Outgoing):
    status: ReadinessStatus
    score: Annotated[int, Field(ge=0, le=100)] | None
    fatigue_type: FatigueType
    watch: Watch | None
    reasons: tuple[ReasonPayload, ...]
    advice: str | None
    readings_needed: Annotated[int, Field(ge=0)]
    baseline: BaselinePayload
    #: v1.3: ``null`` without an orthostatic test that morning.
    orthostatic: OrthostaticBaselinePayload | None = None
    # Added in v1.4: possible illness (rule 13 of docs/model.md), or null.
    illness: Illness | None = None


class StrapPayload(_Outgoing):
    name: str | None
    address: str | None
    battery_pct: Annotated[int, Field(ge=0, le=100)] | None


class StatePayload(_Outgoing):
    """``<base>/<collector>/<user>/state`` (retained): latest reading and readiness."""

    schema_version: Literal[1] = SCHEMA_VERSION
    collector_id: Identifier
    user: Identifier
    published_at: Timestamp
    reading: ReadingPayload
    readiness: ReadinessPayload
    strap: StrapPayload | None


class MeasurementPayload(_Outgoing):
    """``<base>/<collector>/<user>/measurement`` (retained): the measurement under way."""

    schema_version: Literal[1] = SCHEMA_VERSION
    state: MeasurementState
    elapsed_s: Annotated[float, Field(ge=0)]
    total_s: Annotated[float, Field(ge=0)]
    progress_pct: Annotated[int, Field(ge=0, le=100)]
    heart_rate_bpm: Annotated[int, Field(ge=0, le=300)] | None
    beats: Annotated[int, Field(ge=0)]
    artifacts: Annotated[int, Field(ge=0)]
    reason: str | None
    updated_at: Timestamp


#: Mornings kept in the retained ``history`` payload (enough for a 60-day chart).
HISTORY_DAYS = 90


class HistoryPointPayload(_Outgoing):
    """One morning of the history: the reading that counted and that day's verdict.

    Metrics the day had no value for (a baseline still being built) are ``null``.
    """

    date: dt.date
    measured_at: Timestamp
    ln_rmssd: float
    rmssd_ms: Annotated[float, Field(ge=0)] | None
    resting_hr_bpm: Annotated[float, Field(gt=0)] | None
    score: Annotated[int, Field(ge=0, le=100)] | None
    status: ReadinessStatus | None
    fatigue_type: FatigueType | None
    ln_rmssd_7d_mean: float | None
    ln_rmssd_normal_low: float | None
    ln_rmssd_normal_high: float | None
    ln_rmssd_swc_low: float | None
    ln_rmssd_swc_high: float | None
    # Added in v1.4:
    breathing_rate_per_min: float | None = None
    # Added in v1.6: that morning's accepted orthostatic test (null: none).
    orthostatic_hr_rise_bpm: float | None = None
    standing_ln_rmssd: float | None = None


class HistoryPayload(_Outgoing):
    """``<base>/<collector>/<user>/history`` (retained, v1.2): the last mornings, oldest first.

    At most one point per date (the reading that counted that morning) and at most
    ``days`` dates back from the newest; the whole list is republished after every new
    reading, so a consumer replaces what it had (importing twice adds nothing).
    """

    schema_version: Literal[1] = SCHEMA_VERSION
    collector_id: Identifier
    user: Identifier
    published_at: Timestamp
    days: Annotated[int, Field(ge=1)]
    points: tuple[HistoryPointPayload, ...]


DetailValue = str | int | float | bool | None


class EventPayload(_Outgoing):
    """``<base>/<collector>/<user>/event`` (not retained)."""

    schema_version: Literal[1] = SCHEMA_VERSION
    type: EventType
    user: str
    at: Timestamp
    request_id: str | None = None
    detail: dict[str, DetailValue] = Field(default_factory=dict)


# --- commands (incoming) -------------------------------------------------------------

Score0to10 = Annotated[StrictInt, Field(ge=0, le=10)]


class _Incoming(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    request_id: RequestId | None = None


class MeasureCommandPayload(_Incoming):
    """``.../command/measure``: start a measurement now."""

    #: v1.6: an orthostatic test (lying, the cue to stand, standing) instead of the
    #: plain reading.
    orthostatic: StrictBool = False


class RecomputeCommandPayload(_Incoming):
    """``.../command/recompute``: recompute and republish the state."""


class WellnessCommandPayload(_Incoming):
    """``.../command/wellness``: how the person feels (0 = none/worst scale end, 10 = most)."""

    date: dt.date | None = None
    soreness: Score0to10
    energy: Score0to10
    sleep_quality: Score0to10
    stress: Score0to10
    heavy_legs: StrictBool | None = None
    #: v1.4: illness symptoms (absent: none).
    ill: IllnessLevel | None = None


class TrainingCommandPayload(_Incoming):
    """``.../command/training``: what was trained (default date: yesterday)."""

    date: dt.date | None = None
    session_type: SessionType
    effort: Score0to10
    duration_min: Annotated[StrictInt, Field(ge=0, le=MAX_SESSION_MINUTES)]


class DeleteCommandPayload(_Incoming):
    """``.../command/delete`` (v1.5): move a morning's entry to the trash and recompute."""

    date: dt.date
    entry: DeleteEntry


class UndoCommandPayload(_Incoming):
    """``.../command/undo`` (v1.5): put back the user's last deleted or replaced entry."""


class RenameCommandPayload(_Incoming):
    """``.../command/rename`` (v1.7): give the user's whole history to the user ``to``.

    ``to`` is another user of this collector, without a history of their own; ``undo``
    renames back.
    """

    to: Identifier


class RemoveCommandPayload(_Incoming):
    """``.../command/remove`` (v1.7): move the user's whole history to the trash (undoable)."""


COMMAND_PAYLOADS: dict[CommandName, type[_Incoming]] = {
    "measure": MeasureCommandPayload,
    "wellness": WellnessCommandPayload,
    "training": TrainingCommandPayload,
    "recompute": RecomputeCommandPayload,
    "delete": DeleteCommandPayload,
    "undo": UndoCommandPayload,
    "rename": RenameCommandPayload,
    "remove": RemoveCommandPayload,
}

#: Schema file name -> model, for the exporter and the tests.
SCHEMA_MODELS: dict[str, type[BaseModel]] = {
    "announce": AnnouncePayload,
    "state": StatePayload,
    "measurement": MeasurementPayload,
    "event": EventPayload,
    "history": HistoryPayload,
    "command_measure": MeasureCommandPayload,
    "command_wellness": WellnessCommandPayload,
    "command_training": TrainingCommandPayload,
    "command_recompute": RecomputeCommandPayload,
    "command_delete": DeleteCommandPayload,
    "command_undo": UndoCommandPayload,
    "command_rename": RenameCommandPayload,
    "command_remove": RemoveCommandPayload,
}


def json_schema(name: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one payload, as committed in ``schemas/``."""
    model = SCHEMA_MODELS[name]
    mode: Literal["validation", "serialization"] = (
        "validation" if name.startswith("command_") else "serialization"
    )
    schema = model.model_json_schema(mode=mode)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://hrv-readiness.local/mqtt/v1/{name}.json",
        **schema,
    }
