"""Whatever a user's input is, the readiness model answers or raises the project's InputError.

Every constructor a user's input reaches (``DailyReading``, ``WellnessEntry``,
``TrainingEntry`` built directly, with ``model_validate`` or from JSON) and ``assess``
itself: never pydantic's ``ValidationError``, a ``TypeError`` or a NaN in a verdict.
"""

from __future__ import annotations

import datetime as dt
import json
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from hrv_readiness.errors import InputError
from hrv_readiness.readiness import (
    DailyReading,
    InvalidRecordError,
    Readiness,
    ReadinessSettings,
    TrainingEntry,
    WellnessEntry,
    assess,
)

TODAY = dt.date(2026, 6, 30)

junk = (
    st.none()
    | st.booleans()
    | st.integers(-5, 15)
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8)
    | st.dates().map(dt.date.isoformat)
    | st.lists(st.integers(), max_size=2)
)
FIELDS = {
    DailyReading: {
        "date": st.just(TODAY) | junk,
        "ln_rmssd": st.floats(0, 6.5) | junk,
        "resting_hr_bpm": st.floats(20, 220) | junk,
    },
    WellnessEntry: {
        "user": st.just("alice") | junk,
        "date": st.just(TODAY) | junk,
        "soreness": st.integers(0, 10) | junk,
        "energy": st.integers(0, 10) | junk,
        "sleep_quality": st.integers(0, 10) | junk,
        "stress": st.integers(0, 10) | junk,
        "heavy_legs": st.booleans() | junk,
    },
    TrainingEntry: {
        "user": st.just("alice") | junk,
        "date": st.just(TODAY) | junk,
        "session_type": st.sampled_from(["intervals", "rest", "isolation"]) | junk,
        "effort": st.integers(0, 10) | junk,
        "duration_min": st.integers(0, 300) | junk,
    },
}


@st.composite
def record_data(draw: st.DrawFn) -> tuple[type, dict[str, object]]:
    model = draw(st.sampled_from(list(FIELDS)))
    data = {
        name: draw(values)
        for name, values in FIELDS[model].items()
        if draw(st.integers(0, 9)) > 0  # now and then a field is missing
    }
    if draw(st.integers(0, 9)) == 0:
        data["unexpected"] = draw(junk)
    return model, data


def _json_default(value: object) -> str:
    return str(value)


@settings(max_examples=400, deadline=None)
@given(record_data())
def test_record_constructors_raise_only_invalid_record_error(
    case: tuple[type, dict[str, object]],
) -> None:
    model, data = case
    text = json.dumps(data, default=_json_default)
    for build in (
        lambda: model(**data),
        lambda: model.model_validate(data),
        lambda: model.model_validate_json(text),
    ):
        failure: InvalidRecordError | None = None
        try:
            record = build()
        except InvalidRecordError as err:
            failure = err
        if failure is not None:
            assert isinstance(failure, InputError)
            assert failure.field
            assert str(failure)
        else:
            for value in record.__dict__.values():
                assert not (isinstance(value, float) and not math.isfinite(value))


def _reading(ago: int, ln: float) -> DailyReading:
    return DailyReading(date=TODAY - dt.timedelta(days=ago), ln_rmssd=ln, resting_hr_bpm=55.0)


VALID_HISTORY = [_reading(ago, 4.0 + 0.05 * (ago % 3)) for ago in range(1, 30)]
maybe_junk_record = (
    st.builds(
        DailyReading.model_construct,
        date=st.dates(),
        ln_rmssd=st.floats(allow_nan=True, allow_infinity=True),
        resting_hr_bpm=st.floats(allow_nan=True),
    )
    | junk
)


@settings(max_examples=200, deadline=None)
@given(
    extra=st.lists(maybe_junk_record, max_size=3),
    today=st.just(_reading(0, 4.1)) | maybe_junk_record,
    wellness=st.none()
    | st.just(WellnessEntry(user="a", date=TODAY, soreness=1, energy=8, sleep_quality=8, stress=2))
    | st.builds(
        WellnessEntry.model_construct,
        user=st.just("a"),
        date=st.just(TODAY),
        soreness=junk,
        energy=st.integers(0, 10),
        sleep_quality=st.integers(0, 10),
        stress=st.integers(0, 10),
        heavy_legs=st.booleans(),
    )
    | junk,
    training=st.lists(junk, max_size=2) | st.just([]) | junk,
    readiness_settings=st.just(ReadinessSettings()) | junk,
)
def test_assess_answers_or_raises_input_error(
    extra: list[object],
    today: object,
    wellness: object,
    training: object,
    readiness_settings: object,
) -> None:
    failure: InputError | None = None
    try:
        result = assess(
            history=[*VALID_HISTORY, *extra],  # type: ignore[list-item]
            today=today,  # type: ignore[arg-type]
            wellness=wellness,  # type: ignore[arg-type]
            training=training,  # type: ignore[arg-type]
            settings=readiness_settings,  # type: ignore[arg-type]
        )
    except InputError as err:
        failure = err
    if failure is not None:
        assert str(failure)
    else:
        assert isinstance(result, Readiness)
        for value in result.baselines.model_dump().values():
            assert not (isinstance(value, float) and not math.isfinite(value))
