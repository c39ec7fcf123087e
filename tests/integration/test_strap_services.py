"""A strap entry answers the same actions as a collector, and shows the same diagnostics."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest
from homeassistant.config_entries import ConfigEntryState
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util
from hrv_helpers import state_of, wait_for
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from test_strap_measurement import ADDRESS, add_strap_entry, press_start, virtual_strap

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

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
    from support.fakebluez import FakeBluez

    from custom_components.hrv_readiness.strap_hub import StrapHub

pytestmark = pytest.mark.usefixtures("real_bluetooth")


async def measured(hass: HomeAssistant, fake_bluez: FakeBluez) -> ConfigEntry:
    """A strap entry with this morning's reading."""
    fake_bluez.add_strap(virtual_strap())
    entry = await add_strap_entry(hass)
    hub: StrapHub = entry.runtime_data
    await wait_for(hass, lambda: hub.source.device() is not None)
    await press_start(hass)
    await wait_for(
        hass,
        lambda: (
            state_of(hass, "sensor.alice_readiness_status") not in {None, "unknown", "unavailable"}
        ),
    )
    return entry


def device_of(hass: HomeAssistant, entry: ConfigEntry) -> str:
    device_id = entry.runtime_data.device_id("alice")
    assert device_id is not None
    return str(device_id)


async def test_wellness_training_and_recompute_are_stored_and_reassessed(
    hass: HomeAssistant, fake_bluez: FakeBluez
) -> None:
    entry = await measured(hass, fake_bluez)
    hub: StrapHub = entry.runtime_data
    device_id = device_of(hass, entry)
    await hass.services.async_call(
        DOMAIN,
        "log_wellness",
        {"device_id": device_id, "soreness": 8, "energy": 2, "sleep_quality": 3, "stress": 7},
        blocking=True,
    )
    await hass.services.async_call(
        DOMAIN,
        "log_training",
        {"device_id": device_id, "session_type": "heavy_compound", "effort": 9, "duration_min": 80},
        blocking=True,
    )
    await hass.services.async_call(DOMAIN, "recompute", {"device_id": device_id}, blocking=True)
    today = dt_util.now().date()
    store = hub.store
    [wellness] = await hass.async_add_executor_job(store.wellness, "alice")
    assert (wellness.date, wellness.soreness, wellness.energy) == (today, 8, 2)
    [training] = await hass.async_add_executor_job(store.training, "alice")
    # A session logged without a date is yesterday's, as with the collector.
    assert (training.date, training.session_type) == (
        today - dt_util.dt.timedelta(days=1),
        "heavy_compound",
    )
    assert state_of(hass, "sensor.alice_readiness_status") == "building_baseline"


async def test_an_entry_is_deleted_and_undone_and_the_verdict_follows(
    hass: HomeAssistant, fake_bluez: FakeBluez
) -> None:
    entry = await measured(hass, fake_bluez)
    hub: StrapHub = entry.runtime_data
    device_id = device_of(hass, entry)
    today = dt_util.now().date()
    await hass.services.async_call(
        DOMAIN,
        "log_wellness",
        {"device_id": device_id, "soreness": 8, "energy": 2, "sleep_quality": 3, "stress": 7},
        blocking=True,
    )
    store = hub.store
    assert len(await hass.async_add_executor_job(store.wellness, "alice")) == 1
    await hass.services.async_call(
        DOMAIN,
        "delete_entry",
        {"device_id": device_id, "date": today, "entry": "questionnaire"},
        blocking=True,
    )
    assert await hass.async_add_executor_job(store.wellness, "alice") == []
    # Nothing left to delete: refused with the library's reason, nothing changed.
    with pytest.raises(ServiceValidationError, match="nothing deleted"):
        await hass.services.async_call(
            DOMAIN,
            "delete_entry",
            {"device_id": device_id, "date": today, "entry": "questionnaire"},
            blocking=True,
        )
    await hass.services.async_call(DOMAIN, "undo", {"device_id": device_id}, blocking=True)
    [wellness] = await hass.async_add_executor_job(store.wellness, "alice")
    assert (wellness.date, wellness.soreness) == (today, 8)
    await hass.services.async_call(
        DOMAIN,
        "delete_entry",
        {"device_id": device_id, "date": today, "entry": "reading"},
        blocking=True,
    )
    assert await hass.async_add_executor_job(store.readings, "alice") == []
    # Her only reading is gone: no entity keeps showing it ("no reading yet").
    for entity in ("readiness_status", "readiness_score", "last_reading", "rmssd"):
        assert state_of(hass, f"sensor.alice_{entity}") == "unknown", entity
    await hass.services.async_call(DOMAIN, "undo", {"device_id": device_id}, blocking=True)
    assert state_of(hass, "sensor.alice_last_reading") not in {None, "unknown"}


