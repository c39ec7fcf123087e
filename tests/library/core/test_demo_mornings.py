"""The demo household's mornings: every one gets a number (issue: a verdict every morning).

Its simulated people have 0.3 % ectopic beats, as most adults do; before the acceptance
rule counted only what cannot be answered, 13 of its 120 mornings were refused.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np

from hrv_readiness.ble import MeasurementSettings, run_measurement
from hrv_readiness.ble.parser import rr_ms_to_raw
from hrv_readiness.ble.simulated import SimulatedStrap
from hrv_readiness.hrv import analyze
from hrv_readiness.simulation import RrScenario, synthesize_rr_ms
from hrv_readiness.simulation.household import HOUSEHOLD, simulate_person

LAST_DAY = dt.date(2026, 12, 1)  # any fixed day: the story does not depend on it


def test_no_simulated_morning_of_the_demo_is_refused() -> None:
    refused = []
    mornings = 0
    for person in HOUSEHOLD:
        for day in simulate_person(person, last_day=LAST_DAY):
            mornings += 1
            result = analyze(synthesize_rr_ms(day.scenario))
            if not result.usable:
                refused.append((person.user, day.date, result.quality.reason))
    assert mornings == 120
    assert refused == []


def _on_air(rr: list[float]) -> list[float]:
    """RR as the simulated strap delivers them (1/1024 s units)."""
    return [rr_ms_to_raw(v) * 1000 / 1024 for v in rr]


def _index_in(needle: tuple[float, ...], haystack: list[float]) -> int:
    first = np.flatnonzero(np.isclose(haystack, needle[0], atol=1e-9))
    for start in first.tolist():
        if start + len(needle) > len(haystack):
            break
        if np.allclose(haystack[start : start + len(needle)], needle, atol=1e-9):
            return start
    raise AssertionError("the analysed window is not a stretch of what the strap sent")


async def test_two_percent_ectopic_beats_get_a_verdict_on_95_of_100_live_mornings() -> None:
    """A person with 2 % ectopic beats every morning, measured live as the demo does.

    Settling 10 s, 120 s planned, up to 60 s more when the artifacts make RMSSD
    uncertain. Each morning must be answered within 5 % of the RMSSD of the very same
    stretch of the person's clean rhythm (the series without its ectopic beats).
    """
    settings = MeasurementSettings(duration_s=120.0, settle_s=10.0, watchdog_s=2.0)
    answered, within = 0, 0
    misses: list[tuple[int, str]] = []
    for seed in range(100):
        base = RrScenario(duration_s=200.0, resting_hr_bpm=60.0, target_rmssd_ms=45.0, seed=seed)
        clean = synthesize_rr_ms(dataclasses.replace(base, ectopic_rate=0.0)).tolist()
        noisy = synthesize_rr_ms(dataclasses.replace(base, ectopic_rate=0.02)).tolist()
        result = await run_measurement(SimulatedStrap(noisy, speed=2000.0), settings)
        assert result.recording is not None, result.reason
        rec = result.recording
        hrv = analyze(rec.rr_ms, segment_starts=rec.segment_starts)
        if not hrv.usable or hrv.rmssd_ms is None:
            misses.append((seed, hrv.quality.reason or ""))
            continue
        answered += 1
        start = _index_in(rec.rr_ms, _on_air(noisy))
        truth = float(
            np.sqrt(np.mean(np.diff(_on_air(clean)[start : start + len(rec.rr_ms)]) ** 2))
        )
        if abs(hrv.rmssd_ms - truth) <= 0.05 * truth:
            within += 1
        else:
            misses.append((seed, f"RMSSD {hrv.rmssd_ms:.1f} vs {truth:.1f} ms"))
    assert answered >= 95, misses
    assert within >= 95, misses
