"""Artifact correction that works on beats (R peaks), not on interval values.

Every artifact class of Lipponen & Tarvainen is one wrong R peak (or a run of them), so
each is undone by the peak operation that explains it, which keeps the timeline (sum of
RR) intact:

* ectopic beat — a misplaced peak: the premature interval and its compensatory pause
  are both replaced by their mean (the peak moves to the midpoint; sum preserved). The
  pair must look like one displaced peak (balanced around the reference, or its short
  interval premature against its neighbour), not like a lone real pause;
* missed beat — an absent peak: the long interval is split into ``k`` equal parts,
  ``k = round(RR / local reference)`` (2 or 3);
* extra beat — a spurious peak: the two short intervals are merged;
* run — several wrong peaks in a row (a couplet or a triplet of premature beats, alone
  or next to a missed or an extra beat): the stretch is re-spaced as a whole, its peaks
  on the line between the intervals around it (:func:`_run_hypotheses`).

Detection: the paper's criteria, plus intervals 20 % off their local median
(:mod:`hrv_readiness.hrv.artifacts`), name *candidates*.
For each candidate the three single-peak hypotheses and the runs are tried on the
intervals around it, each within its tolerance against two local models of the rhythm
— the level (the median of ten neighbours) and the trend (the two next neighbours; not
for runs), so a wrong peak on
the crest of a slow swing is explained too (see :func:`_references`) — and a hypothesis
must make its neighbourhood at least ``MIN_ROUGHNESS_RATIO`` times smoother (mean
squared successive difference, the quantity RMSSD is made of; less when it moves a peak
by 20 % of an interval or more, which is evidence in itself): a wrong peak makes a few
huge differences, sinus arrhythmia many moderate ones, so ordinary irregular rhythm is
left as measured. Of the hypotheses that pass, the one leaving the least total squared
difference over one common stretch of time wins; a run must beat the best single-peak
explanation by ``RUN_ADVANTAGE`` (see :func:`_explain`).
On clean NSRDB recordings the paper's criteria alone flag 2-3 % of the beats; this
keeps it well under 1 % (benchmarks/hrv_artifacts.py prints the figure).

A corrected interval is an estimate, not a measurement, so it is *marked* and numbered
(``CleanSeries.correction``, ``kinds``). How the successive differences touching it
enter RMSSD, pNN50 and SDSD is a policy per class (``DIFFERENCE_POLICY``, chosen from
the benchmark in docs/hrv.md): every class leaves them out (gap-aware differences,
NeuroKit2 PR #720) instead of inventing variability (or its absence) where there was
none. Flags right next to a corrected event are not acted on in the same pass: one
wrong peak disturbs the differences of its neighbours too, so they are judged again on
the corrected series (at most ``max_passes`` passes). A candidate that no single wrong
peak explains but lies far from its local median (|mRR| > 3·Th2, the paper's own limit)
is replaced by that median and marked (``long_short``, or ``ectopic`` when the paper's
ectopic rule flagged it).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from hrv_readiness.hrv.artifacts import Classification, classify_beats

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
EditKind = Literal["ectopic", "missed", "extra", "run"]

#: Up to this many consecutive missed beats are restored inside one long interval.
MAX_MISSED_IN_ONE = 3
#: A correction must make its neighbourhood this many times smoother (see module doc).
MIN_ROUGHNESS_RATIO = 3.0
#: ... or this many times smoother when the edit moves a peak by at least
#: ``LARGE_MOVE`` of an interval (every missed or extra beat, a clearly premature one):
#: such a move is evidence in itself (Malik's 20 % prematurity rule), and one real
#: large difference right next to it (NSRDB has 300 ms steps) must not dilute the
#: comparison below 3. Clean-window flags do not change (benchmarks/hrv_artifacts.py).
LARGE_MOVE_ROUGHNESS_RATIO = 2.0
LARGE_MOVE = 0.2
#: ... or this many times smoother when a misplaced peak moves by at least
#: ``VERY_LARGE_MOVE`` of an interval: a beat 30 % premature with its compensatory pause
#: is an ectopic beat even when a real pause right after it keeps the stretch rough
#: (758, 550, 964, 1086 ms: corrected to 758, 757, 757, 1086 it is only 1.7x smoother).
VERY_LARGE_MOVE_ROUGHNESS_RATIO = 1.5
VERY_LARGE_MOVE = 0.25
#: Intervals on each side of an edit over which smoothness is compared.
ROUGHNESS_SPAN = 2
#: Intervals on each side of the ones under test that give their local reference.
REFERENCE_BEATS = 5
#: Floor of a hypothesis' tolerance, as a share of the local reference: Malik's and
#: Kamath's 20 % rule, for stretches so regular that Th2 is tiny.
MIN_RELATIVE_TOLERANCE = 0.2
#: An ectopic pair explained only by the local *trend* (see :func:`_references`) must
#: move its peak by at least this share of the trend interval (the 20 % prematurity of
#: Malik and Kamath): sinus rhythm turning at the crest of a swing makes long-short
#: pairs of 5-15 %, a misplaced peak on the crest moves 20 % or more.
MIN_TREND_DISPLACEMENT = 0.2
#: Both intervals of a pair shorter than this share of the reference: see
#: :func:`_pair_hypotheses` (an extra beat splitting a 30-40 % long pause in halves
#: leaves two intervals 30-35 % short: 742, 496, 496, 891 ms).
VERY_SHORT_PAIR = 0.7
#: An ectopic pair must be *balanced* around its reference — the smaller of
#: (reference - short) and (long - reference) at least this share of the larger — or
#: its short interval must be ``PREMATURE_MARGIN`` shorter than its outer neighbour (see
#: :func:`_balanced`, :func:`_shorter_than_its_neighbour`). Without this rule a real
#: lone pause (758, 1070 ms around 760) was "corrected" into two 914 ms intervals: 4
#: such pauses in the pyhrv NSRDB series (RMSSD 94.6 instead of 101.3 ms) and 37 of
#: the 6,600 clean benchmark beats (now 11); every benchmark row improved with it.
ECTOPIC_BALANCE = 0.25
PREMATURE_MARGIN = 0.05
#: Longest stretch of consecutive intervals a run of wrong peaks may span (a triplet of
#: premature beats and its pause, or a couplet next to a missed or an extra beat).
MAX_RUN_INTERVALS = 4
#: A run's intervals are replaced by ``parts`` equal ones, ``parts`` within one of the
#: number of intervals (a run may hold one missed or one extra beat besides its
#: misplaced peaks).
MAX_RUN_PARTS = MAX_RUN_INTERVALS + 1
#: Number of parts a run of ``size`` intervals is tried with: within one of ``size``,
#: not a single-peak case (two intervals into one or two parts are an extra or an
#: ectopic beat), at most ``MAX_RUN_PARTS``.
_RUN_PARTS: dict[int, tuple[int, ...]] = {
    size: tuple(
        parts
        for parts in range(max(1, size - 1), min(size + 1, MAX_RUN_PARTS) + 1)
        if not (size == 2 and parts in {1, 2})  # noqa: PLR2004
    )
    for size in range(2, MAX_RUN_INTERVALS + 1)
}
#: Shape of a run of premature beats (see :func:`_run_pattern`): its first interval this
#: much shorter than the reference. Below Malik's and Kamath's 20 %: a beat 25 %
#: premature on the crest of a swing is only 15-17 % short of the local level.
RUN_PREMATURE = 0.15
#: An interval inside a run that holds a missed beat is at least this many references
#: long (a real pause reaches 1.3-1.5, NSRDB: 1086 ms among 700-750).
RUN_MISSED = 1.7
#: A run replaces the best single-peak explanation only if it leaves at most this share
#: of its (charged) squared differences; see :func:`_explain`.
RUN_ADVANTAGE = 0.5
#: The first interval of a run of premature beats is also this much shorter than the
#: one before it: a lone real pause after ordinary beats (664, 664, 734, 1086 ms) is
#: not a run, however well re-spacing smooths it.
RUN_PREMATURE_VS_PREVIOUS = 0.1
#: The beats after the first of a run fire early again, so their intervals are at most
#: this much longer than the reference (the rhythm around may be rising).
RUN_LATE = 0.15
#: The gates of :func:`_hypotheses`: an interval this many medians long may hold a
#: missed beat of a run (``RUN_MISSED`` references, the level up to 30 % below the
#: median) ...
_RUN_ODD_LONG = RUN_MISSED / 1.3
#: ... and a run's first interval is premature against the one before it.
_RUN_PREMATURE_VS_PREVIOUS_SHARE = 1.0 - RUN_PREMATURE_VS_PREVIOUS
#: A run of premature beats begins this far below the level (see :func:`_run_pattern`).
_RUN_FIRST_SHARE = 1.0 - RUN_PREMATURE
#: The levels of every stretch a run around candidate ``i`` may take lie within
#: ``nn[i - _LEVEL_REACH_BEFORE : i + _LEVEL_REACH_AFTER]`` (a stretch starts at most
#: ``MAX_RUN_INTERVALS - 1`` before ``i`` and ends at most ``MAX_RUN_INTERVALS + 2``
#: after it; its level is read ``REFERENCE_BEATS`` beyond).
_LEVEL_REACH_BEFORE = MAX_RUN_INTERVALS - 1 + REFERENCE_BEATS
_LEVEL_REACH_AFTER = MAX_RUN_INTERVALS + 2 + REFERENCE_BEATS
#: Slack (ms) of the level-free test for an extra beat in a run: far more than rounding.
_EXTRA_SUM_SLACK_MS = 1.0
#: How far (in intervals, each side) :func:`_explain` reads around its candidate: runs
#: reach 3 back and 5 on, their references 5 beyond, the smoothness comparison 2 more
#: and its typical roughness another 5 (with a margin).
EXPLAIN_REACH = 16
#: A candidate no single wrong peak explains is corrected when |mRR| / Th2 exceeds this
#: (the paper's own "far from the local median" limit).
LEFTOVER_MRR_LIMIT = 3.0


#: :func:`_references` already computed within one pass, by stretch ``(start, stop)``.
_ReferenceCache = dict[tuple[int, int], tuple[float, ...]]


@dataclass(slots=True)
class EventCounts:
    ectopic: int = 0
    missed: int = 0
    extra: int = 0
    long_short: int = 0

    @property
    def total(self) -> int:
        return self.ectopic + self.missed + self.extra + self.long_short


#: How the successive differences touching one correction enter RMSSD: ``drop`` leaves
#: out every difference touching it, ``inner`` keeps the two at its ends (between a
#: measured and an estimated interval) and leaves out those inside it, ``keep`` keeps
#: them all. Chosen per class from benchmarks/hrv_artifacts.py (docs/hrv.md).
DifferencePolicy = Literal["drop", "inner", "keep"]
CorrectionKind = Literal["ectopic", "missed", "extra", "run", "leftover"]
DIFFERENCE_POLICY: dict[CorrectionKind, DifferencePolicy] = {
    "ectopic": "drop",
    "missed": "inner",
    "extra": "drop",
    "run": "drop",
    "leftover": "drop",
}


@dataclass(frozen=True, slots=True)
class CleanSeries:
    """The corrected NN series, its estimated intervals and its segment starts.

    ``correction[i]`` numbers the correction interval ``i`` belongs to (-1: measured),
    ``kinds[k]`` names the class of correction ``k``.
    """

    nn_ms: FloatArray
    estimated: BoolArray
    break_before: BoolArray
    counts: EventCounts = field(default_factory=EventCounts)
    correction: npt.NDArray[np.intp] = field(default_factory=lambda: np.empty(0, dtype=np.intp))
    kinds: tuple[CorrectionKind, ...] = ()

    def excluded_differences(self, policy: dict[CorrectionKind, DifferencePolicy]) -> BoolArray:
        """For each successive difference, whether ``policy`` leaves it out of RMSSD."""
        if not self.kinds:
            return np.zeros(max(self.nn_ms.size - 1, 0), dtype=np.bool_)
        rule = np.asarray([policy[kind] for kind in self.kinds] + ["keep"])
        left, right = self.correction[:-1], self.correction[1:]  # -1 picks "keep"
        inside = (left == right) & (left >= 0)
        excluded = inside & (rule[left] != "keep")
        excluded |= ~inside & ((rule[left] == "drop") | (rule[right] == "drop"))
        return np.asarray(excluded, dtype=np.bool_)


@dataclass(frozen=True, slots=True)
class _Edit:
    start: int
    stop: int
    values: tuple[float, ...]
    kind: EditKind


def clean_rr(
    rr_ms: FloatArray, *, break_before: BoolArray | None = None, max_passes: int = 3
) -> CleanSeries:
    """Detect and correct artifacts in a validated RR series (ms).

    ``break_before[i]`` marks interval ``i`` as the first of a new contiguous segment
    (a reconnect, a contact loss): no hypothesis, reference or smoothness comparison
    reaches across that boundary, so the jump between two segments is never taken for
    an artifact nor "corrected". The returned ``break_before`` follows the corrected
    series (a missed beat adds intervals, an extra beat removes one).
    """
    nn = rr_ms.copy()
    estimated = np.zeros(nn.size, dtype=np.bool_)
    breaks = np.zeros(nn.size, dtype=np.bool_) if break_before is None else break_before.copy()
    breaks[:1] = False
    counts = EventCounts()
    correction = np.full(nn.size, -1, dtype=np.intp)
    kinds: list[CorrectionKind] = []
    classification = classify_beats(nn, estimated, breaks)
    unexplained: set[tuple[object, ...]] = set()
    for _ in range(max_passes):
        edits = _pattern_edits(nn, estimated, breaks, classification, counts, unexplained)
        if not edits:
            break
        nn, estimated, breaks, correction = _apply(
            nn, estimated, breaks, correction, edits, first_id=len(kinds)
        )
        kinds += [edit.kind for edit in edits]
        classification = classify_beats(nn, estimated, breaks)
    leftover = np.flatnonzero(
        classification.candidates & ~estimated & (np.abs(classification.mrr_n) > LEFTOVER_MRR_LIMIT)
    )
    for i in leftover.tolist():
        if classification.ectopic[i]:
            counts.ectopic += 1
        else:
            counts.long_short += 1
        nn[i] = classification.median_rr_ms[i]
        estimated[i] = True
        correction[i] = len(kinds)
        kinds.append("leftover")
    return CleanSeries(
        nn_ms=nn,
        estimated=estimated,
        break_before=breaks,
        counts=counts,
        correction=correction,
        kinds=tuple(kinds),
    )


def _pattern_edits(  # noqa: PLR0917 - one pass over the candidates
    nn: FloatArray,
    estimated: BoolArray,
    breaks: BoolArray,
    classification: Classification,
    counts: EventCounts,
    unexplained: set[tuple[object, ...]],
) -> list[_Edit]:
    """The single-peak explanation of each candidate, where one fits.

    ``unexplained`` remembers, across passes, the candidates no hypothesis explained, by
    everything :func:`_explain` reads (the values and free flags within its reach, the
    local median, the tolerance, where the segment ends): a candidate far from the
    previous pass's edits is not tried again for the same answer.
    """
    # The hypotheses look at a handful of values each: plain Python floats are several
    # times faster there than numpy scalars and tiny arrays.
    values: list[float] = nn.tolist()
    free: list[bool] = (~estimated).tolist()
    medians: list[float] = classification.median_rr_ms.tolist()
    th2: list[float] = classification.th2_ms.tolist()
    segment_lo, segment_hi = _segment_bounds(breaks)
    edits: list[_Edit] = []
    # The references of a stretch depend only on this pass's values: shared by every
    # candidate of the pass (neighbouring candidates try many of the same stretches).
    references: _ReferenceCache = {}
    last_stop = -2  # intervals <= last_stop are in or next to an edit of this pass
    for i in np.flatnonzero(classification.candidates & ~estimated).tolist():
        if i <= last_stop:
            continue
        for j in range(max(0, i - 2), min(i, last_stop + 1)):
            free[j] = False  # already part of (or next to) an edit of this pass
        tolerance = max(th2[i], MIN_RELATIVE_TOLERANCE * medians[i])
        lo, hi = max(segment_lo[i], i - EXPLAIN_REACH), min(segment_hi[i], i + EXPLAIN_REACH)
        key = (
            tuple(values[lo:hi]),
            tuple(free[lo:hi]),
            i - lo,
            medians[i],
            tolerance,
            lo == segment_lo[i],
            hi == segment_hi[i],
        )
        if key in unexplained:
            continue
        edit = _explain(
            values,
            i,
            free,
            median=medians[i],
            tolerance=tolerance,
            bounds=(segment_lo[i], segment_hi[i]),
            references=references,
        )
        if edit is None:
            unexplained.add(key)
            continue
        _count(edit, values, counts)
        edits.append(edit)
        last_stop = edit.stop
    return edits


def _count(edit: _Edit, nn: list[float], counts: EventCounts) -> None:
    """Add the events ``edit`` stands for to ``counts``.

    One missed or extra beat is one event, however many intervals its correction
    touches. A run of ``m`` intervals made into ``m`` parts is ``m - 1`` premature beats
    in a row (a couplet is two events). A run holding a missed beat (``p = m + 1``
    parts) or an extra one (``p = m - 1``) counts that beat, plus one ectopic event for
    each premature interval in it (``RUN_PREMATURE`` short of the corrected rhythm,
    the extra beat's two halves left aside): a lone missed beat that the run
    re-spaces along the trend is one event, not four.
    """
    intervals, parts = edit.stop - edit.start, len(edit.values)
    if edit.kind == "missed":
        counts.missed += parts - 1
    elif edit.kind == "extra":
        counts.extra += 1
    elif edit.kind == "ectopic":
        counts.ectopic += 1
    elif parts == intervals:
        counts.ectopic += intervals - 1
    else:
        reference = sum(edit.values) / parts
        short = sum(1 for v in nn[edit.start : edit.stop] if v < (1.0 - RUN_PREMATURE) * reference)
        if parts > intervals:
            counts.missed += parts - intervals
            counts.ectopic += short
        else:
            counts.extra += intervals - parts
            counts.ectopic += max(short - 2 * (intervals - parts), 0)


def _segment_bounds(breaks: BoolArray) -> tuple[list[int], list[int]]:
    """For every interval, the start and stop index of its contiguous segment."""
    n = breaks.size
    if not breaks.any():
        return [0] * n, [n] * n
    starts = np.flatnonzero(breaks)
    segment = np.cumsum(breaks)
    lows = np.concatenate(([0], starts))
    highs = np.concatenate((starts, [n]))
    return lows[segment].tolist(), highs[segment].tolist()


def _explain(
    nn: list[float],
    i: int,
    free: list[bool],
    *,
    median: float,
    tolerance: float,
    bounds: tuple[int, int],
    references: _ReferenceCache,
) -> _Edit | None:
    """The single wrong peak that best explains candidate ``i`` and its neighbours.

    Hypotheses on intervals i-1 .. i+2 that are ``free`` (measured, not yet edited),
    each against the references of :func:`_references` and admitted within ``tolerance``
    (max(Th2, 20 % of the median)):

    * missed: RR_j / k ≈ reference (k = 2 or 3 beats in one interval);
    * extra: RR_a + RR_b ≈ reference, both intervals short;
    * ectopic: RR_a + RR_b ≈ 2·reference within 2·tolerance (a sum of two intervals
      varies about twice as much as one), one short and one long (against the trend,
      the peak must also move by ``MIN_TREND_DISPLACEMENT``).

    The admitted hypothesis that smooths its neighbourhood most wins, if it smooths it
    by at least ``MIN_ROUGHNESS_RATIO`` (less for a large move of the peak, see
    :func:`_needed_roughness_ratio`). Everything happens inside ``bounds``, the
    candidate's contiguous segment ``nn[bounds[0]:bounds[1]]``.
    """
    first, stop = bounds
    admitted: list[_Edit] = []
    hypotheses = _hypotheses(
        nn, i, free, median=median, tolerance=tolerance, bounds=bounds, references=references
    )
    for edit in hypotheses:
        lo = max(first, edit.start - ROUGHNESS_SPAN)
        hi = min(stop, edit.stop + ROUGHNESS_SPAN)
        after = [*nn[lo : edit.start], *edit.values, *nn[edit.stop : hi]]
        ratio = _roughness(nn[lo:hi]) / max(_roughness(after), 1e-9)
        if ratio > _needed_roughness_ratio(nn, edit):
            admitted.append(edit)
    if not admitted:
        return None
    # Rivals are compared on one common stretch of time (every hypothesis keeps the
    # peaks outside it), by its *total* squared successive difference: a mean would
    # favour splitting an interval into equal parts, whose zero difference dilutes it.
    lo = max(first, min(edit.start for edit in admitted) - ROUGHNESS_SPAN)
    hi = min(stop, max(edit.stop for edit in admitted) + ROUGHNESS_SPAN)

    def cost(edit: _Edit) -> float:
        return _squared_differences([*nn[lo : edit.start], *edit.values, *nn[edit.stop : hi]])

    singles = [edit for edit in admitted if edit.kind != "run"]
    runs = [edit for edit in admitted if edit.kind == "run"]
    # (min() keeps the first of equal costs; one rival needs no cost at all)
    single = singles[0] if len(singles) == 1 else min(singles, key=cost) if singles else None
    if not runs:
        return single
    # A run re-spaces several peaks along the trend, which smooths almost any stretch:
    # each difference inside it is charged as one of the rhythm around (its mean
    # squared successive difference), and it must beat the best single wrong peak
    # by RUN_ADVANTAGE, so that one wrong peak keeps its one-peak explanation.
    typical = (
        _roughness(nn[max(first, lo - REFERENCE_BEATS) : lo])
        + _roughness(nn[hi : min(stop, hi + REFERENCE_BEATS)])
    ) / 2.0

    def charged(edit: _Edit) -> float:
        return cost(edit) + typical * (len(edit.values) - 1)

    charges = [charged(edit) for edit in runs]
    best = min(range(len(runs)), key=charges.__getitem__)
    if single is None or charges[best] < RUN_ADVANTAGE * charged(single):
        return runs[best]
    return single


def _needed_roughness_ratio(nn: list[float], edit: _Edit) -> float:
    """How many times smoother ``edit`` must make its neighbourhood, by how far it moves a peak.

    Adding or removing a peak (a missed or extra beat) is always a large move; an
    ectopic correction moves the peak by half the difference of the pair, compared with
    the corrected interval.
    """
    if edit.kind != "ectopic":
        # Missed and extra beats add or remove a peak; a run begins with a beat at least
        # RUN_PREMATURE early or holds a missed or an extra beat (see _run_pattern).
        return LARGE_MOVE_ROUGHNESS_RATIO
    a, b = nn[edit.start], nn[edit.start + 1]
    move = abs(b - a) / 2.0 / edit.values[0]
    if move >= VERY_LARGE_MOVE:
        return VERY_LARGE_MOVE_ROUGHNESS_RATIO
    if move >= LARGE_MOVE:
        return LARGE_MOVE_ROUGHNESS_RATIO
    return MIN_ROUGHNESS_RATIO


def _hypotheses(
    nn: list[float],
    i: int,
    free: list[bool],
    *,
    median: float,
    tolerance: float,
    bounds: tuple[int, int],
    references: _ReferenceCache,
) -> list[_Edit]:
    first, stop = bounds
    hypotheses: dict[tuple[int, EditKind, int], _Edit] = {}
    for j in (i, i + 1):
        if first <= j < stop and free[j]:
            _missed_hypotheses(
                nn,
                j,
                tolerance=tolerance,
                references=_references(nn, j, j + 1, median, bounds, references),
                out=hypotheses,
            )
    for start in (i - 1, i, i + 1):
        if first <= start < stop - 1 and free[start] and free[start + 1]:
            _pair_hypotheses(
                nn,
                start,
                tolerance=tolerance,
                references=_references(nn, start, start + 2, median, bounds, references),
                bounds=bounds,
                out=hypotheses,
            )
    _run_hypotheses(
        nn,
        i,
        free,
        median=median,
        tolerance=tolerance,
        bounds=bounds,
        references=references,
        out=hypotheses,
    )
    return list(hypotheses.values())


def _run_hypotheses(
    nn: list[float],
    i: int,
    free: list[bool],
    *,
    median: float,
    tolerance: float,
    bounds: tuple[int, int],
    references: _ReferenceCache,
    out: dict[tuple[int, EditKind, int], _Edit],
) -> None:
    """Runs of wrong peaks (Lipponen & Tarvainen) around candidate ``i``.

    A couplet or a triplet of premature beats (719, 501, 667, 934 ms), possibly next to
    a missed or an extra beat, moves several peaks in a row: no single-peak hypothesis
    fits, but the stretch as a whole still spans a whole number ``parts`` of normal
    intervals. Tried for each stretch of 2 to ``MAX_RUN_INTERVALS`` free intervals
    near ``i``: ``parts`` within one of its size (the single-peak cases — one interval
    split, a pair merged or averaged — are :func:`_missed_hypotheses` and
    :func:`_pair_hypotheses`), the sum within ``2 * tolerance`` of ``parts`` references,
    and the stretch must have the shape of :func:`_run_pattern`. The replacement is
    ``parts`` intervals along the local trend (:func:`_along_trend`; sum kept).
    """
    first, stop = bounds
    # Cheap gates before a run is tried (most candidates are ordinary beats): each
    # shape of _run_pattern needs its first interval premature against the one before
    # it, or an interval long enough to hold a missed beat or short enough to be half
    # of an extra one, with room for the level to differ from the median by 30 %.
    lo, hi = max(first, i - MAX_RUN_INTERVALS + 1), min(stop, i + 2 + MAX_RUN_INTERVALS)
    long_odd, short_odd = _RUN_ODD_LONG * median, 0.75 * median
    twice_tolerance = 2 * tolerance
    region = nn[lo:hi]
    odd = [v > long_odd or v < short_odd for v in region]
    # What _run_pattern asks of a stretch, bounded without its level (every level of
    # these stretches lies between the lowest and the highest interval around, or is
    # the median), so that the level is sought only where a shape can fit. A missed
    # beat needs an interval RUN_MISSED levels long; an extra one two neighbours
    # summing to less than a level and a tolerance.
    around = nn[max(first, i - _LEVEL_REACH_BEFORE) : min(stop, i + _LEVEL_REACH_AFTER)]
    lowest, highest = min(*around, median), max(*around, median)
    with_missed = max(region) > RUN_MISSED * lowest
    extra_limit = highest + tolerance + _EXTRA_SUM_SLACK_MS
    with_extra = any(a + b < extra_limit for a, b in itertools.pairwise(region))
    for size in range(2, MAX_RUN_INTERVALS + 1):
        # A run may also begin just after the candidate (a flagged pause before it),
        # so that it competes with the single-peak hypotheses that would take its
        # first, premature interval on its own.
        for start in range(max(i - size + 1, first), min(i + 3, stop - size + 1)):
            end = start + size
            # Premature beats in a row: the first interval is below the level and the
            # last above it, so the first is well below the last; and it is premature
            # against the one before it, which also opens the gate below.
            in_a_row = nn[start] < _RUN_FIRST_SHARE * nn[end - 1] and (
                start == first or nn[start] < _RUN_PREMATURE_VS_PREVIOUS_SHARE * nn[start - 1]
            )
            if (
                not (in_a_row or with_missed or (with_extra and size > 2))  # noqa: PLR2004
                or not (
                    in_a_row
                    or start == first
                    or nn[start] < _RUN_PREMATURE_VS_PREVIOUS_SHARE * nn[start - 1]
                    or any(odd[start - lo : end - lo])
                )
                or not all(free[start:end])
            ):
                continue
            stretch = nn[start:end]
            # Against the level only: the trend of the two neighbours (see _references)
            # is itself raised by a real pause next to the stretch (1109, [883, 883, 938,
            # 1172]).
            level = (
                references.get((start, start + size))
                or _references(nn, start, start + size, median, bounds, references)
            )[0]
            total = sum(stretch)
            for parts in _RUN_PARTS[size]:
                if (
                    (in_a_row if parts == size else with_missed if parts > size else with_extra)
                    and abs(total - parts * level) < twice_tolerance
                    and _run_pattern(
                        stretch, parts, level, tolerance, nn[start - 1] if start > first else None
                    )
                ):
                    values = _along_trend(nn, start, start + size, parts, bounds)
                    out[start * 16 + size, "run", parts] = _Edit(start, start + size, values, "run")


def _along_trend(
    nn: list[float], start: int, stop: int, parts: int, bounds: tuple[int, int]
) -> tuple[float, ...]:
    """``parts`` intervals summing to ``nn[start:stop]``, on the line between its neighbours.

    A run often falls on a slow swing of the rhythm (758, 820, [1016, 992, 789]): equal
    parts would leave a step at one end, the line from the interval before the run to
    the one after it does not. At a segment end the parts are equal.
    """
    total = sum(nn[start:stop])
    first, last = bounds
    if start <= first or stop >= last:
        return (total / parts,) * parts
    left, right = nn[start - 1], nn[stop]
    line = [left + (right - left) * (k + 1) / (parts + 1) for k in range(parts)]
    scale = total / sum(line)
    return tuple(v * scale for v in line)


def _run_pattern(
    stretch: list[float], parts: int, reference: float, tolerance: float, previous: float | None
) -> bool:
    """Whether ``stretch`` has the shape of a run of wrong peaks made into ``parts``.

    * ``parts == len(stretch)``, premature beats in a row: the first interval is
      premature (``RUN_PREMATURE`` short, and ``RUN_PREMATURE_VS_PREVIOUS`` shorter
      than ``previous``, the interval before the run), the ones after it hardly longer than the
      reference (``RUN_LATE``: the focus fires again early) and the last is the
      compensatory pause;
    * one more part: one interval holds two beats (``RUN_MISSED`` references long and
      half of it within ``tolerance`` of the reference: a missed beat);
    * one part fewer: two neighbouring intervals, both short, sum to one reference
      within ``tolerance`` (an extra beat split it).

    Real sinus rhythm makes stretches of 3-4 intervals summing to a whole number of
    beats all the time (a swing, a pause), so without the shape a run "explains" them.
    """
    size = len(stretch)
    if parts == size:
        return (
            stretch[0] < (1.0 - RUN_PREMATURE) * reference
            and (previous is None or stretch[0] < (1.0 - RUN_PREMATURE_VS_PREVIOUS) * previous)
            and all(v <= (1.0 + RUN_LATE) * reference for v in stretch[1:-1])
            and stretch[-1] > reference
        )
    if parts > size:
        return any(
            v > RUN_MISSED * reference and abs(v / 2.0 - reference) < tolerance for v in stretch
        )
    return any(
        a < reference and b < reference and abs(a + b - reference) < tolerance
        for a, b in itertools.pairwise(stretch)
    )


def _missed_hypotheses(
    nn: list[float],
    j: int,
    *,
    tolerance: float,
    references: tuple[float, ...],
    out: dict[tuple[int, EditKind, int], _Edit],
) -> None:
    """Interval ``j`` holds ``parts`` beats (one or two missed)."""
    for reference in references:
        parts = round(nn[j] / reference)
        if 2 <= parts <= MAX_MISSED_IN_ONE and abs(nn[j] / parts - reference) < tolerance:  # noqa: PLR2004
            out[j, "missed", parts] = _Edit(j, j + 1, (nn[j] / parts,) * parts, "missed")


def _pair_hypotheses(
    nn: list[float],
    start: int,
    *,
    tolerance: float,
    references: tuple[float, ...],
    bounds: tuple[int, int],
    out: dict[tuple[int, EditKind, int], _Edit],
) -> None:
    """Intervals ``start`` and ``start + 1`` share an extra or a misplaced peak."""
    a, b = nn[start], nn[start + 1]
    for k, reference in enumerate(references):
        if a < reference and b < reference:
            # Two intervals both far too short have one explanation only, a spurious
            # peak, even where the interval it split was itself a long one (a pause):
            # their sum may then exceed the reference by up to two tolerances.
            both_very_short = max(a, b) < VERY_SHORT_PAIR * reference
            if -tolerance < a + b - reference < (2 if both_very_short else 1) * tolerance:
                out[start, "extra", 1] = _Edit(start, start + 2, (a + b,), "extra")
        elif (
            min(a, b) < reference < max(a, b)
            and (_balanced(a, b, reference) or _shorter_than_its_neighbour(nn, start, bounds))
            and abs(a + b - 2 * reference) < 2 * tolerance
            and (k == 0 or abs(b - a) / 2.0 >= MIN_TREND_DISPLACEMENT * reference)
        ):
            mean = (a + b) / 2.0
            out[start, "ectopic", 2] = _Edit(start, start + 2, (mean, mean), "ectopic")


def _balanced(a: float, b: float, reference: float) -> bool:
    """Whether a short and a long interval straddle ``reference`` like a displaced peak.

    A misplaced peak takes from one interval what it gives to the other, so the short
    one falls about as far below the reference as the long one rises above it.
    """
    below = reference - min(a, b)
    above = max(a, b) - reference
    return min(below, above) >= ECTOPIC_BALANCE * max(below, above)


def _shorter_than_its_neighbour(nn: list[float], start: int, bounds: tuple[int, int]) -> bool:
    """Whether the short interval of the pair is premature against its outer neighbour.

    An ectopic beat comes early: its interval is shorter than the one before it (or,
    for a late peak, the short interval is shorter than the one after the pair). A lone
    pause after an ordinary beat (734, 758, 1070, 844 ms) is not, however unbalanced
    it looks against the local level.
    """
    first, stop = bounds
    a, b = nn[start], nn[start + 1]
    if a < b:
        return start > first and a < (1 - PREMATURE_MARGIN) * nn[start - 1]
    return start + 2 < stop and b < (1 - PREMATURE_MARGIN) * nn[start + 2]


def _references(  # noqa: PLR0917 - the cache rides along
    nn: list[float],
    start: int,
    stop: int,
    fallback: float,
    bounds: tuple[int, int],
    cache: _ReferenceCache,
) -> tuple[float, ...]:
    """What ``nn[start:stop]`` would be as one normal interval, by two local models.

    * the *level*: the median of up to REFERENCE_BEATS intervals on each side, the
      intervals under test left out (an extra beat's two halves or a missed beat's
      double interval would otherwise drag the reference towards themselves);
    * the *trend*: the mean of the two intervals right next to them. Sinus rhythm
      swings slowly (respiration, baroreflex): at the crest of a swing a wrong peak can
      sit 25-35 % away from the level of its ten neighbours yet close to its two
      neighbours, and the level alone would not explain it.

    A hypothesis that fits either model is *tried*; the smoothness test of
    :func:`_explain` still decides, so the second model adds explanations, not verdicts.
    Both models only look inside ``bounds`` (the contiguous segment). ``cache`` holds
    the answers already given for ``nn`` (``bounds`` is the segment of ``start``, so
    ``(start, stop)`` names a stretch); ``()`` stands for "no neighbours: ``fallback``".
    """
    known = cache.get((start, stop))
    if known is None:
        first, last = bounds
        around = sorted(
            nn[max(first, start - REFERENCE_BEATS) : start]
            + nn[stop : min(last, stop + REFERENCE_BEATS)]
        )
        if not around:
            known = ()
        else:
            middle = len(around) // 2
            level = (
                around[middle] if len(around) % 2 else (around[middle - 1] + around[middle]) / 2.0
            )
            if start <= first or stop >= last:
                known = (level,)
            else:
                known = (level, (nn[start - 1] + nn[stop]) / 2.0)
        cache[start, stop] = known
    return known or (fallback,)


def _roughness(values: list[float]) -> float:
    """Mean squared successive difference: what RMSSD squares and averages."""
    if len(values) < 2:  # noqa: PLR2004
        return 0.0
    return _squared_differences(values) / (len(values) - 1)


def _squared_differences(values: list[float]) -> float:
    return sum([(b - a) ** 2 for a, b in itertools.pairwise(values)])


def _apply(
    nn: FloatArray,
    estimated: BoolArray,
    breaks: BoolArray,
    correction: npt.NDArray[np.intp],
    edits: list[_Edit],
    *,
    first_id: int,
) -> tuple[FloatArray, BoolArray, BoolArray, npt.NDArray[np.intp]]:
    """The series with ``edits`` applied; edit ``k`` gets correction number ``first_id + k``.

    An edit's first interval keeps the segment start of the one it replaces (edits
    never span a segment boundary).
    """
    values: list[FloatArray] = []
    marks: list[BoolArray] = []
    starts: list[BoolArray] = []
    ids: list[npt.NDArray[np.intp]] = []
    position = 0
    for k, edit in enumerate(edits):
        size = len(edit.values)
        values += [nn[position : edit.start], np.asarray(edit.values, dtype=np.float64)]
        marks += [estimated[position : edit.start], np.ones(size, dtype=np.bool_)]
        new_starts = np.zeros(size, dtype=np.bool_)
        new_starts[0] = breaks[edit.start]
        starts += [breaks[position : edit.start], new_starts]
        ids += [correction[position : edit.start], np.full(size, first_id + k, dtype=np.intp)]
        position = edit.stop
    values.append(nn[position:])
    marks.append(estimated[position:])
    starts.append(breaks[position:])
    ids.append(correction[position:])
    return (
        np.concatenate(values),
        np.concatenate(marks),
        np.concatenate(starts),
        np.concatenate(ids),
    )
