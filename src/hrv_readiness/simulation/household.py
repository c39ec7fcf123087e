"""Two months (60 mornings) for a simulated household (the demo's story).

Two people, each a sequence of days with a morning physiology (target lnRMSSD and
resting HR), how they felt and what they trained the day before:

* **Alice** trains well for six and a half weeks, then a heavy-compound block (squats,
  deadlifts, sprints) pushes her into *systemic* fatigue: lnRMSSD sinks below her
  normal range, resting HR rises, soreness stays low, energy falls. A deload
  week brings her back.
* **Bob** is stable throughout, but a high-volume isolation/eccentric week in week
  eight leaves him very sore with HRV and resting HR unmoved: *muscular* fatigue.

Day-to-day noise follows published magnitudes: the typical day-to-day CV of
morning lnRMSSD is 3-8 % (Plews 2012; Buchheit 2014), resting HR varies by a
couple of bpm.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from hrv_readiness.readiness.models import SessionType, TrainingEntry, WellnessEntry
from hrv_readiness.simulation.rr import RrScenario


@dataclass(frozen=True, kw_only=True)
class SimulatedDay:
    """One person's morning and the context around it."""

    user: str
    date: date
    scenario: RrScenario
    #: This morning's questionnaire, as the person logs it.
    wellness: WellnessEntry
    #: The session trained the day before this morning, as the person logs it.
    training: TrainingEntry


@dataclass(frozen=True, kw_only=True)
class _Phase:
    days: int
    ln_rmssd_shift: float
    resting_hr_shift_bpm: float
    soreness: int
    energy: int
    training: tuple[SessionType, int, int]


@dataclass(frozen=True, kw_only=True)
class SimulatedPerson:
    user: str
    name: str
    baseline_ln_rmssd: float
    baseline_resting_hr_bpm: float
    phases: tuple[_Phase, ...]
    seed: int


ALICE = SimulatedPerson(
    user="alice",
    name="Alice",
    baseline_ln_rmssd=4.25,
    baseline_resting_hr_bpm=52.0,
    seed=11,
    phases=(
        _Phase(
            days=46,
            ln_rmssd_shift=0.0,
            resting_hr_shift_bpm=0.0,
            soreness=3,
            energy=7,
            training=("endurance", 5, 60),
        ),
        # Heavy compound block: systemic load, little soreness (Schmitt 2015 pattern).
        _Phase(
            days=4,
            ln_rmssd_shift=-0.25,
            resting_hr_shift_bpm=4.0,
            soreness=3,
            energy=5,
            training=("heavy_compound", 9, 75),
        ),
        _Phase(
            days=4,
            ln_rmssd_shift=-0.45,
            resting_hr_shift_bpm=7.0,
            soreness=2,
            energy=3,
            training=("heavy_compound", 9, 75),
        ),
        # Deload: easy aerobic work lets the system downshift.
        _Phase(
            days=3,
            ln_rmssd_shift=-0.15,
            resting_hr_shift_bpm=3.0,
            soreness=2,
            energy=5,
            training=("endurance", 3, 40),
        ),
        _Phase(
            days=3,
            ln_rmssd_shift=0.0,
            resting_hr_shift_bpm=0.5,
            soreness=2,
            energy=7,
            training=("endurance", 4, 45),
        ),
    ),
)

BOB = SimulatedPerson(
    user="bob",
    name="Bob",
    baseline_ln_rmssd=3.85,
    baseline_resting_hr_bpm=60.0,
    seed=23,
    phases=(
        _Phase(
            days=48,
            ln_rmssd_shift=0.0,
            resting_hr_shift_bpm=0.0,
            soreness=3,
            energy=7,
            training=("intervals", 6, 50),
        ),
        # Isolation / eccentric volume: very sore, autonomic state unmoved (Flatt 2018).
        _Phase(
            days=7,
            ln_rmssd_shift=0.0,
            resting_hr_shift_bpm=0.0,
            soreness=8,
            energy=6,
            training=("isolation", 8, 70),
        ),
        _Phase(
            days=5,
            ln_rmssd_shift=0.0,
            resting_hr_shift_bpm=0.0,
            soreness=3,
            energy=7,
            training=("endurance", 5, 50),
        ),
    ),
)

HOUSEHOLD: tuple[SimulatedPerson, ...] = (ALICE, BOB)


def simulate_person(person: SimulatedPerson, *, last_day: date) -> list[SimulatedDay]:
    """The person's days, oldest first, ending on ``last_day``."""
    rng = np.random.default_rng(person.seed)
    total_days = sum(phase.days for phase in person.phases)
    first_day = last_day - timedelta(days=total_days - 1)
    days: list[SimulatedDay] = []
    index = 0
    for phase in person.phases:
        for _ in range(phase.days):
            day = first_day + timedelta(days=index)
            ln_rmssd = person.baseline_ln_rmssd + phase.ln_rmssd_shift + rng.normal(0.0, 0.07)
            resting_hr = person.baseline_resting_hr_bpm + phase.resting_hr_shift_bpm
            resting_hr += rng.normal(0.0, 1.2)
            scenario = RrScenario(
                duration_s=150.0,
                resting_hr_bpm=float(resting_hr),
                target_rmssd_ms=float(math.exp(ln_rmssd)),
                breathing_rate_hz=float(rng.uniform(0.2, 0.3)),
                ectopic_rate=0.003,
                seed=person.seed * 1000 + index,
            )
            training_type, effort, minutes = phase.training
            days.append(
                SimulatedDay(
                    user=person.user,
                    date=day,
                    scenario=scenario,
                    wellness=WellnessEntry(
                        user=person.user,
                        date=day,
                        soreness=_jitter(rng, phase.soreness),
                        energy=_jitter(rng, phase.energy),
                        sleep_quality=_jitter(rng, 7 if phase.energy >= 6 else 5),  # noqa: PLR2004
                        stress=_jitter(rng, 3),
                        heavy_legs=phase.soreness >= 7,  # noqa: PLR2004
                    ),
                    training=TrainingEntry(
                        user=person.user,
                        date=day - timedelta(days=1),
                        session_type=training_type,
                        effort=effort,
                        duration_min=minutes,
                    ),
                )
            )
            index += 1
    return days


def _jitter(rng: np.random.Generator, value: int) -> int:
    return int(np.clip(value + rng.integers(-1, 2), 0, 10))
