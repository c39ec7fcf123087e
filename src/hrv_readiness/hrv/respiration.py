"""Breathing rate from the RR series (respiratory sinus arrhythmia).

Heart period lengthens on expiration and shortens on inspiration, so a resting RR
series carries the breathing rhythm; its dominant frequency in the respiratory band is
the breathing rate. Schäfer & Kratky 2008 (Ann Biomed Eng 36:476, "Estimation of
breathing rate from respiratory sinus arrhythmia: comparison of various methods")
compared spectral and counting methods on PhysioNet recordings and found that the RSA
of young supine subjects gives a good estimate of mean breathing rate from series
longer than a minute, less so in elderly people. This module uses their spectral
approach (the peak of the spectrum of the interpolated tachogram):

1. the NN series is placed on its beat times and resampled at ``RESAMPLE_HZ`` (4 Hz) by
   linear interpolation, its linear trend removed and a Hann window applied;
2. the FFT, zero-padded to a grid of ``1 / (ZERO_PAD * T)`` Hz, gives the power
   spectrum; its largest peak between ``SEARCH_BAND_HZ`` is taken, refined by a
   parabola through the three bins around it (log power);
3. the peak is trusted only when it stands out: at least ``MIN_PEAK_SHARE`` of the
   power of the search band lies within ``PEAK_HALF_WIDTH_HZ`` (or two resolution
   cells, whichever is wider) of it, and no other peak outside that neighbourhood
   reaches ``MAX_RIVAL_RATIO`` of its height.

What it cannot see is flagged, never guessed (``BreathingEstimate.quality``):

* ``too_short``: less than ``MIN_DURATION_S`` of beats (Schäfer & Kratky: > 1 min);
* ``too_many_artifacts``: more than ``MAX_ARTIFACT_PCT`` % of the intervals corrected
  (each correction interpolates over a piece of the breathing wave);
* ``out_of_range``: the peak lies below 6 or above 30 breaths/min (0.1-0.5 Hz), or above
  the beat-sampling limit (half the heart rate: at 40 bpm nothing above 20/min can be
  seen);
* ``no_clear_peak``: no dominant peak (irregular breathing, a strong 0.1 Hz Mayer wave, a
  flat spectrum).

Slow breathing near 6/min overlaps the 0.1 Hz Mayer wave of blood pressure; the estimate
there is the stronger of the two. Pure numpy, no I/O; a 2-minute reading costs well
under a millisecond (``make bench-breathing``).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

from hrv_readiness.hrv.models import BreathingQuality  # noqa: TC001 (pydantic needs it)

FloatArray = npt.NDArray[np.float64]

#: Breathing rates the estimate may report, breaths/min (0.1-0.5 Hz).
RATE_RANGE_PER_MIN = (6.0, 30.0)
#: The spectrum is searched a little beyond the reportable range, so a peak just
#: outside it is recognised as out of range instead of being clipped to the edge.
SEARCH_BAND_HZ = (0.05, 0.7)
#: Shortest reading whose breathing rate is estimated (Schäfer & Kratky 2008: > 1 min).
MIN_DURATION_S = 60.0
#: More corrected intervals than this (% of the reading) and the estimate is withheld.
MAX_ARTIFACT_PCT = 5.0
#: Resampling rate of the tachogram, Hz (the usual 4 Hz of HRV spectral analysis).
RESAMPLE_HZ = 4.0
#: Zero padding: grid of 1 / (ZERO_PAD · T) Hz.
ZERO_PAD = 4
#: Half-width of the neighbourhood of the peak counted as "the peak" (Hz).
PEAK_HALF_WIDTH_HZ = 0.03
#: Share of the search band's power that must sit around the peak.
MIN_PEAK_SHARE = 0.25
#: A second peak this high (relative to the first) makes the rhythm ambiguous.
MAX_RIVAL_RATIO = 0.6


class BreathingEstimate(BaseModel):
    """Breathing rate of one reading, or why there is none.

    ``rate_per_min`` is ``None`` exactly when ``quality != "good"``. ``peak_share`` is
    the share of the respiratory search band's power within the peak (0-1), ``None``
    when the spectrum was not computed (too short, too many artifacts).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    rate_per_min: float | None
    quality: BreathingQuality
    peak_share: float | None = Field(default=None, ge=0.0, le=1.0)


