"""The artifact model of the HRV benchmarks: real windows and injected wrong peaks.

Shared by benchmarks/hrv_artifacts.py (accuracy against the peers) and
benchmarks/hrv_detection_sweep.py (detection at every position). Every artifact is a
wrong R peak, injected on the beat times of a real NSRDB window, so the timeline (sum
of the intervals) is kept exactly as a strap would deliver it:

* ``ectopic``: one premature beat, its interval 25-40 % short, the compensatory pause
  adding it back (the model of docs/model.md);
* ``couplet`` / ``triplet``: two or three premature beats in a row; the first 25-40 %
  short, the next ones 5-30 % short (an ectopic focus firing again at about its own
  coupling interval), one compensatory pause after the run, e.g. 719, 501, 667, 934, 711;
* ``missed``: a peak not detected (two intervals merged);
* ``extra``: a spurious peak (one interval split at 30-70 %).

Positions are random, not spaced: events may sit right next to each other (an ectopic
beat right after a missed one), only never on the same intervals. The result is rounded
to whole ms on the peak times (peaks at 1 kHz), so each interval stays an integer and the
sum is kept.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"

#: Intervals each event occupies in the clean series.
SPAN = {"ectopic": 2, "couplet": 3, "triplet": 4, "missed": 2, "extra": 1}
FIRST_PREMATURITY = (0.25, 0.40)
NEXT_PREMATURITY = (0.05, 0.30)


def nsrdb_series() -> dict[str, np.ndarray]:
    """The two real NSRDB recordings of tests/data (pyhrv's sample series)."""
    return {
        name: np.load(DATA / f"SampleNNISeries{name.title()}.npy").astype(float)
        for name in ("long", "short")
    }


def windows(seconds: float, stride_beats: int) -> list[np.ndarray]:
    """Windows of ``seconds`` of beats, every ``stride_beats`` beats of both recordings."""
    out: list[np.ndarray] = []
    for series in nsrdb_series().values():
        elapsed = np.cumsum(series) / 1000.0
        for start in range(0, series.size, stride_beats):
            stop = int(np.searchsorted(elapsed, elapsed[start] - series[start] / 1000 + seconds))
            if stop >= series.size:
                break
            out.append(series[start:stop])
    return out


def positions(n: int, kinds: list[str], rng: np.random.Generator) -> list[tuple[int, str]]:
    """A random interior start for each event, spans disjoint (but possibly adjacent)."""
    taken = np.zeros(n, dtype=bool)
    chosen: list[tuple[int, str]] = []
    for kind in kinds:
        span = SPAN[kind]
        for _ in range(1000):
            i = int(rng.integers(2, n - span - 2))
            if not taken[i : i + span].any():
                taken[i : i + span] = True
                chosen.append((i, kind))
                break
        else:
            raise ValueError(f"no room for {len(kinds)} events in {n} intervals")
    return sorted(chosen)


def inject_one(out: list[float], i: int, kind: str, rng: np.random.Generator) -> None:
    """Apply one event at interval ``i`` of ``out`` in place (floats, before rounding)."""
    if kind in {"ectopic", "couplet", "triplet"}:
        premature = SPAN[kind] - 1
        taken = 0.0
        for k in range(premature):
            share = rng.uniform(*(FIRST_PREMATURITY if k == 0 else NEXT_PREMATURITY))
            shortening = out[i + k] * share
            out[i + k] -= shortening
            taken += shortening
        out[i + premature] += taken
    elif kind == "missed":
        out[i : i + 2] = [out[i] + out[i + 1]]
    elif kind == "extra":
        first = out[i] * rng.uniform(0.30, 0.70)
        out[i : i + 1] = [first, out[i] - first]
    else:
        raise ValueError(kind)


def inject(rr: np.ndarray, kinds: list[str], rng: np.random.Generator) -> np.ndarray:
    """``rr`` with one event of each of ``kinds`` at random positions, whole-ms peaks."""
    out = rr.astype(float).tolist()
    for i, kind in reversed(positions(rr.size, kinds, rng)):
        inject_one(out, i, kind, rng)
    return whole_ms(np.asarray(out))


def whole_ms(rr: np.ndarray) -> np.ndarray:
    """Intervals between peaks rounded to whole ms (the sum is kept)."""
    peaks = np.rint(np.concatenate(([0.0], np.cumsum(rr))))
    return np.diff(peaks)


def rmssd(rr: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.diff(rr) ** 2)))
