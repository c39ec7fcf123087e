"""Lomb–Scargle band powers and DFA α1 against synthetic signals of known answer (±5 %)."""

from __future__ import annotations

import math
import tracemalloc

import numpy as np
import pytest

from hrv_readiness.hrv import analyze
from hrv_readiness.hrv.frequency import band_powers, dfa_alpha1


def beats_of(duration_s: float, rr_of_time, jitter_ms: float = 0.0, seed: int = 0) -> np.ndarray:
    """RR intervals whose value is a known function of the time the beat starts."""
    rng = np.random.default_rng(seed)
    t, rr = 0.0, []
    while t < duration_s:
        value = float(rr_of_time(t)) + rng.normal(0.0, jitter_ms) if jitter_ms else rr_of_time(t)
        rr.append(value)
        t += value / 1000.0
    return np.asarray(rr, dtype=float)


@pytest.mark.parametrize(
    ("hf_amp", "lf_amp", "breathing_hz", "duration_s"),
    [
        (40.0, 30.0, 0.25, 300.0),
        (20.0, 0.0, 0.20, 120.0),
        (60.0, 45.0, 0.30, 180.0),
        (10.0, 25.0, 0.18, 300.0),
    ],
)
def test_band_powers_of_sines_are_amplitude_squared_over_two(
    hf_amp: float, lf_amp: float, breathing_hz: float, duration_s: float
):
    rr = beats_of(
        duration_s,
        lambda t: (
            950.0
            + hf_amp * math.sin(2 * math.pi * breathing_hz * t)
            + lf_amp * math.sin(2 * math.pi * 0.09 * t + 1.0)
        ),
        jitter_ms=0.5,  # a little white noise (0.25 ms², spread over 0-0.5 Hz)
    )
    bands = band_powers(rr)
    assert bands.hf_ms2 == pytest.approx(hf_amp**2 / 2, rel=0.05)
    if lf_amp:
        assert bands.lf_ms2 == pytest.approx(lf_amp**2 / 2, rel=0.05)
    else:
        assert bands.lf_ms2 < 0.05 * bands.hf_ms2


def white_noise_alpha1() -> float:
    """DFA-1 of white noise over boxes 4-16 is not 0.5 but, from the expected squared
    residual of a linearly detrended random walk, (n² − 4)/(15 n), a little more."""
    n = np.arange(4, 17)
    slope, _ = np.polyfit(np.log(n), 0.5 * np.log((n**2 - 4) / (15 * n)), 1)
    return float(slope)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("white", white_noise_alpha1()), ("random walk", 1.5)],
)
def test_dfa_alpha1_of_known_processes(name: str, expected: float):
    alphas = []
    for seed in range(8):
        noise = np.random.default_rng(seed).normal(0.0, 20.0, 2000)
        series = noise if name == "white" else np.cumsum(noise) / 10.0
        alphas.append(dfa_alpha1(900.0 + series))
    assert float(np.mean(alphas)) == pytest.approx(expected, rel=0.05)


def test_frequency_domain_is_opt_in():
    rr = beats_of(180.0, lambda t: 900.0 + 30.0 * math.sin(2 * math.pi * 0.25 * t), 3.0)
    plain = analyze(rr)
    assert plain.hf_power_ms2 is None
    assert plain.dfa_alpha1 is None
    full = analyze(rr, frequency_domain=True)
    assert full.hf_power_ms2 == pytest.approx(450.0, rel=0.05)
    assert full.lf_hf_ratio is not None
    assert full.lf_hf_ratio < 0.1
    assert full.dfa_alpha1 is not None
    assert full.rmssd_ms == plain.rmssd_ms


def test_long_reading_band_powers_average_five_minute_segments():
    # 25 minutes: cut into five 5-min segments whose periodograms are averaged.
    rr = beats_of(
        1500.0,
        lambda t: (
            900.0
            + 40.0 * math.sin(2 * math.pi * 0.25 * t)
            + 25.0 * math.sin(2 * math.pi * 0.09 * t)
        ),
        jitter_ms=0.5,
    )
    bands = band_powers(rr)
    assert bands.hf_ms2 == pytest.approx(40.0**2 / 2, rel=0.05)
    assert bands.lf_ms2 == pytest.approx(25.0**2 / 2, rel=0.05)


def test_frequency_domain_memory_does_not_grow_with_the_square_of_the_length():
    # 3,000 beats (45 min): the whole-series periodogram of the old code held several
    # frequencies x beats arrays of ~200 MB each (about 1 GB at its peak).
    rr = beats_of(2700.0, lambda t: 900.0 + 30.0 * math.sin(2 * math.pi * 0.25 * t), 3.0)
    assert rr.size >= 2900
    tracemalloc.start()
    try:
        bands = band_powers(rr)
        _, peak_bytes = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert bands.hf_ms2 == pytest.approx(450.0, rel=0.05)
    assert peak_bytes < 50_000_000, f"peak {peak_bytes / 1e6:.0f} MB"
