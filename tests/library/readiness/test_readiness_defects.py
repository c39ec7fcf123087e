"""Table-driven tests for the defect classes of issue 13, on our own synthetic histories.

Each table runs several people (levels, day-to-day noise, gaps). Every test here failed
on the model before the fix; the docstrings say how.
"""

from __future__ import annotations

import collections
import datetime as dt
import itertools
from typing import TYPE_CHECKING

import pytest

from hrv_readiness.errors import InputError
from hrv_readiness.readiness import (
    DailyReading,
    ReadinessSettings,
    TrainingEntry,
    WellnessEntry,
    assess,
)

if TYPE_CHECKING:
    from pydantic import BaseModel

from .histories import TODAY, USER, Person, block, feeling, generate
from .wording_check import contradictions

SETTINGS = ReadinessSettings()

# Several people: (base lnRMSSD, day-to-day SD, resting HR, RHR SD).
PEOPLE = [
    (4.20, 0.06, 55.0, 1.0),
    (3.40, 0.10, 64.0, 2.0),
    (4.90, 0.04, 46.0, 0.8),
    (3.90, 0.08, 58.0, 1.5),
]


def _person(index: int, *, seed: int | None = None, **kwargs: object) -> Person:
    ln, sd, rhr, rhr_sd = PEOPLE[index]
    return Person(
        base_ln_rmssd=ln,
        ln_sd=sd,
        base_rhr_bpm=rhr,
        rhr_sd_bpm=rhr_sd,
        seed=100 + index if seed is None else seed,
        **kwargs,  # type: ignore[arg-type]
    )


def _assess_day(
    days: list[DailyReading], k: int, wellness: WellnessEntry | None, **kwargs: object
) -> object:
    return assess(
        history=days[:k],
        today=days[k],
        wellness=wellness,
        training=[],
        settings=SETTINGS,
        **kwargs,  # type: ignore[arg-type]
    )


# ------------------------------------------------- 1. chronic fatigue absorbed


@pytest.mark.parametrize("weeks", [3, 4, 5, 6])
@pytest.mark.parametrize("index", range(len(PEOPLE)))
def test_a_long_fatigue_state_is_not_learned_as_normal(weeks: int, index: int) -> None:
    """Old model: after ~4 weeks the 28-day SWC window re-centred on the fatigue -> ready."""
    sd = PEOPLE[index][1]
    person = _person(index, days=100, shifts=block(7 * weeks, -max(3.5 * sd, 0.2), 5.0))
    history, today = generate(person)
    result = assess(
        history=history,
        today=today,
        wellness=feeling(energy=3, sleep=5),
        training=[],
        settings=SETTINGS,
    )
    assert result.status in {"caution", "rest"}, [r.text for r in result.reasons]
    assert result.fatigue_type in {"nervous_system", "overreaching"}
    assert "baseline_held" in {r.code for r in result.reasons}


@pytest.mark.parametrize("index", range(len(PEOPLE)))
def test_a_recovered_person_is_ready_again_after_a_fatigue_block(index: int) -> None:
    """The held baseline lets go once the 7-day mean is back in the band."""
    sd = PEOPLE[index][1]
    shifts = {
        ago: (-max(3.5 * sd, 0.2), 5.0) for ago in range(15, 15 + 28)
    }  # four weeks down, ended two weeks ago
    history, today = generate(_person(index, days=100, shifts=shifts))
    result = assess(
        history=history, today=today, wellness=feeling(), training=[], settings=SETTINGS
    )
    assert result.status == "ready", [r.text for r in result.reasons]
    assert "baseline_held" not in {r.code for r in result.reasons}


# ------------------------------------------- 2. how the person feels counts alone


@pytest.mark.parametrize(
    ("energy", "sleep", "stress"), [(1, 2, 9), (2, 3, 8), (2, 2, 9), (1, 3, 8)]
)
@pytest.mark.parametrize("index", range(len(PEOPLE)))
def test_a_run_down_questionnaire_moves_the_verdict_on_its_own(
    index: int, energy: int, sleep: int, stress: int
) -> None:
    """Old model: normal HRV + energy 1-2, sleep 2-3, stress 8-9 -> 'ready, train as planned'."""
    history, today = generate(_person(index))
    result = assess(
        history=history,
        today=today,
        wellness=feeling(energy=energy, sleep=sleep, stress=stress),
        training=[],
        settings=SETTINGS,
    )
    assert result.status == "caution", [r.text for r in result.reasons]
    assert "subjective_strain" in {r.code for r in result.reasons}
    assert "Train as planned" not in result.advice


# ------------------------------------------- 3. parasympathetic-saturation watch


