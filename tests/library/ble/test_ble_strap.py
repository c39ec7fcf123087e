"""The bleak strap source and the session against the fake BlueZ, every fault.

Unmodified bleak and bleak-retry-connector talk D-Bus to ``support.fakebluez`` on a
private dbus-daemon. Each test bounds its time through the session's own settings.
"""

from __future__ import annotations

import asyncio
import logging

import pytest
from conftest import rr_series
from support.fakebluez import FakeBluez, VirtualStrap

from hrv_readiness.ble import MeasurementSettings, SessionEvent, SessionState, run_measurement
from hrv_readiness.ble.strap import BleakStrapSource

pytestmark = pytest.mark.bluez

SETTINGS = MeasurementSettings(
    duration_s=60,
    settle_s=3,
    watchdog_s=0.6,
    scan_s=1.0,
    strap_wait_s=3.0,
    adapter_wait_s=3.0,
    contact_timeout_s=3.0,
    short_drop_s=3.0,
    retry_delay_s=0.05,
    connect_timeout_s=10.0,
    max_reconnects=3,
)
#: A hard bound for every test: the session must end well within it.
BOUND_S = 40.0


def on_air(rr_ms):
    """RR as a conforming strap sends them: rounded to 1/1024 s."""
    return [round(v * 1.024) / 1.024 for v in rr_ms]


def index_in(needle, haystack) -> int | None:
    """Where ``needle`` occurs as a contiguous run in ``haystack`` (None if nowhere)."""
    n = len(needle)
    for start in range(len(haystack) - n + 1):
        if abs(haystack[start] - needle[0]) < 1e-6 and all(
            abs(a - b) < 1e-6 for a, b in zip(needle, haystack[start : start + n], strict=True)
        ):
            return start
    return None


def contiguous_in(needle, haystack) -> bool:
    return index_in(needle, haystack) is not None


async def measure(strap: VirtualStrap, settings=SETTINGS, events=None, **source_kw):
    source = BleakStrapSource(address=strap.address, **source_kw)
    return await asyncio.wait_for(
        run_measurement(source, settings, on_event=events.append if events is not None else None),
        BOUND_S,
    )


class EventLog(list):
    """Session events, with a way to wait for the next one."""

    def __init__(self) -> None:
        super().__init__()
        self.changed = asyncio.Event()

    def append(self, event: SessionEvent) -> None:
        super().append(event)
        self.changed.set()


def _reached(events, state: SessionState, beats: int) -> bool:
    return any(
        e.state is state and (beats == 0 or (e.progress is not None and e.progress.beats >= beats))
        for e in events
    )


async def after_state(events: EventLog, state: SessionState, *, beats: int = 0) -> None:
    """Wait until the session reached ``state`` (and recorded ``beats`` beats)."""
    await until(events, lambda: _reached(events, state, beats))


async def until(events: EventLog, condition) -> None:
    """Wait until ``condition()`` holds, looking again at each session event."""
    async with asyncio.timeout(BOUND_S):
        while not condition():
            events.changed.clear()
            await events.changed.wait()


def said(events: EventLog, words: str):
    """A condition: some session event's message contains ``words``."""
    return lambda: any(words in e.message for e in events)


def reconnecting(events: EventLog):
    """A condition: the session noticed the lost link and is reconnecting."""
    return lambda: any(e.state is SessionState.RECONNECTING for e in events)


async def test_complete_reading_over_bleak(bluez, strap_a):
    bluez.add_strap(strap_a)
    events = EventLog()
    result = await measure(strap_a, events=events)
    assert result.state is SessionState.COMPLETE, result.reason
    rec = result.recording
    assert rec is not None
    assert (rec.strap_name, rec.strap_address) == ("Polar H10 AAAA", "A0:9E:1A:00:00:0A")
    assert rec.battery_pct == 80  # from org.bluez.Battery1, as BlueZ exposes it
    assert rec.body_sensor_location == "chest"
    assert rec.reconnects == 0
    assert 60.0 <= rec.duration_s < 62.5
    assert contiguous_in(rec.rr_ms, on_air(strap_a.rr_ms))
    state = bluez.strap(strap_a.address)
    assert state.connects == 1
    # Body sensor location was read; the measurement never (BlueZ would duplicate it).
    assert state.reads == {"00002a38-0000-1000-8000-00805f9b34fb": 1}
    assert any(e.progress is not None for e in events)


async def test_short_link_drop_continues(bluez, strap_a):
    bluez.add_strap(strap_a)
    events = EventLog()
    task = asyncio.create_task(measure(strap_a, events=events))
    await after_state(events, SessionState.RECORDING, beats=10)
    await bluez.drop_link(strap_a.address, away_s=0.5)
    result = await task
    assert result.state is SessionState.COMPLETE, result.reason
    rec = result.recording
    assert rec is not None
    assert rec.reconnects == 1
    assert len(rec.segment_starts) == 2
    cut = rec.segment_starts[1]
    assert contiguous_in(rec.rr_ms[:cut], on_air(strap_a.rr_ms))
    assert contiguous_in(rec.rr_ms[cut:], on_air(strap_a.rr_ms))
    assert any("continuing" in e.message for e in events)


