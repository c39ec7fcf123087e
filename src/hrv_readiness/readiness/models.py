"""Frozen records the readiness model takes and returns.

Units are in the names. Everything here is JSON-serialisable with
``model_dump(mode="json")``; the MQTT payload embeds :class:`Readiness`.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    ValidationError,
    field_validator,
    model_validator,
)

from hrv_readiness.readiness.errors import InvalidRecordError
from hrv_readiness.readiness.reasons import ReasonCode  # noqa: TC001 - pydantic needs it

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
#: How ill the person feels this morning (questionnaire): none, mild symptoms (a sore
#: throat, a stuffy nose) or clearly ill (fever, aches, feeling unwell all over).
IllnessLevel = Literal["none", "mild", "clear"]
ILLNESS_LEVELS: tuple[IllnessLevel, ...] = ("none", "mild", "clear")
#: The illness flag of a verdict: symptoms the person reported, or signs in the reading
#: alone (breathing rate up with resting HR up and/or HRV down) — docs/model.md rule 13.
Illness = Literal["reported", "possible"]

#: A 0-10 questionnaire answer: an int, never a bool or a float.
Rating = Annotated[int, Field(ge=0, le=10, strict=True)]
#: The longest training session a person can log, from the command line and over MQTT
#: alike (a long day in the mountains; an entry above it is a typo).
MAX_SESSION_MINUTES = 600
#: Minutes of a stored session: entries written before the bound above stay readable.
_STORED_SESSION_MINUTES = 24 * 60


def default_training_date(today: dt.date) -> dt.date:
    """The day a training entry belongs to when none is given: yesterday.

    Training is logged the morning after, next to the reading it explains; the
    command line and the MQTT ``training`` command both use this default.
    """
    return today - dt.timedelta(days=1)


#: A user id as in the config file: it ends up in MQTT topics.
UserName = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[a-z0-9_]+$")]


_LN_RMSSD_MAX = 6.5  # RMSSD ~665 ms: far beyond any human at rest
_RHR_MIN_BPM = 20.0
#: RMSSD could be off by up to this (%): beyond it the bound says nothing.
_UNCERTAINTY_MAX_PCT = 1000.0
_RHR_MAX_BPM = 220.0
#: Breathing rates the HRV engine reports (hrv.respiration.RATE_RANGE_PER_MIN).
_BREATHING_MIN_PER_MIN = 6.0
_BREATHING_MAX_PER_MIN = 30.0


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _Record(_Frozen):
    """A record a user's input reaches: a bad field raises :class:`InvalidRecordError`.

    pydantic's ``ValidationError`` is translated once, here, for every way of building
    the record (the constructor, ``model_validate``, ``model_validate_json``).
    """

    @model_validator(mode="wrap")
    @classmethod
    def _translate_errors(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:  # noqa: ANN401 - any input
        try:
            return handler(data)
        except ValidationError as err:
            first = err.errors(include_url=False)[0]
            field = ".".join(str(part) for part in first["loc"]) or "record"
            message = str(first["msg"]).removeprefix("Value error, ")
            shown = "" if first["type"] == "missing" else f" (got {first.get('input')!r})"
            more = len(err.errors()) - 1
            extra = f"; and {more} more problem(s)" if more else ""
            msg = f"{cls.__name__}.{field}: {message}{shown}{extra}"
            raise InvalidRecordError(
                msg, record=cls.__name__, field=field, problem=f"{message}{shown}"
            ) from err


class DailyReading(_Record):
    """One usable morning reading, as the model sees it.

    ``rmssd_uncertainty_pct``: how far today's RMSSD could depend on the corrections
    of its artifacts (± %, the HRV engine's ``rmssd_uncertainty_pct``); ``None`` or 0
    for a reading taken as measured (rule 15 of docs/model.md).
    """

    date: dt.date
    ln_rmssd: float
    resting_hr_bpm: float
    #: Breathing rate read off the reading's RSA (None: not estimated, or an old reading).
    breathing_rate_per_min: float | None = None
    rmssd_uncertainty_pct: Annotated[float, Field(ge=0.0, le=_UNCERTAINTY_MAX_PCT)] | None = None

    @field_validator("breathing_rate_per_min")
    @classmethod
    def _plausible_breathing(cls, value: float | None) -> float | None:
        if value is not None and (
            not math.isfinite(value)
            or not _BREATHING_MIN_PER_MIN <= value <= _BREATHING_MAX_PER_MIN
        ):
            msg = f"breathing_rate_per_min must be a finite value in [6, 30], got {value!r}"
            raise ValueError(msg)
        return value

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


class WellnessEntry(_Record):
    """How the person feels this morning (0 = none/worst ... 10 = most/best)."""

    user: UserName
    date: dt.date
    soreness: Rating
    energy: Rating
    sleep_quality: Rating
    stress: Rating
    heavy_legs: bool = False
    #: Illness symptoms: any answer but "none" outranks a normal HRV (rule 13).
    ill: IllnessLevel = "none"


class TrainingEntry(_Record):
    """One training session."""

    user: UserName
    date: dt.date
    session_type: SessionType
    effort: Rating
    duration_min: Annotated[int, Field(ge=0, le=_STORED_SESSION_MINUTES, strict=True)]


class OrthostaticTest(_Record):
    """One accepted orthostatic test, as the model sees it (docs/model.md, rules O1-O3).

    The supine half is the day's :class:`DailyReading`; these are the standing numbers
    the rules hold against the person's own earlier tests.
    """

    date: dt.date
    hr_rise_bpm: Annotated[float, Field(ge=-60.0, le=150.0, allow_inf_nan=False)]
    standing_ln_rmssd: Annotated[float, Field(ge=0.0, le=_LN_RMSSD_MAX, allow_inf_nan=False)]
    standing_hr_bpm: Annotated[float, Field(ge=_RHR_MIN_BPM, le=_RHR_MAX_BPM, allow_inf_nan=False)]


class OrthostaticBaselines(_Frozen):
    """Today's orthostatic test against the person's earlier tests, as shown and stored.

    The range fields are None while fewer than ``orthostatic_min_tests`` earlier tests
    lie in the window (Polar: six tests before advice); ``tests_needed`` says how many
    more.
    """

    tests_in_baseline: int
    tests_needed: int
    hr_rise_today_bpm: float
    hr_rise_mean_bpm: float | None = None
    hr_rise_lower_bpm: float | None = None
    hr_rise_upper_bpm: float | None = None
    standing_ln_rmssd_today: float
    standing_ln_rmssd_mean: float | None = None
    standing_ln_rmssd_lower: float | None = None
    standing_ln_rmssd_upper: float | None = None
    standing_hr_today_bpm: float
    standing_hr_mean_bpm: float | None = None
    standing_hr_lower_bpm: float | None = None
    standing_hr_upper_bpm: float | None = None


class Reason(_Frozen):
    """A machine-readable code and the sentence that explains it."""

    code: ReasonCode
    text: str


class Baselines(_Frozen):
    """The numbers today's reading was held against, as shown and stored.

    The reference fields are None only while the baseline is being built (and the
    7-day fields while there are too few recent readings); the rules work on the
    complete :class:`hrv_readiness.readiness.baseline.Reference` instead.
    """

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
    #: First morning of the fatigue episode the baseline leaves out (docs/model.md).
    held_since: dt.date | None = None
    #: Today's breathing rate and its normal range (None: not estimated / too few yet).
    breathing_today_per_min: float | None = None
    breathing_baseline_per_min: float | None = None
    breathing_upper_per_min: float | None = None


class Readiness(_Frozen):
    """The day's verdict: what to do, why, and the numbers behind it."""

    date: dt.date
    status: Status
    score: Annotated[int, Field(ge=0, le=100)] | None
    fatigue_type: FatigueType
    watch: Watch | None = None
    #: Possible illness (rule 13): reported symptoms, or signs in the reading alone.
    illness: Illness | None = None
    reasons: tuple[Reason, ...]
    advice: str
    baselines: Baselines
    readings_needed: int = 0
    #: Today's orthostatic test against earlier ones (None: no test today).
    orthostatic: OrthostaticBaselines | None = None
