"""Measuring through Home Assistant's own Bluetooth: the morning, the button, the faults.

Home Assistant's real bluetooth integration runs on the fake BlueZ
(tests/integration/bluetooth_fixtures.py says exactly what is real); the strap is a
virtual one replaying RR at ``REPLAY_SPEED`` (480x), so a 60 s recording takes an eighth of a
second.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from homeassistant.components import bluetooth
from homeassistant.components.bluetooth import BluetoothScanningMode
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from hrv_helpers import state_of, wait_for
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from strap_helpers import REPLAY_SPEED, window_around_now
from support.fakebluez import VirtualStrap

from custom_components.hrv_readiness.const import (
    CONF_ADDRESS,
    CONF_STRAP_NAME,
    CONF_USER_ID,
    CONF_USER_NAME,
    CONF_WINDOW_END,
    CONF_WINDOW_START,
    DOMAIN,
    EVENT_COLLECTOR,
)
from custom_components.hrv_readiness.strap_hub import StrapHub
from hrv_readiness.ble.models import MeasurementSettings
from hrv_readiness.mqtt import consume
from hrv_readiness.mqtt.payloads import MeasurementPayload, StatePayload, _Outgoing
from hrv_readiness.simulation import RrScenario, synthesize_rr_ms

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import Event, HomeAssistant
    from support.fakebluez import FakeBluez

ADDRESS = "A0:9E:1A:00:00:0B"
#: Every wait of a fault is short here; each fault must end within this bound. The
#: session's own waits are a few hundred ms of real time: the strap is found in a
#: lookup, and its first beats arrive milliseconds after the subscription (480x).
FAULT_BOUND_S = 20.0
FAST = MeasurementSettings(
    duration_s=60.0,
    settle_s=0.0,
    strap_wait_s=0.5,
    scan_s=0.5,
    adapter_wait_s=0.3,
    contact_timeout_s=0.5,
    watchdog_s=0.5,
    max_reconnects=1,
    retry_delay_s=0.1,
    connect_timeout_s=10.0,
)


def rr_series(seed: int = 1, *, hr: float = 58.0, rmssd: float = 60.0) -> list[float]:
    scenario = RrScenario(
        duration_s=300, resting_hr_bpm=hr, target_rmssd_ms=rmssd, seed=seed, ectopic_rate=0.0
    )
    return [float(v) for v in synthesize_rr_ms(scenario)]


def virtual_strap(**overrides: Any) -> VirtualStrap:
    return VirtualStrap(
        **{
            "address": ADDRESS,
            "rr_ms": rr_series(),
            "name": "Polar H10 BBBB",
            "speed": REPLAY_SPEED,
        }
        | overrides
    )


async def add_strap_entry(
    hass: HomeAssistant, *, inside_window: bool = False, settings: MeasurementSettings = FAST
) -> ConfigEntry:
    start, end = window_around_now(inside=inside_window)
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Alice (Polar H10 BBBB)",
        unique_id=f"{ADDRESS}_alice",
        data={
            CONF_ADDRESS: ADDRESS,
            CONF_STRAP_NAME: "Polar H10 BBBB",
            CONF_USER_ID: "alice",
            CONF_USER_NAME: "Alice",
            CONF_WINDOW_START: start,
            CONF_WINDOW_END: end,
        },
    )
    entry.add_to_hass(hass)
    assert await async_setup_component(hass, DOMAIN, {})
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    hub = entry.runtime_data
    assert isinstance(hub, StrapHub)
    hub.use_session_settings(settings)
    return entry


async def press_start(hass: HomeAssistant) -> None:
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.alice_start_measurement"}, blocking=True
    )


def strap_issue(hass: HomeAssistant, entry: ConfigEntry) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, f"strap_fault_{entry.entry_id}")


@pytest.fixture
def collector_events(hass: HomeAssistant) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []

    @callback  # on the loop, in the order fired (a plain function runs in the executor)
    def record(event: Event) -> None:
        events.append(dict(event.data))

    hass.bus.async_listen(EVENT_COLLECTOR, record)
    return events


@pytest.mark.usefixtures("real_bluetooth")
async def test_button_measures_and_disconnects_at_once(
    hass: HomeAssistant, fake_bluez: FakeBluez, collector_events: list[dict[str, Any]]
) -> None:
    fake_bluez.add_strap(virtual_strap())
    entry = await add_strap_entry(hass)
    hub: StrapHub = entry.runtime_data
    await wait_for(hass, lambda: hub.source.device() is not None)
    await press_start(hass)
    await wait_for(hass, lambda: state_of(hass, "sensor.alice_readiness_status") is not None)
    await wait_for(
        hass,
        lambda: (
            state_of(hass, "sensor.alice_readiness_status") not in {None, "unknown", "unavailable"}
        ),
    )
    recorded_at = asyncio.get_running_loop().time()
    strap = fake_bluez.strap(ADDRESS)
    # The link is closed as soon as the recording ends: the fake saw the Disconnect.
    await wait_for(hass, lambda: strap.disconnect_calls, timeout_s=5.0)
    assert strap.disconnect_calls[-1] - recorded_at < 5.0
    assert not strap.device.connected
    assert strap.reads.get("00002a37-0000-1000-8000-00805f9b34fb", 0) == 0
    # Through Home Assistant's wrapped client, never a bare BleakClient.
    assert hub.source.connected_with == "HaBleakClientWithServiceCache"
    # The first reading of a new person: the same verdict a collector would publish.
    assert state_of(hass, "sensor.alice_readiness_status") == "building_baseline"
    assert float(state_of(hass, "sensor.alice_rmssd") or 0) > 0
    assert state_of(hass, "sensor.alice_reading_quality") == "good"
    await wait_for(hass, lambda: state_of(hass, "sensor.alice_measurement") == "complete")
    assert float(state_of(hass, "sensor.alice_measurement_progress") or 0) == 100.0
    types = [e["type"] for e in collector_events]
    # The button's command answered as a collector answers it, then the measurement.
    assert types == ["command_accepted", "measurement_started", "measurement_completed"]
    assert strap_issue(hass, entry) is None


@pytest.mark.usefixtures("real_bluetooth")
async def test_no_json_between_the_recording_and_the_entities(
    hass: HomeAssistant, fake_bluez: FakeBluez, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Strap mode keeps typed values: no payload is encoded to JSON or parsed back."""
    calls: list[str] = []

    def spy(name: str) -> Any:
        def called(*_args: object, **_kwargs: object) -> object:
            calls.append(name)
            msg = f"{name} called on the way from a strap recording to the entities"
            raise AssertionError(msg)

        return called

    monkeypatch.setattr(_Outgoing, "to_bytes", spy("to_bytes"))
    monkeypatch.setattr(_Outgoing, "model_dump_json", spy("model_dump_json"))
    monkeypatch.setattr(consume, "decode", spy("decode"))
    monkeypatch.setattr(consume, "parse", spy("parse"))
    fake_bluez.add_strap(virtual_strap())
    entry = await add_strap_entry(hass)
    hub: StrapHub = entry.runtime_data
    await wait_for(hass, lambda: hub.source.device() is not None)
    await press_start(hass)
    await wait_for(hass, lambda: state_of(hass, "sensor.alice_measurement") == "complete")
    await wait_for(
        hass, lambda: state_of(hass, "sensor.alice_readiness_status") == "building_baseline"
    )
    assert float(state_of(hass, "sensor.alice_rmssd") or 0) > 0
    assert calls == []
    # The entities read the library's own typed values (no hand-parsed copy of them).
    user = hub.users["alice"]
    assert isinstance(user.state, StatePayload)
    assert isinstance(user.measurement, MeasurementPayload)


