"""Known breathing rhythms in RR series, and a slow reference estimator.

Shared by tests/library/hrv/test_hrv_respiration.py and benchmarks/breathing_rate.py.

``synthesize_breathing_rr`` builds a resting RR series beat by beat on its own
timeline (each beat's interval is read off the modulating signals at the moment the
previous beat fell, as an integral-pulse-frequency model does), so the breathing rhythm
is known exactly and sits at the right times even when the heart rate drifts:

* respiratory sinus arrhythmia at the given rate, its rate wandering a few percent
  (breathing is not a metronome) and its amplitude falling at faster breathing (the
  vagal transfer is a low-pass: RSA is larger during slow breathing);
* a 0.1 Hz Mayer wave, a slow random-walk drift and white beat-to-beat noise;
* optional ectopic beats: premature by 25-40 %, compensatory pause adding the time back.

``reference_breathing_rate_per_min`` is deliberately independent of the estimator under
test and obviously correct rather than fast: no interpolation, no FFT, no window — it
fits a sine and cosine by least squares to the NN values on their raw beat times at
every frequency of a fine grid, in plain Python loops (Lomb 1976), to the successive
differences of the NN series, and returns the frequency with the best fit.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True, kw_only=True)
class BreathingScenario:
    breathing_per_min: float
    heart_rate_bpm: float = 60.0
    rsa_amplitude_ms: float = 35.0
    mayer_amplitude_ms: float = 12.0
    noise_sd_ms: float = 8.0
    drift_ms_per_sqrt_beat: float = 2.0
    rate_wander: float = 0.04
    ectopic_pct: float = 0.0
    duration_s: float = 120.0
    seed: int = 0


def synthesize_breathing_rr(scenario: BreathingScenario) -> npt.NDArray[np.float64]:
    """RR intervals (ms) spanning ``duration_s``, breathing at the scenario's rate."""
    rng = np.random.default_rng(scenario.seed)
    mean_rr_ms = 60_000.0 / scenario.heart_rate_bpm
    breathing_hz = scenario.breathing_per_min / 60.0
    # RSA gain falls above ~0.15 Hz (vagal low-pass; larger RSA when breathing slowly).
    amplitude = scenario.rsa_amplitude_ms / math.sqrt(1.0 + (breathing_hz / 0.25) ** 2)
    phase = rng.uniform(0.0, 2.0 * math.pi)
    mayer_phase = rng.uniform(0.0, 2.0 * math.pi)
    wander, drift, t_s = 0.0, 0.0, 0.0
    out: list[float] = []
    while t_s < scenario.duration_s + 2.0:
        rr = (
            mean_rr_ms
            + amplitude * math.sin(phase)
            + scenario.mayer_amplitude_ms * math.sin(2.0 * math.pi * 0.1 * t_s + mayer_phase)
            + drift
            + rng.normal(0.0, scenario.noise_sd_ms)
        )
        rr = min(max(rr, 350.0), 1800.0)
        out.append(rr)
        # Phase advances by the instantaneous breathing frequency over this interval.
        wander = 0.9 * wander + rng.normal(0.0, scenario.rate_wander * 0.45)
        phase += 2.0 * math.pi * breathing_hz * (1.0 + wander) * rr / 1000.0
        drift += rng.normal(0.0, scenario.drift_ms_per_sqrt_beat)
        drift *= 0.98
        t_s += rr / 1000.0
    rr_ms = np.asarray(out, dtype=np.float64)
    if scenario.ectopic_pct > 0.0:
        count = round(rr_ms.size * scenario.ectopic_pct / 100.0)
        starts = rng.choice(np.arange(2, rr_ms.size - 3, 3), size=count, replace=False)
        for i in starts:
            shortening = rng.uniform(0.25, 0.40) * rr_ms[i]
            rr_ms[i] -= shortening
            rr_ms[i + 1] += shortening
    return np.round(rr_ms)


def reference_breathing_rate_per_min(
    nn_ms: npt.ArrayLike, *, low_per_min: float = 3.0, high_per_min: float = 36.0
) -> float:
    """Best-fitting sine frequency (breaths/min) of NN values on their beat times.

    Plain loops over a 0.05 breaths/min grid; for each frequency the least-squares fit
    of a·cos + b·sin (mean removed) and its explained sum of squares. Slow on purpose.
    """
    values = [float(v) for v in np.asarray(nn_ms, dtype=np.float64)]
    times: list[float] = []
    elapsed = 0.0
    for value in values:
        elapsed += value / 1000.0
        times.append(elapsed)
    # Successive differences at the later beat's time: the derivative of the tachogram,
    # whose spectrum is the tachogram's weighted by f² (the slow Mayer wave and drift
    # damped), the same weighting as the estimator's but reached independently.
    differences = [b - a for a, b in itertools.pairwise(values)]
    times = times[1:]
    mean = sum(differences) / len(differences)
    centred = [v - mean for v in differences]
    best_rate, best_fit = low_per_min, -1.0
    steps = round((high_per_min - low_per_min) / 0.05)
    for step in range(steps + 1):
        rate = low_per_min + 0.05 * step
        omega = 2.0 * math.pi * rate / 60.0
        cc = ss = cs = yc = ys = 0.0
        for t, y in zip(times, centred, strict=True):
            c, s = math.cos(omega * t), math.sin(omega * t)
            cc += c * c
            ss += s * s
            cs += c * s
            yc += y * c
            ys += y * s
        det = cc * ss - cs * cs
        if det <= 0.0:
            continue
        a = (yc * ss - ys * cs) / det
        b = (ys * cc - yc * cs) / det
        fit = a * yc + b * ys
        if fit > best_fit:
            best_rate, best_fit = rate, fit
    return best_rate
