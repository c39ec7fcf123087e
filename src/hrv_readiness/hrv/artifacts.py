"""Beat classification of Lipponen & Tarvainen (2019), the method behind Kubios.

Lipponen JA, Tarvainen MP. A robust algorithm for heart rate variability time series
artefact correction using novel beat classification. J Med Eng Technol
2019;43(3):173-181. doi:10.1080/03091902.2019.1640306

Every interval gets one class: normal, ectopic, missed, extra or long/short.

* dRR_i = RR_i − RR_{i−1}, normalised by Th1 = α·QD(|dRR|) over a centred 91-beat
  window (QD = quartile deviation (Q3 − Q1)/2, α = 5.2).
* mRR_i = RR_i − median of the centred 11-beat window, negative values doubled,
  normalised by Th2 = α·QD(|mRR|) over 91 beats.
* S12 / S22 and the c1 = 0.13, c2 = 0.17 decision lines as in the paper.

Windows shrink at the ends of the series (the median and quartiles use the beats that
exist) instead of padding with zeros (scipy's ``medfilt``, used by NeuroKit2, pads with
zeros and so drags the local median down at both ends). Everything is vectorised:
the rolling quantiles are exact and computed by one sort of a strided view — of the
values' ranks (int32, which numpy sorts about twice as fast as float64), mapped back
to the values afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from functools import cache

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

ALPHA = 5.2
C1 = 0.13
C2 = 0.17
THRESHOLD_WINDOW_BEATS = 91
MEDIAN_WINDOW_BEATS = 11
#: Floor of both thresholds, in ms: without it a nearly constant series (a metronome,
#: a strap repeating its last value) would make every 1-ms change an "artifact".
MIN_THRESHOLD_MS = 10.0
_BLOCK_ROWS = 4096
#: 0, 1, 2, ... (ranks, row numbers), sliced rather than made anew for every reading.
_COUNTING = np.arange(4 * _BLOCK_ROWS, dtype=np.int32)
_COUNTING.setflags(write=False)
#: Ranks of a series this short fit in int16, which numpy sorts faster still.
_SHORT_SERIES = np.iinfo(np.int16).max
_COUNTING_SHORT = np.arange(_SHORT_SERIES, dtype=np.int16)
_COUNTING_SHORT.setflags(write=False)
#: A second source of candidates that needs no threshold: an interval more than 20 %
#: away from its local median (the prematurity rule of Malik and Kamath). The paper's
#: quartile thresholds grow with the artifacts themselves, so at high ectopy (one beat
#: in six or more) they stop flagging anything; this keeps such readings visible.
FAR_FROM_MEDIAN = 0.2


class BeatClass(IntEnum):
    NORMAL = 0
    ECTOPIC = 1
    MISSED = 2
    EXTRA = 3
    LONG_SHORT = 4


@dataclass(frozen=True, slots=True)
class Classification:
    """Per-interval result of :func:`classify_beats` (all arrays have the input's length).

    ``classes`` follows the paper's decision flow (ectopic first, then extra, missed,
    long/short). ``ectopic``, ``long`` and ``short`` are the raw criteria and,
    with ``far_from_median``, what the corrector treats as *candidates*; ``mrr_n`` is
    mRR / Th2. ``rr_ms`` and ``break_before`` are the input (the segment starts, all
    ``False`` for one segment).
    """

    rr_ms: FloatArray
    break_before: npt.NDArray[np.bool_]
    ectopic: npt.NDArray[np.bool_]
    long: npt.NDArray[np.bool_]
    short: npt.NDArray[np.bool_]
    drr_n: FloatArray
    mrr_n: FloatArray
    far_from_median: npt.NDArray[np.bool_]
    median_rr_ms: FloatArray
    th1_ms: FloatArray
    th2_ms: FloatArray

    @property
    def candidates(self) -> npt.NDArray[np.bool_]:
        return self.ectopic | self.long | self.short | self.far_from_median

    @property
    def classes(self) -> npt.NDArray[np.int8]:
        """One :class:`BeatClass` per interval, computed when asked (not by the corrector).

        Missed: a long interval whose half is within Th2 of the local median; extra: a
        short one that, joined with the next interval of its segment, is.
        """
        rr, median, th2 = self.rr_ms, self.median_rr_ms, self.th2_ms
        missed = self.long & (np.abs(rr / 2.0 - median) < th2)
        next_rr = np.empty(rr.size)
        next_rr[:-1] = rr[1:]
        next_rr[-1] = np.inf
        next_rr[:-1][self.break_before[1:]] = np.inf
        extra = self.short & (np.abs(rr + next_rr - median) < th2)
        classes = np.zeros(rr.size, dtype=np.int8)
        classes[self.long | self.short] = BeatClass.LONG_SHORT
        classes[missed] = BeatClass.MISSED
        classes[extra] = BeatClass.EXTRA
        classes[self.ectopic] = BeatClass.ECTOPIC
        return classes


def rolling_quantiles(
    values: FloatArray, window: int, quantiles: tuple[float, ...]
) -> tuple[FloatArray, ...]:
    """Exact centred rolling quantiles (linear interpolation), windows shrinking at the ends.

    Matches ``pandas.Series.rolling(window, center=True, min_periods=1).quantile(q)``;
    NaN values are left out (a window of only NaN gives NaN).
    """
    return _rolling_quantiles(values, window, quantiles, ((0, values.size),))


def _rolling_quantiles(
    values: FloatArray,
    window: int,
    quantiles: tuple[float, ...],
    spans: tuple[tuple[int, int], ...],
) -> tuple[FloatArray, ...]:
    """:func:`rolling_quantiles`, computed only for the rows of ``spans`` (``start, stop``).

    The other rows of the result are NaN. Each window is sorted as int32 ranks (int16
    for a series of fewer than 32,767 values), not as float64 values: the k-th smallest
    rank in a window is the rank of its k-th smallest value, so the quantiles are the
    same to the last bit. Where a quantile falls in a window depends only on how many
    values it holds (:func:`_quantile_positions`).
    """
    n = values.size
    half = window // 2
    width = 2 * half + 1
    order = np.argsort(values)  # NaNs last
    # The values in ascending order, then NaN for the padding and the NaN values.
    ascending = np.empty(n + 1)
    np.take(values, order, out=ascending[:n])
    ascending[n] = np.nan
    short = n < _SHORT_SERIES
    rank_type = np.int16 if short else np.int32
    ranks = np.empty(n + 2 * half, dtype=rank_type)
    ranks[:half] = ranks[half + n :] = n
    if short:
        ranks[half + order] = _COUNTING_SHORT[:n]
    else:
        ranks[half + order] = _COUNTING[:n] if n <= _COUNTING.size else np.arange(n, dtype=np.int32)
    present = ~np.isnan(values)
    if not present.all():
        ranks[half : half + n][~present] = n
    # Values present in each window: a running count, not a pass over every window.
    counted = np.zeros(n + 2 * half + 1, dtype=np.intp)
    np.cumsum(present, out=counted[half + 1 : half + n + 1])
    counted[half + n + 1 :] = counted[half + n]
    all_counts = counted[width:] - counted[:n]
    bounds_at, fraction_at = _quantile_positions(width, quantiles)
    k = len(quantiles)
    result = np.full((len(quantiles), n), np.nan)
    step = ranks.itemsize
    for first, last in spans:
        # Blocks bound the memory of the sorted copy (a day of beats is ~100,000 rows).
        for start in range(first, last, _BLOCK_ROWS):
            stop = min(start + _BLOCK_ROWS, last)
            # A strided view: row r is ranks[start + r : start + r + width].
            view = np.ndarray((stop - start, width), rank_type, ranks, start * step, (step, step))
            windows = np.sort(view, axis=1).ravel()  # the padding and NaNs (rank n) sort last
            counts = all_counts[start:stop]
            row_start = _COUNTING[: stop - start] * width
            # Both order statistics of every quantile in one gather.
            picked = ascending[windows[row_start + bounds_at[:, counts]]]
            low_values, high_values = picked[:k], picked[k:]
            result[:, start:stop] = low_values + fraction_at[:, counts] * (high_values - low_values)
    return tuple(result)


@cache
def _quantile_positions(
    width: int, quantiles: tuple[float, ...]
) -> tuple[npt.NDArray[np.intp], FloatArray]:
    """Per quantile and per count of values in a window (0..width): where it falls.

    Linear interpolation between the ``lower`` and ``upper`` order statistics at
    ``fraction`` of the way (``position = q * (count - 1)``); the first rows of the
    positions are the lower ones, the next the upper ones. A window without values
    reads the padding (NaN) and so gives NaN.
    """
    counts = np.arange(width + 1)
    lower = np.empty((len(quantiles), width + 1), dtype=np.intp)
    upper = np.empty_like(lower)
    fraction = np.empty((len(quantiles), width + 1))
    for k, q in enumerate(quantiles):
        position = q * (counts - 1)
        lower[k] = np.floor(position).astype(np.intp)
        upper[k] = np.minimum(lower[k] + 1, counts - 1)
        fraction[k] = position - lower[k]
    lower[:, 0] = upper[:, 0] = width - 1  # the last of an empty window: padding
    fraction[:, 0] = 0.0
    positions = np.concatenate((lower, upper))
    positions.setflags(write=False)
    fraction.setflags(write=False)
    return positions, fraction


def rolling_median(values: FloatArray, window: int) -> FloatArray:
    """Centred rolling median, the window shrinking at both ends."""
    half = window // 2
    n = values.size
    if n <= 2 * half or values.dtype != np.float64 or not np.isfinite(values).all():
        (median,) = rolling_quantiles(values, window, (0.5,))
        return median
    # The short local window (11 beats) of a reading without gaps: the full windows by
    # one sort of a strided view, the shrinking ones at both ends one by one, with the
    # interpolation of :func:`rolling_quantiles` (so the same to the last bit).
    width = 2 * half + 1
    contiguous = np.ascontiguousarray(values)
    step = contiguous.itemsize
    full = np.ndarray((n - 2 * half, width), np.float64, contiguous, 0, (step, step))
    median = np.empty(n)
    # An odd window: the median is its middle value (the interpolation of
    # rolling_quantiles adds 0 times the next one, which for finite values is nothing).
    median[half : n - half] = np.sort(full, axis=1)[:, half]
    edges = list(range(half)) + list(range(n - half, n))
    as_list: list[float] = contiguous.tolist()
    for i in edges:
        ordered = sorted(as_list[max(0, i - half) : i + half + 1])
        position = 0.5 * (len(ordered) - 1)
        lower = int(position)
        upper = min(lower + 1, len(ordered) - 1)
        low = ordered[lower]
        median[i] = low + (position - lower) * (ordered[upper] - low)
    return median


def segment_rolling_median(
    values: FloatArray, window: int, break_before: npt.NDArray[np.bool_] | None = None
) -> FloatArray:
    """:func:`rolling_median` inside each contiguous segment (windows shrink at its ends).

    ``break_before[i]`` means interval ``i`` starts a new segment. The segments are laid
    end to end with NaN gaps of half a window, which the quantiles leave out, so no
    window reaches into a neighbouring segment.
    """
    if break_before is None or not break_before[1:].any():
        return rolling_median(values, window)
    half = window // 2
    starts = np.flatnonzero(break_before[1:]) + 1
    # Each interval moves right by `half` slots per segment start at or before it.
    position = np.arange(values.size) + half * np.cumsum(np.isin(np.arange(values.size), starts))
    stitched = np.full(values.size + half * starts.size, np.nan)
    stitched[position] = values
    median: FloatArray = rolling_median(stitched, window)[position]
    return median


def _thresholds(
    first: FloatArray,
    first_left_out: npt.NDArray[np.bool_],
    second: FloatArray,
    second_left_out: npt.NDArray[np.bool_],
) -> tuple[FloatArray, FloatArray]:
    """α·QD(|x|) over the centred window for two series at once (one sort, not two).

    The series are laid end to end with a NaN gap wider than the half window, so no
    window sees both; left-out values are NaN and so not counted.
    """
    n = first.size
    gap = np.full(THRESHOLD_WINDOW_BEATS, np.nan)
    magnitudes = np.concatenate(
        (
            np.where(first_left_out, np.nan, np.abs(first)),
            gap,
            np.where(second_left_out, np.nan, np.abs(second)),
        )
    )
    # The gap's own rows are never read: not computed.
    spans = ((0, n), (n + gap.size, magnitudes.size))
    q1, q3 = _rolling_quantiles(magnitudes, THRESHOLD_WINDOW_BEATS, (0.25, 0.75), spans)
    threshold = np.fmax(ALPHA * (q3 - q1) / 2.0, MIN_THRESHOLD_MS)
    return threshold[:n], threshold[n + gap.size :]


def classify_beats(
    rr_ms: FloatArray,
    estimated: npt.NDArray[np.bool_] | None = None,
    break_before: npt.NDArray[np.bool_] | None = None,
) -> Classification:
    """Classify every RR interval (ms) as normal, ectopic, missed, extra or long/short.

    ``estimated`` marks intervals that are corrections, not measurements: they are left
    out of the thresholds, which describe the variability of the measured beats.
    ``break_before[i]`` marks interval ``i`` as the first of a new contiguous segment
    (after a reconnect or a contact loss): the jump from the previous segment is no
    difference at all. Its dRR is 0 ("no change", as before the first beat) and left
    out of Th1, the local median is taken within the segment, and no neighbour pattern
    (S12, S22, the extra beat's sum) reaches across the boundary.
    """
    n = rr_ms.size
    if estimated is None:
        estimated = np.zeros(n, dtype=np.bool_)
    # Most readings are one contiguous segment: the segment bookkeeping is skipped then.
    segmented = break_before is not None and bool(break_before.any())
    if break_before is None:
        break_before = np.zeros(n, dtype=np.bool_)
    drr = np.zeros(n)
    np.subtract(rr_ms[1:], rr_ms[:-1], out=drr[1:])
    touches_estimate = estimated.copy()
    touches_estimate[1:] |= estimated[:-1]
    if segmented:
        drr[break_before] = 0.0
        touches_estimate |= break_before
    median_rr = segment_rolling_median(rr_ms, MEDIAN_WINDOW_BEATS, break_before)
    off_median = rr_ms - median_rr
    # Negative values doubled (x + x is 2x to the last bit).
    mrr = off_median + np.minimum(off_median, 0.0)
    th1, th2 = _thresholds(drr, touches_estimate, mrr, estimated)
    drr_n = drr / th1
    mrr_n = mrr / th2

    # Neighbours beyond the ends are "no change" (0), so they never make a beat look odd.
    padded = np.zeros(n + 4)
    padded[2 : n + 2] = drr_n
    before, after, after2 = (padded[2 + k : n + 2 + k] for k in (-1, 1, 2))
    if segmented:
        segment = np.cumsum(break_before)
        segment_of = np.full(n + 4, -1)
        segment_of[2 : n + 2] = segment
        before, after, after2 = (
            np.where(segment_of[2 + k : n + 2 + k] == segment, padded[2 + k : n + 2 + k], 0.0)
            for k in (-1, 1, 2)
        )
    rising = drr_n > 0.0
    s12 = np.where(rising, np.maximum(before, after), np.minimum(before, after))
    s22 = np.where(drr_n >= 0.0, np.minimum(after, after2), np.maximum(after, after2))

    big_rise, big_fall = drr_n > 1.0, drr_n < -1.0
    slope = -C1 * drr_n
    ectopic = (big_rise & (s12 < slope - C2)) | (big_fall & (s12 > slope + C2))
    long_beat = (big_rise & (s22 < -1.0)) | (mrr_n > 3.0)  # noqa: PLR2004
    short_beat = (big_fall & (s22 > 1.0)) | (mrr_n < -3.0)  # noqa: PLR2004
    return Classification(
        rr_ms=rr_ms,
        break_before=break_before,
        ectopic=ectopic,
        long=long_beat,
        short=short_beat,
        drr_n=drr_n,
        mrr_n=mrr_n,
        far_from_median=np.abs(off_median) > FAR_FROM_MEDIAN * median_rr,
        median_rr_ms=median_rr,
        th1_ms=th1,
        th2_ms=th2,
    )
