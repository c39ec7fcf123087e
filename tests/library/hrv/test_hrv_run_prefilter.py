"""The level-free tests of ``_run_hypotheses`` never skip a run ``_run_pattern`` accepts.

``_run_hypotheses`` seeks a stretch's level only where a run's shape can fit, judged
without the level (correction.py). Those tests must be necessary conditions of
``_run_pattern``: if the shape rules change and the pre-tests are not changed with
them, runs would silently be missed. Random stretches, levels and tolerances here
cover all three shapes (premature beats in a row, a missed beat, an extra beat).
"""

from __future__ import annotations

import itertools

import numpy as np

from hrv_readiness.hrv import correction
from hrv_readiness.hrv.correction import _run_pattern


def _stretches(count: int) -> list[tuple[list[float], float, float, float | None]]:
    rng = np.random.default_rng(20261206)
    cases: list[tuple[list[float], float, float, float | None]] = []
    for _ in range(count):
        level = float(rng.uniform(500.0, 1200.0))
        size = int(rng.integers(2, correction.MAX_RUN_INTERVALS + 1))
        # Intervals from far too short (an extra beat's half) to far too long (missed).
        stretch = (level * rng.uniform(0.3, 2.4, size)).tolist()
        tolerance = float(level * rng.uniform(0.05, 0.4))
        previous = None if rng.random() < 0.2 else float(level * rng.uniform(0.6, 1.4))
        cases.append((stretch, level, tolerance, previous))
    return cases


def test_premature_beats_in_a_row_pass_the_level_free_test() -> None:
    accepted = 0
    for stretch, level, tolerance, previous in _stretches(60_000):
        if _run_pattern(stretch, len(stretch), level, tolerance, previous):
            accepted += 1
            assert stretch[0] < correction._RUN_FIRST_SHARE * stretch[-1]
            assert (
                previous is None
                or stretch[0] < correction._RUN_PREMATURE_VS_PREVIOUS_SHARE * previous
            )
    assert accepted > 100  # the shape was really exercised


def test_a_missed_or_an_extra_beat_passes_the_level_free_tests() -> None:
    accepted = {"missed": 0, "extra": 0}
    for stretch, level, tolerance, previous in _stretches(60_000):
        # The bounds _run_hypotheses takes: the level lies between the lowest and the
        # highest interval around; the tightest case is the level itself.
        lowest = highest = level
        if _run_pattern(stretch, len(stretch) + 1, level, tolerance, previous):
            accepted["missed"] += 1
            assert max(stretch) > correction.RUN_MISSED * lowest
        if len(stretch) > 2 and _run_pattern(stretch, len(stretch) - 1, level, tolerance, previous):
            accepted["extra"] += 1
            limit = highest + tolerance + correction._EXTRA_SUM_SLACK_MS
            assert any(a + b < limit for a, b in itertools.pairwise(stretch))
    assert min(accepted.values()) > 100  # both shapes were really exercised
