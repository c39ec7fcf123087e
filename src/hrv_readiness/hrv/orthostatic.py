"""The orthostatic test: lying still, a cue to stand, standing still (pure, no I/O).

One definition of the protocol (:class:`OrthostaticProtocol`, the durations with their
sources) and of its metrics (:func:`analyze_orthostatic`). The recording is one
continuous RR series; the only phase mark it needs is ``stand_index``, the first
interval that ends after the cue to stand. Every window is placed on the summed-RR
timeline (docs/model.md, "Orthostatic test"):

* supine window: the last ``supine_window_s`` before the cue (after ``supine_settle_s``);
* peak window: the first ``peak_window_s`` after the cue, where the heart rate peaks;
* standing window: ``standing_window_s`` after ``standing_settle_s`` of standing.

The supine window is analysed like a morning reading (it *is* the morning reading of
that day); the standing window likewise. A test whose heart rate did not clearly rise
after the cue, or whose phases are too short, is refused with the reason: the supine
reading still stands on its own.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Literal, Self

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, model_validator

from hrv_readiness.hrv.analyze import DEFAULT_ARTIFACT_REJECT_PCT, analyze
from hrv_readiness.hrv.errors import InsufficientDataError, InvalidOptionError
from hrv_readiness.hrv.models import HrvResult  # noqa: TC001 - pydantic needs it
from hrv_readiness.hrv.validation import as_rr_ms

if TYPE_CHECKING:
    from collections.abc import Sequence

#: A window counts as recorded when its beats cover this share of its length: beats
#: lost to a contact loss shorten the summed-RR timeline (docs/model.md).
MIN_WINDOW_COVERAGE = 0.9

OrthostaticRefusal = Literal[
    "no_cue",
    "supine_short",
    "supine_rejected",
    "no_stand",
    "standing_short",
    "standing_rejected",
]


class OrthostaticProtocol(BaseModel):
    """How long each phase of the orthostatic test lasts, and what counts as a stand.

    Defaults: Bourdillon et al. 2017 (Front Neurosci 11:456) analysed 159 orthostatic
    tests and found RMSSD sound from 1 min of settling plus a 2-min window in each
    posture (6 min in all). The heart rate peaks about 12-15 s after an active stand
    (Borst et al. 1982, Am J Physiol 243:H676; Polar: "approximately 15 seconds") and
    the transient is over within about 30 s (Sprangers et al. 1991, Clin Physiol
    11:221), so the peak is sought in the first 30 s and the standing window starts
    after the 1-min settle, clear of it.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    supine_settle_s: float = Field(
        default=60.0,
        ge=0.0,
        le=600.0,
        description="Seconds lying still before the supine window (Bourdillon et al. 2017: "
        "1 min for a steady signal).",
    )
    supine_window_s: float = Field(
        default=120.0,
        ge=60.0,
        le=600.0,
        description="Supine analysis window, ending at the cue (Bourdillon et al. 2017: "
        "2 min suffice for RMSSD; Munoz et al. 2015).",
    )
    peak_window_s: float = Field(
        default=30.0,
        ge=10.0,
        le=60.0,
        description="Seconds after the cue searched for the heart-rate peak (Borst et al. "
        "1982: peak after about 12 s; Sprangers et al. 1991: response over in about 30 s).",
    )
    standing_settle_s: float = Field(
        default=60.0,
        ge=10.0,
        le=600.0,
        description="Seconds of standing before the standing window (Bourdillon et al. "
        "2017: 1 min); at least peak_window_s, so the window is clear of the transient.",
    )
    standing_window_s: float = Field(
        default=120.0,
        ge=60.0,
        le=600.0,
        description="Standing analysis window (Bourdillon et al. 2017: 2 min for RMSSD).",
    )
    stand_min_rise_bpm: float = Field(
        default=10.0,
        ge=0.0,
        le=60.0,
        description="Smallest rise of the peak heart rate over the supine mean that shows "
        "a stand happened. Our documented choice: an active stand gives an immediate, "
        "large rise (Borst et al. 1982; 24-29 bpm in Polar's examples); a rise under "
        "10 bpm smoothed over 5 beats is within the breathing swing of a supine series.",
    )
    peak_beats: int = Field(
        default=5,
        ge=1,
        le=15,
        description="Beats whose median RR gives the peak heart rate, so one short "
        "(extra or ectopic) beat is never the peak.",
    )

    @model_validator(mode="after")
    def _settle_covers_peak(self) -> Self:
        if self.standing_settle_s < self.peak_window_s:
            msg = (
                f"standing_settle_s ({self.standing_settle_s:g}) must be at least "
                f"peak_window_s ({self.peak_window_s:g}): the standing window starts "
                "after the heart-rate peak"
            )
            raise ValueError(msg)
        return self

    @property
    def cue_at_s(self) -> float:
        """Seconds of recording before the cue to stand."""
        return self.supine_settle_s + self.supine_window_s

    @property
    def standing_s(self) -> float:
        """Seconds of recording after the cue."""
        return self.standing_settle_s + self.standing_window_s

    @property
    def total_s(self) -> float:
        """The whole test, lying and standing."""
        return self.cue_at_s + self.standing_s