@pytest.mark.usefixtures("real_bluetooth")
async def test_strap_advertising_in_the_morning_window_measures_once(
    hass: HomeAssistant, fake_bluez: FakeBluez, collector_events: list[dict[str, Any]]
) -> None:
    entry = await add_strap_entry(hass, inside_window=True)
    hub: StrapHub = entry.runtime_data
    assert state_of(hass, "sensor.alice_measurement") == "idle"
    # The strap is put on: it starts advertising, and the day's measurement starts.
    fake_bluez.add_strap(virtual_strap())
    await wait_for(
        hass,
        lambda: (
            state_of(hass, "sensor.alice_readiness_status") not in {None, "unknown", "unavailable"}
        ),
    )
    assert state_of(hass, "sensor.alice_measurement") == "complete"
    assert state_of(hass, "sensor.alice_readiness_status") == "building_baseline"
    assert not hub.routine.due()  # measured this morning
    await wait_for(hass, lambda: fake_bluez.strap(ADDRESS).disconnect_calls, timeout_s=5.0)
    # It keeps advertising after the recording: no second measurement that day.
    connects = fake_bluez.strap(ADDRESS).connects
    heard_at = bluetooth.async_last_service_info(hass, ADDRESS, connectable=True)
    assert heard_at is not None
    # The moment checked: Home Assistant has heard the strap advertise again since.
    await wait_for(
        hass,
        lambda: (
            (info := bluetooth.async_last_service_info(hass, ADDRESS, connectable=True)) is not None
            and info.time > heard_at.time
        ),
    )
    assert fake_bluez.strap(ADDRESS).connects == connects
    assert not hub.measuring
    assert [e["type"] for e in collector_events].count("measurement_started") == 1


