"""Stored records for the store tests: several users, every kind of value."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from hrv_readiness.readiness import (
    DailyReading,
    ReadinessSettings,
    TrainingEntry,
    WellnessEntry,
    assess,
)
from hrv_readiness.store import StoredReading

START = dt.date(2026, 1, 1)


def reading(
    user: str = "alice",
    *,
    day: int = 0,
    seed: int = 0,
    ticks: bool = True,
    quality: str = "good",
    beats: int = 150,
) -> StoredReading:
    """A reading; ``ticks`` gives strap-exact RR (n x 1000/1024 ms), else arbitrary floats."""
    rng = np.random.default_rng(seed)
    if ticks:
        rr = tuple(float(t) * 1000.0 / 1024.0 for t in rng.integers(700, 1200, beats))
    else:
        rr = tuple(float(v) for v in rng.normal(950.0, 40.0, beats))
    date = START + dt.timedelta(days=day)
    rejected = quality == "rejected"
    rmssd = float(np.sqrt(np.mean(np.diff(rr) ** 2)))
    return StoredReading.model_validate(
        {
            "user": user,
            "measured_at": dt.datetime.combine(date, dt.time(6, 30, 0, 123456 + seed), dt.UTC),
            "date": date,
            "duration_s": 120.0 + seed / 7,
            "rr_ms": rr,
            "rmssd_ms": None if rejected else rmssd,
            "ln_rmssd": None if rejected else math.log(rmssd),
            "sdnn_ms": None if rejected else float(np.std(rr, ddof=1)),
            "mean_hr_bpm": None if rejected else 60000.0 / float(np.mean(rr)),
            "artifact_pct": 9.5 if rejected else 0.1 * (seed % 50),
            "quality": quality,
            "quality_reason": "too many artifacts – measure again" if rejected else "",
            "source": "Polar H10 ABCD",
            # Every breathing outcome: a rate, none with its reason, none at all.
            "breathing_rate_per_min": None if rejected or seed % 5 == 4 else 12.0 + seed % 7 / 3,
            "breathing_quality": (
                None if rejected else ("no_clear_peak" if seed % 5 == 4 else "good")
            ),
        }
    )


def household(
    days: int = 20,
) -> tuple[list[StoredReading], list[WellnessEntry], list[TrainingEntry]]:
    """Two users' histories with the readiness verdict of each day stored with it."""
    readings: list[StoredReading] = []
    wellness: list[WellnessEntry] = []
    training: list[TrainingEntry] = []
    settings = ReadinessSettings()
    for u, user in enumerate(("alice", "bob")):
        history: list[DailyReading] = []
        for day in range(days):
            seed = u * 1000 + day
            quality = "rejected" if day == 5 else ("acceptable" if day % 4 == 0 else "good")
            base = reading(user, day=day, seed=seed, ticks=day % 3 != 0, quality=quality)
            w = WellnessEntry(
                user=user,
                date=base.date,
                soreness=day % 11,
                energy=(day * 3) % 11,
                sleep_quality=7,
                stress=2,
                heavy_legs=day % 2 == 0,
                ill=("none", "none", "mild", "clear")[day % 4],
            )
            wellness.append(w)
            training.append(
                TrainingEntry(
                    user=user,
                    date=base.date,
                    session_type=("heavy_compound", "rest", "isolation")[day % 3],
                    effort=day % 11,
                    duration_min=0 if day % 3 == 1 else 60,
                )
            )
            if base.usable:
                assert base.ln_rmssd is not None
                assert base.mean_hr_bpm is not None
                today = DailyReading(
                    date=base.date,
                    ln_rmssd=base.ln_rmssd,
                    resting_hr_bpm=base.mean_hr_bpm,
                    breathing_rate_per_min=base.breathing_rate_per_min,
                )
                verdict = assess(
                    history=history, today=today, wellness=w, training=[], settings=settings
                )
                history.append(today)
                base = base.model_copy(update={"readiness": verdict})
            readings.append(base)
    return readings, wellness, training


def story() -> tuple[list[StoredReading], list[WellnessEntry], list[TrainingEntry]]:
    """Alice's six weeks: steady, then a heavy block into systemic fatigue, then sore legs.

    Each reading carries the verdict assessed that morning, like the pipeline stores it.
    """
    rng = np.random.default_rng(0)
    settings = ReadinessSettings()
    readings: list[StoredReading] = []
    wellness: list[WellnessEntry] = []
    training: list[TrainingEntry] = []
    history: list[DailyReading] = []
    for day in range(42):
        date = START + dt.timedelta(days=day)
        ln_shift, rhr_shift, soreness, energy, session = 0.0, 0.0, 2, 7, "endurance"
        if 21 <= day < 27:  # heavy compound block: systemic, then a week to recover
            ln_shift, rhr_shift, energy, session = -0.35, 5.0, 6, "heavy_compound"
        if 36 <= day < 40:  # isolation volume: muscular
            soreness, session = 8, "isolation"
        ln = 4.2 + ln_shift + float(rng.normal(0, 0.06))
        rhr = 55.0 + rhr_shift + float(rng.normal(0, 1.0))
        w = WellnessEntry(
            user="alice", date=date, soreness=soreness, energy=energy, sleep_quality=7, stress=3
        )
        t = TrainingEntry(user="alice", date=date, session_type=session, effort=8, duration_min=60)
        base = reading("alice", day=day, seed=day)
        today = DailyReading(
            date=date,
            ln_rmssd=ln,
            resting_hr_bpm=rhr,
            breathing_rate_per_min=base.breathing_rate_per_min,
        )
        verdict = assess(
            history=history, today=today, wellness=w, training=training, settings=settings
        )
        readings.append(
            base.model_copy(
                update={
                    "ln_rmssd": ln,
                    "rmssd_ms": math.exp(ln),
                    "mean_hr_bpm": rhr,
                    "readiness": verdict,
                }
            )
        )
        history.append(today)
        wellness.append(w)
        training.append(t)
    return readings, wellness, training
