"""A strap found by Home Assistant's own Bluetooth: discovery card, confirm, who wears it.

Everything runs on Home Assistant's real bluetooth integration and a fake BlueZ
(tests/integration/bluetooth_fixtures.py says exactly what is real).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from homeassistant.components import bluetooth
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from hrv_helpers import state_of, wait_for
from strap_helpers import REPLAY_SPEED, add_through_discovery, discovered, window_around_now
from support.fakebluez import VirtualStrap

from custom_components.hrv_readiness.const import (
    CONF_ADDRESS,
    CONF_PERSON,
    CONF_STRAP_NAME,
    CONF_USER_ID,
    CONF_USER_NAME,
    CONF_WINDOW_END,
    CONF_WINDOW_START,
    DOMAIN,
)
from custom_components.hrv_readiness.strap_hub import StrapHub
from hrv_readiness.ble.models import MeasurementSettings
from hrv_readiness.simulation import RrScenario, synthesize_rr_ms

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import HomeAssistant
    from support.fakebluez import FakeBluez

ADDRESS = "A0:9E:1A:00:00:0A"
RR_MS = [1000.0, 980.0, 1020.0] * 40


def strap(**overrides: Any) -> VirtualStrap:
    return VirtualStrap(
        **{"address": ADDRESS, "rr_ms": RR_MS, "name": "Polar H10 AAAA", **overrides}
    )


@pytest.fixture
async def integration(hass: HomeAssistant, real_bluetooth: ConfigEntry) -> None:
    assert await async_setup_component(hass, DOMAIN, {})


@pytest.mark.usefixtures("integration")
async def test_discovered_strap_is_set_up_for_its_wearer(
    hass: HomeAssistant, fake_bluez: FakeBluez
) -> None:
    fake_bluez.add_strap(strap())
    # A morning window that does not hold the real clock's "now" (the test harness runs
    # on the wall clock in US/Pacific): this test is about setup, not a measurement.
    hour = dt_util.now().hour
    window_start, window_end = (
        ("23:00:00", "23:30:00")
        if 9 <= hour <= 13
        else (
            "11:00:00",
            "11:30:00",
        )
    )
    flow = await discovered(hass)
    assert flow["step_id"] == "bluetooth_confirm"
    assert flow["context"]["title_placeholders"] == {"name": "Polar H10 AAAA"}
    entry = await add_through_discovery(
        hass,
        {
            CONF_USER_NAME: "Alice Smith",
            CONF_PERSON: "person.alice",
            CONF_WINDOW_START: window_start,
            CONF_WINDOW_END: window_end,
        },
    )
    assert entry.state is ConfigEntryState.LOADED
    assert entry.title == "Alice Smith (Polar H10 AAAA)"
    assert entry.unique_id == f"{ADDRESS}_alice_smith"
    assert entry.data == {
        CONF_ADDRESS: ADDRESS,
        CONF_STRAP_NAME: "Polar H10 AAAA",
        CONF_USER_ID: "alice_smith",
        CONF_USER_NAME: "Alice Smith",
        CONF_PERSON: "person.alice",
        CONF_WINDOW_START: window_start,
        CONF_WINDOW_END: window_end,
    }
    # The same entities as a collector's user, named after the wearer.
    assert state_of(hass, "sensor.alice_smith_measurement") == "idle"
    # No reading yet: the score has no value yet, so it is unknown.
    assert state_of(hass, "sensor.alice_smith_readiness_score") == "unknown"
    assert state_of(hass, "button.alice_smith_start_measurement") == "unknown"
    # No collector behind a strap: no collector device, connectivity or last-seen entity,
    # and the wearer's device hangs off nothing.
    unique_ids = {
        e.unique_id for e in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    }
    assert not any(u.endswith(("_connectivity", "_last_seen")) for u in unique_ids)
    [device] = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    assert device.via_device_id is None
    # Measured for someone now: the strap's adverts start no new card.
    assert hass.config_entries.flow.async_progress_by_handler(DOMAIN) == []


@pytest.mark.usefixtures("integration")
async def test_polar_strap_without_the_heart_rate_service_is_discovered(
    hass: HomeAssistant, fake_bluez: FakeBluez
) -> None:
    """An H10 whose advertisement lists no service: Polar's company id and name match."""
    fake_bluez.add_strap(strap(advertised_uuids=()))
    flow = await discovered(hass)
    assert flow["context"]["title_placeholders"] == {"name": "Polar H10 AAAA"}


@pytest.mark.usefixtures("integration")
async def test_other_devices_start_no_flow(hass: HomeAssistant, fake_bluez: FakeBluez) -> None:
    """A device with neither the service, Polar's id nor a Polar strap's name is ignored."""
    fake_bluez.add_strap(
        strap(
            address="11:22:33:44:55:66",
            name="Kitchen scale",
            advertised_uuids=(),
            manufacturer_data={},
        )
    )
    # A strap advertising next to it is discovered: the scale had its chance meanwhile.
    fake_bluez.add_strap(strap())
    flow = await discovered(hass)
    assert flow["context"]["unique_id"] == ADDRESS


