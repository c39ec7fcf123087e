"""The cleanest window of a recording that ran longer than planned (pure, no I/O).

A live measurement that sees artifacts keeps recording (``hrv_readiness.ble.session``);
afterwards one window of the planned length is analysed — the one whose RMSSD depends
least on corrected beats — or the whole recording, if that is better. Short-term
recordings of 1-5 minutes are the standard (Task Force 1996); which minutes of a calm
morning recording are used does not matter once the heart has settled (Bourdillon et al.
2017), so the cleanest ones are taken.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from hrv_readiness.errors import InputError
from hrv_readiness.hrv.analyze import DEFAULT_MAX_UNCERTAINTY_PCT, analyze

if TYPE_CHECKING:
    from collections.abc import Sequence

    from hrv_readiness.hrv.models import HrvResult

#: Candidate windows start this many seconds apart (on the RR timeline).
WINDOW_STEP_S = 5.0
#: A window does not start or end on an interval this far off (share of) the median of
#: its next ``EDGE_NEIGHBOURS``: it would be half of an artifact cut in two (a
#: compensatory pause whose premature beat lies outside), which no detector can explain.
EDGE_OFF = 0.2
EDGE_NEIGHBOURS = 10
EDGE_MOVES = 6


@dataclass(frozen=True, slots=True, kw_only=True)
class Window:
    """Beats ``start:stop`` of a recording, where they sit on its timeline, and their HRV."""

    start: int
    stop: int
    start_s: float
    duration_s: float
    segment_starts: tuple[int, ...]
    result: HrvResult


@dataclass(frozen=True, slots=True, kw_only=True)
class Choice:
    """The window :func:`cleanest_window` picked and what it was up against."""

    window: Window
    whole_recording: bool
    candidates: int


def needs_more(result: HrvResult, max_uncertainty_pct: float = DEFAULT_MAX_UNCERTAINTY_PCT) -> bool:
    """Whether a reading would be better with more recording: refused, or uncertain."""
    if not result.usable:
        return True
    return (result.rmssd_uncertainty_pct or 0.0) > max_uncertainty_pct


def analyze_window(
    rr_ms: Sequence[float], segment_starts: Sequence[int], start: int, stop: int
) -> Window | None:
    """HRV of beats ``start:stop`` (their runs re-indexed), or None if too short.

    Unless it is the whole recording, the window does not begin or end on half of a cut
    artifact (``EDGE_OFF``): it moves by a beat or two, keeping its length.
    """
    if start > 0 or stop < len(rr_ms):
        start, stop = _shifted(rr_ms, start, stop)
    rr = np.asarray(rr_ms[start:stop], dtype=np.float64)
    starts = sorted({0, *(s - start for s in segment_starts if start < s < stop)})
    try:
        result = analyze(rr, segment_starts=starts)
    except InputError:
        return None
    before = float(np.sum(np.asarray(rr_ms[:start], dtype=np.float64))) / 1000.0
    return Window(
        start=start,
        stop=stop,
        start_s=before,
        duration_s=float(rr.sum()) / 1000.0,
        segment_starts=tuple(starts),
        result=result,
    )


def _off(rr_ms: Sequence[float], i: int) -> bool:
    """Whether beat ``i`` is ``EDGE_OFF`` away from the median of its neighbours."""
    if i < 0 or i >= len(rr_ms):
        return False
    neighbours = [*rr_ms[max(i - EDGE_NEIGHBOURS, 0) : i], *rr_ms[i + 1 : i + 1 + EDGE_NEIGHBOURS]]
    reference = float(np.median(neighbours))
    return abs(rr_ms[i] - reference) > EDGE_OFF * reference


def _clean_edges(rr_ms: Sequence[float], start: int, stop: int) -> bool:
    return not (_off(rr_ms, start) or _off(rr_ms, stop - 1))


def _shifted(rr_ms: Sequence[float], start: int, stop: int) -> tuple[int, int]:
    """``start:stop`` moved off edge beats that are half of an artifact, length kept.

    Artifacts span a few beats (two ectopic beats in a row: four): later first, while
    the recording goes on, else earlier; failing both, the window gives up its edge
    beats instead.
    """
    if _clean_edges(rr_ms, start, stop):
        return start, stop
    for shift in (1, -1):
        for moves in range(1, EDGE_MOVES + 1):
            a, b = start + shift * moves, stop + shift * moves
            if a < 0 or b > len(rr_ms):
                break
            if _clean_edges(rr_ms, a, b):
                return a, b
    for _ in range(EDGE_MOVES):
        if stop - start <= 2 * EDGE_NEIGHBOURS or _clean_edges(rr_ms, start, stop):
            break
        if _off(rr_ms, start):
            start += 1
        else:
            stop -= 1
    return start, stop


def latest_start(rr_ms: Sequence[float], duration_s: float) -> int:
    """Index of the first beat of the last ``duration_s`` seconds of ``rr_ms`` (0: all)."""
    tail = np.cumsum(np.asarray(rr_ms, dtype=np.float64)[::-1]) / 1000.0
    count = int(np.searchsorted(tail, duration_s - 1e-9, side="left")) + 1
    return max(len(rr_ms) - count, 0)


def _rank(window: Window) -> tuple[bool, float, int, float]:
    """Smaller is cleaner: answered first, then least uncertainty, fewest artifacts, longer."""
    result = window.result
    return (
        not result.usable,
        round(result.rmssd_uncertainty_pct or 0.0, 1),
        result.artifacts.total,
        -window.duration_s,
    )


def cleanest_window(
    rr_ms: Sequence[float],
    segment_starts: Sequence[int],
    duration_s: float,
    *,
    step_s: float = WINDOW_STEP_S,
) -> Choice:
    """The window of ``duration_s`` (or the whole recording) whose RMSSD is most certain.

    Candidates start every ``step_s`` seconds of the RR timeline; each must span at
    least ``duration_s``. The whole recording competes too and wins ties (it is longer).
    Raises the HRV engine's ``InputError`` when not even the whole recording can be
    analysed (too few beats).
    """
    values = [float(v) for v in rr_ms]
    ends = np.cumsum(np.asarray(values, dtype=np.float64)) / 1000.0
    total_s = float(ends[-1]) if values else 0.0
    whole = analyze_window(values, segment_starts, 0, len(values))
    if whole is None:
        analyze(values)  # raises the engine's own error, naming what is missing
        msg = "the recording cannot be analysed"
        raise InputError(msg)
    best, best_is_whole, candidates = whole, True, 1
    start_s = 0.0
    while start_s + duration_s <= total_s + 1e-9:
        start = int(np.searchsorted(ends, start_s, side="right")) if start_s > 0 else 0
        begin_s = float(ends[start - 1]) if start > 0 else 0.0
        stop = int(np.searchsorted(ends, begin_s + duration_s - 1e-9, side="left")) + 1
        if stop > len(values) or stop - start >= len(values):
            break
        window = analyze_window(values, segment_starts, start, stop)
        candidates += 1
        if window is not None and _rank(window) < _rank(best):
            best, best_is_whole = window, False
        start_s += step_s
    # The last window too (the live session stops when the latest window is clean).
    last_start = latest_start(values, duration_s)
    if last_start > 0:
        last = analyze_window(values, segment_starts, last_start, len(values))
        candidates += 1
        if last is not None and _rank(last) < _rank(best):
            best, best_is_whole = last, False
    return Choice(window=best, whole_recording=best_is_whole, candidates=candidates)
