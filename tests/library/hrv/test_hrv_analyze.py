"""analyze(): reference values on real data, a naive reference loop, rejection."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from hrv_readiness.hrv import HrvResult, analyze

DATA = Path(__file__).parents[2] / "data"
SHORT = np.load(DATA / "SampleNNISeriesShort.npy").astype(float)
LONG = np.load(DATA / "SampleNNISeriesLong.npy").astype(float)


def naive_metrics(nn: list[float]) -> dict[str, float]:
    """Obviously correct loops: the independent reference for the vectorised code."""
    n = len(nn)
    diffs = [nn[i + 1] - nn[i] for i in range(n - 1)]
    mean = sum(nn) / n
    sdnn = math.sqrt(sum((x - mean) ** 2 for x in nn) / (n - 1))
    rmssd = math.sqrt(sum(d * d for d in diffs) / len(diffs))
    mean_d = sum(diffs) / len(diffs)
    sdsd = math.sqrt(sum((d - mean_d) ** 2 for d in diffs) / (len(diffs) - 1))
    return {
        "rmssd_ms": rmssd,
        "ln_rmssd": math.log(rmssd),
        "sdnn_ms": sdnn,
        "pnn50_pct": 100.0 * sum(1 for d in diffs if abs(d) > 50) / len(diffs),
        "mean_rr_ms": mean,
        "mean_hr_bpm": 60000.0 / mean,
        "sd1_ms": sdsd / math.sqrt(2),
        "sd2_ms": math.sqrt(2 * sdnn**2 - sdsd**2 / 2),
    }


def test_pyhrv_nsrdb_reference_values_without_correction() -> None:
    result = analyze(SHORT, correct_artifacts=False)
    assert result.rmssd_ms is not None
    assert result.sdnn_ms is not None
    assert round(result.rmssd_ms, 4) == 101.3006
    assert round(result.sdnn_ms, 4) == 95.6904
    assert round(result.ln_rmssd or 0.0, 4) == 4.6181
    assert result.artifacts.artifact_pct == 0.0
    assert result.beats == 337


def test_pyhrv_nsrdb_reference_values_with_default_settings() -> None:
    """The series is clean sinus rhythm (NN intervals): nothing may be flagged in it.

    Its four lone pauses (758, 1070 ms; 883, 1109; 844, 1125; 836, 1172) were once taken
    for displaced peaks and spread over two beats (RMSSD 94.64 ms).
    """
    result = analyze(SHORT)
    assert result.artifacts.artifact_pct == 0.0
    assert result.rmssd_ms is not None
    assert result.sdnn_ms is not None
    assert round(result.rmssd_ms, 4) == 101.3006
    assert round(result.sdnn_ms, 4) == 95.6904
    assert result.quality.level == "good"


@pytest.mark.parametrize("start", [0, 500, 1000, 2000, 3000, 4300])
def test_metrics_match_naive_loop_on_real_windows(start: int) -> None:
    window = LONG[start : start + 300]
    result = analyze(window, correct_artifacts=False)
    expected = naive_metrics(window.tolist())
    for name, value in expected.items():
        assert getattr(result, name) == pytest.approx(value, rel=1e-12), name


def test_clean_series_cleaned_metrics_match_naive_loop_over_measured_differences() -> None:
    result = analyze(SHORT)
    assert result.usable
    assert isinstance(result, HrvResult)
    # Whatever was corrected, SDNN and mean are those of the returned NN series.
    expected = naive_metrics(list(result.nn_ms))
    assert result.sdnn_ms == pytest.approx(expected["sdnn_ms"], rel=1e-12)
    assert result.mean_hr_bpm == pytest.approx(expected["mean_hr_bpm"], rel=1e-12)


METRICS = ("rmssd_ms", "ln_rmssd", "sdnn_ms", "pnn50_pct", "mean_rr_ms", "mean_hr_bpm")


def with_ectopics(rr: np.ndarray, every: int) -> np.ndarray:
    x = rr.copy()
    for i in range(3, x.size - 3, every):
        shift = 0.33 * x[i]
        x[i] -= shift
        x[i + 1] += shift
    return x


def test_frequent_ectopy_is_rejected_not_corrected_into_a_number():
    """Bigeminy-like ectopy (MIT-BIH record 208 style): a reading, not a number."""
    result = analyze(with_ectopics(LONG[:300], every=6))
    assert result.quality.level == "rejected"
    assert result.quality.reason is not None
    assert "above the 5 % limit" in result.quality.reason
    assert "too few clean beats" in result.quality.reason
    assert not result.usable
    assert all(getattr(result, name) is None for name in METRICS)
    assert result.artifacts.ectopic >= 45
    assert len(result.nn_ms) == result.beats  # the cleaned series is still there


@pytest.mark.parametrize(
    ("every", "level"),
    [(1000, "good"), (60, "good"), (30, "acceptable")],
)
def test_quality_levels(every: int, level: str):
    result = analyze(with_ectopics(LONG[1000:1300], every=every))
    assert result.quality.level == level
    assert result.usable
    assert (result.quality.reason is None) == (level == "good")


def test_a_reading_whose_rmssd_depends_on_its_corrections_says_so():
    """10 ectopic beats in 300 hide 30 differences: RMSSD ±7.7 %, reported, not refused."""
    rr = with_ectopics(LONG[1000:1300], every=30)
    result = analyze(rr)
    assert result.quality.level == "acceptable"
    assert result.rmssd_uncertainty_pct is not None
    assert 4.0 < result.rmssd_uncertainty_pct < 10.0
    assert f"RMSSD ±{result.rmssd_uncertainty_pct:.1f} %" in (result.quality.reason or "")
    assert analyze(LONG[1000:1300]).rmssd_uncertainty_pct == 0.0


@pytest.mark.parametrize(("start", "level"), [(0, "good"), (1200, "acceptable")])
def test_one_ectopic_beat_is_good_unless_rmssd_depends_on_it(start: int, level: str):
    """One corrected beat in 130: ±1.2 % in a calm stretch, ±8.8 % next to large steps."""
    rr = LONG[start : start + 130].copy()
    shift = 0.33 * rr[60]
    rr[60] -= shift
    rr[61] += shift
    result = analyze(rr)
    assert result.artifacts.total == 1
    assert result.quality.level == level
    assert result.usable


def test_reject_threshold_is_an_option():
    rr = with_ectopics(LONG[:300], every=15)  # 20 ectopic beats: 6.7 %
    assert analyze(rr).quality.level == "rejected"
    relaxed = analyze(rr, artifact_reject_pct=10.0)
    assert relaxed.quality.level == "acceptable"
    assert relaxed.artifacts.ectopic >= 20


def test_a_strap_repeating_one_value_is_rejected():
    result = analyze([812.0] * 120)
    assert result.quality.level == "rejected"
    assert "repeat" in (result.quality.reason or "")


def test_correction_recovers_rmssd_of_the_clean_reading():
    clean = analyze(LONG[2000:2300], correct_artifacts=False).rmssd_ms
    noisy = analyze(with_ectopics(LONG[2000:2300], every=75))
    assert clean is not None
    assert noisy.rmssd_ms == pytest.approx(clean, rel=0.05)