async def test_a_person_is_renamed_and_removed_and_each_is_undone(
    hass: HomeAssistant, fake_bluez: FakeBluez
) -> None:
    """Alice's history goes to Bob's strap entry and back (undo), then to the trash and
    back; a rename to someone no strap entry serves is refused and changes nothing."""
    entry = await measured(hass, fake_bluez)
    device_id = device_of(hass, entry)
    store = entry.runtime_data.store
    bob = MockConfigEntry(
        domain=DOMAIN,
        title="Bob (Polar H10 CCCC)",
        unique_id="A0:9E:1A:00:00:CC_bob",
        data={
            **entry.data,
            CONF_ADDRESS: "A0:9E:1A:00:00:CC",
            CONF_STRAP_NAME: "Polar H10 CCCC",
            CONF_USER_ID: "bob",
            CONF_USER_NAME: "Bob",
        },
    )
    bob.add_to_hass(hass)
    assert await hass.config_entries.async_setup(bob.entry_id)
    await hass.async_block_till_done()
    shown = state_of(hass, "sensor.alice_readiness_status")
    assert state_of(hass, "sensor.bob_readiness_status") == "unknown"

    async def owners() -> tuple[int, int]:
        return (
            len(await hass.async_add_executor_job(store.readings, "alice")),
            len(await hass.async_add_executor_job(store.readings, "bob")),
        )

    async def call(action: str, **data: str) -> None:
        await hass.services.async_call(
            DOMAIN, action, {"device_id": device_id, **data}, blocking=True
        )
        await hass.async_block_till_done()

    with pytest.raises(ServiceValidationError) as err:
        await call("rename_person", to="carol")
    assert err.value.translation_key == "unknown_person"
    assert await owners() == (1, 0)
    await call("rename_person", to="bob")
    assert await owners() == (0, 1)
    assert state_of(hass, "sensor.alice_readiness_status") == "unknown"
    assert state_of(hass, "sensor.bob_readiness_status") == shown
    await call("undo")
    assert await owners() == (1, 0)
    assert state_of(hass, "sensor.alice_readiness_status") == shown
    assert state_of(hass, "sensor.bob_readiness_status") == "unknown"
    await call("remove_person")
    assert await owners() == (0, 0)
    assert state_of(hass, "sensor.alice_readiness_status") == "unknown"
    # Nothing left to remove: the library's reason, nothing changed.
    with pytest.raises(ServiceValidationError, match="nothing removed"):
        await call("remove_person")
    await call("undo")
    assert await owners() == (1, 0)
    assert state_of(hass, "sensor.alice_readiness_status") == shown


async def test_invalid_command_is_refused_with_the_collectors_reason(
    hass: HomeAssistant, fake_bluez: FakeBluez
) -> None:
    entry = await measured(hass, fake_bluez)
    tomorrow = (dt_util.now().date() + dt_util.dt.timedelta(days=2)).isoformat()
    with pytest.raises(ServiceValidationError, match="future"):
        await hass.services.async_call(
            DOMAIN,
            "log_wellness",
            {
                "device_id": device_of(hass, entry),
                "date": tomorrow,
                "soreness": 1,
                "energy": 1,
                "sleep_quality": 1,
                "stress": 1,
            },
            blocking=True,
        )
    assert await hass.async_add_executor_job(entry.runtime_data.store.wellness, "alice") == []