@pytest.mark.usefixtures("integration")
@pytest.mark.parametrize(
    ("wearer", "errors"),
    [
        ({CONF_USER_NAME: "  "}, {CONF_USER_NAME: "invalid_name"}),
        ({CONF_USER_NAME: "!!!"}, {CONF_USER_NAME: "invalid_name"}),
        (
            {CONF_USER_NAME: "Bob", CONF_WINDOW_START: "07:00:00", CONF_WINDOW_END: "07:00:00"},
            {CONF_WINDOW_END: "empty_window"},
        ),
    ],
)
async def test_wearer_step_errors_keep_the_input(
    hass: HomeAssistant, fake_bluez: FakeBluez, wearer: dict[str, str], errors: dict[str, str]
) -> None:
    fake_bluez.add_strap(strap())
    flow = await discovered(hass)
    await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {CONF_WINDOW_START: "05:00:00", CONF_WINDOW_END: "10:00:00", **wearer}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    # Corrected, it goes through.
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"],
        {CONF_USER_NAME: "Bob", CONF_WINDOW_START: "05:00:00", CONF_WINDOW_END: "10:00:00"},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


# --- when discovery never fires: added by hand --------------------------------------------


async def start_strap_flow(hass: HomeAssistant) -> dict[str, Any]:
    """Add integration -> "A heart-rate strap": the list of what HA's Bluetooth sees."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    return dict(
        await hass.config_entries.flow.async_configure(result["flow_id"], {"next_step_id": "strap"})
    )


def offered(result: dict[str, Any]) -> list[dict[str, str]]:
    """The (value, label) options of the strap step's select."""
    schema = result["data_schema"].schema
    [field] = [value for key, value in schema.items() if key == CONF_ADDRESS]
    return list(field.config["options"])


async def seen_by_bluetooth(hass: HomeAssistant, address: str) -> None:
    def seen() -> bool:
        return any(
            info.address == address
            for info in bluetooth.async_discovered_service_info(hass, connectable=True)
        )

    await wait_for(hass, seen)


#: A strap heard only passively (AUTO scanning): no name, no service, no company id.
SILENT = {"name": "", "advertised_uuids": (), "manufacturer_data": {}}


async def add_by_hand(hass: HomeAssistant, address: str, user_name: str = "Alice") -> ConfigEntry:
    """Add integration -> A heart-rate strap -> pick ``address`` -> who wears it."""
    result = await start_strap_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ADDRESS: address}
    )
    assert result["step_id"] == "wearer"
    window_start, window_end = window_around_now(inside=False)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_USER_NAME: user_name, CONF_WINDOW_START: window_start, CONF_WINDOW_END: window_end},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry: ConfigEntry = result["result"]
    return entry


@pytest.mark.usefixtures("integration")
async def test_strap_never_discovered_is_added_by_hand(
    hass: HomeAssistant, fake_bluez: FakeBluez
) -> None:
    """Passive scanning (AUTO) got no name, service or Polar id: no card, so by hand."""
    fake_bluez.add_strap(strap(**SILENT))
    fake_bluez.add_strap(strap(address="11:22:33:44:55:66", rssi_dbm=-80))
    await seen_by_bluetooth(hass, ADDRESS)
    await seen_by_bluetooth(hass, "11:22:33:44:55:66")
    # Only the strap that advertises heart rate started a card; the silent one did not.
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["unique_id"] for flow in flows] == ["11:22:33:44:55:66"]

    result = await start_strap_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "strap"
    # Heart-rate straps first; the silent one is offered by its address.
    assert [option["value"] for option in offered(result)] == ["11:22:33:44:55:66", ADDRESS]
    assert offered(result)[1]["label"].startswith(f"unnamed device ({ADDRESS}, ")
    hass.config_entries.flow.async_abort(result["flow_id"])

    entry = await add_by_hand(hass, ADDRESS)
    assert entry.state is ConfigEntryState.LOADED
    assert entry.unique_id == f"{ADDRESS}_alice"
    assert entry.data[CONF_ADDRESS] == ADDRESS
    assert entry.data[CONF_STRAP_NAME] == ADDRESS
    assert state_of(hass, "sensor.alice_measurement") == "idle"


@pytest.mark.usefixtures("integration")
async def test_strap_added_by_hand_measures(hass: HomeAssistant, fake_bluez: FakeBluez) -> None:
    """The strap known only by its address gives a morning reading like a discovered one."""
    rr_ms = [
        float(v) for v in synthesize_rr_ms(RrScenario(duration_s=300, seed=3, ectopic_rate=0.0))
    ]
    fake_bluez.add_strap(strap(**SILENT, rr_ms=rr_ms, speed=REPLAY_SPEED))
    await seen_by_bluetooth(hass, ADDRESS)
    entry = await add_by_hand(hass, ADDRESS)
    hub = entry.runtime_data
    assert isinstance(hub, StrapHub)
    hub.use_session_settings(
        MeasurementSettings(duration_s=60.0, settle_s=0.0, connect_timeout_s=10.0)
    )
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.alice_start_measurement"}, blocking=True
    )
    await wait_for(
        hass, lambda: state_of(hass, "sensor.alice_readiness_status") == "building_baseline"
    )
    assert float(state_of(hass, "sensor.alice_rmssd") or 0) > 0
    await wait_for(hass, lambda: state_of(hass, "sensor.alice_measurement") == "complete")


@pytest.mark.usefixtures("integration")
async def test_strap_step_when_bluetooth_sees_nothing(hass: HomeAssistant) -> None:
    result = await start_strap_flow(hass)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_bluetooth_devices"
