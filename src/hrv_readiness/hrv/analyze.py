"""The HRV engine's entry point: validate, clean, measure, judge quality."""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from hrv_readiness.hrv.correction import DIFFERENCE_POLICY, clean_rr
from hrv_readiness.hrv.errors import InsufficientDataError, InvalidOptionError
from hrv_readiness.hrv.frequency import band_powers, dfa_alpha1
from hrv_readiness.hrv.metrics import time_domain_of, valid_differences
from hrv_readiness.hrv.models import ArtifactCounts, HrvResult, Quality
from hrv_readiness.hrv.respiration import estimate_breathing_rate
from hrv_readiness.hrv.validation import MAX_PLAUSIBLE_RR_MS, MIN_PLAUSIBLE_RR_MS, as_rr_ms

if TYPE_CHECKING:
    from collections.abc import Sequence

#: Readings with more artifacts than this (% of intervals) are rejected, not corrected
#: into a number. hrv-analysis rejects above 4 % outliers; docs/model.md asks for about 5 %.
DEFAULT_ARTIFACT_REJECT_PCT = 5.0
#: Up to this share of artifacts a reading is "good"; above it, "acceptable".
DEFAULT_GOOD_ARTIFACT_PCT = 2.0
#: Fewer intervals than this cannot be analysed (about 30 s at 60 bpm); the 91-beat
#: thresholds of the artifact detector need some context to be meaningful.
DEFAULT_MIN_BEATS = 30
#: A reading needs at least this many successive differences between measured
#: (uncorrected) intervals for RMSSD to be trusted.
MIN_VALID_DIFFERENCES = 20
#: DFA α1 needs at least three of its largest (16-beat) boxes.
MIN_DFA_BEATS = 48
#: A reading whose RMSSD could move by more than this (% of it) with its corrections is
#: ``acceptable``, not ``good``, and its reason says by how much; it is never refused for
#: it (docs/hrv.md). A live measurement records longer above it (``ble.session``).
DEFAULT_MAX_UNCERTAINTY_PCT = 4.0
#: Beats on each side of a hidden difference whose measured differences bound it.
UNCERTAINTY_SPAN = 5


