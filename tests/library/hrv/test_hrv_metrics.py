"""Time-domain metrics with gap-aware differences, against naive loops."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hrv_readiness.hrv.metrics import time_domain, valid_differences


def naive_gap_aware(nn: list[float], estimated: list[bool]) -> dict[str, float]:
    diffs = [
        nn[i + 1] - nn[i] for i in range(len(nn) - 1) if not estimated[i] and not estimated[i + 1]
    ]
    mean = sum(nn) / len(nn)
    sdnn = math.sqrt(sum((v - mean) ** 2 for v in nn) / (len(nn) - 1))
    mean_d = sum(diffs) / len(diffs)
    sdsd = math.sqrt(sum((d - mean_d) ** 2 for d in diffs) / (len(diffs) - 1))
    return {
        "rmssd_ms": math.sqrt(sum(d * d for d in diffs) / len(diffs)),
        "sdnn_ms": sdnn,
        "sdsd_ms": sdsd,
        "pnn50_pct": 100.0 * sum(abs(d) > 50.0 for d in diffs) / len(diffs),
        "mean_hr_bpm": 60000.0 / mean,
        "sd1_ms": sdsd / math.sqrt(2.0),
        "sd2_ms": math.sqrt(max(2 * sdnn**2 - sdsd**2 / 2, 0.0)),
        "valid_differences": len(diffs),
    }


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(min_value=300.0, max_value=1900.0), st.booleans()),
        min_size=8,
        max_size=120,
    )
)
def test_metrics_equal_a_naive_loop(beats: list[tuple[float, bool]]):
    nn = [v for v, _ in beats]
    estimated = [e for _, e in beats]
    expected_valid = sum(1 for i in range(len(nn) - 1) if not estimated[i] and not estimated[i + 1])
    if expected_valid < 2:
        with pytest.raises(ValueError, match="valid successive differences"):
            time_domain(np.asarray(nn), np.asarray(estimated))
        return
    result = time_domain(np.asarray(nn), np.asarray(estimated))
    for name, value in naive_gap_aware(nn, estimated).items():
        assert getattr(result, name) == pytest.approx(value, rel=1e-9, abs=1e-5), name


def test_differences_never_span_a_corrected_interval():
    nn = np.array([800.0, 1200.0, 1200.0, 800.0, 810.0, 790.0])
    estimated = np.array([False, True, True, False, False, False])
    assert valid_differences(nn, estimated).tolist() == [10.0, -20.0]


def test_pnn50_counts_strictly_more_than_50_ms():
    nn = np.array([800.0, 850.0, 800.0, 851.0, 800.0])  # |Δ| = 50, 50, 51, 51
    assert time_domain(nn).pnn50_pct == 50.0


def test_mean_hr_is_beats_per_elapsed_minute():
    nn = np.array([600.0, 1200.0] * 10)  # 20 beats in 18 s
    assert time_domain(nn).mean_hr_bpm == pytest.approx(20 / 18 * 60)
