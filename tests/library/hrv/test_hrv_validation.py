"""Bad input gets a clear error, never a number and never a foreign exception."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hrv_readiness.errors import HrvError, InputError, InsufficientDataError
from hrv_readiness.hrv import (
    EmptySeriesError,
    ImplausibleIntervalError,
    InvalidOptionError,
    LooksLikeSecondsError,
    NonFiniteError,
    NotNumericError,
    analyze,
)

STEADY = [800.0, 810.0, 790.0, 805.0, 795.0, 820.0] * 10  # 60 plausible beats


@pytest.mark.parametrize(
    ("rr", "error", "message"),
    [
        ([], EmptySeriesError, "no RR intervals"),
        (np.array([]), EmptySeriesError, "no RR intervals"),
        ([*STEADY[:10], math.nan, *STEADY[10:]], NonFiniteError, "RR interval #11 is nan"),
        ([*STEADY, math.inf], NonFiniteError, "#61 is inf"),
        ([*STEADY[:5], -800.0, *STEADY[5:]], ImplausibleIntervalError, "#6 is -800 ms"),
        ([*STEADY[:5], 0.0, *STEADY[5:]], ImplausibleIntervalError, "must be positive"),
        ([v / 1000 for v in STEADY], LooksLikeSecondsError, "look like seconds (median 0.8"),
        ([v * 1000 for v in STEADY], ImplausibleIntervalError, "look like microseconds"),
        ([150.0] * 60, ImplausibleIntervalError, "median RR interval is 150 ms"),
        ([2500.0] * 60, ImplausibleIntervalError, "outside the plausible 273-2000 ms"),
        ([*STEADY[:30], 9000.0, *STEADY[30:]], ImplausibleIntervalError, "#31 is 9000 ms"),
        ([*STEADY[:29], 1990.0, 20.0, 1990.0, *STEADY[30:]], ImplausibleIntervalError, "#31 is 20"),
        ("800,810", NotNumericError, "not text"),
        (["800", "810"], NotNumericError, "got str"),
        ([True, False], NotNumericError, "got bool"),
        ([[800.0, 810.0], [790.0, 800.0]], NotNumericError, "flat sequence"),
        ([800.0, [810.0]], NotNumericError, "flat sequence"),
        ([800 + 1j, 810], NotNumericError, "complex"),
        ([*STEADY, None], NonFiniteError, "#61 is nan"),
        (STEADY[:10], InsufficientDataError, "10 RR interval(s) is too few"),
    ],
)
def test_bad_input_raises_clear_input_error(rr: object, error: type[Exception], message: str):
    with pytest.raises(error) as info:
        analyze(rr)  # type: ignore[arg-type]
    assert isinstance(info.value, InputError)
    assert message in str(info.value)


def test_error_carries_data():
    with pytest.raises(ImplausibleIntervalError) as info:
        analyze([*STEADY[:5], -3.0, *STEADY[5:]])
    assert (info.value.index, info.value.value_ms) == (5, -3.0)
    with pytest.raises(LooksLikeSecondsError) as seconds:
        analyze([0.85] * 40)
    assert seconds.value.median == 0.85
    with pytest.raises(InsufficientDataError) as short:
        analyze(STEADY[:12])
    assert (short.value.got, short.value.needed) == (12, 30)
    with pytest.raises(NonFiniteError) as nan:
        analyze([800.0, math.nan, *STEADY])
    assert nan.value.index == 1


def test_the_input_is_not_modified():
    rr = np.array(STEADY)
    before = rr.copy()
    analyze(rr)
    assert np.array_equal(rr, before)


@pytest.mark.parametrize(
    "options",
    [
        {"artifact_reject_pct": -1.0},
        {"artifact_reject_pct": 101.0},
        {"artifact_reject_pct": 1.0, "good_artifact_pct": 2.0},
        {"min_beats": 2},
        {"min_rr_ms": 0.0},
        {"min_rr_ms": 900.0, "max_rr_ms": 800.0},
        {"artifact_reject_pct": math.nan},
        {"artifact_reject_pct": "5"},
        {"min_beats": None},
        {"max_rr_ms": True},
    ],
)
def test_bad_options_raise_invalid_option_error(options: dict[str, float]):
    with pytest.raises(InvalidOptionError):
        analyze(STEADY, **options)  # type: ignore[arg-type]


def test_out_of_range_values_explained_by_artifacts_are_corrected_not_refused():
    base = [1250.0, 1262.0, 1240.0, 1255.0, 1248.0, 1270.0] * 10
    missed = [*base[:30], base[30] + base[31], *base[32:]]  # 2512 ms > 2000 ms
    extra = [*base[:30], 200.0, base[30] - 200.0, *base[31:]]  # 200 ms < 273 ms
    for rr, kind in ((missed, "missed"), (extra, "extra")):
        result = analyze(rr)
        assert result.usable
        assert getattr(result.artifacts, kind) == 1
        assert max(result.nn_ms) < 2000.0
        assert min(result.nn_ms) > 273.0


_values = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=250.0, max_value=2100.0),
    st.floats(min_value=0.2, max_value=2.5),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.integers(min_value=300, max_value=1900),
    st.none(),
    st.booleans(),
    st.text(max_size=3),
    st.complex_numbers(max_magnitude=1e3),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_values, max_size=80))
def test_any_list_gives_a_result_or_a_project_error(rr: list[object]):
    try:
        result = analyze(rr)  # type: ignore[arg-type]
    except HrvError:
        return
    assert result.beats == len(result.nn_ms)
    if result.usable:
        assert result.rmssd_ms is not None
        assert math.isfinite(result.rmssd_ms)
        assert result.rmssd_ms > 0
    else:
        assert result.rmssd_ms is None
        assert result.quality.reason


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(min_value=273.0, max_value=2000.0), min_size=30, max_size=400),
    st.floats(min_value=0.0, max_value=100.0),
)
def test_plausible_series_always_analyse(rr: list[float], reject_pct: float):
    result = analyze(rr, artifact_reject_pct=reject_pct, good_artifact_pct=0.0)
    assert result.artifacts.artifact_pct <= 100.0 * len(rr)
    assert result.usable == (result.rmssd_ms is not None)
    assert result.usable == (result.quality.level != "rejected")
    if result.usable:
        assert min(result.nn_ms) >= 273.0 / 3 - 1e-9
        assert result.mean_hr_bpm == pytest.approx(60000.0 / float(np.mean(result.nn_ms)))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.floats(min_value=1e-3, max_value=9.0), min_size=1, max_size=50),
)
def test_seconds_are_recognised(rr: list[float]):
    with pytest.raises(InputError):
        analyze(rr)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "int16", "int64", "uint16"])
def test_numeric_arrays_of_any_width_are_accepted(dtype: str):
    result = analyze(np.asarray(STEADY, dtype=dtype))
    assert result.usable


@pytest.mark.parametrize(
    "array",
    [
        np.array(["800"] * 40),
        np.array(["2026-11-22"] * 40, dtype="datetime64[D]"),
        np.array([800 + 0j] * 40),
        np.array([b"800"] * 40),
    ],
)
def test_non_numeric_arrays_are_refused(array: np.ndarray):
    with pytest.raises(NotNumericError):
        analyze(array)


def test_a_day_of_beats_is_analysed_in_bounded_memory():
    day = np.tile(np.asarray(STEADY), 2000)  # 120,000 beats
    assert analyze(day).beats == day.size