@pytest.mark.usefixtures("real_bluetooth")
async def test_outside_the_window_an_advertising_strap_is_left_alone(
    hass: HomeAssistant, fake_bluez: FakeBluez
) -> None:
    entry = await add_strap_entry(hass, inside_window=False)
    hub: StrapHub = entry.runtime_data
    fake_bluez.add_strap(virtual_strap())
    await wait_for(hass, lambda: hub.source.device() is not None)
    # The moment checked: the hub has handled the strap's advertisement.
    await wait_for(hass, lambda: hub.advertisements_seen >= 1)
    assert not hub.measuring
    assert fake_bluez.strap(ADDRESS).connects == 0
    assert state_of(hass, "sensor.alice_measurement") == "idle"


@pytest.mark.usefixtures("real_bluetooth")
async def test_scanning_is_active_only_in_the_morning_window(hass: HomeAssistant) -> None:
    entry = await add_strap_entry(hass, inside_window=False)
    hub: StrapHub = entry.runtime_data
    assert hub.scanning_mode is BluetoothScanningMode.PASSIVE
    now = dt_util.now()
    window = hub.settings.window

    def next_time(edge: time, after: datetime) -> datetime:
        at = after.replace(hour=edge.hour, minute=edge.minute, second=edge.second, microsecond=0)
        return at if at > after else at + timedelta(days=1)

    opens = next_time(window.start, now)
    closes = next_time(window.end, opens)
    async_fire_time_changed(hass, opens)
    await hass.async_block_till_done()
    assert hub.scanning_mode is BluetoothScanningMode.ACTIVE
    async_fire_time_changed(hass, closes)
    await hass.async_block_till_done()
    assert hub.scanning_mode is BluetoothScanningMode.PASSIVE


async def measure_until_it_ends(hass: HomeAssistant) -> str:
    """Press the button; the measurement must end (bounded) and say why."""
    await press_start(hass)
    await wait_for(
        hass,
        lambda: state_of(hass, "sensor.alice_measurement") in {"failed", "aborted"},
        timeout_s=FAULT_BOUND_S,
    )
    state = hass.states.get("sensor.alice_measurement")
    assert state is not None
    reason = state.attributes["reason"]
    assert reason
    return str(reason)