async def test_recompute_before_any_reading_changes_nothing(
    hass: HomeAssistant, fake_bluez: FakeBluez
) -> None:
    entry = await add_strap_entry(hass)
    await hass.services.async_call(
        DOMAIN, "recompute", {"device_id": device_of(hass, entry)}, blocking=True
    )
    # No reading, no value yet: unknown rather than a made-up state.
    assert state_of(hass, "sensor.alice_readiness_status") == "unknown"


async def test_a_second_press_while_measuring_starts_nothing_new(
    hass: HomeAssistant, fake_bluez: FakeBluez
) -> None:
    fake_bluez.add_strap(virtual_strap(speed=5.0))
    entry = await add_strap_entry(hass)
    hub: StrapHub = entry.runtime_data
    await wait_for(hass, lambda: hub.source.device() is not None)
    await press_start(hass)
    assert hub.measuring
    assert hub.start_measurement(requested=True) is False
    await wait_for(hass, lambda: state_of(hass, "sensor.alice_measurement") == "recording")
    # Unloading mid-recording stops the session and frees the strap.
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED
    await wait_for(hass, lambda: not fake_bluez.strap(ADDRESS).device.connected)
    assert fake_bluez.strap(ADDRESS).disconnect_calls


async def test_diagnostics_redact_the_strap_and_the_person(
    hass: HomeAssistant, fake_bluez: FakeBluez, hass_client: ClientSessionGenerator
) -> None:
    entry = await measured(hass, fake_bluez)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    text = str(diagnostics)
    assert ADDRESS not in text
    assert ADDRESS.replace(":", "").lower() not in text
    assert "Alice" not in text
    assert "Polar H10 BBBB" not in text
    assert diagnostics["measuring"] is False
    assert diagnostics["client_class"] == "HaBleakClientWithServiceCache"
    assert diagnostics["users"]["alice"]["state"]["reading"]["quality"] == "good"
    assert diagnostics["users"]["alice"]["measurement"]["state"] == "complete"


async def test_reconfigure_moves_the_morning_window(
    hass: HomeAssistant, fake_bluez: FakeBluez
) -> None:
    entry = await add_strap_entry(hass)
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure_strap"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_WINDOW_START: "07:00:00", CONF_WINDOW_END: "07:00:00"}
    )
    assert result["errors"] == {CONF_WINDOW_END: "empty_window"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_WINDOW_START: "06:15:00", CONF_WINDOW_END: "08:45:00", CONF_PERSON: "person.alice"},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.data[CONF_WINDOW_START] == "06:15:00"
    assert entry.data[CONF_PERSON] == "person.alice"
    hub: StrapHub = entry.runtime_data
    assert hub.settings.window.start.isoformat() == "06:15:00"
    del fake_bluez


async def test_the_wearers_device_goes_with_the_entry_only(
    hass: HomeAssistant, fake_bluez: FakeBluez
) -> None:
    entry = await add_strap_entry(hass)
    device = dr.async_get(hass).async_get(device_of(hass, entry))
    assert device is not None
    from custom_components.hrv_readiness import async_remove_config_entry_device  # noqa: PLC0415

    assert await async_remove_config_entry_device(hass, entry, device) is False
    del fake_bluez
    await asyncio.sleep(0)


async def test_options_set_the_measurement_length_and_thresholds(
    hass: HomeAssistant, fake_bluez: FakeBluez
) -> None:
    """A strap entry's options flow writes what the entry measures and assesses with."""
    entry = await add_strap_entry(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            "duration_s": 180,
            "score_caution_below": 55,
            "score_rest_below": 25,
            "soreness_high": 7,
            "min_history_readings": 10,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    hub: StrapHub = entry.runtime_data
    assert hub.settings.session.duration_s == 180
    readiness = hub.settings.readiness
    assert (readiness.score_caution_below, readiness.score_rest_below) == (55, 25)
    assert (readiness.soreness_high, readiness.min_history_readings) == (7, 10)


async def test_a_collector_entry_has_no_options(hass: HomeAssistant) -> None:
    """A collector's settings live in its own config file, not in Home Assistant."""
    entry = MockConfigEntry(domain=DOMAIN, data={"collector_id": "pi", "base_topic": "x"})
    entry.add_to_hass(hass)
    assert not entry.supports_options
