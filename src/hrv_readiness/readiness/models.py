"""Frozen records the readiness model takes and returns.

Units are in the names. Everything here is JSON-serialisable with
``model_dump(mode="json")``; the MQTT payload embeds :class:`Readiness`.
"""

from __future__ import annotations

import datetime as dt  # noqa: TC003 - pydantic needs it at runtime
import math
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

#: Session types of the training log, from the coaching articles (docs/model.md): heavy
#: compound lifts, explosive work and intervals load the nervous system; isolation work
#: loads muscles.
SessionType = Literal["heavy_compound", "explosive", "intervals", "endurance", "isolation", "rest"]
SESSION_TYPES: tuple[SessionType, ...] = (
    "heavy_compound",
    "explosive",
    "intervals",
    "endurance",
    "isolation",
    "rest",
)
#: Sessions that demand high neural drive (coaching articles; Schmitt et al. 2015).
SYSTEMIC_SESSION_TYPES: frozenset[str] = frozenset({"heavy_compound", "explosive", "intervals"})

Status = Literal["ready", "caution", "rest", "building_baseline"]
FatigueType = Literal[
    "recovered", "muscular", "nervous_system", "combined", "overreaching", "unknown"
]
Watch = Literal["parasympathetic_saturation"]

#: A 0-10 questionnaire answer: an int, never a bool or a float.
Rating = Annotated[int, Field(ge=0, le=10, strict=True)]
#: A user id as in the config file: it ends up in MQTT topics.
UserName = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[a-z0-9_]+$")]


_LN_RMSSD_MAX = 6.5  # RMSSD ~665 ms: far beyond any human at rest
_RHR_MIN_BPM = 20.0
_RHR_MAX_BPM = 220.0


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DailyReading(_Frozen):
    """One usable morning reading, as the model sees it."""

    date: dt.date
    ln_rmssd: float
    resting_hr_bpm: float

    @field_validator("ln_rmssd")
    @classmethod
    def _plausible_ln_rmssd(cls, value: float) -> float:
        if not math.isfinite(value) or not 0.0 <= value <= _LN_RMSSD_MAX:
            msg = f"ln_rmssd must be a finite value in [0, 6.5], got {value!r}"
            raise ValueError(msg)
        return value

    @field_validator("resting_hr_bpm")
    @classmethod
    def _plausible_rhr(cls, value: float) -> float:
        if not math.isfinite(value) or not _RHR_MIN_BPM <= value <= _RHR_MAX_BPM:
            msg = f"resting_hr_bpm must be a finite value in [20, 220], got {value!r}"
            raise ValueError(msg)
        return value


class WellnessEntry(_Frozen):
    """How the person feels this morning (0 = none/worst ... 10 = most/best)."""

    user: UserName
    date: dt.date
    soreness: Rating
    energy: Rating
    sleep_quality: Rating
    stress: Rating
    heavy_legs: bool = False


class TrainingEntry(_Frozen):
    """One training session."""

    user: UserName
    date: dt.date
    session_type: SessionType
    effort: Rating
    duration_min: Annotated[int, Field(ge=0, le=24 * 60, strict=True)]


class Reason(_Frozen):
    """A machine-readable code and the sentence that explains it."""

    code: str
    text: str


class Baselines(_Frozen):
    """The numbers today's reading was held against (None while unavailable)."""

    ln_rmssd_today: float
    ln_rmssd_7d_mean: float | None
    readings_in_7d: int
    ln_rmssd_7d_cv_pct: float | None
    ln_rmssd_baseline_mean: float | None
    ln_rmssd_baseline_sd: float | None
    swc_lower: float | None
    swc_upper: float | None
    normal_lower: float | None
    normal_upper: float | None
    resting_hr_today_bpm: float
    resting_hr_7d_mean_bpm: float | None
    resting_hr_baseline_bpm: float | None
    resting_hr_lower_bpm: float | None
    resting_hr_upper_bpm: float | None
    readings_in_baseline: int


class Readiness(_Frozen):
    """The day's verdict: what to do, why, and the numbers behind it."""

    date: dt.date
    status: Status
    score: Annotated[int, Field(ge=0, le=100)] | None
    fatigue_type: FatigueType
    watch: Watch | None = None
    reasons: tuple[Reason, ...]
    advice: str
    baselines: Baselines
    readings_needed: int = 0
