"""Breathing rate from RR against known rhythms and an independent slow reference."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hrv_readiness.hrv import analyze
from hrv_readiness.hrv.respiration import estimate_breathing_rate
from tests.support.breathing import (
    BreathingScenario,
    reference_breathing_rate_per_min,
    synthesize_breathing_rr,
)


def sine_beats(rate_per_min: float, *, hr_bpm: float = 60.0, seconds: float = 120.0) -> np.ndarray:
    """A pure RSA sine read off at each beat: the textbook case."""
    t, out = 0.0, []
    mean_ms = 60_000.0 / hr_bpm
    while t < seconds:
        rr = mean_ms + 40.0 * math.sin(2.0 * math.pi * rate_per_min / 60.0 * t)
        out.append(rr)
        t += rr / 1000.0
    return np.asarray(out)


@pytest.mark.parametrize("rate", [7.0, 12.0, 19.5, 26.0])
def test_reference_finds_a_pure_sine(rate: float):
    assert reference_breathing_rate_per_min(sine_beats(rate)) == pytest.approx(rate, abs=0.15)


@pytest.mark.parametrize("rate", [6.5, 9.0, 12.0, 15.0, 18.0, 22.0, 28.0])
def test_pure_sine_is_found_within_a_tenth(rate: float):
    estimate = estimate_breathing_rate(sine_beats(rate, hr_bpm=75.0))
    assert estimate.quality == "good"
    assert estimate.rate_per_min == pytest.approx(rate, abs=0.1)


@pytest.mark.parametrize(
    ("rate", "hr", "ectopic_pct", "seed"),
    [
        (8.5, 52.0, 0.0, 1),
        (11.0, 60.0, 0.0, 2),
        (14.0, 66.0, 1.5, 3),
        (16.5, 58.0, 0.0, 4),
        (20.0, 72.0, 2.0, 5),
    ],
)
def test_estimate_agrees_with_slow_reference_and_truth(
    rate: float, hr: float, ectopic_pct: float, seed: int
):
    rr = synthesize_breathing_rr(
        BreathingScenario(
            breathing_per_min=rate, heart_rate_bpm=hr, ectopic_pct=ectopic_pct, seed=seed
        )
    )
    result = analyze(rr)
    estimate = estimate_breathing_rate(result.nn_ms, artifact_pct=result.artifacts.artifact_pct)
    reference = reference_breathing_rate_per_min(result.nn_ms)
    assert estimate.quality == "good"
    assert estimate.rate_per_min is not None
    assert estimate.rate_per_min == pytest.approx(reference, abs=0.6)
    assert abs(estimate.rate_per_min - rate) <= 1.0


def test_median_error_of_clean_two_minute_readings_8_to_20_is_below_one():
    """Acceptance 1 of issue 26 on a small batch (the full table: make bench-breathing)."""
    rng = np.random.default_rng(26)
    errors, flagged = [], 0
    for seed in range(24):
        rate = float(rng.uniform(8.0, 20.0))
        scenario = BreathingScenario(
            breathing_per_min=rate,
            heart_rate_bpm=float(rng.uniform(48.0, 78.0)),
            rsa_amplitude_ms=float(rng.uniform(15.0, 50.0)),
            mayer_amplitude_ms=float(rng.uniform(5.0, 20.0)),
            noise_sd_ms=float(rng.uniform(4.0, 12.0)),
            seed=seed,
        )
        result = analyze(synthesize_breathing_rr(scenario))
        if result.breathing_rate_per_min is None:
            flagged += 1
        else:
            errors.append(abs(result.breathing_rate_per_min - rate))
    assert float(np.median(errors)) <= 1.0
    assert flagged <= 24 // 5


def test_too_short():
    estimate = estimate_breathing_rate(sine_beats(14.0, seconds=45.0))
    assert (estimate.quality, estimate.rate_per_min) == ("too_short", None)


def test_too_many_artifacts():
    estimate = estimate_breathing_rate(sine_beats(14.0), artifact_pct=6.0)
    assert (estimate.quality, estimate.rate_per_min) == ("too_many_artifacts", None)


@pytest.mark.parametrize(("rate", "hr"), [(4.0, 60.0), (36.0, 80.0)])
def test_outside_six_to_thirty_is_out_of_range(rate: float, hr: float):
    estimate = estimate_breathing_rate(sine_beats(rate, hr_bpm=hr))
    assert (estimate.quality, estimate.rate_per_min) == ("out_of_range", None)


def test_two_equal_rhythms_have_no_clear_peak():
    t, out = 0.0, []
    while t < 120.0:
        slow = 30.0 * math.sin(2 * math.pi * 0.15 * t)
        rr = 1000.0 + slow + 20.0 * math.sin(2 * math.pi * 0.3 * t)
        out.append(rr)
        t += rr / 1000.0
    estimate = estimate_breathing_rate(out)
    assert (estimate.quality, estimate.rate_per_min) == ("no_clear_peak", None)


def test_bad_option_is_a_clear_error():
    with pytest.raises(ValueError, match="min_duration_s"):
        estimate_breathing_rate(sine_beats(14.0), min_duration_s=0.0)


def test_analyze_carries_the_breathing_rate_and_a_rejected_reading_none():
    result = analyze(sine_beats(15.0))
    assert result.breathing_quality == "good"
    assert result.breathing_rate_per_min == pytest.approx(15.0, abs=0.2)
    noisy = synthesize_breathing_rr(BreathingScenario(breathing_per_min=14.0, ectopic_pct=12.0))
    rejected = analyze(noisy)
    assert rejected.quality.level == "rejected"
    assert (rejected.breathing_rate_per_min, rejected.breathing_quality) == (None, None)
