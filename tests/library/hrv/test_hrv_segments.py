"""Gap-aware segments: no successive difference is ever taken across a segment boundary."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hrv_readiness.errors import HrvError
from hrv_readiness.hrv import InvalidOptionError, analyze
from hrv_readiness.hrv.artifacts import classify_beats, segment_rolling_median
from hrv_readiness.hrv.correction import clean_rr

DATA = Path(__file__).parents[2] / "data"
LONG = np.load(DATA / "SampleNNISeriesLong.npy").astype(float)

#: Two real NSRDB stretches with nothing to correct; the second one 350 ms slower, as if
#: the strap reconnected after the heart rate had dropped from ~80 to ~55 bpm.
FIRST = LONG[1000:1100]
SECOND = LONG[3000:3100] + 350.0
JOINED = np.concatenate((FIRST, SECOND))
BOUNDARY = FIRST.size


def naive_segment_metrics(nn: list[float], starts: list[int]) -> dict[str, float]:
    """Loops over the differences inside each segment: the independent reference."""
    bounds = [*starts, len(nn)]
    diffs = [nn[i + 1] - nn[i] for lo, hi in itertools.pairwise(bounds) for i in range(lo, hi - 1)]
    mean = sum(nn) / len(nn)
    sdnn = math.sqrt(sum((v - mean) ** 2 for v in nn) / (len(nn) - 1))
    mean_d = sum(diffs) / len(diffs)
    sdsd = math.sqrt(sum((d - mean_d) ** 2 for d in diffs) / (len(diffs) - 1))
    rmssd = math.sqrt(sum(d * d for d in diffs) / len(diffs))
    return {
        "rmssd_ms": rmssd,
        "ln_rmssd": math.log(rmssd),
        "sdnn_ms": sdnn,
        "pnn50_pct": 100.0 * sum(abs(d) > 50.0 for d in diffs) / len(diffs),
        "mean_rr_ms": mean,
        "mean_hr_bpm": 60000.0 / mean,
        "sd1_ms": sdsd / math.sqrt(2.0),
        "sd2_ms": math.sqrt(2 * sdnn**2 - sdsd**2 / 2),
    }


def test_two_segments_with_a_level_jump_match_a_naive_loop_and_flag_nothing():
    result = analyze(JOINED, segment_starts=[0, BOUNDARY])
    assert result.quality.level == "good"
    assert result.artifacts.artifact_pct == 0.0
    assert list(result.nn_ms) == JOINED.tolist()  # nothing was "corrected"
    expected = naive_segment_metrics(JOINED.tolist(), [0, BOUNDARY])
    for name, value in expected.items():
        assert getattr(result, name) == pytest.approx(value, rel=1e-12), name


def test_without_segments_the_jump_is_a_difference():
    """Why the option exists: the boundary unknown, the 350 ms jump enters RMSSD."""
    result = analyze(JOINED)
    assert result.rmssd_ms == pytest.approx(
        naive_segment_metrics(JOINED.tolist(), [0])["rmssd_ms"], rel=1e-12
    )
    assert result.rmssd_ms > 1.05 * analyze(JOINED, segment_starts=[0, BOUNDARY]).rmssd_ms


def test_a_one_beat_run_between_two_runs_is_not_taken_for_an_ectopic_beat():
    """A 550 ms interval alone between two reconnects (its neighbours lost) looks like a
    premature beat next to the first interval of the following run; it is not."""
    x = np.concatenate((FIRST, [550.0], LONG[3000:3100]))
    assert analyze(x).artifacts.ectopic == 1
    starts = [0, BOUNDARY, BOUNDARY + 1]
    result = analyze(x, segment_starts=starts)
    assert result.artifacts.artifact_pct == 0.0
    assert list(result.nn_ms) == x.tolist()
    assert result.rmssd_ms == pytest.approx(
        naive_segment_metrics(x.tolist(), starts)["rmssd_ms"], rel=1e-12
    )


def test_no_candidate_and_no_difference_at_the_boundary():
    breaks = np.zeros(JOINED.size, dtype=np.bool_)
    breaks[BOUNDARY] = True
    classification = classify_beats(JOINED, break_before=breaks)
    assert classification.drr_n[BOUNDARY] == 0.0
    assert not classification.candidates[BOUNDARY - 2 : BOUNDARY + 2].any()
    # The local median stays inside each segment.
    np.testing.assert_array_equal(
        segment_rolling_median(JOINED, 11, breaks),
        np.concatenate((segment_rolling_median(FIRST, 11), segment_rolling_median(SECOND, 11))),
    )


@pytest.mark.parametrize("offset", [-3, -2, 0, 1, 2])
def test_an_ectopic_beat_next_to_the_boundary_is_still_corrected(offset: int):
    x = JOINED.copy()
    i = BOUNDARY + offset
    shift = 0.3 * x[i]
    x[i] -= shift
    x[i + 1] += shift
    result = analyze(x, segment_starts=(0, BOUNDARY))
    assert result.artifacts.ectopic == 1
    assert result.artifacts.artifact_pct == pytest.approx(100.0 / x.size)
    assert result.rmssd_ms == pytest.approx(
        naive_segment_metrics(JOINED.tolist(), [0, BOUNDARY])["rmssd_ms"], rel=0.05
    )


def test_a_missed_beat_moves_the_boundary_with_the_beats():
    x = np.concatenate((JOINED[:40], [JOINED[40] + JOINED[41]], JOINED[42:]))
    breaks = np.zeros(x.size, dtype=np.bool_)
    breaks[BOUNDARY - 1] = True  # one interval fewer before the boundary
    cleaned = clean_rr(x, break_before=breaks)
    assert cleaned.counts.missed == 1
    assert cleaned.counts.total == 1
    assert np.flatnonzero(cleaned.break_before).tolist() == [BOUNDARY]
    result = analyze(x, segment_starts=[0, BOUNDARY - 1])
    nn = list(result.nn_ms)
    expected = naive_segment_metrics(nn, [0, BOUNDARY])
    assert result.sdnn_ms == pytest.approx(expected["sdnn_ms"], rel=1e-12)


def test_one_segment_is_the_default():
    for starts in ([0], (0,), np.array([0])):
        assert analyze(JOINED, segment_starts=starts) == analyze(JOINED)


def test_many_short_segments_leave_too_few_differences():
    # 20 runs of 2 beats, then one of 20: 20 + 19 = 39 differences of 59.
    result = analyze(LONG[:60], segment_starts=list(range(0, 41, 2)))
    assert result.usable
    # 45 runs of 1 beat, then one of 15: 14 differences, fewer than the 20 needed.
    result = analyze(LONG[:60], segment_starts=list(range(45)))
    assert result.quality.level == "rejected"
    assert "successive differences" in (result.quality.reason or "")


@pytest.mark.parametrize(
    ("starts", "message"),
    [
        ([], "must start with 0"),
        ([5, 50], "must start with 0"),
        ([0, 50, 40], "strictly increasing"),
        ([0, 50, 50], "strictly increasing"),
        ([0, -1], "strictly increasing"),
        ([0, 200], "beyond the 200 RR interval"),
        ([0, 10**20], "beyond"),
        ([0, 50.0], "whole indices"),
        ([0, True], "whole indices"),
        ([0, "5"], "whole indices"),
        ([0, None], "whole indices"),
        ("0", "not text"),
        (7, "sequence of indices"),
    ],
)
def test_bad_segment_starts_raise_invalid_option_error(starts: object, message: str):
    with pytest.raises(InvalidOptionError, match=message):
        analyze(JOINED, segment_starts=starts)  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.floats(min_value=273.0, max_value=2000.0), min_size=30, max_size=200),
    st.sets(st.integers(min_value=1, max_value=199), max_size=30),
)
def test_any_valid_segments_give_a_result_gap_aware(rr: list[float], cuts: set[int]):
    starts = [0, *sorted(c for c in cuts if c < len(rr))]
    result = analyze(rr, segment_starts=starts)
    assert result.beats == len(result.nn_ms)
    assert result.usable == (result.rmssd_ms is not None)
    if result.usable and result.artifacts.artifact_pct == 0.0:
        expected = naive_segment_metrics(rr, starts)
        assert result.rmssd_ms == pytest.approx(expected["rmssd_ms"], rel=1e-9)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(min_value=300.0, max_value=1900.0), min_size=0, max_size=80),
    st.one_of(
        st.none(),
        st.lists(st.integers(min_value=-(2**65), max_value=2**65), max_size=10),
        st.lists(st.one_of(st.integers(-5, 90), st.floats(), st.booleans(), st.text()), max_size=8),
    ),
)
def test_segment_boundaries_raise_only_project_errors(rr: list[float], starts: object):
    try:
        result = analyze(rr, segment_starts=starts)  # type: ignore[arg-type]
    except HrvError:
        return
    assert result.beats == len(result.nn_ms)
