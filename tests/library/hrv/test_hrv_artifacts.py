"""Lipponen–Tarvainen classification: rolling statistics and the paper's patterns."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hrv_readiness.hrv.artifacts import BeatClass, classify_beats, rolling_median, rolling_quantiles

DATA = Path(__file__).parents[2] / "data"
LONG = np.load(DATA / "SampleNNISeriesLong.npy").astype(float)


def naive_rolling_quantile(values: np.ndarray, window: int, q: float) -> np.ndarray:
    """pandas' rolling(window, center=True, min_periods=1).quantile(q), written as a loop."""
    half = window // 2
    out = []
    for i in range(values.size):
        chunk = values[max(0, i - half) : i + half + 1]
        out.append(np.quantile(chunk, q, method="linear"))
    return np.asarray(out)


@pytest.mark.parametrize("size", [1, 2, 7, 60, 91, 92, 300, 4096 + 50])
@pytest.mark.parametrize("window", [11, 91])
def test_rolling_quantiles_match_a_naive_loop(size: int, window: int):
    values = np.random.default_rng(size).normal(800, 60, size)
    q1, q3 = rolling_quantiles(values, window, (0.25, 0.75))
    np.testing.assert_allclose(q1, naive_rolling_quantile(values, window, 0.25), rtol=1e-12)
    np.testing.assert_allclose(q3, naive_rolling_quantile(values, window, 0.75), rtol=1e-12)
    np.testing.assert_allclose(
        rolling_median(values, window), naive_rolling_quantile(values, window, 0.5), rtol=1e-12
    )


def _steady(n: int = 120) -> np.ndarray:
    rng = np.random.default_rng(1)
    return 800.0 + 25.0 * np.sin(np.arange(n) * 2 * np.pi / 4.5) + rng.normal(0, 5, n)


def test_classes_of_the_three_artifacts():
    rr = _steady()
    rr[30] -= 240.0  # premature beat ...
    rr[31] += 240.0  # ... and its compensatory pause
    rr[60] = rr[60] + rr[61]  # missed beat (two intervals in one)
    rr = np.delete(rr, 61)
    first = 0.4 * rr[90]  # extra beat splits one interval
    rr = np.concatenate((rr[:90], [first, rr[90] - first], rr[91:]))
    classes = classify_beats(rr).classes
    assert BeatClass.ECTOPIC in classes[30:32]  # the premature beat or its pause
    assert classes[60] == BeatClass.MISSED
    assert classes[90] == BeatClass.EXTRA
    flagged = set(np.flatnonzero(classes).tolist())
    assert flagged <= {29, 30, 31, 32, 59, 60, 61, 89, 90, 91, 92}


def test_nearly_constant_series_is_not_all_artifacts():
    rr = np.full(100, 800.0)
    rr[::7] += 3.0  # a strap rounding to 1/1024 s makes tiny steps
    assert not classify_beats(rr).candidates.any()


def test_paper_criteria_flag_a_few_percent_of_clean_real_beats():
    """Why the corrector treats the paper's flags as candidates, not verdicts."""
    windows = [LONG[s : s + 300] for s in range(0, LONG.size - 299, 200)]
    flagged = sum(int(classify_beats(w).candidates.sum()) for w in windows)
    assert flagged / (300 * len(windows)) > 0.01