class OrthostaticMetrics(BaseModel):
    """The numbers of one orthostatic test (units in the names).

    Heart rates are beats over elapsed time, 60000/mean(NN), as for a morning reading.
    ``peak_hr_bpm`` is 60000 over the smallest median of ``peak_beats`` consecutive RR
    in the peak window; ``time_to_peak_s`` is the end of that run's middle beat after
    the cue. ``hr_rise_bpm`` = peak - supine (Polar's HRpeak against HRrest);
    ``standing_hr_rise_bpm`` = standing - supine (Polar's HRstand against HRrest).
    The ratios are standing over supine.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    supine_rmssd_ms: float
    supine_ln_rmssd: float
    supine_hr_bpm: float
    standing_rmssd_ms: float
    standing_ln_rmssd: float
    standing_hr_bpm: float
    peak_hr_bpm: float
    time_to_peak_s: float
    hr_rise_bpm: float
    standing_hr_rise_bpm: float
    rmssd_ratio: float
    hr_ratio: float


class OrthostaticResult(BaseModel):
    """An orthostatic test: its metrics, or the reason it was refused.

    ``supine`` is the supine window's analysis (the morning reading of that day; None
    when that window was too short to analyse). ``metrics`` is None exactly when
    ``refusal`` is set; ``reason`` then says why in a sentence a person understands.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    stand_index: int | None
    supine: HrvResult | None
    metrics: OrthostaticMetrics | None
    refusal: OrthostaticRefusal | None = None
    reason: str | None = None

    @property
    def accepted(self) -> bool:
        return self.metrics is not None


class _Refused(Exception):  # noqa: N818 - internal control flow, never escapes
    def __init__(self, refusal: OrthostaticRefusal, reason: str) -> None:
        super().__init__(reason)
        self.refusal = refusal
        self.reason = reason


