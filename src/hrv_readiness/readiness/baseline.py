"""Rolling statistics of a person's own history: the baselines today is held against.

Windows are in calendar days, not readings, so a missed morning shortens a window
instead of stretching it back in time. Every window ends on today's date; "history"
is the set of earlier readings and never contains today.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np

from hrv_readiness.readiness.models import Baselines, DailyReading

if TYPE_CHECKING:
    from collections.abc import Sequence

    from hrv_readiness.readiness.settings import ReadinessSettings


def in_window(readings: Sequence[DailyReading], *, end: dt.date, days: int) -> list[DailyReading]:
    """Readings dated within the ``days`` calendar days ending on ``end`` (inclusive)."""
    start = end - dt.timedelta(days=days - 1)
    return [r for r in readings if start <= r.date <= end]


def mean_sd(values: Sequence[float]) -> tuple[float, float] | None:
    """Mean and sample SD (ddof = 1); None with fewer than two values."""
    if len(values) < 2:  # noqa: PLR2004 - a sample SD needs two values
        return None
    array = np.asarray(values, dtype=np.float64)
    return float(array.mean()), float(array.std(ddof=1))


def coefficient_of_variation_pct(values: Sequence[float]) -> float | None:
    """SD / mean x 100 of lnRMSSD values (Plews et al. 2012 track it over 7 days)."""
    stats = mean_sd(values)
    if stats is None or stats[0] == 0.0:
        return None
    return stats[1] / stats[0] * 100.0


def compute_baselines(
    *, history: Sequence[DailyReading], today: DailyReading, settings: ReadinessSettings
) -> Baselines:
    """All baselines for ``today`` from the earlier ``history`` (pure)."""
    with_today = [*history, today]
    recent = in_window(with_today, end=today.date, days=settings.rolling_window_days)
    rolling_mean: float | None = None
    rolling_rhr: float | None = None
    cv_pct: float | None = None
    if len(recent) >= settings.rolling_min_readings:
        rolling_mean = float(np.mean([r.ln_rmssd for r in recent]))
        rolling_rhr = float(np.mean([r.resting_hr_bpm for r in recent]))
        cv_pct = coefficient_of_variation_pct([r.ln_rmssd for r in recent])

    # The SWC and normal-range baselines are built from earlier mornings only, so
    # today's value is judged against them rather than pulling them along.
    swc_window = in_window(
        history, end=today.date - dt.timedelta(days=1), days=settings.swc_baseline_days
    )
    normal_window = in_window(
        history, end=today.date - dt.timedelta(days=1), days=settings.normal_range_days
    )
    swc_stats = mean_sd([r.ln_rmssd for r in swc_window])
    normal_stats = mean_sd([r.ln_rmssd for r in normal_window])
    rhr_stats = mean_sd([r.resting_hr_bpm for r in normal_window])

    swc_lower = swc_upper = baseline_mean = baseline_sd = None
    if swc_stats is not None:
        baseline_mean, baseline_sd = swc_stats
        swc_lower = baseline_mean - settings.swc_sd_factor * baseline_sd
        swc_upper = baseline_mean + settings.swc_sd_factor * baseline_sd
    normal_lower = normal_upper = None
    if normal_stats is not None:
        half = settings.normal_range_sd_factor * normal_stats[1]
        normal_lower, normal_upper = normal_stats[0] - half, normal_stats[0] + half
    rhr_mean = rhr_lower = rhr_upper = None
    if rhr_stats is not None:
        rhr_mean = rhr_stats[0]
        half = max(settings.rhr_range_sd_factor * rhr_stats[1], settings.rhr_min_half_width_bpm)
        rhr_lower, rhr_upper = rhr_mean - half, rhr_mean + half

    return Baselines(
        ln_rmssd_today=today.ln_rmssd,
        ln_rmssd_7d_mean=rolling_mean,
        readings_in_7d=len(recent),
        ln_rmssd_7d_cv_pct=cv_pct,
        ln_rmssd_baseline_mean=baseline_mean,
        ln_rmssd_baseline_sd=baseline_sd,
        swc_lower=swc_lower,
        swc_upper=swc_upper,
        normal_lower=normal_lower,
        normal_upper=normal_upper,
        resting_hr_today_bpm=today.resting_hr_bpm,
        resting_hr_7d_mean_bpm=rolling_rhr,
        resting_hr_baseline_bpm=rhr_mean,
        resting_hr_lower_bpm=rhr_lower,
        resting_hr_upper_bpm=rhr_upper,
        readings_in_baseline=len(normal_window),
    )
