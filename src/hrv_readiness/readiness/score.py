"""The 0-100 score: a continuous gauge, shown inside the band of the status.

``gauge`` is 100 minus penalties, each a continuous, capped function of how far a
value sits on the bad side of its baseline; being on the good side earns nothing.
So within one status the score moves smoothly with its inputs, lowering today's
lnRMSSD or worsening an answer never raises it, and the only jumps are where the
status changes: ``shown`` clamps the gauge into the band of the status
(docs/model.md, "The score").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hrv_readiness.readiness.baseline import Reference, Week
    from hrv_readiness.readiness.models import DailyReading, Status, WellnessEntry
    from hrv_readiness.readiness.settings import ReadinessSettings


@dataclass(frozen=True, slots=True, kw_only=True)
class Penalties:
    """Points lost, by cause (docs/model.md lists the formulas)."""

    trend: float
    today: float
    resting_hr: float
    subjective: float
    heavy_legs: float

    @property
    def gauge(self) -> float:
        total = self.trend + self.today + self.resting_hr + self.subjective + self.heavy_legs
        return max(0.0, min(100.0, 100.0 - total))


def _capped(points: float, cap: float) -> float:
    return max(0.0, min(cap, points))


def penalties(
    *,
    today: DailyReading,
    week: Week | None,
    reference: Reference,
    wellness: WellnessEntry | None,
    settings: ReadinessSettings,
) -> Penalties:
    ref = reference
    sd = max(ref.ln_rmssd_sd, settings.score_min_baseline_sd)
    z_today = (today.ln_rmssd - ref.ln_rmssd_mean) / sd
    # Too few recent readings: there is no trend, and today is counted once, as a day.
    trend = 0.0
    if week is not None:
        z_trend = (week.ln_rmssd_mean - ref.ln_rmssd_mean) / sd
        trend = _capped(
            settings.score_trend_points_per_sd * -z_trend, settings.score_trend_max_points
        )
    day = _capped(settings.score_today_points_per_sd * -z_today, settings.score_today_max_points)
    rhr_half_width = ref.resting_hr_upper_bpm - ref.resting_hr_mean_bpm
    resting_hr = 0.0
    if rhr_half_width > 0:
        excess = (today.resting_hr_bpm - ref.resting_hr_mean_bpm) / rhr_half_width
        resting_hr = _capped(
            settings.score_rhr_points_at_upper * excess, settings.score_rhr_max_points
        )
    subjective = heavy = 0.0
    if wellness is not None:
        burden = (
            wellness.soreness
            + (10 - wellness.energy)
            + (10 - wellness.sleep_quality)
            + wellness.stress
        ) / 40.0
        subjective = settings.score_subjective_max_points * burden
        heavy = settings.score_heavy_legs_points if wellness.heavy_legs else 0.0
    return Penalties(
        trend=trend, today=day, resting_hr=resting_hr, subjective=subjective, heavy_legs=heavy
    )


def band(status: Status, settings: ReadinessSettings) -> tuple[int, int]:
    """The scores a status may show: ready 60-100, caution 30-59, rest 0-29 by default."""
    if status == "rest":
        return 0, settings.score_rest_below - 1
    if status == "caution":
        return settings.score_rest_below, settings.score_caution_below - 1
    return settings.score_caution_below, 100


def shown(gauge: float, status: Status, settings: ReadinessSettings) -> int:
    """The gauge shown inside the band of ``status``, continuously.

    A ``ready`` day's gauge is already in its band (rule 11), so it is shown as it is.
    A ``caution`` or ``rest`` day may have any gauge (a rule decided it), so the whole
    gauge 0-100 is scaled linearly into the band: the score still moves with every
    input instead of resting at the top of the band (docs/model.md, "The score").
    """
    low, high = band(status, settings)
    if status == "ready":
        return max(low, min(high, round(gauge)))
    return max(low, min(high, round(low + (high - low) * gauge / 100.0)))