async def test_long_link_drop_restarts(bluez, strap_a):
    bluez.add_strap(strap_a)
    events = EventLog()
    settings = SETTINGS.model_copy(update={"short_drop_s": 0.5})
    task = asyncio.create_task(measure(strap_a, settings, events=events))
    await after_state(events, SessionState.RECORDING, beats=10)
    await bluez.drop_link(strap_a.address, away_s=1.5)
    result = await task
    assert result.state is SessionState.COMPLETE, result.reason
    rec = result.recording
    assert rec is not None
    assert rec.reconnects == 1
    assert rec.segment_starts == (0,)
    assert any("restarting" in e.message for e in events)
    assert contiguous_in(rec.rr_ms, on_air(strap_a.rr_ms))


async def test_in_progress_is_retried(bluez, strap_a):
    bluez.add_strap(strap_a)
    bluez.refuse_connects(strap_a.address, 1)
    events = EventLog()
    result = await measure(strap_a, events=events, connect_attempts=1)
    assert result.state is SessionState.COMPLETE, result.reason
    assert any("phone app" in e.message for e in events)


async def test_strap_held_by_a_phone_fails_with_a_clear_message(bluez, strap_a):
    bluez.add_strap(strap_a)
    bluez.refuse_connects(strap_a.address, 1000)
    settings = SETTINGS.model_copy(update={"max_reconnects": 1})
    result = await measure(strap_a, settings, connect_attempts=1)
    assert result.state is SessionState.FAILED
    assert result.reason is not None
    assert "strap busy — is a phone app connected to it?" in result.reason


async def test_vanished_strap_is_not_found(bluez, strap_a):
    bluez.add_strap(strap_a)
    await bluez.vanish(strap_a.address)
    loop = asyncio.get_running_loop()
    started = loop.time()
    result = await measure(strap_a)
    assert result.state is SessionState.FAILED
    assert result.reason is not None
    assert "not found within 3 s" in result.reason
    assert loop.time() - started < SETTINGS.strap_wait_s + 2 * SETTINGS.scan_s + 2


async def test_strap_vanishing_mid_recording_comes_back(bluez, strap_a):
    bluez.add_strap(strap_a)
    events = EventLog()
    task = asyncio.create_task(measure(strap_a, events=events))
    await after_state(events, SessionState.RECORDING, beats=10)
    await bluez.vanish(strap_a.address)
    await until(events, reconnecting(events))  # gone until the session noticed
    bluez.reappear(strap_a.address)
    result = await task
    assert result.state is SessionState.COMPLETE, result.reason
    assert result.recording is not None
    assert result.recording.reconnects == 1


async def test_adapter_off_then_on_is_waited_out(bluez, strap_a):
    bluez.add_strap(strap_a)
    await bluez.power_off()
    events = EventLog()
    task = asyncio.create_task(measure(strap_a, events=events))
    await until(events, said(events, "Bluetooth adapter not available"))
    await bluez.power_on()
    result = await task
    assert result.state is SessionState.COMPLETE, result.reason
    assert any("Bluetooth adapter not available" in e.message for e in events)


async def test_adapter_off_mid_recording_reconnects(bluez, strap_a):
    bluez.add_strap(strap_a)
    events = EventLog()
    task = asyncio.create_task(measure(strap_a, events=events))
    await after_state(events, SessionState.RECORDING, beats=10)
    await bluez.power_off()
    await until(events, reconnecting(events))
    await bluez.power_on()
    result = await task
    assert result.state is SessionState.COMPLETE, result.reason
    assert result.recording is not None
    assert result.recording.reconnects == 1


async def test_adapter_off_for_good_fails(bluez, strap_a):
    bluez.add_strap(strap_a)
    await bluez.power_off()
    result = await measure(strap_a)
    assert result.state is SessionState.FAILED
    assert result.reason is not None
    assert result.reason.startswith("Bluetooth adapter not available: ")
    assert result.reason.endswith("(waited 3 s)")


async def test_bluetoothd_exit_and_return_mid_recording(bluez, strap_a):
    bluez.add_strap(strap_a)
    events = EventLog()
    task = asyncio.create_task(measure(strap_a, events=events))
    await after_state(events, SessionState.RECORDING, beats=10)
    await bluez.exit_bluetoothd()
    await until(events, said(events, "no notification for 0.6 s"))
    await bluez.restart_bluetoothd()
    result = await task
    assert result.state is SessionState.COMPLETE, result.reason
    rec = result.recording
    assert rec is not None
    assert rec.reconnects == 1
    # bleak fired no disconnect: the watchdog noticed the silence.
    assert any("no notification for 0.6 s" in e.message for e in events)