def estimate_breathing_rate(
    nn_ms: npt.ArrayLike,
    *,
    artifact_pct: float = 0.0,
    min_duration_s: float = MIN_DURATION_S,
    max_artifact_pct: float = MAX_ARTIFACT_PCT,
) -> BreathingEstimate:
    """Dominant breathing rate (breaths/min) of a resting NN series (ms, oldest first).

    ``artifact_pct`` is the share of the reading's intervals that were corrected (the
    HRV engine's ``ArtifactCounts.artifact_pct``). Raises ``ValueError`` for an option
    out of range; the series itself is expected to be the engine's cleaned NN series.
    """
    if not min_duration_s > 0.0 or not max_artifact_pct >= 0.0:
        msg = (
            "need min_duration_s > 0 and max_artifact_pct >= 0, got "
            f"{min_duration_s!r} and {max_artifact_pct!r}"
        )
        raise ValueError(msg)
    nn = np.asarray(nn_ms, dtype=np.float64)
    times_s = np.cumsum(nn) / 1000.0
    if nn.size < 3 or times_s[-1] - times_s[0] < min_duration_s:  # noqa: PLR2004
        return BreathingEstimate(rate_per_min=None, quality="too_short")
    if artifact_pct > max_artifact_pct:
        return BreathingEstimate(rate_per_min=None, quality="too_many_artifacts")
    frequencies_hz, power = _tachogram_spectrum(times_s, nn)
    duration_s = float(times_s[-1] - times_s[0])
    nyquist_hz = 0.5 * nn.size / duration_s
    top_hz = min(SEARCH_BAND_HZ[1], nyquist_hz)
    in_band = (frequencies_hz >= SEARCH_BAND_HZ[0]) & (frequencies_hz <= top_hz)
    band_f, band_p = frequencies_hz[in_band], power[in_band]
    peak = int(np.argmax(band_p))
    peak_hz = _refine(band_f, band_p, peak)
    half_width = max(PEAK_HALF_WIDTH_HZ, 2.0 / duration_s)
    near = np.abs(band_f - band_f[peak]) <= half_width
    total = float(band_p.sum())
    share = float(band_p[near].sum() / total) if total > 0.0 else 0.0
    rival = _highest_other_peak(band_p, near)
    rate = 60.0 * peak_hz
    if not RATE_RANGE_PER_MIN[0] <= rate <= RATE_RANGE_PER_MIN[1] or peak_hz > 0.9 * nyquist_hz:
        return BreathingEstimate(rate_per_min=None, quality="out_of_range", peak_share=share)
    if share < MIN_PEAK_SHARE or rival >= MAX_RIVAL_RATIO * float(band_p[peak]):
        return BreathingEstimate(rate_per_min=None, quality="no_clear_peak", peak_share=share)
    return BreathingEstimate(rate_per_min=rate, quality="good", peak_share=share)


def _tachogram_spectrum(times_s: FloatArray, nn_ms: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Power spectrum of the 4 Hz resampled, detrended, Hann-windowed tachogram."""
    grid = np.arange(times_s[0], times_s[-1], 1.0 / RESAMPLE_HZ)
    signal = np.interp(grid, times_s, nn_ms)
    centred = grid - grid.mean()
    slope = float(centred @ (signal - signal.mean()) / (centred @ centred))
    signal = signal - signal.mean() - slope * centred
    signal *= _hann(signal.size)
    n_fft = 1 << (ZERO_PAD * signal.size - 1).bit_length()  # the next power of 2
    frequencies_hz, weight = _frequency_grid(n_fft)
    power = np.abs(np.fft.rfft(signal, n_fft)) ** 2 * weight
    return frequencies_hz, power


@lru_cache(maxsize=16)
def _hann(size: int) -> FloatArray:
    """The Hann window of ``size`` samples (readings of one length share it)."""
    window = np.hanning(size)
    window.setflags(write=False)
    return window


@lru_cache(maxsize=16)
def _frequency_grid(n_fft: int) -> tuple[FloatArray, FloatArray]:
    """The rfft's frequencies (Hz) for ``n_fft`` points, and their weight f².

    Weighted by f²: the spectrum of the rate of change of the tachogram, so the slow
    Mayer wave and drift (most of the power of a resting series) do not outshout a
    faster breathing rhythm whose RSA is smaller.
    """
    frequencies_hz = np.fft.rfftfreq(n_fft, 1.0 / RESAMPLE_HZ)
    weight = frequencies_hz**2
    frequencies_hz.setflags(write=False)
    weight.setflags(write=False)
    return frequencies_hz, weight


def _refine(frequencies_hz: FloatArray, power: FloatArray, peak: int) -> float:
    """Peak frequency refined by a parabola through log power at the three bins."""
    if peak == 0 or peak == power.size - 1:
        return float(frequencies_hz[peak])
    left, centre, right = np.log(np.maximum(power[peak - 1 : peak + 2], 1e-300))
    curvature = left - 2.0 * centre + right
    offset = 0.5 * (left - right) / curvature if curvature < 0.0 else 0.0
    step = float(frequencies_hz[1] - frequencies_hz[0])
    return float(frequencies_hz[peak]) + float(min(max(offset, -0.5), 0.5)) * step


def _highest_other_peak(power: FloatArray, near: npt.NDArray[np.bool_]) -> float:
    """Height of the largest local maximum outside the main peak's neighbourhood."""
    interior = (power[1:-1] >= power[:-2]) & (power[1:-1] >= power[2:])
    maxima = np.zeros(power.size, dtype=np.bool_)
    maxima[1:-1] = interior
    candidates = maxima & ~near
    return float(np.max(power[candidates])) if candidates.any() else 0.0
