"""Scenario tests of the orthostatic rules O1-O3 (docs/model.md), table-driven.

Each orthostatic scenario is paired with the same morning without the test, so the
table shows what the standing half changes; none fires before six earlier tests.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pytest

from hrv_readiness.readiness import (
    AssessmentInputError,
    OrthostaticTest,
    ReadinessSettings,
    WellnessEntry,
    assess,
)

from .histories import TODAY, Person, block, feeling, generate

SETTINGS = ReadinessSettings()
#: The person's usual test: a 25 bpm rise, standing lnRMSSD 3.3, standing HR 75 bpm.
RISE_BPM, STANDING_LN, STANDING_HR = 25.0, 3.3, 75.0


def earlier_tests(count: int, *, seed: int = 11) -> list[OrthostaticTest]:
    """``count`` tests on alternate days before today, with day-to-day noise."""
    rng = np.random.default_rng(seed)
    return [
        OrthostaticTest(
            date=TODAY - dt.timedelta(days=2 * k + 1),
            hr_rise_bpm=RISE_BPM + float(rng.normal(0.0, 2.0)),
            standing_ln_rmssd=STANDING_LN + float(rng.normal(0.0, 0.08)),
            standing_hr_bpm=STANDING_HR + float(rng.normal(0.0, 1.5)),
        )
        for k in range(count)
    ]


def todays_test(
    rise: float = RISE_BPM, standing_ln: float = STANDING_LN, standing_hr: float = STANDING_HR
) -> OrthostaticTest:
    return OrthostaticTest(
        date=TODAY, hr_rise_bpm=rise, standing_ln_rmssd=standing_ln, standing_hr_bpm=standing_hr
    )


@dataclass(frozen=True)
class Scenario:
    name: str
    person: Person
    wellness: WellnessEntry | None
    test: OrthostaticTest
    earlier: int
    #: (status, fatigue type, watch) without the test, then with it
    without: tuple[str, str, str | None]
    with_test: tuple[str, str, str | None]
    must_have: tuple[str, ...] = ()
    must_not_have: tuple[str, ...] = ()


SCENARIOS = [
    Scenario(
        "usual test on a usual morning: nothing changes",
        Person(),
        feeling(),
        todays_test(),
        earlier=8,
        without=("ready", "recovered", None),
        with_test=("ready", "recovered", None),
        must_not_have=(
            "orthostatic_response_raised",
            "orthostatic_standing_suppressed",
            "orthostatic_response_flattened",
            "orthostatic_building_baseline",
        ),
    ),
    Scenario(
        "O1: raised response, normal supine HRV -> nervous system",
        Person(),
        feeling(),
        todays_test(rise=38.0),
        earlier=8,
        without=("ready", "recovered", None),
        with_test=("caution", "nervous_system", None),
        must_have=("orthostatic_response_raised",),
    ),
    Scenario(
        "O1 with soreness: combined",
        Person(),
        feeling(soreness=7),
        todays_test(rise=38.0),
        earlier=8,
        without=("caution", "muscular", None),
        with_test=("caution", "combined", None),
        must_have=("orthostatic_response_raised", "soreness_high"),
    ),
    Scenario(
        "O1 before six earlier tests: not judged yet",
        Person(),
        feeling(),
        todays_test(rise=38.0),
        earlier=5,
        without=("ready", "recovered", None),
        with_test=("ready", "recovered", None),
        must_have=("orthostatic_building_baseline",),
        must_not_have=("orthostatic_response_raised",),
    ),
    Scenario(
        "O2: standing HRV down, standing HR up, supine normal -> nervous system",
        Person(),
        feeling(),
        todays_test(standing_ln=2.9, standing_hr=84.0),
        earlier=8,
        without=("ready", "recovered", None),
        with_test=("caution", "nervous_system", None),
        must_have=("orthostatic_standing_suppressed",),
    ),
    Scenario(
        "O2 before six earlier tests: not judged yet",
        Person(),
        feeling(),
        todays_test(standing_ln=2.9, standing_hr=84.0),
        earlier=4,
        without=("ready", "recovered", None),
        with_test=("ready", "recovered", None),
        must_have=("orthostatic_building_baseline",),
    ),
    Scenario(
        "O3: flattened response, high supine HRV, low RHR, one flat sign -> saturation watch",
        Person(shifts=block(7, 0.25, -3.0)),
        feeling(energy=3),
        todays_test(rise=12.0),
        earlier=8,
        without=("ready", "recovered", None),
        with_test=("caution", "recovered", "parasympathetic_saturation"),
        must_have=("orthostatic_response_flattened", "parasympathetic_saturation_watch"),
    ),
    Scenario(
        "O3 never without a subjective sign (Le Meur 2013: flag only with them)",
        Person(shifts=block(7, 0.25, -3.0)),
        feeling(energy=8),
        todays_test(rise=12.0),
        earlier=8,
        without=("ready", "recovered", None),
        with_test=("ready", "recovered", None),
        must_have=("orthostatic_response_flattened",),
        must_not_have=("parasympathetic_saturation_watch",),
    ),
    Scenario(
        "O3 before six earlier tests: not judged yet",
        Person(shifts=block(7, 0.25, -3.0)),
        feeling(energy=3),
        todays_test(rise=12.0),
        earlier=5,
        without=("ready", "recovered", None),
        with_test=("ready", "recovered", None),
        must_not_have=("orthostatic_response_flattened", "parasympathetic_saturation_watch"),
    ),
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_scenario(scenario: Scenario) -> None:
    history, today = generate(scenario.person)
    plain = assess(
        history=history, today=today, wellness=scenario.wellness, training=[], settings=SETTINGS
    )
    tested = assess(
        history=history,
        today=today,
        wellness=scenario.wellness,
        training=[],
        settings=SETTINGS,
        orthostatic_test=scenario.test,
        orthostatic_history=earlier_tests(scenario.earlier),
    )
    assert (plain.status, plain.fatigue_type, plain.watch) == scenario.without
    assert (tested.status, tested.fatigue_type, tested.watch) == scenario.with_test
    codes = {r.code for r in tested.reasons}
    assert set(scenario.must_have) <= codes
    assert not set(scenario.must_not_have) & codes
    assert plain.orthostatic is None
    assert tested.orthostatic is not None
    assert tested.orthostatic.hr_rise_today_bpm == scenario.test.hr_rise_bpm


def test_the_sixth_earlier_test_starts_the_advice() -> None:
    history, today = generate(Person())
    raised = todays_test(rise=38.0)
    for count, needed in ((5, 1), (6, 0)):
        verdict = assess(
            history=history,
            today=today,
            wellness=feeling(),
            training=[],
            settings=SETTINGS,
            orthostatic_test=raised,
            orthostatic_history=earlier_tests(count),
        )
        assert verdict.orthostatic is not None
        assert verdict.orthostatic.tests_needed == needed
        assert verdict.orthostatic.tests_in_baseline == count
        fired = "orthostatic_response_raised" in {r.code for r in verdict.reasons}
        assert fired is (needed == 0)
    assert verdict.orthostatic.hr_rise_upper_bpm is not None


def test_the_ranges_follow_the_settings() -> None:
    history, today = generate(Person())
    wide = SETTINGS.model_copy(update={"orthostatic_range_sd_factor": 3.0})
    verdict = assess(
        history=history,
        today=today,
        wellness=feeling(),
        training=[],
        settings=wide,
        orthostatic_test=todays_test(rise=29.5),
        orthostatic_history=earlier_tests(8),
    )
    assert verdict.fatigue_type == "recovered"
    narrow = assess(
        history=history,
        today=today,
        wellness=feeling(),
        training=[],
        settings=SETTINGS,
        orthostatic_test=todays_test(rise=29.5),
        orthostatic_history=earlier_tests(8),
    )
    assert narrow.fatigue_type == "nervous_system"


def test_tests_older_than_the_normal_range_do_not_count() -> None:
    history, today = generate(Person())
    old = [
        t.model_copy(update={"date": t.date - dt.timedelta(days=SETTINGS.normal_range_days)})
        for t in earlier_tests(8)
    ]
    verdict = assess(
        history=history,
        today=today,
        wellness=feeling(),
        training=[],
        settings=SETTINGS,
        orthostatic_test=todays_test(rise=38.0),
        orthostatic_history=old,
    )
    assert verdict.orthostatic is not None
    assert verdict.orthostatic.tests_in_baseline == 0
    assert verdict.fatigue_type == "recovered"


@pytest.mark.parametrize(
    ("test", "earlier", "match"),
    [
        (todays_test().model_copy(update={"date": TODAY - dt.timedelta(days=1)}), [], "dated"),
        (todays_test(), [todays_test()], "earlier tests only"),
        (todays_test(), [*earlier_tests(2), earlier_tests(1)[0]], "more than one test"),
    ],
)
def test_contradictory_orthostatic_inputs_are_rejected(
    test: OrthostaticTest, earlier: list[OrthostaticTest], match: str
) -> None:
    history, today = generate(Person())
    with pytest.raises(AssessmentInputError, match=match):
        assess(
            history=history,
            today=today,
            wellness=feeling(),
            training=[],
            settings=SETTINGS,
            orthostatic_test=test,
            orthostatic_history=earlier,
        )