def test_the_saturation_watch_does_not_fire_on_one_poor_night_of_stable_people() -> None:
    """Old model: ~8 % of stable mornings with one poor night were flagged."""
    fired: collections.Counter[bool] = collections.Counter()
    for seed in range(12):
        for index in range(len(PEOPLE)):
            history, today = generate(_person(index, days=61, seed=1000 * index + seed))
            days = [*history, today]
            for k in range(30, 60):
                result = _assess_day(days, k, feeling(sleep=3, day=days[k].date))
                fired[result.watch is not None] += 1  # type: ignore[attr-defined]
    assert fired[True] == 0, fired


@pytest.mark.parametrize("index", range(len(PEOPLE)))
def test_the_saturation_watch_fires_on_le_meurs_pattern(index: int) -> None:
    """HRV well above the normal range, RHR down and a poor subjective state."""
    sd = PEOPLE[index][1]
    history, today = generate(_person(index, shifts=block(7, max(3.0 * sd, 0.18), -4.0)))
    result = assess(
        history=history,
        today=today,
        wellness=feeling(energy=3, sleep=3, heavy_legs=True),
        training=[],
        settings=SETTINGS,
    )
    assert result.watch == "parasympathetic_saturation", [r.text for r in result.reasons]
    assert result.status == "caution"


@pytest.mark.parametrize("index", range(len(PEOPLE)))
def test_ending_the_watch_by_a_lower_reading_never_raises_the_score(index: int) -> None:
    """Old model: a 0.06 drop that ended the watch lifted the score by ~30 points."""
    sd = PEOPLE[index][1]
    history, today = generate(_person(index, shifts=block(7, 1.2 * sd, -3.0)))
    wellness = feeling(energy=4, sleep=5, heavy_legs=True)
    scores = []
    for step in range(12):
        lowered = today.model_copy(update={"ln_rmssd": today.ln_rmssd - 0.02 * step})
        result = assess(
            history=history, today=lowered, wellness=wellness, training=[], settings=SETTINGS
        )
        assert result.score is not None
        scores.append(result.score)
    assert all(b <= a for a, b in itertools.pairwise(scores)), scores


# ------------------------------------------------------ 4. sparse weeks


@pytest.mark.parametrize("index", range(len(PEOPLE)))
@pytest.mark.parametrize("missing", [frozenset(range(1, 6)), frozenset({1, 2, 4, 5, 6})])
def test_a_sparse_week_does_not_contradict_itself_or_count_today_twice(
    index: int, missing: frozenset[int]
) -> None:
    """Old model: 'judged on its own' and 'inside a healthy 7-day trend' together; today
    was penalised as the day and again as the trend."""
    sd = PEOPLE[index][1]
    shifts = {0: (-2.2 * sd, 0.0)}
    sparse_history, today = generate(_person(index, missing=missing, shifts=shifts))
    dense_history, dense_today = generate(_person(index, shifts=shifts))
    assert today == dense_today
    sparse = assess(
        history=sparse_history, today=today, wellness=feeling(), training=[], settings=SETTINGS
    )
    dense = assess(
        history=dense_history, today=today, wellness=feeling(), training=[], settings=SETTINGS
    )
    codes = {r.code for r in sparse.reasons}
    assert "sparse_recent_readings" in codes
    assert "single_low_day" not in codes
    assert not any("7-day trend" in r.text for r in sparse.reasons)
    assert "7-day trend" not in sparse.advice
    assert sparse.status == "caution"
    assert sparse.score is not None
    assert dense.score is not None
    # Today alone counts once: no harsher than the same morning inside a full week.
    assert sparse.score >= dense.score, (sparse.score, dense.score)


# ------------------------------------------- 5. reasons agree with their numbers


def test_no_reason_text_contradicts_its_own_rounded_numbers() -> None:
    """Old model: 'CV fell from 3.2 % to 3.2 %', 'RHR 54 bpm is above ... up to 54 bpm'."""
    found: list[str] = []
    scenarios = [{}, block(4, -0.25, 4.0), block(7, 0.2, -3.0), {0: (-0.3, 3.0)}]
    for seed in range(6):
        for shifts in scenarios:
            for index in range(len(PEOPLE)):
                person = _person(index, days=50, shifts=shifts, seed=seed * 31 + index)
                history, today = generate(person)
                days = [*history, today]
                for k in range(20, len(days)):
                    wellness = feeling(energy=4, sleep=4, day=days[k].date)
                    result = _assess_day(days, k, wellness)
                    found.extend(contradictions(result))  # type: ignore[arg-type]
    assert found == []


def test_the_wording_check_catches_contradictions() -> None:
    # The checker itself must be able to fail.
    history, today = generate(Person())
    result = assess(
        history=history, today=today, wellness=feeling(), training=[], settings=SETTINGS
    )
    reason = result.reasons[0].model_copy(
        update={"text": "Resting HR 54 bpm is above your normal range (up to 54 bpm)."}
    )
    bad = result.model_copy(update={"reasons": (reason,)})
    assert contradictions(bad)


