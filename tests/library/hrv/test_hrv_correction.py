"""Artifact detection and peak-level correction (acceptance: single artifacts always found)."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from hrv_readiness.hrv.correction import CleanSeries, clean_rr
from hrv_readiness.simulation.rr import RrScenario, synthesize_rr_ms

DATA = Path(__file__).parents[2] / "data"
LONG = np.load(DATA / "SampleNNISeriesLong.npy").astype(float)

KINDS = ("ectopic 25 %", "ectopic 40 %", "missed", "extra")


def inject(rr: np.ndarray, kind: str, i: int, split: float = 0.5) -> tuple[np.ndarray, int]:
    """One artifact at interval ``i`` (docs/model.md model); returns the series and its span."""
    x = rr.tolist()
    if kind.startswith("ectopic"):
        shift = x[i] * (0.25 if "25" in kind else 0.40)
        x[i] -= shift
        x[i + 1] += shift
        return np.asarray(x), 2
    if kind == "missed":
        x[i : i + 2] = [x[i] + x[i + 1]]
        return np.asarray(x), 1
    x[i : i + 1] = [x[i] * split, x[i] * (1 - split)]
    return np.asarray(x), 2


def detected(rr: np.ndarray, i: int, span: int, cleaned: CleanSeries) -> bool:
    """Whether a corrected interval overlaps the injected one(s) on the time axis.

    Peak corrections keep the timeline, but an interval no single peak explains is
    replaced by its local median, which shifts every later beat: the axis is therefore
    anchored at the start *and* at the end of the series, and an overlap on either
    counts (a replacement elsewhere in a window can only shift one of them).
    """
    t_in = np.concatenate(([0.0], np.cumsum(rr)))
    t_out = np.concatenate(([0.0], np.cumsum(cleaned.nn_ms)))
    marked = np.flatnonzero(cleaned.estimated)
    for offset in (0.0, t_in[-1] - t_out[-1]):
        start, stop = t_in[i] - offset, t_in[i + span] - offset
        if np.any((t_out[marked] < stop - 1e-6) & (t_out[marked + 1] > start + 1e-6)):
            return True
    return False


#: (resting HR bpm, RMSSD ms) of the simulated mornings: the usual range of rested adults.
#: High RMSSD goes with low HR; at 72 bpm an RMSSD of 95 ms (11 % beat to beat) is so
#: irregular that a 25 % ectopic beat can hide in it (found in 1 of 2 seeds).
MORNINGS = [
    *itertools.product((48.0, 60.0), (20.0, 45.0, 70.0, 95.0)),
    *itertools.product((72.0,), (20.0, 45.0, 70.0)),
]


def morning(n: int, hr: float, rmssd: float, seed: int) -> np.ndarray:
    scenario = RrScenario(
        duration_s=1.3 * n * 60.0 / hr,
        resting_hr_bpm=hr,
        target_rmssd_ms=rmssd,
        ectopic_rate=0.0,
        seed=seed,
    )
    return synthesize_rr_ms(scenario)[:n]


@pytest.mark.parametrize("n", [60, 120, 300])
@pytest.mark.parametrize("kind", KINDS)
def test_single_artifact_detected_in_every_simulated_morning(n: int, kind: str):
    """Acceptance 3: 100 % of trials, at the start, middle and end of the reading."""
    misses = []
    trials = 0
    for (hr, rmssd), seed in itertools.product(MORNINGS, (1, 2)):
        rr = morning(n, hr, rmssd, seed)
        for k, i in enumerate((3, n // 4, n // 2 + 1, 3 * n // 4, n - 4)):
            x, span = inject(rr, kind, i, split=(0.3, 0.45, 0.6, 0.7, 0.5)[k])
            trials += 1
            if not detected(x, i, span, clean_rr(x)):
                misses.append((hr, rmssd, seed, i))
    assert trials == 110
    assert misses == []


def real_windows(n: int) -> list[np.ndarray]:
    return [LONG[s : s + n] for s in range(0, LONG.size - n + 1, max(n, 200))]


@pytest.mark.parametrize("n", [60, 120, 300])
@pytest.mark.parametrize("kind", KINDS)
def test_single_artifact_detected_in_every_real_nsrdb_window(n: int, kind: str):
    """Acceptance 3 on real sinus rhythm (NSRDB, RMSSD 50-90 ms): 648 trials per kind.

    Before the local-trend reference (correction._references) 7 of 648 ectopic-25 % and
    4 of 648 extra-beat trials were missed: all landed on the crest of a slow swing,
    where the premature beat looks normal against the ten-beat median.
    """
    misses = []
    trials = 0
    for w, rr in enumerate(real_windows(n)):
        for k, i in enumerate(range(3, n - 4, max(7, n // 12))):
            x, span = inject(rr, kind, i, split=(0.3, 0.5, 0.7)[k % 3])
            trials += 1
            if not detected(x, i, span, clean_rr(x)):
                misses.append((w, i))
    assert trials == {60: 192, 120: 276, 300: 180}[n]
    assert misses == []


#: Sweep over every third position of the 22 overlapping 300-beat windows (2,156 trials
#: per kind): the fixed-grid tests above hold at 100 %, this one guards the rest.
#: Every position (6,446 trials per kind; `make bench-hrv-sweep` prints it and lists
#: the misses): missed 100 %, ectopic 40 % 100 %, extra 99.98 % (1 miss), ectopic 25 %
#: 99.72 % (18 misses). In 15 of the 18 the 25 % shortening lands on a beat that was
#: itself long (a real pause, or the crest of a swing: 1094, 1141, 961 ms), so it
#: becomes an ordinary beat and the long interval simply moves one beat later (1062,
#: 1094, 898 -> 1062, 820, 1172): a lone pause after an ordinary beat, exactly what the
#: clean recordings hold and must keep (``test_a_lone_real_pause_is_not_taken_for_a_
#: displaced_peak``; the ectopic balance rule costs 5 of these 15 and spares 26 clean
#: beats of the benchmark). In the other 3 the premature beat and its pause run into a
#: real pause (498, 900, 1086 ms) and correcting them smooths the stretch only 1.4x. The
#: extra-beat miss halves a real 1156 ms pause between 883 and 953 ms.
#: Fixed since the first sweep (19 and 7 misses): see ``PREMATURE_BEFORE_A_PAUSE`` and
#: ``SPLIT_PAUSES`` below.
SWEEP_FLOOR_PCT = {"ectopic 25 %": 99.5, "ectopic 40 %": 100.0, "missed": 100.0, "extra": 99.5}


@pytest.mark.parametrize("kind", KINDS)
def test_single_artifact_sweep_over_every_third_position(kind: str):
    found = trials = 0
    for start in range(0, LONG.size - 299, 200):
        rr = LONG[start : start + 300]
        for i in range(3 + KINDS.index(kind), 296, 3):
            x, span = inject(rr, kind, i, split=(0.3, 0.5, 0.7)[i // 3 % 3])
            trials += 1
            found += detected(x, i, span, clean_rr(x))
    assert trials >= 2000
    assert 100.0 * found / trials >= SWEEP_FLOOR_PCT[kind]


#: The trials the ten-beat median alone missed (window length, window, interval, kind,
#: split): every one sits on the crest of a slow swing, e.g. 875, 1000, 891 ms around a
#: median of 797 ms, where the 25 % premature beat (750 ms) looks normal.
FORMER_MISSES = [
    (60, 5, 52, "ectopic 25 %", 0.5),
    (60, 19, 31, "ectopic 25 %", 0.5),
    (120, 12, 63, "ectopic 25 %", 0.3),
    (120, 16, 113, "ectopic 25 %", 0.7),
    (300, 11, 3, "ectopic 25 %", 0.3),
    (300, 11, 78, "ectopic 25 %", 0.3),
    (300, 11, 103, "ectopic 25 %", 0.5),
    (120, 0, 103, "extra", 0.5),
    (120, 16, 103, "extra", 0.5),
    (120, 17, 13, "extra", 0.5),
    (300, 0, 103, "extra", 0.5),
]


@pytest.mark.parametrize(("n", "w", "i", "kind", "split"), FORMER_MISSES)
def test_artifact_on_the_crest_of_a_swing_is_explained_by_the_trend(
    n: int, w: int, i: int, kind: str, split: float
):
    x, span = inject(real_windows(n)[w], kind, i, split=split)
    cleaned = clean_rr(x)
    assert detected(x, i, span, cleaned)
    assert getattr(cleaned.counts, kind.split(maxsplit=1)[0]) >= 1


#: Trials of a sweep over every position of the 300-beat windows (start of the window in
#: the long series, interval, kind, split) where the right explanation smoothed its
#: neighbourhood only 2.1-3.0 times, because a real 250-350 ms step sat right next to it.
NEXT_TO_A_REAL_STEP = [
    (0, 109, "ectopic 25 %", 0.5),
    (400, 108, "ectopic 25 %", 0.3),
    (800, 148, "ectopic 25 %", 0.5),
    (800, 276, "ectopic 25 %", 0.3),
    (1600, 196, "ectopic 40 %", 0.5),
    (800, 115, "extra", 0.5),
]


@pytest.mark.parametrize(("start", "i", "kind", "split"), NEXT_TO_A_REAL_STEP)
def test_a_large_peak_move_next_to_a_real_step_is_corrected(
    start: int, i: int, kind: str, split: float
):
    x, span = inject(LONG[start : start + 300], kind, i, split=split)
    cleaned = clean_rr(x)
    assert detected(x, i, span, cleaned)
    assert getattr(cleaned.counts, kind.split(maxsplit=1)[0]) >= 1


def test_sinus_turning_at_a_crest_is_not_an_ectopic_beat():
    """A long-short pair 13 % off its neighbours (a clean NSRDB stretch) stays as measured."""
    rr = np.tile([688, 688, 773, 1008, 789, 828, 750, 758, 742, 727], 6).astype(float)
    cleaned = clean_rr(rr)
    assert cleaned.counts.total == 0
    np.testing.assert_array_equal(cleaned.nn_ms, rr)


@pytest.mark.parametrize("kind", KINDS)
def test_correction_restores_the_beat_count_and_keeps_the_timeline(kind: str):
    rr = morning(120, 60.0, 45.0, 3)
    x, _ = inject(rr, kind, 50)
    cleaned = clean_rr(x)
    assert cleaned.nn_ms.size == rr.size
    assert cleaned.nn_ms.sum() == pytest.approx(rr.sum(), abs=1e-6)
    name = kind.split(maxsplit=1)[0]
    assert getattr(cleaned.counts, name) == 1
    assert cleaned.counts.total == 1


def test_clean_mornings_are_left_alone():
    flagged = beats = 0
    for (hr, rmssd), seed in itertools.product(MORNINGS, (1, 2)):
        rr = morning(300, hr, rmssd, seed)
        cleaned = clean_rr(rr)
        flagged += cleaned.counts.total
        beats += rr.size
        if cleaned.counts.total == 0:
            np.testing.assert_array_equal(cleaned.nn_ms, rr)
    assert flagged / beats <= 0.01


def test_ectopic_pair_becomes_its_mean_and_is_marked():
    rr = morning(120, 60.0, 30.0, 5)
    x, _ = inject(rr, "ectopic 40 %", 40)
    cleaned = clean_rr(x)
    mean = (x[40] + x[41]) / 2
    assert cleaned.nn_ms[40] == pytest.approx(mean)
    assert cleaned.nn_ms[41] == pytest.approx(mean)
    assert cleaned.estimated[40]
    assert cleaned.estimated[41]
    assert cleaned.estimated.sum() == 2


def test_missed_beat_is_split_in_equal_parts():
    rr = morning(120, 60.0, 30.0, 6)
    x, _ = inject(rr, "missed", 70)
    cleaned = clean_rr(x)
    assert cleaned.nn_ms[70] == pytest.approx(x[70] / 2)
    assert cleaned.nn_ms[71] == pytest.approx(x[70] / 2)
    assert np.flatnonzero(cleaned.estimated).tolist() == [70, 71]


def test_two_missed_beats_in_one_interval_are_restored():
    rr = morning(120, 60.0, 30.0, 7)
    x = np.concatenate((rr[:60], [rr[60] + rr[61] + rr[62]], rr[63:]))
    cleaned = clean_rr(x)
    assert cleaned.counts.missed == 2
    assert cleaned.nn_ms.size == rr.size


def test_many_artifacts_are_all_counted():
    rr = morning(300, 60.0, 40.0, 8)
    x = rr.copy()
    for i in range(20, 280, 20):  # 13 ectopic beats, 4.3 %
        shift = 0.3 * x[i]
        x[i] -= shift
        x[i + 1] += shift
    cleaned = clean_rr(x)
    baseline = clean_rr(rr).counts.total  # ectopic-like pairs of the rhythm itself
    assert 13 <= cleaned.counts.ectopic <= 13 + baseline
    assert cleaned.counts.total == cleaned.counts.ectopic


#: Ectopic beats 27-31 % premature whose compensatory pause runs into a real pause (start
#: of the window, interval, split): corrected, the stretch is only 1.5-1.9x smoother, so
#: the rule for very large peak moves (correction.VERY_LARGE_MOVE) decides.
PREMATURE_BEFORE_A_PAUSE = [
    (800, 121, 0.5),  # 758, 550, 964, 1086
    (800, 149, 0.5),  # 820, 568, 1010, 1156
    (1600, 30, 0.5),  # 695, 521, 955, 1109
    (1600, 196, 0.7),  # 734, 550, 1042, 1141
    (1600, 287, 0.7),  # 703, 527, 1004, 1188
    (3200, 202, 0.5),  # 672, 504, 949, 1055
]


@pytest.mark.parametrize(("start", "i", "split"), PREMATURE_BEFORE_A_PAUSE)
def test_a_premature_beat_running_into_a_real_pause_is_corrected(start: int, i: int, split: float):
    x, span = inject(LONG[start : start + 300], "ectopic 25 %", i, split=split)
    cleaned = clean_rr(x)
    assert detected(x, i, span, cleaned)
    assert cleaned.counts.ectopic >= 1


#: Extra beats that split a real pause (or a long interval next to one) in halves (start
#: of the window, interval): before rivals were compared on one common stretch, the
#: pause next door was split as a "missed beat" instead (four short beats), and a pair
#: summing to a 30 % long pause was outside the one-interval tolerance.
SPLIT_PAUSES = [(600, 157), (1400, 112), (1600, 239), (3600, 130)]


@pytest.mark.parametrize(("start", "i"), SPLIT_PAUSES)
def test_an_extra_beat_splitting_a_pause_is_merged(start: int, i: int):
    x, span = inject(LONG[start : start + 300], "extra", i, split=0.5)
    cleaned = clean_rr(x)
    assert detected(x, i, span, cleaned)
    assert cleaned.counts.extra == 1
    assert cleaned.counts.missed == 0


SHORT = np.load(DATA / "SampleNNISeriesShort.npy").astype(float)
#: The real lone pauses of the pyhrv NSRDB series (index of the long interval): an
#: ordinary beat, then one 1.3-1.4x long (758, 1070; 883, 1109; 844, 1125; 836, 1172).
LONE_PAUSES = [118, 168, 214, 234]


@pytest.mark.parametrize("pause", LONE_PAUSES)
def test_a_lone_real_pause_is_not_taken_for_a_displaced_peak(pause: int):
    rr = SHORT[pause - 30 : pause + 30]
    assert rr[30] > 1.25 * rr[29]
    cleaned = clean_rr(rr)
    assert cleaned.counts.total == 0
    np.testing.assert_array_equal(cleaned.nn_ms, rr)


def test_a_premature_beat_that_is_still_near_the_level_is_corrected():
    """Unbalanced against the level (770, 1036 around 790), but 24 % shorter than the
    beat before it: a displaced peak on the crest of a swing (not a lone pause)."""
    x, span = inject(LONG[0:300], "ectopic 25 %", 104, split=0.5)
    assert x[104] < 0.8 * x[103]
    cleaned = clean_rr(x)
    assert detected(x, 104, span, cleaned)
