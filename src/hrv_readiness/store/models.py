"""Frozen records the history store keeps: readings and MQTT outbox messages.

Wellness and training entries are the readiness model's own records
(:class:`hrv_readiness.readiness.WellnessEntry`, :class:`hrv_readiness.readiness.TrainingEntry`).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from hrv_readiness.hrv.models import BreathingQuality  # noqa: TC001 - pydantic needs it
from hrv_readiness.hrv.orthostatic import (  # noqa: TC001 - pydantic needs them at runtime
    OrthostaticMetrics,
    OrthostaticRefusal,
    OrthostaticResult,
)
from hrv_readiness.readiness.models import (
    FatigueType,
    OrthostaticTest,
    Readiness,
    Status,
    UserName,
)

Quality = Literal["good", "acceptable", "rejected"]
QUALITIES: tuple[Quality, ...] = ("good", "acceptable", "rejected")

_FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]


def _aware_utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        msg = f"datetime must carry a timezone, got naive {value.isoformat()}"
        raise ValueError(msg)
    return value.astimezone(dt.UTC)


class StoredOrthostatic(BaseModel):
    """The orthostatic part of a reading: its phase mark, and its metrics or refusal.

    ``stand_index`` is the first RR interval of the stored series that ends after the
    cue to stand (None: the cue never came), so the test can be recomputed from the
    stored RR. ``metrics`` is None exactly when ``refusal`` is set.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    stand_index: Annotated[int, Field(ge=1)] | None
    metrics: OrthostaticMetrics | None = None
    refusal: OrthostaticRefusal | None = None
    reason: str | None = None

    @model_validator(mode="after")
    def _metrics_or_refusal(self) -> StoredOrthostatic:
        if (self.metrics is None) == (self.refusal is None):
            msg = "an orthostatic test has either metrics or a refusal, not both or neither"
            raise ValueError(msg)
        return self

    def test_on(self, day: dt.date) -> OrthostaticTest | None:
        """The readiness model's view of the test on ``day`` (None: refused)."""
        if self.metrics is None:
            return None
        return OrthostaticTest(
            date=day,
            hr_rise_bpm=self.metrics.hr_rise_bpm,
            standing_ln_rmssd=self.metrics.standing_ln_rmssd,
            standing_hr_bpm=self.metrics.standing_hr_bpm,
        )

    @classmethod
    def from_result(cls, result: OrthostaticResult) -> StoredOrthostatic:
        return cls(
            stand_index=result.stand_index,
            metrics=result.metrics,
            refusal=result.refusal,
            reason=result.reason,
        )


class StoredReading(BaseModel):
    """One morning measurement as stored: RR, metrics, quality and the verdict of the day.

    ``date`` is the local morning the reading belongs to (the caller decides it;
    a reading at 00:30 UTC may belong to the previous local day). ``readiness`` is
    the verdict computed when the reading was taken, so a report shows history as
    it was decided, not as today's settings would decide it.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    user: UserName
    measured_at: dt.datetime
    date: dt.date
    duration_s: Annotated[float, Field(ge=0.0, allow_inf_nan=False)]
    rr_ms: tuple[_FiniteFloat, ...]
    rmssd_ms: _FiniteFloat | None = None
    ln_rmssd: _FiniteFloat | None = None
    sdnn_ms: _FiniteFloat | None = None
    mean_hr_bpm: _FiniteFloat | None = None
    artifact_pct: Annotated[float, Field(ge=0.0, le=100.0, allow_inf_nan=False)] = 0.0
    quality: Quality
    quality_reason: str = ""
    source: str = ""
    readiness: Readiness | None = None
    #: pNN50 of the analysed RR (``None`` for a rejected reading or an old import).
    pnn50_pct: Annotated[float, Field(ge=0.0, le=100.0, allow_inf_nan=False)] | None = None
    #: Beats the HRV engine analysed (``None``: as many as ``rr_ms`` holds).
    beats: Annotated[int, Field(ge=0)] | None = None
    #: The strap's Bluetooth address and battery level when it measured (its name is
    #: ``source``).
    strap_address: str | None = None
    battery_pct: Annotated[int, Field(ge=0, le=100)] | None = None
    #: The orthostatic test this reading was part of (None: a plain reading); the
    #: metrics above are then those of its supine window.
    orthostatic: StoredOrthostatic | None = None
    #: Breathing rate read off the reading (breaths/min) and, when there is none, why
    #: (``None`` for both: a rejected reading or one stored before breathing was read).
    breathing_rate_per_min: Annotated[float, Field(ge=6.0, le=30.0)] | None = None
    breathing_quality: BreathingQuality | None = None

    @field_validator("measured_at")
    @classmethod
    def _utc(cls, value: dt.datetime) -> dt.datetime:
        return _aware_utc(value)

    @field_validator("rr_ms")
    @classmethod
    def _positive_rr(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        bad = [v for v in value if not (v > 0.0 and math.isfinite(v))]
        if bad:
            msg = f"RR intervals must be positive finite ms, got {bad[0]!r}"
            raise ValueError(msg)
        return value

    @property
    def usable(self) -> bool:
        """True when the reading can enter the readiness history."""
        return (
            self.quality != "rejected"
            and self.ln_rmssd is not None
            and self.mean_hr_bpm is not None
        )

    def orthostatic_test(self) -> OrthostaticTest | None:
        """The readiness model's view of an accepted orthostatic test (None otherwise)."""
        if not self.usable or self.orthostatic is None:
            return None
        return self.orthostatic.test_on(self.date)

    @property
    def status(self) -> Status | None:
        return self.readiness.status if self.readiness is not None else None

    @property
    def score(self) -> int | None:
        return self.readiness.score if self.readiness is not None else None

    @property
    def fatigue_type(self) -> FatigueType | None:
        return self.readiness.fatigue_type if self.readiness is not None else None


class OutboxMessage(BaseModel):
    """An MQTT message waiting to be published (stored in the same transaction as its cause)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: int | None = None
    topic: Annotated[str, Field(min_length=1)]
    payload: bytes
    qos: Literal[0, 1, 2] = 1
    retain: bool = False
    created_at: dt.datetime

    @field_validator("created_at")
    @classmethod
    def _utc(cls, value: dt.datetime) -> dt.datetime:
        return _aware_utc(value)
