"""Settings reach the model through the pipeline: it fetches what the settings ask for.

Before issue 13 the pipeline fetched fixed 3-day training and 7-day wellness windows,
so ``training_lookback_days`` > 3 and ``heavy_legs_caution_days`` > 8 did nothing
there although ``assess`` honoured them.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

import pytest

from hrv_readiness.pipeline import assess_day
from hrv_readiness.readiness import ReadinessSettings, TrainingEntry, WellnessEntry, assess
from hrv_readiness.store import Store, StoredReading
from hrv_readiness.store.history import daily_history

from .histories import TODAY, USER, Person, generate

if TYPE_CHECKING:
    from pathlib import Path


def _fill(store: Store, person: Person) -> tuple[float, float]:
    history, today = generate(person)
    for day in history:
        rr_ms = 60000.0 / day.resting_hr_bpm
        store.add_reading(
            StoredReading(
                user=USER,
                measured_at=dt.datetime.combine(day.date, dt.time(6, 30), dt.UTC),
                date=day.date,
                duration_s=120.0,
                rr_ms=(rr_ms,) * 120,
                rmssd_ms=math.exp(day.ln_rmssd),
                ln_rmssd=day.ln_rmssd,
                sdnn_ms=40.0,
                mean_hr_bpm=day.resting_hr_bpm,
                artifact_pct=0.0,
                quality="good",
                quality_reason="",
                source="test",
            )
        )
    return today.ln_rmssd, today.resting_hr_bpm


def _direct(store: Store, settings: ReadinessSettings, ln: float, rhr: float) -> object:
    """``assess`` with everything in the store: what the pipeline must agree with."""
    from hrv_readiness.readiness import DailyReading  # noqa: PLC0415

    return assess(
        history=daily_history(store.readings(USER), before=TODAY),
        today=DailyReading(date=TODAY, ln_rmssd=ln, resting_hr_bpm=rhr),
        wellness=store.wellness_for(USER, TODAY),
        training=store.training(USER),
        settings=settings,
        wellness_history=[w for w in store.wellness(USER) if w.date < TODAY],
    )


@pytest.mark.parametrize(("lookback", "session_ago"), [(2, 2), (4, 4), (5, 5), (7, 6), (7, 7)])
def test_training_lookback_is_honoured_through_the_pipeline(
    tmp_path: Path, lookback: int, session_ago: int
) -> None:
    settings = ReadinessSettings(training_lookback_days=lookback)
    with Store.open(tmp_path / "hrv.sqlite3") as store:
        ln, rhr = _fill(store, Person(seed=lookback, shifts={0: (-0.4, 6.0)}))
        store.add_training(
            TrainingEntry(
                user=USER,
                date=TODAY - dt.timedelta(days=session_ago),
                session_type="heavy_compound",
                effort=9,
                duration_min=80,
            )
        )
        via_pipeline = assess_day(
            store, user=USER, day=TODAY, ln_rmssd=ln, resting_hr_bpm=rhr, settings=settings
        )
        assert "systemic_training_load" in {r.code for r in via_pipeline.reasons}
        assert via_pipeline == _direct(store, settings, ln, rhr)


@pytest.mark.parametrize("caution_days", [3, 8, 9, 10, 14])
def test_heavy_legs_days_are_honoured_through_the_pipeline(
    tmp_path: Path, caution_days: int
) -> None:
    settings = ReadinessSettings(heavy_legs_caution_days=caution_days)
    with Store.open(tmp_path / "hrv.sqlite3") as store:
        ln, rhr = _fill(store, Person(seed=caution_days))
        for ago in range(caution_days):
            store.add_wellness(
                WellnessEntry(
                    user=USER,
                    date=TODAY - dt.timedelta(days=ago),
                    soreness=3,
                    energy=7,
                    sleep_quality=7,
                    stress=3,
                    heavy_legs=True,
                )
            )
        via_pipeline = assess_day(
            store, user=USER, day=TODAY, ln_rmssd=ln, resting_hr_bpm=rhr, settings=settings
        )
        assert "heavy_legs_persisting" in {r.code for r in via_pipeline.reasons}
        assert via_pipeline.status == "caution"
        assert via_pipeline == _direct(store, settings, ln, rhr)
