"""Baselines against a slow, obviously-correct reference (the statistics module)."""

from __future__ import annotations

import datetime as dt
import math
import statistics

import pytest

from hrv_readiness.readiness import DailyReading, ReadinessSettings
from hrv_readiness.readiness.baseline import coefficient_of_variation_pct, compute_baselines

from .histories import Person, generate


def _naive(
    history: list[DailyReading], today: DailyReading, s: ReadinessSettings
) -> dict[str, float | None]:
    def days_ago(r: DailyReading) -> int:
        return (today.date - r.date).days

    recent = [r.ln_rmssd for r in [*history, today] if days_ago(r) < s.rolling_window_days]
    recent_hr = [r.resting_hr_bpm for r in [*history, today] if days_ago(r) < s.rolling_window_days]
    swc = [r.ln_rmssd for r in history if 1 <= days_ago(r) <= s.swc_baseline_days]
    normal = [r.ln_rmssd for r in history if 1 <= days_ago(r) <= s.normal_range_days]
    hr = [r.resting_hr_bpm for r in history if 1 <= days_ago(r) <= s.normal_range_days]
    ok = len(recent) >= s.rolling_min_readings
    hr_half = max(s.rhr_range_sd_factor * statistics.stdev(hr), s.rhr_min_half_width_bpm)
    return {
        "ln_rmssd_7d_mean": statistics.fmean(recent) if ok else None,
        "resting_hr_7d_mean_bpm": statistics.fmean(recent_hr) if ok else None,
        "ln_rmssd_7d_cv_pct": statistics.stdev(recent) / statistics.fmean(recent) * 100
        if ok
        else None,
        "swc_lower": statistics.fmean(swc) - s.swc_sd_factor * statistics.stdev(swc),
        "swc_upper": statistics.fmean(swc) + s.swc_sd_factor * statistics.stdev(swc),
        "normal_lower": statistics.fmean(normal)
        - s.normal_range_sd_factor * statistics.stdev(normal),
        "normal_upper": statistics.fmean(normal)
        + s.normal_range_sd_factor * statistics.stdev(normal),
        "resting_hr_baseline_bpm": statistics.fmean(hr),
        "resting_hr_upper_bpm": statistics.fmean(hr) + hr_half,
        "resting_hr_lower_bpm": statistics.fmean(hr) - hr_half,
    }


@pytest.mark.parametrize(
    ("person", "settings"),
    [
        (Person(days=90, seed=1), ReadinessSettings()),
        (Person(days=40, seed=2, missing=frozenset(range(1, 40, 2))), ReadinessSettings()),
        (Person(days=30, seed=3, missing=frozenset({1, 2, 3, 4, 5})), ReadinessSettings()),
        (
            Person(days=120, seed=4, rhr_sd_bpm=4.0),
            ReadinessSettings(rolling_window_days=10, swc_baseline_days=42, normal_range_days=90),
        ),
        (Person(days=50, seed=5, rhr_sd_bpm=0.3), ReadinessSettings(rhr_min_half_width_bpm=3.0)),
    ],
)
def test_baselines_match_a_naive_reference(person: Person, settings: ReadinessSettings) -> None:
    history, today = generate(person)
    got = compute_baselines(history=history, today=today, settings=settings).model_dump()
    for name, expected in _naive(history, today, settings).items():
        if expected is None:
            assert got[name] is None, name
        else:
            assert got[name] == pytest.approx(expected, rel=1e-12, abs=1e-12), name


def test_windows_are_calendar_days_not_readings() -> None:
    today = DailyReading(date=dt.date(2026, 5, 10), ln_rmssd=4.0, resting_hr_bpm=50.0)
    # Two recent readings plus one 8 days ago: the 7-day window holds 3 readings only if
    # the old one counted, which it must not.
    history = [
        DailyReading(date=dt.date(2026, 5, 2), ln_rmssd=3.0, resting_hr_bpm=50.0),
        DailyReading(date=dt.date(2026, 5, 8), ln_rmssd=4.2, resting_hr_bpm=50.0),
    ]
    result = compute_baselines(history=history, today=today, settings=ReadinessSettings())
    assert result.readings_in_7d == 2
    assert result.ln_rmssd_7d_mean is None


@pytest.mark.parametrize(
    ("values", "expected"),
    [([4.0, 4.0, 4.0], 0.0), ([1.0, 3.0], math.sqrt(2.0) / 2.0 * 100.0), ([5.0], None)],
)
def test_coefficient_of_variation(values: list[float], expected: float | None) -> None:
    got = coefficient_of_variation_pct(values)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected)