async def test_bluetoothd_gone_for_good_fails(bluez, strap_a):
    bluez.add_strap(strap_a)
    events = EventLog()
    task = asyncio.create_task(measure(strap_a, events=events))
    await after_state(events, SessionState.RECORDING, beats=10)
    await bluez.exit_bluetoothd()
    result = await task
    assert result.state is SessionState.FAILED
    assert result.reason is not None
    assert "Bluetooth adapter not available" in result.reason


async def test_notification_stall_trips_the_watchdog(bluez, strap_a):
    bluez.add_strap(strap_a)
    events = EventLog()
    task = asyncio.create_task(measure(strap_a, events=events))
    await after_state(events, SessionState.RECORDING, beats=10)
    bluez.stall(strap_a.address)
    await until(events, said(events, "no notification"))
    bluez.resume(strap_a.address)
    result = await task
    assert result.state is SessionState.COMPLETE, result.reason
    assert result.recording is not None
    assert result.recording.reconnects == 1
    assert any("no notification" in e.message for e in events)


async def test_stall_for_good_fails_bounded(bluez, strap_a):
    bluez.add_strap(strap_a)
    bluez.stall(strap_a.address)
    result = await measure(strap_a)
    assert result.state is SessionState.FAILED
    assert result.reason is not None
    assert "lost 4 times" in result.reason


async def test_no_skin_contact_for_a_while_then_records(bluez):
    strap = VirtualStrap(address="A0:9E:1A:00:00:0C", rr_ms=rr_series(2), speed=60, no_contact_s=40)
    bluez.add_strap(strap)
    result = await measure(strap)
    assert result.state is SessionState.COMPLETE, result.reason
    rec = result.recording
    assert rec is not None
    # Nothing recorded before contact (40 s of strap time) + settling (3 s).
    start = index_in(rec.rr_ms, on_air(strap.rr_ms))
    assert start is not None
    assert sum(strap.rr_ms[:start]) / 1000 >= 40 - 1.2 + 3


async def test_no_skin_contact_aborts(bluez):
    strap = VirtualStrap(address="A0:9E:1A:00:00:0D", rr_ms=rr_series(3), speed=5, no_contact_s=1e9)
    bluez.add_strap(strap)
    result = await measure(strap)
    assert result.state is SessionState.ABORTED
    assert result.reason is not None
    assert "no skin contact for 3 s" in result.reason


async def test_rr_in_ms_is_caught(bluez):
    strap = VirtualStrap(address="A0:9E:1A:00:00:0E", rr_ms=rr_series(4), speed=60, rr_unit="ms")
    bluez.add_strap(strap)
    result = await measure(strap)
    rec = result.recording
    assert rec is not None, result.reason
    assert rec.rr_unit == "ms"
    assert contiguous_in([round(v) for v in rec.rr_ms], [round(v) for v in strap.rr_ms])


async def test_bad_payloads_are_skipped_and_lose_nothing(bluez, strap_a, caplog):
    bluez.add_strap(strap_a)
    events = EventLog()
    task = asyncio.create_task(measure(strap_a, events=events))
    await after_state(events, SessionState.RECORDING, beats=10)
    with caplog.at_level(logging.WARNING, logger="hrv_readiness.ble.session"):
        bluez.inject(strap_a.address, b"")
        bluez.inject(strap_a.address, b"\x19\x3c\x00")
        result = await task
    assert result.state is SessionState.COMPLETE, result.reason
    assert result.recording is not None
    assert result.recording.segment_starts == (0,)
    assert contiguous_in(result.recording.rr_ms, on_air(strap_a.rr_ms))
    assert sum("ignoring a bad notification" in r.message for r in caplog.records) == 2


async def test_two_straps_two_users_at_once(bluez):
    anna = VirtualStrap(
        address="A0:9E:1A:00:00:01", rr_ms=rr_series(11, hr=52), name="Polar H10 ANNA", speed=60
    )
    ben = VirtualStrap(
        address="A0:9E:1A:00:00:02", rr_ms=rr_series(12, hr=70), name="Polar H10 BEN", speed=60
    )
    bluez.add_strap(anna)
    bluez.add_strap(ben)
    result_anna, result_ben = await asyncio.gather(measure(anna), measure(ben))
    rec_anna, rec_ben = result_anna.recording, result_ben.recording
    assert rec_anna is not None, result_anna.reason
    assert rec_ben is not None, result_ben.reason
    assert rec_anna.strap_address == anna.address
    assert rec_ben.strap_address == ben.address
    assert contiguous_in(rec_anna.rr_ms, on_air(anna.rr_ms))
    assert contiguous_in(rec_ben.rr_ms, on_air(ben.rr_ms))
    assert not contiguous_in(rec_anna.rr_ms[:5], on_air(ben.rr_ms))
    assert 60_000 / (sum(rec_anna.rr_ms) / len(rec_anna.rr_ms)) == pytest.approx(52, abs=3)
    assert 60_000 / (sum(rec_ben.rr_ms) / len(rec_ben.rr_ms)) == pytest.approx(70, abs=3)


