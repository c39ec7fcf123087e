"""Time-domain and Poincaré metrics over a cleaned NN series with gap-aware differences.

Conventions: Task Force 1996 (Circulation 93:1043); Brennan, Palaniswami & Kamen 2001
(IEEE TBME 48:1342) for SD1/SD2. See :class:`hrv_readiness.hrv.models.HrvResult`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

PNN50_THRESHOLD_MS = 50.0


@dataclass(frozen=True, slots=True)
class TimeDomain:
    rmssd_ms: float
    ln_rmssd: float
    sdnn_ms: float
    sdsd_ms: float
    pnn50_pct: float
    mean_rr_ms: float
    mean_hr_bpm: float
    sd1_ms: float
    sd2_ms: float
    valid_differences: int


def valid_differences(
    nn_ms: FloatArray,
    estimated: BoolArray | None = None,
    break_before: BoolArray | None = None,
    excluded: BoolArray | None = None,
) -> FloatArray:
    """Successive differences that are real, not made by a correction or a gap.

    Kept: differences between two measured (not estimated) intervals of one contiguous
    segment (``break_before[i]``: interval ``i`` starts a new segment, so
    ``nn[i] - nn[i-1]`` spans a gap in the recording and is left out). ``excluded``
    (one flag per difference), when given, replaces the rule on ``estimated``: it says
    which differences the corrections leave out (see
    :meth:`hrv_readiness.hrv.correction.CleanSeries.excluded_differences`).
    """
    differences = np.diff(nn_ms)
    keep = np.ones(differences.size, dtype=np.bool_)
    if excluded is not None:
        keep &= ~excluded
    elif estimated is not None:
        keep &= ~estimated[:-1] & ~estimated[1:]
    if break_before is not None:
        keep &= ~break_before[1:]
    return differences[keep]


def time_domain(
    nn_ms: FloatArray,
    estimated: BoolArray | None = None,
    break_before: BoolArray | None = None,
    excluded: BoolArray | None = None,
) -> TimeDomain:
    """Metrics of ``nn_ms``; needs at least 2 intervals and 2 valid differences.

    SDNN, mean RR and mean HR use every interval; RMSSD, SDSD (so SD1, SD2) and pNN50
    only the differences of :func:`valid_differences` (``excluded`` as there).
    """
    return time_domain_of(nn_ms, valid_differences(nn_ms, estimated, break_before, excluded))


def time_domain_of(nn_ms: FloatArray, differences: FloatArray) -> TimeDomain:
    """:func:`time_domain` given the valid differences of :func:`valid_differences`."""
    if nn_ms.size < 2 or differences.size < 2:  # noqa: PLR2004
        raise ValueError("need at least 2 intervals and 2 valid successive differences")
    rmssd = math.sqrt(float(np.mean(differences * differences)))
    sdnn = float(np.std(nn_ms, ddof=1))
    sdsd = float(np.std(differences, ddof=1))
    mean_rr = float(np.mean(nn_ms))
    pnn50 = 100.0 * np.count_nonzero(np.abs(differences) > PNN50_THRESHOLD_MS) / differences.size
    return TimeDomain(
        rmssd_ms=rmssd,
        ln_rmssd=math.log(rmssd) if rmssd > 0 else -math.inf,
        sdnn_ms=sdnn,
        sdsd_ms=sdsd,
        pnn50_pct=float(pnn50),
        mean_rr_ms=mean_rr,
        mean_hr_bpm=60_000.0 / mean_rr,
        sd1_ms=sdsd / math.sqrt(2.0),
        sd2_ms=math.sqrt(max(2.0 * sdnn * sdnn - 0.5 * sdsd * sdsd, 0.0)),
        valid_differences=int(differences.size),
    )
