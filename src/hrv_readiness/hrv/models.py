"""Frozen result models of the HRV engine (units in the names)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

QualityLevel = Literal["good", "acceptable", "rejected"]
#: Whether a breathing rate could be read off the reading (docs/hrv.md).
BreathingQuality = Literal[
    "good", "too_short", "too_many_artifacts", "out_of_range", "no_clear_peak"
]


class ArtifactCounts(BaseModel):
    """Artifacts found and corrected, per Lipponen–Tarvainen class.

    Each count is an *event*: one ectopic beat (a misplaced R peak, which disturbs
    two intervals), one missed beat, one extra beat, or one long/short interval that is
    none of those. ``artifact_pct`` is their sum over the number of input intervals.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    ectopic: int = Field(ge=0)
    missed: int = Field(ge=0)
    extra: int = Field(ge=0)
    long_short: int = Field(ge=0)
    artifact_pct: float = Field(ge=0.0)

    @property
    def total(self) -> int:
        return self.ectopic + self.missed + self.extra + self.long_short


class Quality(BaseModel):
    """How far the reading can be trusted; ``reason`` says why when not ``good``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    level: QualityLevel
    reason: str | None = None


class HrvResult(BaseModel):
    """HRV of one reading.

    Every metric is ``None`` exactly when ``quality.level == "rejected"``: a bad
    reading never leaves with a confident number.

    Conventions (docs/model.md):

    * ``rmssd_ms`` = sqrt(mean(ΔNN²)) over *valid* successive differences only: a
      difference touching a corrected interval is left out, never invented by splicing
      (NeuroKit2 PR #720).
    * ``sdnn_ms``: sample SD (ddof = 1) of the cleaned NN series.
    * ``pnn50_pct``: share of valid successive differences > 50 ms, denominator = number
      of valid differences (hrv-analysis / pyhrv convention).
    * ``mean_hr_bpm`` = 60000 / mean(NN): beats over elapsed time, which is what a
      resting heart rate is (not mean(60000/NN), which over-weights short beats).
    * ``sd1_ms`` = SDSD/√2, ``sd2_ms`` = sqrt(2·SDNN² − SDSD²/2) (Brennan 2001), SDSD with
      ddof = 1.
    * ``beats`` is the number of NN intervals after correction (``len(nn_ms)``).
    * ``rmssd_uncertainty_pct``: how far RMSSD could move with the corrections, in % of
      it — the largest gap to the RMSSD that leaves every difference touching a
      correction out, or keeps them all (docs/hrv.md). 0 when nothing was corrected;
      ``None`` for a rejected reading.
    * ``lf_power_ms2`` / ``hf_power_ms2`` / ``lf_hf_ratio`` / ``dfa_alpha1`` are filled
      only when asked for (``analyze(..., frequency_domain=True)``): Lomb–Scargle band
      powers and DFA α1, see :mod:`hrv_readiness.hrv.frequency`.
    * ``breathing_rate_per_min``: dominant breathing rate read off the respiratory sinus
      arrhythmia (:mod:`hrv_readiness.hrv.respiration`); ``None`` unless
      ``breathing_quality == "good"``, and both ``None`` for a rejected reading.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    rmssd_ms: float | None
    ln_rmssd: float | None
    sdnn_ms: float | None
    pnn50_pct: float | None
    mean_rr_ms: float | None
    mean_hr_bpm: float | None
    sd1_ms: float | None
    sd2_ms: float | None
    beats: int = Field(ge=0)
    artifacts: ArtifactCounts
    quality: Quality
    nn_ms: tuple[float, ...]
    rmssd_uncertainty_pct: float | None = None
    lf_power_ms2: float | None = None
    hf_power_ms2: float | None = None
    lf_hf_ratio: float | None = None
    dfa_alpha1: float | None = None
    breathing_rate_per_min: float | None = None
    breathing_quality: BreathingQuality | None = None

    @property
    def usable(self) -> bool:
        """Whether the reading gave numbers (its quality is not ``rejected``)."""
        return self.quality.level != "rejected"
