"""Scenario tests of the readiness model over generated month-long histories."""

from __future__ import annotations

import collections
import datetime as dt
import json
from dataclasses import dataclass, field

import pytest
from pydantic import ValidationError

from hrv_readiness.errors import InputError
from hrv_readiness.readiness import (
    AssessmentInputError,
    DailyReading,
    InvalidRecordError,
    Readiness,
    ReadinessSettings,
    TrainingEntry,
    WellnessEntry,
    assess,
)

from .histories import TODAY, Person, block, feeling, generate, sessions

SETTINGS = ReadinessSettings()


@dataclass(frozen=True)
class Scenario:
    name: str
    person: Person
    wellness: WellnessEntry | None
    training: list[TrainingEntry] = field(default_factory=list)
    wellness_history: list[WellnessEntry] = field(default_factory=list)
    status: str = "ready"
    fatigue_type: str = "recovered"
    watch: str | None = None
    must_have: tuple[str, ...] = ()
    must_not_have: tuple[str, ...] = ()


def _heavy_legs_days(days: int) -> list[WellnessEntry]:
    return [
        feeling(heavy_legs=True, soreness=4, day=TODAY - dt.timedelta(days=ago))
        for ago in range(1, days)
    ]


SCENARIOS = [
    Scenario(
        "stable person",
        Person(),
        feeling(),
        sessions("endurance", 3, effort=5),
        must_have=("hrv_trend_above_swc",),
        must_not_have=("rhr_up", "hrv_today_below_normal"),
    ),
    Scenario(
        "heavy compound block: HRV down, RHR up, low soreness",
        Person(shifts=block(4, -0.30, 5.0)),
        feeling(soreness=2, energy=6),
        sessions("heavy_compound", 4, effort=9),
        status="caution",
        fatigue_type="nervous_system",
        must_have=("hrv_trend_below_swc", "rhr_up", "systemic_training_load"),
    ),
    Scenario(
        "high soreness, normal HRV and RHR",
        Person(),
        feeling(soreness=8),
        sessions("isolation", 2, effort=8),
        status="caution",
        fatigue_type="muscular",
        must_have=("soreness_high", "local_training_load"),
        must_not_have=("rhr_up", "hrv_trend_below_swc", "systemic_training_load"),
    ),
    Scenario(
        "both: systemic dip and high soreness",
        Person(shifts=block(4, -0.30, 5.0)),
        feeling(soreness=8, energy=6),
        sessions("heavy_compound", 3, effort=9),
        status="caution",
        fatigue_type="combined",
        must_have=("hrv_trend_below_swc", "soreness_high"),
    ),
    Scenario(
        "overreaching: 6 of 7 days suppressed, RHR up, low motivation",
        Person(shifts={**block(7, -0.40, 6.0), 3: (0.0, 0.0)}),
        feeling(soreness=3, energy=3, sleep=4),
        sessions("intervals", 2, effort=9),
        status="rest",
        fatigue_type="overreaching",
        must_have=("persistent_suppression", "rhr_up", "motivation_low"),
    ),
    Scenario(
        "suppressed and RHR up but motivation fine: systemic, not yet overreaching",
        Person(shifts=block(6, -0.40, 6.0)),
        feeling(energy=7),
        status="caution",
        fatigue_type="nervous_system",
        must_have=("persistent_suppression",),
    ),
    Scenario(
        "suppressed and RHR up, no questionnaire: cannot confirm overreaching",
        Person(shifts=block(6, -0.40, 6.0)),
        None,
        status="caution",
        fatigue_type="nervous_system",
        must_have=("overreaching_unconfirmed",),
    ),
    Scenario(
        "gaps: every third morning missing, stable",
        Person(missing=frozenset(range(1, 35, 3))),
        feeling(),
        must_not_have=("sparse_recent_readings",),
    ),
    Scenario(
        "gaps: five missing mornings before today, judged on today alone",
        Person(missing=frozenset({1, 2, 3, 4, 5})),
        feeling(),
        must_have=("sparse_recent_readings",),
    ),
    Scenario(
        "gaps: low morning with RHR up after a gap is still systemic",
        Person(missing=frozenset({1, 2, 3, 4, 5}), shifts={0: (-0.35, 6.0)}),
        feeling(),
        status="caution",
        fatigue_type="nervous_system",
        must_have=("sparse_recent_readings", "hrv_today_below_normal", "rhr_up"),
    ),
    Scenario(
        "one bad single day inside a healthy 7-day trend: caution, not rest",
        Person(shifts={0: (-0.35, 0.0)}),
        feeling(),
        status="caution",
        fatigue_type="recovered",
        must_have=("single_low_day", "hrv_today_below_normal", "hrv_trend_in_swc"),
        must_not_have=("hrv_trend_below_swc",),
    ),
    Scenario(
        "parasympathetic saturation watch: HRV up, RHR down, feels flat",
        Person(shifts=block(7, 0.25, -3.0)),
        feeling(energy=3, heavy_legs=True),
        status="caution",
        fatigue_type="recovered",
        watch="parasympathetic_saturation",
        must_have=("parasympathetic_saturation_watch", "hrv_trend_above_swc"),
    ),
    Scenario(
        "HRV up, RHR down, feels good: good adaptation, no watch",
        Person(shifts=block(7, 0.25, -3.0)),
        feeling(energy=8),
        must_not_have=("parasympathetic_saturation_watch",),
    ),
    Scenario(
        "heavy legs for more than 48 h: caution",
        Person(),
        feeling(heavy_legs=True, soreness=4),
        wellness_history=_heavy_legs_days(3),
        status="caution",
        fatigue_type="recovered",
        must_have=("heavy_legs_persisting",),
    ),
    Scenario(
        "heavy legs for one morning only: noted, still ready",
        Person(),
        feeling(heavy_legs=True, soreness=3),
        must_have=("heavy_legs",),
        must_not_have=("heavy_legs_persisting",),
    ),
    Scenario(
        "no questionnaire and normal HRV: fatigue type unknown",
        Person(),
        None,
        fatigue_type="unknown",
        must_have=("no_wellness",),
    ),
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_scenario(scenario: Scenario) -> None:
    history, today = generate(scenario.person)
    result = assess(
        history=history,
        today=today,
        wellness=scenario.wellness,
        training=scenario.training,
        settings=SETTINGS,
        wellness_history=scenario.wellness_history,
    )
    codes = {reason.code for reason in result.reasons}
    assert (result.status, result.fatigue_type, result.watch) == (
        scenario.status,
        scenario.fatigue_type,
        scenario.watch,
    ), [r.text for r in result.reasons]
    assert set(scenario.must_have) <= codes
    assert not set(scenario.must_not_have) & codes
    assert result.readings_needed == 0
    assert result.advice
    assert all(reason.text for reason in result.reasons)
    # Score and status agree (docs/model.md: score bands).
    assert result.score is not None
    band = {"ready": (60, 100), "caution": (30, 59), "rest": (0, 29)}[result.status]
    assert band[0] <= result.score <= band[1]


@pytest.mark.parametrize(
    ("earlier_readings", "needed"),
    [(0, 13), (1, 12), (9, 4), (12, 1)],
)
def test_building_baseline_counts_the_readings_remaining(
    earlier_readings: int, needed: int
) -> None:
    history, today = generate(Person(days=earlier_readings + 1))
    result = assess(
        history=history, today=today, wellness=feeling(), training=[], settings=SETTINGS
    )
    assert result.status == "building_baseline"
    assert result.fatigue_type == "unknown"
    assert result.score is None
    assert result.readings_needed == needed
    assert [r.code for r in result.reasons] == ["building_baseline"]
    assert f"{needed} more" in result.reasons[0].text


def test_the_fourteenth_reading_gives_advice() -> None:
    history, today = generate(Person(days=14))
    result = assess(
        history=history, today=today, wellness=feeling(), training=[], settings=SETTINGS
    )
    assert result.status != "building_baseline"
    assert result.readings_needed == 0


def test_readings_older_than_the_normal_range_do_not_count() -> None:
    # 30 readings, but all more than 60 days ago, then 3 recent: the baseline is rebuilt.
    history, today = generate(Person(days=100, missing=frozenset(range(1, 70))))
    result = assess(
        history=history, today=today, wellness=feeling(), training=[], settings=SETTINGS
    )
    assert result.status == "building_baseline"
    assert result.readings_needed == 14 - 1


def test_stale_recent_baseline_asks_for_readings() -> None:
    # Plenty of readings in 60 days but none in the last 28 before today.
    history, today = generate(Person(days=60, missing=frozenset(range(1, 29))))
    result = assess(
        history=history, today=today, wellness=feeling(), training=[], settings=SETTINGS
    )
    assert result.status == "building_baseline"
    assert result.readings_needed == 2
    assert "stale" in result.reasons[0].text


def test_a_stable_person_is_mostly_ready_and_never_told_to_rest() -> None:
    outcomes: collections.Counter[tuple[str, str]] = collections.Counter()
    for seed in range(12):
        history, today = generate(Person(days=61, seed=seed))
        days = [*history, today]
        for k in range(30, 60):
            result = assess(
                history=days[:k],
                today=days[k],
                wellness=feeling(day=days[k].date),
                training=[],
                settings=SETTINGS,
            )
            outcomes[(result.status, result.fatigue_type)] += 1
    total = sum(outcomes.values())
    assert outcomes[("ready", "recovered")] / total >= 0.75, outcomes
    assert not any(status == "rest" for status, _ in outcomes), outcomes
    assert not any(kind in {"overreaching", "combined"} for _, kind in outcomes), outcomes


def test_settings_change_the_decision() -> None:
    # The same morning is muscular at the default soreness threshold, recovered at 9.
    history, today = generate(Person())
    wellness = feeling(soreness=7)
    default = assess(
        history=history, today=today, wellness=wellness, training=[], settings=SETTINGS
    )
    lenient = assess(
        history=history,
        today=today,
        wellness=wellness,
        training=[],
        settings=ReadinessSettings(soreness_high=9),
    )
    assert default.fatigue_type == "muscular"
    assert lenient.fatigue_type == "recovered"


def test_result_is_json_serialisable_and_round_trips() -> None:
    history, today = generate(Person(shifts=block(4, -0.3, 5.0)))
    result = assess(
        history=history,
        today=today,
        wellness=feeling(),
        training=sessions("heavy_compound", 2),
        settings=SETTINGS,
    )
    text = json.dumps(result.model_dump(mode="json"))
    assert Readiness.model_validate_json(text) == result
    with pytest.raises(ValidationError):
        result.model_copy(update={"score": 5}).__class__.model_validate(
            {**result.model_dump(), "status": "great"}
        )


def test_assess_is_pure_and_order_independent() -> None:
    history, today = generate(Person(shifts=block(3, -0.3, 4.0)))
    first = assess(history=history, today=today, wellness=feeling(), training=[], settings=SETTINGS)
    again = assess(
        history=list(reversed(history)),
        today=today,
        wellness=feeling(),
        training=[],
        settings=SETTINGS,
    )
    assert first == again


# ------------------------------------------------------------------ bad input


def _reading(day: dt.date, ln: float = 4.2) -> DailyReading:
    return DailyReading(date=day, ln_rmssd=ln, resting_hr_bpm=55.0)


@pytest.mark.parametrize(
    ("history", "wellness", "training", "message"),
    [
        ([_reading(TODAY)], None, [], "earlier mornings only"),
        ([_reading(TODAY + dt.timedelta(days=1))], None, [], "earlier mornings only"),
        (
            [_reading(TODAY - dt.timedelta(days=1))] * 2,
            None,
            [],
            "more than one reading",
        ),
        ([], feeling(day=TODAY - dt.timedelta(days=1)), [], "wellness is dated"),
        (
            [],
            feeling(),
            [
                TrainingEntry(
                    user="bob",
                    date=TODAY,
                    session_type="rest",
                    effort=0,
                    duration_min=0,
                )
            ],
            "several users",
        ),
    ],
)
def test_contradictory_inputs_are_rejected(
    history: list[DailyReading],
    wellness: WellnessEntry | None,
    training: list[TrainingEntry],
    message: str,
) -> None:
    with pytest.raises(AssessmentInputError, match=message) as info:
        assess(
            history=history,
            today=_reading(TODAY),
            wellness=wellness,
            training=training,
            settings=SETTINGS,
        )
    assert isinstance(info.value, InputError)


@pytest.mark.parametrize(
    ("field_name", "value"),
    [("soreness", 11), ("energy", -1), ("stress", 5.5), ("sleep_quality", True), ("soreness", "3")],
)
def test_questionnaire_values_are_validated(field_name: str, value: object) -> None:
    data = feeling().model_dump()
    data[field_name] = value
    # The project's InputError family, not pydantic's ValidationError (issue 13).
    with pytest.raises(InvalidRecordError, match=field_name) as info:
        WellnessEntry.model_validate(data)
    assert info.value.field == field_name
    assert isinstance(info.value, InputError)


@pytest.mark.parametrize(
    ("ln_rmssd", "rhr"),
    [(float("nan"), 55.0), (-0.1, 55.0), (7.0, 55.0), (4.0, 10.0), (4.0, float("inf"))],
)
def test_implausible_readings_are_rejected(ln_rmssd: float, rhr: float) -> None:
    with pytest.raises(InvalidRecordError):
        DailyReading(date=TODAY, ln_rmssd=ln_rmssd, resting_hr_bpm=rhr)


@pytest.mark.parametrize(
    "overrides",
    [
        {"rolling_min_readings": 8},
        {"overreaching_min_days_below": 9},
        {"swc_baseline_days": 90},
        {"score_rest_below": 70},
        {"unknown_threshold": 1},
        {"swc_sd_factor": 0},
    ],
)
def test_inconsistent_settings_are_rejected(overrides: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        ReadinessSettings.model_validate(overrides)


def test_settings_are_frozen_and_documented() -> None:
    settings = ReadinessSettings()
    with pytest.raises(ValidationError):
        settings.swc_sd_factor = 1.0  # type: ignore[misc]
    for name, info in ReadinessSettings.model_fields.items():
        assert info.description, name