async def test_a_stale_connection_left_by_a_killed_collector_is_closed_first(bluez, strap_a):
    """Killed mid-measurement, the collector leaves BlueZ connected to the strap, which
    then stops advertising: every later attempt said "not found" until a reboot."""
    bluez.add_strap(strap_a)
    await bluez.leave_connected(strap_a.address)
    result = await measure(strap_a)
    assert result.state is SessionState.COMPLETE, result.reason


async def test_a_stale_connection_is_closed_for_a_strap_found_by_name(bluez, strap_a):
    bluez.add_strap(strap_a)
    await bluez.leave_connected(strap_a.address)
    source = BleakStrapSource(name="Polar H10 AAAA")
    result = await asyncio.wait_for(run_measurement(source, SETTINGS), BOUND_S)
    assert result.state is SessionState.COMPLETE, result.reason


async def test_a_reconnect_stays_on_the_strap_it_started_with(bluez):
    """Two straps match the user's pattern. The first one drops out for a moment: the
    session must wait for it, not continue on the other person's strap."""
    anna = VirtualStrap(
        address="A0:9E:1A:00:00:01", rr_ms=rr_series(11, hr=52), name="Polar H10 ANNA", speed=30
    )
    ben = VirtualStrap(
        address="A0:9E:1A:00:00:02", rr_ms=rr_series(12, hr=70), name="Polar H10 BEN", speed=30
    )
    bluez.add_strap(anna)
    bluez.add_strap(ben)
    events = EventLog()
    source = BleakStrapSource(name="Polar H10 *")
    # Room to find the strap again on a loaded machine (seen: 3 s was not always enough
    # on 3.11 with the other suites running); the point is *which* strap it waits for.
    settings = SETTINGS.model_copy(update={"strap_wait_s": 12.0})
    task = asyncio.create_task(
        asyncio.wait_for(run_measurement(source, settings, on_event=events.append), BOUND_S)
    )
    await after_state(events, SessionState.RECORDING, beats=10)
    first, other = (anna, ben) if bluez.strap(anna.address).connects else (ben, anna)
    await bluez.drop_link(first.address, away_s=1.5)
    result = await task
    # Never the other person's strap, whatever happens next.
    assert bluez.strap(other.address).connects == 0
    if result.state is SessionState.FAILED:
        # Known limit: a name-pattern scan stops at the first matching strap, so when the
        # other strap is always heard first the dropped one is never seen again and the
        # session fails safely instead of finishing (docs: pin straps by address).
        assert result.reason is not None
        assert "only other straps are in range" in result.reason, result.reason
        return
    assert result.state is SessionState.COMPLETE, result.reason
    rec = result.recording
    assert rec is not None
    assert rec.strap_address == first.address
    assert not contiguous_in(rec.rr_ms[-5:], on_air(other.rr_ms))


async def test_a_connect_that_never_returns_fails_soon_with_the_reason(dbus_daemon, strap_a):
    fake = FakeBluez(dbus_daemon.address, connect_delay_s=1000)
    await fake.start()
    try:
        fake.add_strap(strap_a)
        settings = SETTINGS.model_copy(update={"connect_timeout_s": 1.0, "max_reconnects": 5})
        started = asyncio.get_running_loop().time()
        result = await measure(strap_a, settings)
        took_s = asyncio.get_running_loop().time() - started
    finally:
        await fake.stop()
    assert result.state is SessionState.FAILED
    assert result.reason is not None
    assert not result.reason.rstrip().endswith(":"), result.reason
    assert "did not answer within 1 s" in result.reason
    assert took_s < 4 * settings.connect_timeout_s  # not six full attempts


async def test_without_a_pin_the_strongest_strap_is_taken(bluez):
    """What ``hrv-collector measure`` promises without --address: the strongest strap."""
    far = VirtualStrap(address="A0:9E:1A:00:00:F1", rr_ms=rr_series(5), speed=60, rssi_dbm=-85)
    near = VirtualStrap(address="A0:9E:1A:00:00:F2", rr_ms=rr_series(6), speed=60, rssi_dbm=-48)
    bluez.add_strap(far)
    bluez.add_strap(near)
    strap = await asyncio.wait_for(BleakStrapSource().find(5.0), BOUND_S)
    assert strap.address == near.address
