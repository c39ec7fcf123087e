"""Input validation: turn whatever the caller gave into a clean float64 vector of ms.

Plausible RR: 273–2000 ms (OpenHRV's filter, docs/model.md; 220 bpm to 30 bpm).
"""

from __future__ import annotations

import math
import warnings
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from hrv_readiness.hrv.errors import (
    EmptySeriesError,
    ImplausibleIntervalError,
    LooksLikeSecondsError,
    NonFiniteError,
    NotNumericError,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

MIN_PLAUSIBLE_RR_MS = 273.0
MAX_PLAUSIBLE_RR_MS = 2000.0
#: An interval up to this many times ``max_rr_ms`` may be one or two missed beats.
MAX_MISSED_BEATS_EXPLAINED = 3
#: A median below this cannot be milliseconds of a heart beat but fits seconds (0.27-2 s).
_SECONDS_MEDIAN_LIMIT = 10.0


def as_rr_ms(
    rr_ms: npt.ArrayLike | Sequence[float],
    *,
    min_rr_ms: float = MIN_PLAUSIBLE_RR_MS,
    max_rr_ms: float = MAX_PLAUSIBLE_RR_MS,
) -> npt.NDArray[np.float64]:
    """Validate RR intervals and return them as a new 1-D float64 array in ms.

    Raises a child of :class:`hrv_readiness.errors.InputError` naming the problem: empty,
    not numbers, NaN/infinite, zero/negative, values in seconds (or microseconds), a
    median outside ``min_rr_ms``-``max_rr_ms``, or single values outside that range
    that no missed or extra beat explains. Out-of-range values that such an artifact
    does explain are kept for the artifact corrector.
    """
    arr = _to_float_vector(rr_ms)
    if arr.size == 0:
        raise EmptySeriesError("no RR intervals were given")
    if (
        min_rr_ms >= _SECONDS_MEDIAN_LIMIT
        and min_rr_ms <= float(arr.min(axis=0)) <= float(arr.max(axis=0)) <= max_rr_ms
    ):
        # Every value plausible (the usual reading): finite, positive, its median in range
        # and no outlier, so none of the checks below can fail (NaN fails the comparison).
        return arr
    not_finite = np.flatnonzero(~np.isfinite(arr))
    if not_finite.size:
        index = int(not_finite[0])
        raise NonFiniteError(
            f"RR interval #{index + 1} is {float(arr[index])}: every interval must be a finite "
            f"number of milliseconds ({not_finite.size} such value(s))",
            index=index,
        )
    non_positive = np.flatnonzero(arr <= 0.0)
    if non_positive.size:
        index = int(non_positive[0])
        raise ImplausibleIntervalError(
            f"RR interval #{index + 1} is {_fmt(arr[index])} ms: intervals must be positive "
            f"({non_positive.size} zero or negative value(s))",
            index=index,
            value_ms=float(arr[index]),
        )
    median = float(np.median(arr))
    if median < _SECONDS_MEDIAN_LIMIT:
        raise LooksLikeSecondsError(
            f"RR values look like seconds (median {median:.4g}); give milliseconds "
            f"(multiply by 1000)",
            median=median,
        )
    if not min_rr_ms <= median <= max_rr_ms:
        hint = " (they look like microseconds)" if median > max_rr_ms * 100 else ""
        raise ImplausibleIntervalError(
            f"the median RR interval is {_fmt(median)} ms, outside the plausible "
            f"{_fmt(min_rr_ms)}-{_fmt(max_rr_ms)} ms{hint}: these are not heartbeat "
            "intervals in milliseconds",
            index=int(np.argmin(np.abs(arr - median))),
            value_ms=median,
        )
    unexplained = _unexplained_outliers(arr, min_rr_ms=min_rr_ms, max_rr_ms=max_rr_ms)
    if unexplained.size:
        index = int(unexplained[0])
        value = float(arr[index])
        raise ImplausibleIntervalError(
            f"RR interval #{index + 1} is {_fmt(value)} ms, outside the plausible "
            f"{_fmt(min_rr_ms)}-{_fmt(max_rr_ms)} ms and not explained by a missed or an "
            f"extra beat ({unexplained.size} such value(s)); the recording has a gap or "
            "a glitch, measure again",
            index=index,
            value_ms=value,
        )
    return arr


def _unexplained_outliers(
    arr: npt.NDArray[np.float64], *, min_rr_ms: float, max_rr_ms: float
) -> npt.NDArray[np.intp]:
    """Indices of out-of-range intervals that no missed or extra beat can explain.

    A too-short interval is left alone if merging it with a neighbour gives a plausible
    interval (an extra beat: a noise spike taken for an R peak); a too-long one if
    splitting it in two or three gives plausible intervals (one or two missed beats).
    Those are artifacts for the corrector, not errors.
    """
    previous = np.concatenate(([np.inf], arr[:-1]))
    following = np.concatenate((arr[1:], [np.inf]))
    mergeable = ((arr + previous) <= max_rr_ms) | ((arr + following) <= max_rr_ms)
    too_short = (arr < min_rr_ms) & ~mergeable
    too_long = arr > MAX_MISSED_BEATS_EXPLAINED * max_rr_ms
    return np.flatnonzero(too_short | too_long)


def _to_float_vector(rr_ms: npt.ArrayLike | Sequence[float]) -> npt.NDArray[np.float64]:
    if type(rr_ms) is np.ndarray and rr_ms.dtype == np.float64 and rr_ms.ndim == 1:
        # Already what is asked for (a live reading, a benchmark): a copy, nothing to check.
        return rr_ms.copy()
    if isinstance(rr_ms, str | bytes):
        raise NotNumericError("RR intervals must be numbers, not text")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            raw = np.asarray(rr_ms)
    except (TypeError, ValueError, OverflowError, RuntimeWarning, DeprecationWarning) as err:
        raise NotNumericError(
            f"RR intervals must be a flat sequence of numbers of milliseconds ({err})"
        ) from err
    if raw.dtype.kind not in "iufO":
        raise NotNumericError(
            f"RR intervals must be real numbers of milliseconds, got {raw.dtype.name} values"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            arr = np.array(raw, dtype=np.float64)
    except (TypeError, ValueError, OverflowError, RuntimeWarning, DeprecationWarning) as err:
        raise NotNumericError(
            f"RR intervals must be a flat sequence of numbers of milliseconds ({err})"
        ) from err
    if raw.dtype.kind == "O" and any(isinstance(v, bool) for v in raw.ravel().tolist()):
        raise NotNumericError("RR intervals must be numbers of milliseconds, not booleans")
    if arr.ndim != 1:
        raise NotNumericError(
            f"RR intervals must be a flat sequence, got an array of shape {arr.shape}"
        )
    return arr


def _fmt(value: float) -> str:
    if math.isfinite(value) and float(value).is_integer() and abs(value) < 1e15:  # noqa: PLR2004
        return str(int(value))
    return f"{value:.6g}"