def analyze(
    rr_ms: npt.ArrayLike | Sequence[float],
    *,
    artifact_reject_pct: float = DEFAULT_ARTIFACT_REJECT_PCT,
    good_artifact_pct: float = DEFAULT_GOOD_ARTIFACT_PCT,
    min_beats: int = DEFAULT_MIN_BEATS,
    min_rr_ms: float = MIN_PLAUSIBLE_RR_MS,
    max_rr_ms: float = MAX_PLAUSIBLE_RR_MS,
    correct_artifacts: bool = True,
    frequency_domain: bool = False,
    segment_starts: Sequence[int] | None = None,
) -> HrvResult:
    """Analyse one reading of RR intervals (ms, oldest first).

    Artifacts are found by the Lipponen–Tarvainen beat classification and undone by
    peak-level corrections (see :mod:`hrv_readiness.hrv.correction`); successive differences
    are gap-aware. A reading is *rejected* (every metric ``None``, ``quality.reason``
    says why) only when it cannot be answered: its artifact *events* (one missed beat
    is one event, however many intervals its correction touches) exceed
    ``artifact_reject_pct`` % of its intervals, fewer than ``MIN_VALID_DIFFERENCES``
    differences between measured beats remain, or it has no beat-to-beat variation.
    Every other reading gets its numbers and ``rmssd_uncertainty_pct``, how far RMSSD
    could depend on the corrections (docs/hrv.md); above ``DEFAULT_MAX_UNCERTAINTY_PCT``
    the quality is ``acceptable`` and its reason names the uncertainty, never a refusal.
    Reasons describe the beats, not where they came from: a caller measuring live adds
    its own advice (a file cannot be "measured again").

    ``segment_starts`` are the indices into ``rr_ms`` where a contiguous run of beats
    starts (``0`` first, strictly increasing, each below ``len(rr_ms)``), as
    :class:`hrv_readiness.ble.models.Recording` reports them after a reconnect, a contact
    loss or a dropped implausible interval. No successive difference is taken across a
    boundary: the jump between two runs is neither an artifact (it is never flagged,
    counted or corrected) nor a real difference (RMSSD, pNN50, SD1/SD2 and the
    artifact detector's dRR leave it out; the local median stays within a run). SDNN,
    mean RR and mean HR use every interval; the optional LF/HF power and DFA α1 see the
    runs joined end to end. ``None`` (the default) or ``(0,)``: one run.

    ``mean_hr_bpm`` = 60000 / mean(NN) — beats per elapsed minute — is the resting heart
    rate the readiness model uses. ``breathing_rate_per_min`` is the dominant breathing
    rhythm of the cleaned series (:mod:`hrv_readiness.hrv.respiration`), ``None`` with
    ``breathing_quality`` saying why when it cannot be estimated. ``frequency_domain=True``
    adds LF/HF power (Lomb–Scargle) and DFA α1; they are secondary for short readings and
    cost time.

    Raises :class:`hrv_readiness.errors.InputError` children for unusable input (empty, not
    numbers, NaN, seconds instead of ms, values outside ``min_rr_ms``–``max_rr_ms``),
    :class:`InvalidOptionError` for an option out of range (e.g. ``segment_starts`` not
    sorted, not starting at 0 or beyond the series) and
    :class:`hrv_readiness.errors.InsufficientDataError` for fewer than ``min_beats`` intervals.
    """
    _check_options(artifact_reject_pct, good_artifact_pct, min_beats, min_rr_ms, max_rr_ms)
    rr = as_rr_ms(rr_ms, min_rr_ms=min_rr_ms, max_rr_ms=max_rr_ms)
    if rr.size < min_beats:
        raise InsufficientDataError(
            f"{rr.size} RR interval(s) is too few to analyse; record at least {min_beats} "
            "beats (about a minute of steady breathing)",
            got=int(rr.size),
            needed=min_beats,
        )
    break_before = _segment_breaks(segment_starts, rr.size)
    excluded: npt.NDArray[np.bool_] | None = None
    if correct_artifacts:
        cleaned = clean_rr(rr, break_before=break_before)
        nn, estimated, counts = cleaned.nn_ms, cleaned.estimated, cleaned.counts
        break_before = cleaned.break_before
        excluded = cleaned.excluded_differences(DIFFERENCE_POLICY)
        ectopic, missed, extra, long_short = (
            counts.ectopic,
            counts.missed,
            counts.extra,
            counts.long_short,
        )
    else:
        nn, estimated = rr, np.zeros(rr.size, dtype=np.bool_)
        ectopic = missed = extra = long_short = 0
    total = ectopic + missed + extra + long_short
    artifact_pct = 100.0 * total / rr.size
    artifacts = ArtifactCounts(
        ectopic=ectopic,
        missed=missed,
        extra=extra,
        long_short=long_short,
        artifact_pct=artifact_pct,
    )
    nn_tuple = tuple(nn.tolist())
    differences = valid_differences(nn, estimated, break_before, excluded)
    valid = int(differences.size)

    reason: str | None = None
    uncertainty_pct = 0.0
    if artifact_pct > artifact_reject_pct:
        reason = (
            f"{total} artifact(s) in {rr.size} beats ({artifact_pct:.1f} %: "
            f"{_describe(artifacts)}), above the {artifact_reject_pct:g} % limit: too few "
            "clean beats for a trustworthy RMSSD"
        )
    elif valid < MIN_VALID_DIFFERENCES:
        reason = (
            f"only {valid} successive differences between clean beats (need "
            f"{MIN_VALID_DIFFERENCES}): too few for RMSSD"
        )
    else:
        metrics = time_domain_of(nn, differences)
        uncertainty_pct = _uncertainty_pct(metrics.rmssd_ms, nn, break_before, excluded)
        if metrics.rmssd_ms <= 0.0:
            reason = (
                "no beat-to-beat variation at all: every interval has the same value, "
                "as when a device repeats its last value"
            )
    if reason is not None:
        return HrvResult(
            rmssd_ms=None,
            ln_rmssd=None,
            sdnn_ms=None,
            pnn50_pct=None,
            mean_rr_ms=None,
            mean_hr_bpm=None,
            sd1_ms=None,
            sd2_ms=None,
            beats=len(nn_tuple),
            artifacts=artifacts,
            quality=Quality(level="rejected", reason=reason),
            nn_ms=nn_tuple,
        )
    if artifact_pct > good_artifact_pct or uncertainty_pct > DEFAULT_MAX_UNCERTAINTY_PCT:
        quality = Quality(
            level="acceptable",
            reason=(
                f"{artifact_pct:.1f} % of beats corrected ({_describe(artifacts)}); "
                f"RMSSD ±{uncertainty_pct:.1f} % with the corrections"
            ),
        )
    else:
        quality = Quality(level="good")
    extras: dict[str, float | None] = {}
    if frequency_domain:
        extras = _frequency_metrics(nn)
    breathing = estimate_breathing_rate(nn, artifact_pct=artifact_pct)
    return HrvResult(
        **extras,
        breathing_rate_per_min=breathing.rate_per_min,
        breathing_quality=breathing.quality,
        rmssd_ms=metrics.rmssd_ms,
        ln_rmssd=metrics.ln_rmssd,
        sdnn_ms=metrics.sdnn_ms,
        pnn50_pct=metrics.pnn50_pct,
        mean_rr_ms=metrics.mean_rr_ms,
        mean_hr_bpm=metrics.mean_hr_bpm,
        sd1_ms=metrics.sd1_ms,
        sd2_ms=metrics.sd2_ms,
        rmssd_uncertainty_pct=uncertainty_pct,
        beats=len(nn_tuple),
        artifacts=artifacts,
        quality=quality,
        nn_ms=nn_tuple,
    )


