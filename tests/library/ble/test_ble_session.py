"""The measurement state machine on the simulated strap (no D-Bus needed)."""

from __future__ import annotations

import asyncio
import struct
from datetime import UTC

import numpy as np
import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hrv_readiness.ble import (
    DiscoveredStrap,
    MeasurementSettings,
    SessionEvent,
    SessionState,
    StrapInfo,
    run_measurement,
)
from hrv_readiness.ble.errors import StrapConnectionError, StrapNotFoundError
from hrv_readiness.ble.parser import encode_heart_rate_measurement, rr_ms_to_raw
from hrv_readiness.ble.simulated import SimulatedStrap
from hrv_readiness.errors import StrapError
from hrv_readiness.simulation import RrScenario, synthesize_rr_ms

RR = tuple(float(v) for v in synthesize_rr_ms(RrScenario(duration_s=400, seed=3)))
FAST = MeasurementSettings(
    duration_s=60, settle_s=5, watchdog_s=1.0, retry_delay_s=0.01, contact_timeout_s=2.0
)


def _on_air(rr):
    """What a conforming strap's RR become after the 1/1024 s round trip."""
    return [rr_ms_to_raw(v) * 1000 / 1024 for v in rr]


def _find_slice(haystack, needle):
    for start in range(len(haystack) - len(needle) + 1):
        if np.allclose(haystack[start : start + len(needle)], needle, atol=1e-9):
            return start
    return None


def _states(events: list[SessionEvent]) -> list[SessionState]:
    out: list[SessionState] = []
    for e in events:
        if e.progress is None and (not out or out[-1] != e.state):
            out.append(e.state)
    return out


async def test_complete_recording_is_the_rr_after_settling():
    events: list[SessionEvent] = []
    strap = SimulatedStrap(RR, speed=200, contact_after_s=3.0)
    result = await run_measurement(strap, FAST, on_event=events.append)
    assert result.state is SessionState.COMPLETE, result.reason
    rec = result.recording
    assert rec is not None
    assert _states(events) == [
        SessionState.WAITING_FOR_STRAP,
        SessionState.CONNECTING,
        SessionState.WAITING_FOR_CONTACT,
        SessionState.SETTLING,
        SessionState.RECORDING,
        SessionState.COMPLETE,
    ]
    start = _find_slice(_on_air(RR), rec.rr_ms)
    assert start is not None
    # Discarded: the no-contact packets (3 s; the first contact packet carries the
    # beats of the second before it) plus the settling (5 s) of summed RR.
    discarded_s = sum(RR[:start]) / 1000
    assert 3.0 - 1.2 + 5.0 <= discarded_s < 3.0 + 5.0 + 2.5
    assert rec.duration_s == pytest.approx(sum(rec.rr_ms) / 1000)
    assert 60.0 <= rec.duration_s < 62.1
    assert rec.started_at.tzinfo is UTC
    assert (rec.strap_name, rec.battery_pct, rec.body_sensor_location) == (
        "Simulated H10",
        87,
        "chest",
    )
    assert rec.reconnects == 0
    assert rec.segment_starts == (0,)
    assert rec.rr_unit == "1/1024 s"


async def test_progress_events_count_up_to_the_total():
    progress = []
    strap = SimulatedStrap(RR, speed=200)
    result = await run_measurement(
        strap, FAST, on_event=lambda e: progress.append(e.progress) if e.progress else None
    )
    assert result.recording is not None
    elapsed = [p.elapsed_s for p in progress]
    assert elapsed == sorted(elapsed)
    assert elapsed[-1] == 60.0
    assert all(p.total_s == 60.0 for p in progress)
    assert progress[-1].beats == len(result.recording.rr_ms)
    assert all(40 <= p.heart_rate_bpm <= 90 for p in progress)


async def test_ms_unit_strap_is_caught_and_rescaled():
    strap = SimulatedStrap(RR, speed=200, rr_unit="ms")
    result = await run_measurement(strap, FAST)
    rec = result.recording
    assert rec is not None
    assert rec.rr_unit == "ms"
    start = _find_slice([round(v) for v in RR], [round(v) for v in rec.rr_ms])
    assert start is not None
    assert rec.duration_s >= 60.0


async def test_implausible_rr_are_dropped_and_split_segments():
    rr = list(RR)
    rr[40] = 150.0  # far below 273 ms
    rr[60] = 2600.0  # above 2000 ms
    strap = SimulatedStrap(rr, speed=200, contact_after_s=0.0)
    result = await run_measurement(strap, FAST.model_copy(update={"settle_s": 0.0}))
    rec = result.recording
    assert rec is not None
    assert rec.implausible_rr == 2
    assert all(273 <= v <= 2000 for v in rec.rr_ms)
    assert len(rec.segment_starts) == 3


