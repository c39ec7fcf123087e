"""Rule 13, the illness watch: table-driven scenarios over generated histories.

Each scenario is a 35-day history with a breathing rate (14/min, day-to-day SD
0.5/min: WHOOP's night-to-night figure), today's reading and questionnaire.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pytest

from hrv_readiness.readiness import (
    DailyReading,
    InvalidRecordError,
    ReadinessSettings,
    TrainingEntry,
    WellnessEntry,
    assess,
)
from hrv_readiness.readiness.baseline import reference_for

from .histories import TODAY, Person, block, feeling, generate, sessions

SETTINGS = ReadinessSettings()
BREATHING = 14.0


def with_breathing(
    readings: list[DailyReading], today: DailyReading, *, today_shift: float, seed: int = 3
) -> tuple[list[DailyReading], DailyReading]:
    rng = np.random.default_rng(seed)
    # Noise clipped at 2 SD: a 3-SD breathing morning with a low HRV would (rightly) be
    # read as possible illness and leave the baseline, which the scenarios do not want.
    history = [
        r.model_copy(
            update={
                "breathing_rate_per_min": BREATHING
                + float(np.clip(rng.normal(0.0, 0.5), -1.0, 1.0))
            }
        )
        for r in readings
    ]
    return history, today.model_copy(update={"breathing_rate_per_min": BREATHING + today_shift})


def ill(level: str = "clear", day: dt.date = TODAY) -> WellnessEntry:
    return feeling(day=day).model_copy(update={"ill": level})


@dataclass(frozen=True)
class Scenario:
    name: str
    person: Person
    wellness: WellnessEntry | None
    breathing_shift: float = 0.0
    training: list[TrainingEntry] = field(default_factory=list)
    status: str = "ready"
    illness: str | None = None
    must_have: tuple[str, ...] = ()
    must_not_have: tuple[str, ...] = ()
    advice_says: str = ""


SCENARIOS = [
    Scenario(
        "feels ill with a normal HRV: not ready",
        Person(),
        ill("clear"),
        status="caution",
        illness="reported",
        must_have=("illness_reported",),
        must_not_have=("possible_illness", "breathing_up"),
        advice_says="outranks a normal HRV",
    ),
    Scenario(
        "mild symptoms and breathing up: a fever-like sign, rest",
        Person(),
        ill("mild"),
        breathing_shift=3.5,
        status="rest",
        illness="reported",
        must_have=("illness_reported", "breathing_up"),
        advice_says="rest today",
    ),
    Scenario(
        "feels ill with resting HR up: rest",
        Person(shifts=block(1, 0.0, 6.0)),
        ill("clear"),
        status="rest",
        illness="reported",
        must_have=("illness_reported", "rhr_up"),
    ),
    Scenario(
        "breathing rate and resting HR up, HRV normal: possible illness",
        Person(shifts=block(1, 0.0, 6.0)),
        feeling(),
        breathing_shift=3.5,
        status="rest",
        illness="possible",
        must_have=("possible_illness", "breathing_up", "rhr_up"),
        advice_says="measure again tomorrow",
    ),
    Scenario(
        "breathing rate up and HRV low, no questionnaire: possible illness",
        Person(shifts=block(1, -0.35, 0.0)),
        None,
        breathing_shift=3.5,
        status="rest",
        illness="possible",
        must_have=("possible_illness", "hrv_today_below_normal"),
    ),
    Scenario(
        "one low morning alone: measure again tomorrow",
        Person(shifts=block(1, -0.35, 0.0)),
        feeling(),
        status="caution",
        must_have=("single_low_day",),
        must_not_have=("possible_illness", "illness_reported"),
        advice_says="measure again tomorrow",
    ),
    Scenario(
        "breathing rate high after an evening run only: no illness flag",
        Person(),
        feeling(),
        breathing_shift=3.5,
        training=sessions("intervals", 1, effort=9),
        status="ready",
        must_have=("breathing_up",),
        must_not_have=("possible_illness", "illness_reported"),
    ),
    Scenario(
        "breathing rate a little up, inside its range: nothing",
        Person(),
        feeling(),
        breathing_shift=1.0,
        status="ready",
        must_not_have=("breathing_up", "possible_illness"),
    ),
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_illness_scenario(scenario: Scenario) -> None:
    history, today = with_breathing(
        *generate(scenario.person), today_shift=scenario.breathing_shift
    )
    result = assess(
        history=history,
        today=today,
        wellness=scenario.wellness,
        training=scenario.training,
        settings=SETTINGS,
    )
    codes = {reason.code for reason in result.reasons}
    texts = [r.text for r in result.reasons]
    assert (result.status, result.illness) == (scenario.status, scenario.illness), texts
    assert set(scenario.must_have) <= codes, texts
    assert not set(scenario.must_not_have) & codes, texts
    assert scenario.advice_says in result.advice
    assert result.score is not None
    band = {"ready": (60, 100), "caution": (30, 59), "rest": (0, 29)}[result.status]
    assert band[0] <= result.score <= band[1]


def test_possible_illness_reason_lists_each_sign_with_its_numbers() -> None:
    history, today = with_breathing(*generate(Person(shifts=block(1, 0.0, 6.0))), today_shift=3.5)
    result = assess(history=history, today=today, wellness=None, training=[], settings=SETTINGS)
    text = next(r.text for r in result.reasons if r.code == "possible_illness")
    assert f"breathing rate {today.breathing_rate_per_min:.1f}/min" in text
    assert f"resting HR {today.resting_hr_bpm:.0f} bpm" in text
    assert result.baselines.breathing_today_per_min == today.breathing_rate_per_min
    assert result.baselines.breathing_upper_per_min is not None
    assert result.baselines.breathing_upper_per_min < today.breathing_rate_per_min


def _recovery_history(*, reported: bool) -> tuple[list[DailyReading], DailyReading, set[dt.date]]:
    """Five ill mornings (resting HR and breathing up) 15-11 days ago.

    HRV stays put, so the fatigue-episode rule (7-day mean below the band) never
    leaves them out: only the illness rule can.
    """
    sick_days = range(11, 16)
    shifts = dict.fromkeys(sick_days, (0.0, 8.0))
    history, today = with_breathing(*generate(Person(shifts=shifts)), today_shift=0.0)
    sick_dates = {TODAY - dt.timedelta(days=ago) for ago in sick_days}
    history = [
        r.model_copy(update={"breathing_rate_per_min": BREATHING + 4.0})
        if r.date in sick_dates and not reported
        else r
        for r in history
    ]
    return history, today, sick_dates


@pytest.mark.parametrize("reported", [True, False], ids=["reported ill", "signs alone"])
def test_recovery_after_illness_the_episode_stays_out_of_the_baseline(reported: bool) -> None:
    history, today, sick_dates = _recovery_history(reported=reported)
    ill_history = [ill(day=d) for d in sorted(sick_dates)] if reported else []
    ill_dates = sick_dates if reported else set()
    reference = reference_for(history=history, today=today, settings=SETTINGS, ill_dates=ill_dates)
    healthy = [r for r in history if r.date not in sick_dates]
    assert reference is not None
    # The windows reach back over the left-out mornings: the SWC window holds the last
    # 28 healthy mornings, the normal range every one.
    swc = healthy[-SETTINGS.swc_baseline_days :]
    assert reference.ln_rmssd_mean == pytest.approx(np.mean([r.ln_rmssd for r in swc]))
    assert reference.resting_hr_mean_bpm == pytest.approx(
        np.mean([r.resting_hr_bpm for r in healthy])
    )
    result = assess(
        history=history,
        today=today,
        wellness=feeling(),
        training=[],
        settings=SETTINGS,
        wellness_history=ill_history,
    )
    assert (result.status, result.illness) == ("ready", None), [r.text for r in result.reasons]


def test_without_the_rule_the_illness_would_have_entered_the_baseline() -> None:
    """The test above can fail: learning the sick week moves the reference."""
    history, today, sick_dates = _recovery_history(reported=True)
    learned = reference_for(history=history, today=today, settings=SETTINGS)
    healthy = [r.resting_hr_bpm for r in history if r.date not in sick_dates]
    healthy_upper = np.mean(healthy) + max(np.std(healthy, ddof=1), 2.0)
    assert learned is not None
    assert learned.resting_hr_upper_bpm > healthy_upper + 1.0


def test_breathing_range_needs_enough_mornings() -> None:
    history, today = with_breathing(*generate(Person()), today_shift=5.0)
    few = [
        r if i >= len(history) - 3 else r.model_copy(update={"breathing_rate_per_min": None})
        for i, r in enumerate(history)
    ]
    result = assess(history=few, today=today, wellness=feeling(), training=[], settings=SETTINGS)
    assert result.baselines.breathing_upper_per_min is None
    assert "breathing_up" not in {r.code for r in result.reasons}


@pytest.mark.parametrize("value", [3.0, 45.0, float("nan")])
def test_implausible_breathing_rate_is_rejected(value: float) -> None:
    with pytest.raises(InvalidRecordError, match="breathing_rate_per_min"):
        DailyReading(date=TODAY, ln_rmssd=4.2, resting_hr_bpm=55.0, breathing_rate_per_min=value)


def test_illness_answer_is_validated() -> None:
    with pytest.raises(InvalidRecordError, match="ill"):
        WellnessEntry.model_validate(
            {**feeling().model_dump(), "ill": "very"},
        )


def test_a_real_persons_nightly_breathing_rarely_crosses_the_upper_edge() -> None:
    """A real WHOOP export (one person, 171 nights: realfiles/whoop) holds the nightly
    respiratory rate. Its SD is about 1 breath/min; the rule's edge (mean + max(2 SD,
    1.5) over the previous 60 nights, from at least 7) is crossed on few nights, and a
    raised breathing rate alone never flags illness anyway."""
    import csv  # noqa: PLC0415

    from tests.support.realfiles import realfiles_dir  # noqa: PLC0415

    path = realfiles_dir() / "whoop" / "theonerichy_physiological_cycles.csv"
    if not path.is_file():
        pytest.skip(f"no real WHOOP export at {path}")
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    nights = [float(r["Respiratory rate (rpm)"]) for r in rows if r["Respiratory rate (rpm)"]]
    nights.reverse()  # the export lists the newest night first
    assert len(nights) > 100
    assert 0.5 < float(np.std(nights, ddof=1)) < 1.5
    crossed = judged = 0
    for index in range(SETTINGS.breathing_min_readings, len(nights)):
        window = np.asarray(nights[max(0, index - SETTINGS.normal_range_days) : index])
        upper = window.mean() + max(
            SETTINGS.breathing_range_sd_factor * window.std(ddof=1),
            SETTINGS.breathing_min_half_width_per_min,
        )
        judged += 1
        crossed += nights[index] > upper
    assert crossed / judged < 0.05, (crossed, judged)