@pytest.mark.usefixtures("real_bluetooth")
@pytest.mark.parametrize(
    ("fault", "state", "reason_part"),
    [
        ("busy", "failed", "phone app"),
        ("no_connection_slot", "failed", "connection slot"),
        ("no_contact", "aborted", "skin contact"),
        ("link_lost", "failed", "link to the strap lost"),
        ("not_connectable", "failed", "not found"),
    ],
)
async def test_each_fault_ends_with_a_clear_state_and_a_repair(  # noqa: PLR0917 - fixtures
    hass: HomeAssistant,
    fake_bluez: FakeBluez,
    collector_events: list[dict[str, Any]],
    fault: str,
    state: str,
    reason_part: str,
) -> None:
    if fault != "not_connectable":  # that strap is never in range of an adapter
        fake_bluez.add_strap(virtual_strap(no_contact_s=1e9 if fault == "no_contact" else 0.0))
    entry = await add_strap_entry(hass)
    hub: StrapHub = entry.runtime_data
    if fault != "not_connectable":
        await wait_for(hass, lambda: hub.source.device() is not None)
    if fault == "busy":
        fake_bluez.refuse_connects(ADDRESS, 1000)
    elif fault == "no_connection_slot":
        # What an ESPHome proxy answers with all its slots taken.
        fake_bluez.refuse_connects(
            ADDRESS, 1000, error=("org.bluez.Error.Failed", "No available connection slots")
        )
    elif fault == "link_lost":
        fake_bluez.stall(ADDRESS)
    reason = await measure_until_it_ends(hass)
    assert state_of(hass, "sensor.alice_measurement") == state
    assert reason_part in reason
    issue = strap_issue(hass, entry)
    assert issue is not None
    assert issue.translation_key == f"strap_{fault}"
    assert issue.translation_placeholders == {
        "strap": "Polar H10 BBBB",
        "user": "Alice",
        "reason": reason,
    }
    assert collector_events[-1]["type"] == "measurement_failed"
    # Nothing is left connected, whatever the fault.
    if fault != "not_connectable":
        await wait_for(hass, lambda: not fake_bluez.strap(ADDRESS).device.connected)
    assert not hub.measuring


@pytest.mark.usefixtures("real_bluetooth")
async def test_the_repair_follows_the_latest_failure_busy_then_out_of_range(
    hass: HomeAssistant, fake_bluez: FakeBluez
) -> None:
    """A phone app held the strap; later the strap is out of range: "not connectable"."""
    fake_bluez.add_strap(virtual_strap())
    # Home Assistant still remembers the gone strap: each connect waits out its timeout
    # (bleak-retry-connector backs off 4 s when no adapter reaches the strap; the
    # session gives a connect 1 s here, 30 s by default: it times out first either way).
    entry = await add_strap_entry(hass, settings=FAST.model_copy(update={"connect_timeout_s": 1.0}))
    hub: StrapHub = entry.runtime_data
    await wait_for(hass, lambda: hub.source.device() is not None)
    fake_bluez.refuse_connects(ADDRESS, 1000)
    await measure_until_it_ends(hass)
    busy = strap_issue(hass, entry)
    assert busy is not None
    assert busy.translation_key == "strap_busy"
    # The phone app is closed, and the strap leaves the room.
    fake_bluez.refuse_connects(ADDRESS, 0)
    await fake_bluez.vanish(ADDRESS)
    reason = await measure_until_it_ends(hass)
    issue = strap_issue(hass, entry)
    assert issue is not None
    assert issue.translation_key == "strap_not_connectable", reason
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["reason"] == reason


@pytest.mark.usefixtures("real_bluetooth")
async def test_a_complete_measurement_clears_the_repair(
    hass: HomeAssistant, fake_bluez: FakeBluez
) -> None:
    fake_bluez.add_strap(virtual_strap())
    entry = await add_strap_entry(hass)
    hub: StrapHub = entry.runtime_data
    await wait_for(hass, lambda: hub.source.device() is not None)
    fake_bluez.refuse_connects(ADDRESS, 1000)
    await measure_until_it_ends(hass)
    assert strap_issue(hass, entry) is not None
    fake_bluez.refuse_connects(ADDRESS, 0)  # the phone app is closed
    await press_start(hass)
    await wait_for(
        hass,
        lambda: (
            state_of(hass, "sensor.alice_readiness_status") not in {None, "unknown", "unavailable"}
        ),
    )
    assert strap_issue(hass, entry) is None


async def test_without_any_adapter_the_measurement_fails_with_a_repair(
    hass: HomeAssistant, fake_bluez: FakeBluez, real_bluetooth: ConfigEntry
) -> None:
    """The only adapter is removed from Home Assistant: nothing can connect to the strap."""
    fake_bluez.add_strap(virtual_strap())
    entry = await add_strap_entry(hass)
    assert await hass.config_entries.async_unload(real_bluetooth.entry_id)
    await hass.async_block_till_done()
    reason = await measure_until_it_ends(hass)
    assert "no Bluetooth adapter or proxy that can connect" in reason
    issue = strap_issue(hass, entry)
    assert issue is not None
    assert issue.translation_key == "strap_not_connectable"
    assert fake_bluez.strap(ADDRESS).connects == 0