def analyze_orthostatic(
    rr_ms: npt.ArrayLike | Sequence[float],
    *,
    stand_index: int | None,
    protocol: OrthostaticProtocol | None = None,
    segment_starts: Sequence[int] | None = None,
    artifact_reject_pct: float = DEFAULT_ARTIFACT_REJECT_PCT,
) -> OrthostaticResult:
    """Metrics of one orthostatic test, or its refusal with the reason.

    ``rr_ms`` is the whole test (ms, oldest first), ``stand_index`` the first interval
    ending after the cue (``None``: the cue never came). ``segment_starts`` as for
    :func:`hrv_readiness.hrv.analyze` (runs after a contact loss). Each window is
    analysed by :func:`~hrv_readiness.hrv.analyze` with the artifact options given.

    Raises the HRV engine's ``InputError`` children for RR that are not a recording at
    all (empty, not ms), and :class:`InvalidOptionError` for a ``stand_index`` outside
    the series. Everything else — a short phase, a rejected window, no heart-rate rise —
    is a refusal, not an exception.
    """
    protocol = protocol or OrthostaticProtocol()
    rr = as_rr_ms(rr_ms)
    starts = _checked_starts(segment_starts, rr.size)
    ends_s = np.cumsum(rr) / 1000.0
    options = {"artifact_reject_pct": artifact_reject_pct}
    if stand_index is None:
        supine = _window_analysis(
            rr,
            ends_s=ends_s,
            starts=starts,
            from_s=protocol.supine_settle_s,
            to_s=protocol.cue_at_s,
            options=options,
        )
        return OrthostaticResult(
            stand_index=None,
            supine=supine,
            metrics=None,
            refusal="no_cue",
            reason="the cue to stand never came (the test stopped while lying): "
            "no orthostatic result, the lying part counts as the morning reading",
        )
    if isinstance(stand_index, bool) or not 0 < stand_index <= rr.size:
        msg = f"stand_index must be an index in 1-{rr.size}, got {stand_index!r}"
        raise InvalidOptionError(msg)
    cue_s = float(ends_s[stand_index - 1])
    supine_from_s = max(cue_s - protocol.supine_window_s, 0.0)
    supine = _window_analysis(
        rr, ends_s=ends_s, starts=starts, from_s=supine_from_s, to_s=cue_s, options=options
    )
    try:
        metrics = _metrics(
            rr,
            ends_s=ends_s,
            starts=starts,
            stand_index=stand_index,
            cue_s=cue_s,
            supine=supine,
            protocol=protocol,
            options=options,
        )
    except _Refused as refused:
        return OrthostaticResult(
            stand_index=stand_index,
            supine=supine,
            metrics=None,
            refusal=refused.refusal,
            reason=refused.reason,
        )
    return OrthostaticResult(stand_index=stand_index, supine=supine, metrics=metrics)


def _metrics(
    rr: npt.NDArray[np.float64],
    *,
    ends_s: npt.NDArray[np.float64],
    starts: tuple[int, ...],
    stand_index: int,
    cue_s: float,
    supine: HrvResult | None,
    protocol: OrthostaticProtocol,
    options: dict[str, float],
) -> OrthostaticMetrics:
    supine_covered = _covered_s(rr, ends_s, cue_s - protocol.supine_window_s, cue_s)
    if supine is None or supine_covered < MIN_WINDOW_COVERAGE * protocol.supine_window_s:
        raise _Refused(
            "supine_short",
            f"only {supine_covered:.0f} s of beats lying before the cue (the protocol needs "
            f"{protocol.supine_window_s:.0f} s): lie still until the cue and test again",
        )
    if not supine.usable:
        raise _Refused("supine_rejected", f"the lying part was rejected: {supine.quality.reason}")
    assert supine.mean_hr_bpm is not None  # noqa: S101 - usable guarantees metrics
    assert supine.rmssd_ms is not None  # noqa: S101
    assert supine.ln_rmssd is not None  # noqa: S101
    peak_hr, time_to_peak = _peak(
        rr, ends_s=ends_s, starts=starts, stand_index=stand_index, cue_s=cue_s, protocol=protocol
    )
    rise = peak_hr - supine.mean_hr_bpm
    if rise < protocol.stand_min_rise_bpm:
        raise _Refused(
            "no_stand",
            f"the heart rate rose only {rise:.0f} bpm after the cue (a stand raises it by "
            f"{protocol.stand_min_rise_bpm:g} bpm or more): stand up at the cue and test again",
        )
    standing_from = cue_s + protocol.standing_settle_s
    standing_to = standing_from + protocol.standing_window_s
    standing_covered = _covered_s(rr, ends_s, standing_from, standing_to)
    if standing_covered < MIN_WINDOW_COVERAGE * protocol.standing_window_s:
        raise _Refused(
            "standing_short",
            f"only {standing_covered:.0f} s of beats in the standing window (the protocol "
            f"needs {protocol.standing_window_s:.0f} s after {protocol.standing_settle_s:.0f} s "
            "of standing): stay standing until the test ends and test again",
        )
    standing = _window_analysis(
        rr, ends_s=ends_s, starts=starts, from_s=standing_from, to_s=standing_to, options=options
    )
    if standing is None or not standing.usable:
        why = "too few beats" if standing is None else standing.quality.reason
        raise _Refused("standing_rejected", f"the standing part was rejected: {why}")
    assert standing.mean_hr_bpm is not None  # noqa: S101
    assert standing.rmssd_ms is not None  # noqa: S101
    assert standing.ln_rmssd is not None  # noqa: S101
    return OrthostaticMetrics(
        supine_rmssd_ms=supine.rmssd_ms,
        supine_ln_rmssd=supine.ln_rmssd,
        supine_hr_bpm=supine.mean_hr_bpm,
        standing_rmssd_ms=standing.rmssd_ms,
        standing_ln_rmssd=standing.ln_rmssd,
        standing_hr_bpm=standing.mean_hr_bpm,
        peak_hr_bpm=peak_hr,
        time_to_peak_s=time_to_peak,
        hr_rise_bpm=rise,
        standing_hr_rise_bpm=standing.mean_hr_bpm - supine.mean_hr_bpm,
        rmssd_ratio=standing.rmssd_ms / supine.rmssd_ms,
        hr_ratio=standing.mean_hr_bpm / supine.mean_hr_bpm,
    )


