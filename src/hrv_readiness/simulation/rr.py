"""A small generative model of a resting morning RR series.

The series is the sum of the components physiology gives a resting person:

* respiratory sinus arrhythmia (RSA): a sine at the breathing rate (0.15-0.4 Hz);
  it carries most of the beat-to-beat variability that RMSSD measures
  (Task Force 1996, Circulation 93:1043);
* a slow (~0.1 Hz, Mayer wave) oscillation and a random-walk drift, which move SDNN
  far more than RMSSD;
* white beat-to-beat noise;
* optionally, ectopic beats: a premature beat shortened by 25-40 % followed by a
  compensatory pause that adds the time back (the injection model of docs/model.md).

`target_rmssd_ms` is met to within about 10 %: the RSA amplitude and the noise level are
solved from it (a sine of amplitude A sampled every T seconds has RMS successive
difference A·√2·sin(πfT); white noise of SD σ adds 2σ² to the mean squared
difference).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

#: Share of the successive-difference variance carried by RSA (the rest is noise).
_RSA_SHARE = 0.8


@dataclass(frozen=True, kw_only=True)
class RrScenario:
    """What the simulated person's morning looks like."""

    duration_s: float = 150.0
    resting_hr_bpm: float = 58.0
    target_rmssd_ms: float = 60.0
    breathing_rate_hz: float = 0.25
    mayer_wave_amplitude_ms: float = 15.0
    drift_ms_per_sqrt_beat: float = 1.5
    ectopic_rate: float = 0.004
    seed: int = 0


def synthesize_rr_ms(scenario: RrScenario) -> npt.NDArray[np.float64]:
    """Return RR intervals in ms that add up to at least ``scenario.duration_s``."""
    if scenario.resting_hr_bpm <= 0 or scenario.target_rmssd_ms <= 0:
        raise ValueError("resting_hr_bpm and target_rmssd_ms must be positive")
    if scenario.duration_s <= 0:
        raise ValueError("duration_s must be positive")
    rng = np.random.default_rng(scenario.seed)
    mean_rr_ms = 60_000.0 / scenario.resting_hr_bpm
    n_beats = math.ceil(scenario.duration_s * 1000.0 / mean_rr_ms * 1.1) + 5

    mean_rr_s = mean_rr_ms / 1000.0
    target_msd = scenario.target_rmssd_ms**2
    rsa_gain = math.sqrt(2.0) * abs(math.sin(math.pi * scenario.breathing_rate_hz * mean_rr_s))
    rsa_amplitude_ms = math.sqrt(_RSA_SHARE * target_msd) / max(rsa_gain, 1e-3)
    noise_sd_ms = math.sqrt((1.0 - _RSA_SHARE) * target_msd / 2.0)

    beat_times_s = np.arange(n_beats) * mean_rr_s
    breathing_phase = rng.uniform(0.0, 2.0 * math.pi)
    # Breathing is not a metronome: let its rate wander a few percent.
    breathing_hz = scenario.breathing_rate_hz * (
        1.0 + 0.05 * np.cumsum(rng.normal(0.0, 0.05, n_beats)).clip(-1.0, 1.0)
    )
    rsa = rsa_amplitude_ms * np.sin(2.0 * math.pi * breathing_hz * beat_times_s + breathing_phase)
    mayer = scenario.mayer_wave_amplitude_ms * np.sin(
        2.0 * math.pi * 0.1 * beat_times_s + rng.uniform(0.0, 2.0 * math.pi)
    )
    drift = np.cumsum(rng.normal(0.0, scenario.drift_ms_per_sqrt_beat, n_beats))
    drift -= drift.mean()
    noise = rng.normal(0.0, noise_sd_ms, n_beats)
    rr_ms = mean_rr_ms + rsa + mayer + drift + noise

    if scenario.ectopic_rate > 0:
        for i in range(1, n_beats - 1):
            if rng.random() < scenario.ectopic_rate:
                shortening = rng.uniform(0.25, 0.40) * rr_ms[i]
                rr_ms[i] -= shortening
                rr_ms[i + 1] += shortening

    rr_ms = np.clip(rr_ms, 300.0, 1900.0)
    cumulative_s = np.cumsum(rr_ms) / 1000.0
    last = int(np.searchsorted(cumulative_s, scenario.duration_s)) + 1
    return np.asarray(rr_ms[:last], dtype=np.float64)