def _uncertainty_pct(
    rmssd_ms: float,
    nn: npt.NDArray[np.float64],
    break_before: npt.NDArray[np.bool_],
    excluded: npt.NDArray[np.bool_] | None,
) -> float:
    """How far RMSSD could be off because of the differences the corrections hide, in %.

    Every successive difference left out (it touches a corrected interval) is unknown.
    Its true value is taken to lie between 0 and the largest difference measured within
    ``UNCERTAINTY_SPAN`` beats of it (a wrong peak next to a real 300 ms step may hide a
    step of that size): RMSSD over all differences then lies between the two extremes,
    and the larger gap to the reported RMSSD is the uncertainty. One corrected beat in a
    calm 5-minute reading moves it by 1-2 %; next to a large real step, or with many
    corrections in 2 minutes, by 10 % or more (docs/hrv.md).
    """
    if excluded is None or rmssd_ms <= 0.0:
        return 0.0
    differences = np.abs(np.diff(nn))
    counted = ~break_before[1:]
    hidden = excluded & counted
    if not hidden.any():
        return 0.0
    kept = counted & ~excluded
    measured = np.where(kept, differences, 0.0)
    span = UNCERTAINTY_SPAN
    padded = np.zeros(measured.size + 2 * span)
    padded[span:-span] = measured
    # Only the hidden differences' windows (row i: padded[i : i + 2 * span + 1]).
    step = padded.itemsize
    windows = np.ndarray((measured.size, 2 * span + 1), np.float64, padded, 0, (step, step))
    largest = windows[hidden].max(axis=1)
    n_kept, n_hidden = int(kept.sum()), int(hidden.sum())
    total = float(np.sum(measured[kept] ** 2))
    low = math.sqrt(total / (n_kept + n_hidden))
    high = math.sqrt((total + float(np.sum(largest**2))) / (n_kept + n_hidden))
    return 100.0 * max(high - rmssd_ms, rmssd_ms - low) / rmssd_ms


def _frequency_metrics(nn: npt.NDArray[np.float64]) -> dict[str, float | None]:
    bands = band_powers(nn)
    return {
        "lf_power_ms2": bands.lf_ms2,
        "hf_power_ms2": bands.hf_ms2,
        "lf_hf_ratio": bands.lf_hf,
        "dfa_alpha1": dfa_alpha1(nn) if nn.size >= MIN_DFA_BEATS else None,
    }


def _describe(artifacts: ArtifactCounts) -> str:
    parts = [
        f"{count} {name}"
        for name, count in (
            ("ectopic", artifacts.ectopic),
            ("missed", artifacts.missed),
            ("extra", artifacts.extra),
            ("long/short", artifacts.long_short),
        )
        if count
    ]
    return ", ".join(parts) or "none"


def _segment_breaks(segment_starts: Sequence[int] | None, size: int) -> npt.NDArray[np.bool_]:
    """``segment_starts`` checked and turned into "interval i starts a new segment"."""
    breaks = np.zeros(size, dtype=np.bool_)
    if segment_starts is None:
        return breaks
    if isinstance(segment_starts, str | bytes):
        raise InvalidOptionError("segment_starts must be a sequence of indices, not text")
    try:
        starts = list(segment_starts)
    except TypeError as err:
        raise InvalidOptionError(
            f"segment_starts must be a sequence of indices, got {segment_starts!r}"
        ) from err
    for start in starts:
        if isinstance(start, bool) or not isinstance(start, int | np.integer):
            raise InvalidOptionError(
                f"segment_starts must hold whole indices into rr_ms, got {start!r}"
            )
    if not starts or starts[0] != 0:
        raise InvalidOptionError(
            f"segment_starts must start with 0 (the first run starts at the first "
            f"interval), got {starts[:5]!r}"
        )
    for previous, start in itertools.pairwise(starts):
        if start <= previous:
            raise InvalidOptionError(
                f"segment_starts must be strictly increasing, got {start} after {previous}"
            )
    if starts[-1] >= size:
        raise InvalidOptionError(
            f"segment_starts holds index {starts[-1]}, beyond the {size} RR interval(s) "
            f"(valid indices are 0-{size - 1})"
        )
    breaks[np.asarray(starts[1:], dtype=np.intp)] = True
    return breaks


def _check_options(
    artifact_reject_pct: float,
    good_artifact_pct: float,
    min_beats: int,
    min_rr_ms: float,
    max_rr_ms: float,
) -> None:
    options = {
        "artifact_reject_pct": artifact_reject_pct,
        "good_artifact_pct": good_artifact_pct,
        "min_beats": min_beats,
        "min_rr_ms": min_rr_ms,
        "max_rr_ms": max_rr_ms,
    }
    for name, value in options.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidOptionError(f"{name} must be a number, got {value!r}")
    if not 0.0 <= good_artifact_pct <= artifact_reject_pct <= 100.0:  # noqa: PLR2004
        raise InvalidOptionError(
            "need 0 <= good_artifact_pct <= artifact_reject_pct <= 100, got "
            f"{good_artifact_pct} and {artifact_reject_pct}"
        )
    if min_beats < 3:  # noqa: PLR2004
        raise InvalidOptionError(f"min_beats must be at least 3, got {min_beats}")
    if not 0.0 < min_rr_ms < max_rr_ms:
        raise InvalidOptionError(f"need 0 < min_rr_ms < max_rr_ms, got {min_rr_ms} and {max_rr_ms}")