# ------------------------------------------------------- 7. foreign errors


_WELLNESS = {
    "user": USER,
    "date": TODAY,
    "soreness": 2,
    "energy": 7,
    "sleep_quality": 7,
    "stress": 3,
}
_TRAINING = {
    "user": USER,
    "date": TODAY,
    "session_type": "intervals",
    "effort": 8,
    "duration_min": 60,
}
_READING = {"date": TODAY, "ln_rmssd": 4.2, "resting_hr_bpm": 55.0}
_RECORDS: dict[str, type[BaseModel]] = {
    "wellness": WellnessEntry,
    "training": TrainingEntry,
    "reading": DailyReading,
}


@pytest.mark.parametrize(
    ("record", "data"),
    [
        ("wellness", {**_WELLNESS, "soreness": 11}),
        ("wellness", {**_WELLNESS, "energy": True}),
        ("wellness", {**_WELLNESS, "stress": 5.5}),
        ("wellness", {**_WELLNESS, "sleep_quality": "3"}),
        ("wellness", {**_WELLNESS, "user": "Alice Smith"}),
        ("wellness", {**_WELLNESS, "date": "yesterday"}),
        ("training", {**_TRAINING, "effort": 11}),
        ("training", {**_TRAINING, "session_type": "yoga"}),
        ("training", {**_TRAINING, "duration_min": False}),
        ("reading", {**_READING, "ln_rmssd": float("nan")}),
        ("reading", {**_READING, "resting_hr_bpm": float("inf")}),
        ("reading", {**_READING, "ln_rmssd": "4.2x"}),
        ("reading", {"date": TODAY}),
    ],
)
def test_bad_records_raise_the_projects_input_error(record: str, data: dict[str, object]) -> None:
    """Old model: pydantic's ValidationError, not the project's InputError."""
    model = _RECORDS[record]
    with pytest.raises(InputError):
        model(**data)
    with pytest.raises(InputError):
        model.model_validate(data)


def test_a_nan_record_built_without_validation_is_refused_by_assess() -> None:
    """Old model: model_construct(NaN) went through assess and gave a NaN band."""
    history, today = generate(Person())
    poisoned = DailyReading.model_construct(
        date=history[5].date, ln_rmssd=float("nan"), resting_hr_bpm=55.0
    )
    history[5] = poisoned
    with pytest.raises(InputError, match="ln_rmssd"):
        assess(history=history, today=today, wellness=None, training=[], settings=SETTINGS)
    bad_today = DailyReading.model_construct(
        date=today.date, ln_rmssd=4.2, resting_hr_bpm=float("nan")
    )
    with pytest.raises(InputError, match="resting_hr_bpm"):
        assess(history=history[:5], today=bad_today, wellness=None, training=[], settings=SETTINGS)
    bad_wellness = WellnessEntry.model_construct(**{**_WELLNESS, "soreness": 11})
    with pytest.raises(InputError, match="soreness"):
        assess(
            history=history[:5],
            today=today,
            wellness=bad_wellness,
            training=[],
            settings=SETTINGS,
        )


def test_assess_refuses_things_that_are_not_records() -> None:
    history, today = generate(Person())
    with pytest.raises(InputError):
        assess(
            history=[*history, {"date": "2026-01-01"}],  # type: ignore[list-item]
            today=today,
            wellness=None,
            training=[],
            settings=SETTINGS,
        )
    with pytest.raises(InputError):
        assess(
            history=history,
            today=today,
            wellness=None,
            training=[],
            settings={"swc_sd_factor": 0.5},  # type: ignore[arg-type]
        )
    with pytest.raises(InputError):
        assess(
            history=history,
            today=today,
            wellness=None,
            training=[],
            settings=SETTINGS,
            wellness_history=[dt.date(2026, 1, 1)],  # type: ignore[list-item]
        )


def test_steady_people_almost_never_hold_their_baseline() -> None:
    """The episode rule must not ratchet a steady person's baseline (docs/model.md)."""
    held = total = saturated = 0
    for seed in range(6):
        for index in range(len(PEOPLE)):
            history, today = generate(_person(index, days=120, seed=7000 + 10 * seed + index))
            days = [*history, today]
            for k in range(60, 120, 2):
                result = _assess_day(days, k, feeling(day=days[k].date))
                b = result.baselines  # type: ignore[attr-defined]
                total += 1
                held += b.held_since is not None
                mean, sd = b.ln_rmssd_baseline_mean, b.ln_rmssd_baseline_sd
                saturated += b.ln_rmssd_7d_mean >= mean + SETTINGS.saturation_trend_sd * sd
    assert held / total <= 0.01, (held, total)
    assert saturated / total <= 0.02, (saturated, total)