async def test_short_drop_continues_with_a_new_segment():
    strap = SimulatedStrap(RR, speed=50, drops=[(30.0, 5.0)])
    result = await run_measurement(strap, FAST.model_copy(update={"short_drop_s": 10.0}))
    rec = result.recording
    assert rec is not None, result.reason
    assert rec.reconnects == 1
    assert len(rec.segment_starts) == 2
    assert strap.connects == 2
    # Each run is a contiguous piece of what the strap sent.
    cut = rec.segment_starts[1]
    assert _find_slice(_on_air(RR), rec.rr_ms[:cut]) is not None
    assert _find_slice(_on_air(RR), rec.rr_ms[cut:]) is not None


async def test_long_drop_restarts_the_recording():
    events: list[SessionEvent] = []
    strap = SimulatedStrap(RR, speed=50, drops=[(30.0, 40.0)])
    settings = FAST.model_copy(update={"short_drop_s": 0.3})
    result = await run_measurement(strap, settings, on_event=events.append)
    rec = result.recording
    assert rec is not None, result.reason
    assert rec.reconnects == 1
    assert rec.segment_starts == (0,)
    assert any("restarting" in e.message for e in events)
    assert rec.duration_s >= 60


async def test_busy_strap_is_retried_then_connects():
    events: list[SessionEvent] = []
    strap = SimulatedStrap(RR, speed=200, busy_attempts=2)
    result = await run_measurement(strap, FAST, on_event=events.append)
    assert result.state is SessionState.COMPLETE
    assert sum("phone app" in e.message for e in events) == 2


async def test_busy_strap_fails_with_the_phone_hint():
    strap = SimulatedStrap(RR, speed=200, busy_attempts=100)
    result = await run_measurement(strap, FAST.model_copy(update={"max_reconnects": 2}))
    assert result.state is SessionState.FAILED
    assert result.reason is not None
    assert "is a phone app connected" in result.reason


async def test_no_skin_contact_aborts():
    strap = SimulatedStrap(RR, speed=5, contact_after_s=1e9)
    result = await run_measurement(strap, FAST)
    assert result.state is SessionState.ABORTED
    assert result.reason is not None
    assert "no skin contact" in result.reason


async def test_stalled_notifications_trip_the_watchdog_and_fail_bounded():
    strap = SimulatedStrap(RR, speed=200, stall_after_s=20.0)
    settings = FAST.model_copy(update={"watchdog_s": 0.2, "max_reconnects": 2})
    result = await run_measurement(strap, settings)
    assert result.state is SessionState.FAILED
    assert result.reason is not None
    assert "lost 3 times" in result.reason
    assert "no notification" in result.reason


async def test_session_timeout_caps_everything():
    strap = SimulatedStrap(RR, speed=1)
    result = await run_measurement(strap, FAST, session_timeout_s=0.3)
    assert result.state is SessionState.FAILED
    assert result.reason == "measurement did not finish within 0.3 s"


@pytest.mark.parametrize(
    "bad",
    [
        {"duration_s": 59},
        {"duration_s": 301},
        {"watchdog_s": 0},
        {"min_rr_ms": 2000, "max_rr_ms": 300},
        {"unknown": 1},
    ],
)
def test_settings_reject_bad_values(bad):
    with pytest.raises(pydantic.ValidationError):
        MeasurementSettings(**bad)


def test_simulated_strap_rejects_bad_arguments():
    with pytest.raises(ValueError, match="speed"):
        SimulatedStrap(RR, speed=0)
    with pytest.raises(ValueError, match="empty"):
        SimulatedStrap([])


async def test_strap_gone_between_scan_and_connect_is_retried():
    events: list[SessionEvent] = []
    strap = SimulatedStrap(
        RR,
        speed=200,
        connect_errors=[
            StrapNotFoundError("went away", address="X"),
            StrapConnectionError("le-connection-abort-by-local", address="X"),
        ],
    )
    result = await run_measurement(strap, FAST, on_event=events.append)
    assert result.state is SessionState.COMPLETE, result.reason
    retries = [e.message for e in events if e.message.startswith("retrying")]
    assert retries == ["retrying: went away", "retrying: le-connection-abort-by-local"]


async def test_an_unexpected_strap_error_fails_the_session_instead_of_raising():
    strap = SimulatedStrap(RR, speed=200, connect_errors=[StrapError("firmware says no")])
    result = await run_measurement(strap, FAST)
    assert result.state is SessionState.FAILED
    assert result.reason == "firmware says no"


class _ScriptedLink:
    def __init__(self, task):
        self.info = StrapInfo(name="Scripted", address="SC:RI:PT:ED:00:01")
        self._task = task

    async def close(self) -> None:
        self._task.cancel()


class ScriptedSource:
    """Plays a fixed list of notification payloads, then falls silent."""

    description = "scripted strap"

    def __init__(self, payloads):
        self.payloads = list(payloads)

    async def find(self, timeout_s):
        del timeout_s
        return DiscoveredStrap(name="Scripted", address="SC:RI:PT:ED:00:01")

    async def connect(self, strap, on_notification, on_disconnect):
        del strap, on_disconnect

        async def play():
            for payload in self.payloads:
                on_notification(payload)
                await asyncio.sleep(0)

        return _ScriptedLink(asyncio.get_running_loop().create_task(play()))


