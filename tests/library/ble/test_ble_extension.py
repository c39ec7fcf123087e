"""Measure longer instead of refusing: the session extends, picks a window, says which.

On the simulated strap (the state machine alone) and over the fake BlueZ (bleak on
D-Bus, as on a Raspberry Pi). A burst of ectopic beats inside the planned window makes
its RMSSD uncertain; the session records on, stops once a planned-length window is
clean, and hands over that window.
"""

from __future__ import annotations

import asyncio

import numpy as np
import pytest
from conftest import rr_series
from support.fakebluez import VirtualStrap

from hrv_readiness.ble import MeasurementSettings, SessionEvent, SessionState, run_measurement
from hrv_readiness.ble.simulated import SimulatedStrap
from hrv_readiness.ble.strap import BleakStrapSource
from hrv_readiness.hrv import analyze
from hrv_readiness.hrv.windows import needs_more

SETTINGS = MeasurementSettings(
    duration_s=60,
    settle_s=3,
    watchdog_s=1.0,
    scan_s=1.0,
    strap_wait_s=3.0,
    retry_delay_s=0.05,
    contact_timeout_s=3.0,
    connect_timeout_s=10.0,
)
BOUND_S = 60.0


def with_burst(rr: list[float], *, from_s: float, beats: int) -> list[float]:
    """``rr`` with ``beats`` ectopic beats, every fourth beat from ``from_s`` on."""
    out = list(rr)
    first = int(np.searchsorted(np.cumsum(out) / 1000.0, from_s))
    for i in range(first, first + 4 * beats, 4):
        shift = 0.35 * out[i]
        out[i] -= shift
        out[i + 1] += shift
    return out


CLEAN = rr_series(5)
#: Four ectopic beats 22-35 s into the planned window (settling takes the first 3 s).
BURSTY = with_burst(CLEAN, from_s=25.0, beats=4)


def test_the_burst_makes_the_planned_window_uncertain():
    """The premise: the first 60 s would be refused, or its RMSSD uncertain."""
    ends = np.cumsum(BURSTY) / 1000.0
    planned = np.asarray(BURSTY)[(ends > 3.0) & (ends <= 64.0)]
    result = analyze(planned)
    assert result.artifacts.total >= 4
    assert needs_more(result, SETTINGS.max_uncertainty_pct)


def _check_extended(result, events: list[SessionEvent]) -> None:
    assert result.state is SessionState.COMPLETE, result.reason
    rec = result.recording
    assert rec is not None
    # It recorded longer than planned, but not longer than allowed ...
    assert SETTINGS.duration_s + 5.0 < rec.recorded_s <= SETTINGS.duration_s + 62.0
    # ... and kept one window of the planned length, past most of the burst, that is
    # answered with confidence (it stops as soon as the latest window is).
    assert 60.0 <= rec.duration_s < 62.5
    assert rec.window_start_s > 20.0
    assert "cleanest 60 s window" in rec.window
    window = analyze(rec.rr_ms, segment_starts=rec.segment_starts)
    assert window.usable
    assert window.artifacts.total <= 1
    assert (window.rmssd_uncertainty_pct or 0.0) <= SETTINGS.max_uncertainty_pct
    # Progress said why it went on, and the total grew by the extension.
    extending = [e.progress for e in events if e.progress is not None and e.progress.extending]
    assert extending
    assert "so far" in extending[0].extending or "make RMSSD uncertain" in extending[0].extending
    assert "recording up to 60 s longer" in extending[0].extending
    assert extending[-1].total_s == SETTINGS.duration_s + SETTINGS.max_extension_s
    messages = [e.message for e in events if e.progress is None]
    assert any("recording up to 60 s longer" in m for m in messages)
    assert any("analysed the cleanest 60 s window" in m for m in messages)


async def test_a_burst_of_artifacts_extends_and_the_cleanest_window_is_used():
    events: list[SessionEvent] = []
    strap = SimulatedStrap(BURSTY, speed=200)
    result = await run_measurement(strap, SETTINGS, on_event=events.append)
    _check_extended(result, events)


async def test_a_clean_recording_is_not_extended():
    events: list[SessionEvent] = []
    result = await run_measurement(
        SimulatedStrap(CLEAN, speed=200), SETTINGS, on_event=events.append
    )
    rec = result.recording
    assert rec is not None
    assert rec.window == ""
    assert rec.recorded_s == pytest.approx(rec.duration_s)
    assert 60.0 <= rec.duration_s < 62.5
    assert not any(e.progress is not None and e.progress.extending for e in events)


async def test_no_extension_when_it_is_switched_off():
    settings = SETTINGS.model_copy(update={"max_extension_s": 0.0})
    result = await run_measurement(SimulatedStrap(BURSTY, speed=200), settings)
    rec = result.recording
    assert rec is not None
    assert rec.window == ""
    assert 60.0 <= rec.duration_s < 62.5


async def test_extension_ends_at_its_limit_and_takes_the_best_window():
    """Artifacts all along: it records the full extension, then picks the cleanest."""
    noisy = with_burst(CLEAN, from_s=20.0, beats=40)  # one every 4 beats for ~2.5 min
    settings = SETTINGS.model_copy(update={"max_extension_s": 20.0})
    result = await run_measurement(SimulatedStrap(noisy, speed=200), settings)
    rec = result.recording
    assert rec is not None
    assert rec.recorded_s >= settings.duration_s + settings.max_extension_s - 1.0
    assert rec.recorded_s < settings.duration_s + settings.max_extension_s + 2.5
    assert rec.window


@pytest.mark.bluez
async def test_over_the_fake_bluez_a_burst_extends_and_the_window_is_reported(bluez):
    strap = VirtualStrap(address="A0:9E:1A:00:00:0A", rr_ms=BURSTY, name="Polar H10 AAAA", speed=60)
    bluez.add_strap(strap)
    events: list[SessionEvent] = []
    source = BleakStrapSource(address=strap.address)
    result = await asyncio.wait_for(
        run_measurement(source, SETTINGS, on_event=events.append), BOUND_S
    )
    _check_extended(result, events)
