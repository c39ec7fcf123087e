"""Frequency domain (Lomb–Scargle) and short-term fractal scaling (DFA α1).

Secondary for 1-5 minute morning readings (docs/model.md: peers disagree wildly on HF
power), so both are validated only against synthetic signals of known answer.

* Lomb–Scargle periodogram (Lomb 1976, Scargle 1982) of the NN series on its own
  beat times, so no resampling or interpolation; scaled to a one-sided power spectral
  density in ms²/Hz (a sine of amplitude A has band power A²/2). Bands of the Task
  Force (1996): LF 0.04-0.15 Hz, HF 0.15-0.40 Hz.
* Memory and time stay linear in the length: the periodogram is evaluated a block of
  frequencies at a time (at most ``_BLOCK_ELEMENTS`` values per intermediate array),
  and a reading longer than ``WHOLE_READING_MAX_S`` (10 min) is cut into equal
  segments of 5-10 min whose periodograms are averaged, weighted by duration — the
  Task Force's short-term (5-min) analysis applied along a long recording, the way
  Welch averages segments. One whole-series periodogram of an overnight file would need
  a grid of 1/(8 T) steps, hundreds of thousands of frequencies times as many beats.
* DFA α1 (Peng et al. 1995): detrended fluctuation analysis over box sizes 4-16
  beats; white noise gives 0.5, 1/f noise 1.0, a random walk 1.5.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

LF_BAND_HZ = (0.04, 0.15)
HF_BAND_HZ = (0.15, 0.40)
#: Frequency grid: this many points per 1/T (T = recording length), over LF and HF.
_OVERSAMPLING = 8
#: Readings up to this long get one periodogram of the whole series.
WHOLE_READING_MAX_S = 600.0
#: Longer readings: periodograms of segments at least this long, averaged.
SEGMENT_S = 300.0
#: Largest intermediate array of the periodogram (frequencies x beats), ~8 MB each.
_BLOCK_ELEMENTS = 1_000_000
DFA_BOXES = tuple(range(4, 17))


@dataclass(frozen=True, slots=True)
class BandPowers:
    lf_ms2: float
    hf_ms2: float

    @property
    def lf_hf(self) -> float | None:
        return self.lf_ms2 / self.hf_ms2 if self.hf_ms2 > 0 else None


def lomb_scargle_psd(
    times_s: FloatArray, values: FloatArray, frequencies_hz: FloatArray
) -> FloatArray:
    """One-sided PSD (units² / Hz) of ``values`` sampled at ``times_s``, mean removed.

    Computed ``_BLOCK_ELEMENTS // len(times_s)`` frequencies at a time, so memory stays
    linear in the length of the series.
    """
    x = values - values.mean()
    duration = float(times_s[-1] - times_s[0])
    power = np.empty(frequencies_hz.size)
    block = max(1, _BLOCK_ELEMENTS // max(x.size, 1))
    for start in range(0, frequencies_hz.size, block):
        omega = 2.0 * np.pi * frequencies_hz[start : start + block, None]
        wt = omega * times_s[None, :]
        tau = np.arctan2(np.sin(2 * wt).sum(axis=1), np.cos(2 * wt).sum(axis=1)) / 2.0
        phase = wt - tau[:, None]
        cos, sin = np.cos(phase), np.sin(phase)
        power[start : start + block] = 0.5 * (
            (cos @ x) ** 2 / (cos * cos).sum(axis=1) + (sin @ x) ** 2 / (sin * sin).sum(axis=1)
        )
    # A sine of amplitude A peaks at N·A²/4; spread over 1/T it must integrate to A²/2.
    return np.asarray(power * 2.0 * duration / x.size, dtype=np.float64)


def band_powers(nn_ms: FloatArray) -> BandPowers:
    """LF and HF power (ms²) of an NN series, by Lomb–Scargle on the beat times.

    Up to ``WHOLE_READING_MAX_S`` one periodogram of the whole series; longer series are
    cut into ``floor(T / SEGMENT_S)`` segments of equal duration whose periodograms (on
    one common grid) are averaged, weighted by duration.
    """
    times_s = np.cumsum(nn_ms) / 1000.0
    duration = float(times_s[-1] - times_s[0])
    if duration <= WHOLE_READING_MAX_S:
        bounds = [(0, nn_ms.size)]
        step = 1.0 / (_OVERSAMPLING * duration)
    else:
        count = int(duration // SEGMENT_S)
        edges = times_s[0] + duration * np.arange(count + 1) / count
        cuts = np.searchsorted(times_s, edges[1:-1]).tolist()
        bounds = list(itertools.pairwise([0, *cuts, nn_ms.size]))
        step = 1.0 / (_OVERSAMPLING * SEGMENT_S)
    frequencies = np.arange(LF_BAND_HZ[0], HF_BAND_HZ[1], step)
    psd = np.zeros(frequencies.size)
    weight = 0.0
    for start, stop in bounds:
        if stop - start < 3:  # noqa: PLR2004
            continue
        seconds = float(times_s[stop - 1] - times_s[start])
        psd += seconds * lomb_scargle_psd(times_s[start:stop], nn_ms[start:stop], frequencies)
        weight += seconds
    psd /= weight

    def integrate(band: tuple[float, float]) -> float:
        inside = (frequencies >= band[0]) & (frequencies < band[1])
        return float(psd[inside].sum() * step)

    return BandPowers(lf_ms2=integrate(LF_BAND_HZ), hf_ms2=integrate(HF_BAND_HZ))


def dfa_alpha1(nn_ms: FloatArray, boxes: tuple[int, ...] = DFA_BOXES) -> float:
    """Short-term scaling exponent α1 (box sizes 4-16 beats, linear detrending)."""
    profile = np.cumsum(nn_ms - nn_ms.mean())
    fluctuations = []
    for size in boxes:
        count = profile.size // size
        segments = profile[: count * size].reshape(count, size)
        x = np.arange(size, dtype=np.float64)
        x_centred = x - x.mean()
        slopes = (
            (segments - segments.mean(axis=1, keepdims=True)) @ x_centred / (x_centred @ x_centred)
        )
        trend = segments.mean(axis=1, keepdims=True) + slopes[:, None] * x_centred[None, :]
        fluctuations.append(np.sqrt(np.mean((segments - trend) ** 2)))
    slope, _ = np.polyfit(np.log(boxes), np.log(fluctuations), 1)
    return float(slope)