_well_formed = st.builds(
    lambda flags, hr, rr: struct.pack(f"<BB{len(rr)}H", flags | 0x10, hr, *rr),
    st.sampled_from([0x00, 0x04, 0x06]),
    st.integers(0, 255),
    st.lists(st.integers(0, 0xFFFF), max_size=9),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.binary(max_size=24), _well_formed), max_size=60))
def test_any_notifications_end_the_session_cleanly(payloads):
    bounded = FAST.model_copy(
        update={"watchdog_s": 0.02, "max_reconnects": 0, "settle_s": 0, "contact_timeout_s": 0.05}
    )

    async def go():
        return await run_measurement(ScriptedSource(payloads), bounded, session_timeout_s=5)

    result = asyncio.run(go())
    assert result.state in {SessionState.COMPLETE, SessionState.ABORTED, SessionState.FAILED}
    assert (result.recording is not None) == (result.state is SessionState.COMPLETE)
    assert result.reason is not None or result.state is SessionState.COMPLETE


def _steady_payloads(hr_bpm: int, raw_rr: int, count: int = 80) -> list[bytes]:
    """``count`` notifications with contact, one RR each (raw uint16 as sent)."""
    return [struct.pack("<BBH", 0x16, hr_bpm, raw_rr)] * count


@pytest.mark.parametrize(
    ("hr_bpm", "raw_rr", "unit", "rr_ms"),
    [
        (60, 1024, "1/1024 s", 1000.0),  # conforming: 1024/1024 s = 1000 ms at 60 bpm
        (60, 1000, "ms", 1000.0),  # WHOOP-style: 1000 ms sent as 1000
        (75, 819, "1/1024 s", 819 * 1000 / 1024),  # 799.8 ms at 75 bpm, conforming
        (75, 800, "ms", 800.0),
        (45, 1024, "1/1024 s", 1000.0),  # HR field unrelated to RR: proves nothing
        (90, 1000, "1/1024 s", 1000 * 1000 / 1024),
    ],
)
async def test_rr_unit_is_decided_from_the_hr_field(hr_bpm, raw_rr, unit, rr_ms):
    settings = FAST.model_copy(update={"settle_s": 0})
    source = ScriptedSource(_steady_payloads(hr_bpm, raw_rr))
    result = await run_measurement(source, settings)
    rec = result.recording
    assert rec is not None, result.reason
    assert rec.rr_unit == unit
    assert rec.rr_ms[0] == pytest.approx(rr_ms)
    assert rec.duration_s >= 60


class _ScriptedStrap:
    """A strap sending exactly the given 0x2A37 payloads, one per millisecond."""

    description = "scripted strap"

    def __init__(self, payloads: list[bytes]) -> None:
        self.payloads = payloads

    async def find(self, timeout_s: float) -> DiscoveredStrap:
        del timeout_s
        return DiscoveredStrap(name="Scripted", address="SC:RI:PT:ED:00:01", rssi_dbm=-50)

    async def connect(self, strap, on_notification, on_disconnect):
        del strap, on_disconnect

        async def send() -> None:
            for payload in self.payloads:
                await asyncio.sleep(0.001)
                on_notification(payload)
            await asyncio.Event().wait()

        task = asyncio.create_task(send())
        info = StrapInfo(name="Scripted", address="SC:RI:PT:ED:00:01")

        class _Link:
            def __init__(self) -> None:
                self.info = info

            async def close(self) -> None:
                task.cancel()

        return _Link()


def _payload(hr: int, rr_raw: int, *, contact: bool) -> bytes:
    return encode_heart_rate_measurement(
        heart_rate_bpm=hr, sensor_contact=contact, rr_raw=(rr_raw,)
    )


async def test_the_unit_is_judged_on_packets_with_contact_only():
    """A conforming strap with a slow heart (HR field 45 while RR say 45.5 bpm) keeps
    its RR as sent, however many junk packets came before contact (HR field 60 with
    RR ~970 ms: without the contact check they made it look like an ms strap)."""
    junk = [_payload(60, 993, contact=False) for _ in range(40)]
    good = [_payload(45, 1350, contact=True) for _ in range(70)]
    source = _ScriptedStrap(junk + good)
    settings = FAST.model_copy(update={"settle_s": 0.0, "contact_timeout_s": 5.0})
    result = await asyncio.wait_for(run_measurement(source, settings), 10)
    assert result.state is SessionState.COMPLETE, result.reason
    rec = result.recording
    assert rec is not None
    assert rec.rr_unit == "1/1024 s"
    assert set(rec.rr_ms) == {1350 * 1000 / 1024}
