"""Properties of assess() over arbitrary histories (gaps, outliers, any length)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from hrv_readiness.readiness import DailyReading, ReadinessSettings, WellnessEntry, assess
from hrv_readiness.readiness.baseline import in_window

TODAY = dt.date(2026, 6, 30)
SETTINGS = ReadinessSettings()
BANDS = {"ready": (60, 100), "caution": (30, 59), "rest": (0, 29)}


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[DailyReading], DailyReading]:
    days_ago = draw(st.sets(st.integers(min_value=1, max_value=120), max_size=90))
    level = draw(st.floats(min_value=2.5, max_value=5.0))
    history = [
        DailyReading(
            date=TODAY - dt.timedelta(days=ago),
            ln_rmssd=level + draw(st.floats(min_value=-0.8, max_value=0.8)),
            resting_hr_bpm=draw(st.floats(min_value=40.0, max_value=80.0)),
        )
        for ago in sorted(days_ago)
    ]
    today = DailyReading(
        date=TODAY,
        ln_rmssd=level + draw(st.floats(min_value=-1.5, max_value=1.0)),
        resting_hr_bpm=draw(st.floats(min_value=35.0, max_value=100.0)),
    )
    return history, today


feelings = st.none() | st.builds(
    WellnessEntry,
    user=st.just("alice"),
    date=st.just(TODAY),
    soreness=st.integers(0, 10),
    energy=st.integers(0, 10),
    sleep_quality=st.integers(0, 10),
    stress=st.integers(0, 10),
    heavy_legs=st.booleans(),
)


@settings(max_examples=150, deadline=None)
@given(histories(), feelings)
def test_verdicts_are_always_well_formed(
    data: tuple[list[DailyReading], DailyReading], wellness: WellnessEntry | None
) -> None:
    history, today = data
    result = assess(history=history, today=today, wellness=wellness, training=[], settings=SETTINGS)
    in_range = in_window(history, end=TODAY - dt.timedelta(days=1), days=SETTINGS.normal_range_days)
    in_swc = in_window(history, end=TODAY - dt.timedelta(days=1), days=SETTINGS.swc_baseline_days)
    building = len(in_range) + 1 < SETTINGS.min_history_readings or len(in_swc) < 2
    assert (result.status == "building_baseline") == building
    if building:
        assert result.score is None
        assert result.readings_needed > 0
        assert result.fatigue_type == "unknown"
    else:
        assert result.score is not None
        low, high = BANDS[result.status]
        assert low <= result.score <= high
        assert result.readings_needed == 0
        assert result.reasons
        # Only the overreaching pattern sends someone to rest, and it needs a questionnaire.
        assert (result.status == "rest") == (result.fatigue_type == "overreaching")
        if wellness is None:
            assert result.fatigue_type in {"unknown", "nervous_system"}
    codes = [reason.code for reason in result.reasons]
    assert len(codes) == len(set(codes))
    assert result.advice
