"""Generated month-long histories for the readiness scenario tests.

Day-to-day noise follows published magnitudes (docs/model.md; Plews 2012: day-to-day
CV of morning lnRMSSD 3-8 %; resting HR varies by a couple of bpm).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from hrv_readiness.readiness import DailyReading, TrainingEntry, WellnessEntry

TODAY = dt.date(2026, 3, 31)
USER = "alice"


@dataclass(frozen=True, kw_only=True)
class Person:
    days: int = 35
    base_ln_rmssd: float = 4.20
    ln_sd: float = 0.06
    base_rhr_bpm: float = 55.0
    rhr_sd_bpm: float = 1.0
    seed: int = 7
    #: days-ago (0 = today) -> (lnRMSSD shift, RHR shift in bpm)
    shifts: dict[int, tuple[float, float]] = field(default_factory=dict)
    #: days-ago with no reading
    missing: frozenset[int] = frozenset()


def generate(person: Person) -> tuple[list[DailyReading], DailyReading]:
    """(history, today) for the person; today is TODAY and always present."""
    rng = np.random.default_rng(person.seed)
    readings: list[DailyReading] = []
    for ago in range(person.days - 1, -1, -1):
        ln_noise = float(rng.normal(0.0, person.ln_sd))
        rhr_noise = float(rng.normal(0.0, person.rhr_sd_bpm))
        if ago in person.missing and ago != 0:
            continue
        ln_shift, rhr_shift = person.shifts.get(ago, (0.0, 0.0))
        # Today is drawn like any day but without noise, so the scenario decides it.
        if ago == 0:
            ln_noise = rhr_noise = 0.0
        readings.append(
            DailyReading(
                date=TODAY - dt.timedelta(days=ago),
                ln_rmssd=person.base_ln_rmssd + ln_shift + ln_noise,
                resting_hr_bpm=person.base_rhr_bpm + rhr_shift + rhr_noise,
            )
        )
    return readings[:-1], readings[-1]


def block(days: int, ln_shift: float, rhr_shift: float) -> dict[int, tuple[float, float]]:
    """The same shift on the last ``days`` mornings (today included)."""
    return dict.fromkeys(range(days), (ln_shift, rhr_shift))


def feeling(
    *,
    soreness: int = 2,
    energy: int = 7,
    sleep: int = 7,
    stress: int = 3,
    heavy_legs: bool = False,
    day: dt.date = TODAY,
) -> WellnessEntry:
    return WellnessEntry(
        user=USER,
        date=day,
        soreness=soreness,
        energy=energy,
        sleep_quality=sleep,
        stress=stress,
        heavy_legs=heavy_legs,
    )


def sessions(
    session_type: str, days: int, effort: int = 8, minutes: int = 70
) -> list[TrainingEntry]:
    """The same session on each of the ``days`` days before today."""
    return [
        TrainingEntry.model_validate(
            {
                "user": USER,
                "date": TODAY - dt.timedelta(days=ago),
                "session_type": session_type,
                "effort": effort,
                "duration_min": minutes,
            }
        )
        for ago in range(1, days + 1)
    ]