def _peak(
    rr: npt.NDArray[np.float64],
    *,
    ends_s: npt.NDArray[np.float64],
    starts: tuple[int, ...],
    stand_index: int,
    cue_s: float,
    protocol: OrthostaticProtocol,
) -> tuple[float, float]:
    """Peak heart rate in the peak window and its time after the cue.

    A run starting inside the window means beats were lost there (contact loss while
    standing up): the peak may be among them, and the window's time axis is short.
    """
    inside = np.flatnonzero((ends_s > cue_s) & (ends_s <= cue_s + protocol.peak_window_s))
    inside = inside[inside >= stand_index]
    width = protocol.peak_beats
    last = int(inside[-1]) if inside.size else stand_index
    if inside.size < width or any(stand_index <= s <= last for s in starts[1:]):
        raise _Refused(
            "standing_short",
            f"only {inside.size} beat(s) in the first {protocol.peak_window_s:.0f} s after the "
            "cue (contact lost while standing up?): test again",
        )
    window = rr[inside]
    medians = np.median(np.lib.stride_tricks.sliding_window_view(window, width), axis=1)
    best = int(np.argmin(medians))
    middle = inside[best + width // 2]
    return 60_000.0 / float(medians[best]), float(ends_s[middle]) - cue_s


def _covered_s(
    rr: npt.NDArray[np.float64], ends_s: npt.NDArray[np.float64], from_s: float, to_s: float
) -> float:
    """Seconds of beats ending inside [from_s, to_s)."""
    mask = (ends_s >= from_s) & (ends_s < to_s)
    return float(np.sum(rr[mask])) / 1000.0


def _window_analysis(
    rr: npt.NDArray[np.float64],
    *,
    ends_s: npt.NDArray[np.float64],
    starts: tuple[int, ...],
    from_s: float,
    to_s: float,
    options: dict[str, float],
) -> HrvResult | None:
    """The window's beats analysed as a reading; None when too few to analyse."""
    index = np.flatnonzero((ends_s >= from_s) & (ends_s < to_s))
    if index.size == 0:
        return None
    lo, hi = int(index[0]), int(index[-1]) + 1
    local = [0, *(s - lo for s in starts if lo < s < hi)]
    try:
        return analyze(
            rr[lo:hi],
            segment_starts=local,
            artifact_reject_pct=options["artifact_reject_pct"],
        )
    except InsufficientDataError:
        return None


def _checked_starts(segment_starts: Sequence[int] | None, size: int) -> tuple[int, ...]:
    if segment_starts is None:
        return (0,)
    starts = tuple(segment_starts)
    if not starts or starts[0] != 0 or any(b <= a for a, b in itertools.pairwise(starts)):
        msg = f"segment_starts must start at 0 and increase, got {starts[:5]!r}"
        raise InvalidOptionError(msg)
    if starts[-1] >= size or any(isinstance(s, bool) for s in starts):
        msg = f"segment_starts must hold indices below {size}, got {starts[-1]!r}"
        raise InvalidOptionError(msg)
    return starts
