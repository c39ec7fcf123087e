"""Setup, unload/reload, dynamic and stale devices, bad payloads, the blueprint install."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from homeassistant.config_entries import ConfigEntryState
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from hrv_helpers import (
    ANNOUNCE,
    COLLECTOR_ID,
    FakeCollector,
    find_device,
    hrv_entry,
    remove_device_message,
    state_of,
    state_payload,
    wait_for,
)
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.hrv_readiness import install_blueprint
from custom_components.hrv_readiness.const import ANNOUNCE_GRACE, BLUEPRINT_FILE, DOMAIN

if TYPE_CHECKING:
    from pathlib import Path

    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry
    from pytest_homeassistant_custom_component.typing import WebSocketGenerator
    from support.mosquitto import MosquittoBroker

pytestmark = pytest.mark.broker

BOB = {"id": "bob", "name": "Bob"}


def user_devices(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, str | None]:
    """The users' devices (not the collector's own), by identifier."""
    registry = dr.async_get(hass)
    return {
        key: device.name
        for device in dr.async_entries_for_config_entry(registry, entry.entry_id)
        if (key := next(iter(device.identifiers))[1]) != COLLECTOR_ID
    }


async def test_setup_creates_one_device_per_user(
    hass: HomeAssistant, setup_entry: MockConfigEntry
) -> None:
    assert setup_entry.state is ConfigEntryState.LOADED
    assert user_devices(hass, setup_entry) == {f"{COLLECTOR_ID}_alice": "Alice"}
    device = find_device(hass, f"{COLLECTOR_ID}_alice")
    assert device is not None
    assert device.manufacturer == "HRV Readiness"
    assert device.sw_version == "0.1.0"
    # Every person's device hangs off the collector's own.
    collector = find_device(hass, COLLECTOR_ID)
    assert collector is not None
    assert device.via_device_id == collector.id
    assert (collector.name, collector.model) == ("HRV Readiness (pi_kitchen)", "Collector")


async def test_unload_and_reload(
    hass: HomeAssistant, setup_entry: MockConfigEntry, collector: FakeCollector
) -> None:
    assert await hass.config_entries.async_unload(setup_entry.entry_id)
    await hass.async_block_till_done()
    assert setup_entry.state is ConfigEntryState.NOT_LOADED
    assert state_of(hass, "sensor.alice_readiness_score") == "unavailable"

    # Unloaded means unsubscribed: a new state does not reach the entity.
    await collector.state(state_payload(score=10))
    await hass.async_block_till_done()
    assert state_of(hass, "sensor.alice_readiness_score") == "unavailable"

    assert await hass.config_entries.async_setup(setup_entry.entry_id)
    await wait_for(hass, lambda: state_of(hass, "sensor.alice_readiness_score") == "10")
    assert (
        len(er.async_entries_for_config_entry(er.async_get(hass), setup_entry.entry_id)) == 30
    )  # main's 27 (breathing rate, possible illness), the orthostatic test button and sensors


async def test_reload_keeps_entities(hass: HomeAssistant, setup_entry: MockConfigEntry) -> None:
    before = {
        e.entity_id
        for e in er.async_entries_for_config_entry(er.async_get(hass), setup_entry.entry_id)
    }
    assert await hass.config_entries.async_reload(setup_entry.entry_id)
    await wait_for(hass, lambda: state_of(hass, "sensor.alice_readiness_score") == "72")
    after = {
        e.entity_id
        for e in er.async_entries_for_config_entry(er.async_get(hass), setup_entry.entry_id)
    }
    assert before == after


async def test_setup_retries_without_mqtt(hass: HomeAssistant) -> None:
    """test-before-setup: no MQTT client means not ready, not a broken entry."""
    entry = hrv_entry()
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert entry.reason == "The MQTT integration is not available yet"


async def test_new_user_adds_a_device(
    hass: HomeAssistant, setup_entry: MockConfigEntry, collector: FakeCollector
) -> None:
    await collector.announce({**ANNOUNCE, "users": [*ANNOUNCE["users"], BOB]})
    await collector.state(state_payload("bob", score=55))
    await wait_for(hass, lambda: state_of(hass, "sensor.bob_readiness_score") == "55")
    assert user_devices(hass, setup_entry) == {
        f"{COLLECTOR_ID}_alice": "Alice",
        f"{COLLECTOR_ID}_bob": "Bob",
    }
    assert state_of(hass, "sensor.alice_readiness_score") == "72"


async def test_collector_that_never_announces_still_gets_devices(
    hass: HomeAssistant, mqtt_entry: MockConfigEntry, broker: MosquittoBroker
) -> None:
    """States wait for the announce; without one they are shown after the grace period."""
    async with FakeCollector(broker) as silent:
        await silent.online()
        await silent.state(state_payload("carol", score=64))
        await silent.publish("carol/measurement", {"schema_version": 1, "state": "idle"})
        entry = hrv_entry()
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await wait_for(hass, lambda: entry.runtime_data._gate.holding)
        assert hass.states.get("sensor.carol_readiness_score") is None

        async_fire_time_changed(hass, dt_util.utcnow() + ANNOUNCE_GRACE + timedelta(seconds=1))
        await wait_for(hass, lambda: state_of(hass, "sensor.carol_readiness_score") == "64")
        assert state_of(hass, "sensor.carol_measurement") == "idle"
        assert user_devices(hass, entry) == {f"{COLLECTOR_ID}_carol": "carol"}


@pytest.mark.parametrize("state_first", [True, False])
async def test_entity_ids_follow_the_announced_name_whatever_the_order(
    hass: HomeAssistant, mqtt_entry: MockConfigEntry, broker: MosquittoBroker, state_first: bool
) -> None:
    """Retained topics come back in any order; the device is "Bob Smith" either way."""
    announce = {**ANNOUNCE, "users": [{"id": "bob", "name": "Bob Smith"}]}
    async with FakeCollector(broker) as collector:
        await collector.online()
        if state_first:
            await collector.state(state_payload("bob", score=58))
            await collector.announce(announce)
        else:
            await collector.announce(announce)
            await collector.state(state_payload("bob", score=58))
        entry = hrv_entry()
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await wait_for(hass, lambda: state_of(hass, "sensor.bob_smith_readiness_score") == "58")
        assert hass.states.get("sensor.bob_readiness_score") is None
        assert user_devices(hass, entry) == {f"{COLLECTOR_ID}_bob": "Bob Smith"}


async def test_user_dropped_from_announce_removes_device(
    hass: HomeAssistant, setup_entry: MockConfigEntry, collector: FakeCollector
) -> None:
    await collector.announce({**ANNOUNCE, "users": [*ANNOUNCE["users"], BOB]})
    await wait_for(hass, lambda: len(user_devices(hass, setup_entry)) == 2)
    await collector.announce({**ANNOUNCE, "users": [BOB]})
    await wait_for(hass, lambda: user_devices(hass, setup_entry) == {f"{COLLECTOR_ID}_bob": "Bob"})
    await wait_for(hass, lambda: hass.states.get("sensor.alice_readiness_score") is None)
    registry = er.async_get(hass)
    assert not [
        e
        for e in er.async_entries_for_config_entry(registry, setup_entry.entry_id)
        if "alice" in e.entity_id
    ]

    # A retained state of the removed user does not bring the device back.
    await collector.state(state_payload("alice", score=12))
    await hass.async_block_till_done()
    assert user_devices(hass, setup_entry) == {f"{COLLECTOR_ID}_bob": "Bob"}


async def test_remove_stale_device_only(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    collector: FakeCollector,
    hass_ws_client: WebSocketGenerator,
) -> None:
    assert await async_setup_component(hass, "config", {})
    registry = dr.async_get(hass)
    alice = find_device(hass, f"{COLLECTOR_ID}_alice")
    assert alice is not None
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(remove_device_message(setup_entry.entry_id, alice.id))
    response = await client.receive_json()
    assert not response["success"]  # Alice is still served by the collector

    # The collector's own device goes with the config entry, not by hand.
    own = find_device(hass, COLLECTOR_ID)
    assert own is not None
    await client.send_json_auto_id(remove_device_message(setup_entry.entry_id, own.id))
    assert not (await client.receive_json())["success"]

    # A device the collector no longer announces (e.g. left from an old config) can go.
    old = registry.async_get_or_create(
        config_entry_id=setup_entry.entry_id,
        identifiers={(DOMAIN, f"{COLLECTOR_ID}_dave")},
        name="Dave",
    )
    await client.send_json_auto_id(remove_device_message(setup_entry.entry_id, old.id))
    response = await client.receive_json()
    assert response["success"]
    assert registry.async_get(old.id) is None

    # A device that is not one of this collector's users is not kept either.
    foreign = registry.async_get_or_create(
        config_entry_id=setup_entry.entry_id, identifiers={(DOMAIN, "pi_garage_erin")}
    )
    await client.send_json_auto_id(remove_device_message(setup_entry.entry_id, foreign.id))
    assert (await client.receive_json())["success"]


@pytest.mark.parametrize(
    ("suffix", "payload", "logged"),
    [
        (
            "alice/state",
            "{oops",
            "Ignoring state on hrv_readiness/pi_kitchen/alice/state: payload: not JSON",
        ),
        ("alice/state", "[1, 2]", "payload: expected a JSON object"),
        (
            "alice/state",
            {**state_payload(), "schema_version": 2},
            "schema_version: schema_version 2 is not 1.x",
        ),
        (
            "alice/state",
            {**state_payload(), "schema_version": "x"},
            "schema_version: schema_version 'x' is not 1.x",
        ),
        (
            "alice/state",
            {**state_payload(), "readiness": {**state_payload()["readiness"], "score": "high"}},
            "readiness.score: ",
        ),
        (
            "alice/state",
            {**state_payload(), "readiness": {**state_payload()["readiness"], "score": 71.5}},
            "readiness.score: ",
        ),
        (
            "alice/state",
            {
                **state_payload(),
                "reading": {**state_payload()["reading"], "measured_at": "yesterday"},
            },
            "reading.measured_at: ",
        ),
        (
            "alice/state",
            {
                **state_payload(),
                "reading": {**state_payload()["reading"], "measured_at": "2026-11-22T06:41:03"},
            },
            "reading.measured_at: ",
        ),
        (
            "alice/state",
            {**state_payload(), "reading": {**state_payload()["reading"], "measured_at": None}},
            "reading.measured_at: ",
        ),
        (
            "alice/state",
            {**state_payload(), "reading": {**state_payload()["reading"], "date": "22.11.2026"}},
            "reading.date: ",
        ),
        (
            "alice/state",
            {**state_payload(), "reading": {**state_payload()["reading"], "quality": 1}},
            "reading.quality: ",
        ),
        (
            "alice/state",
            {**state_payload(), "readiness": {**state_payload()["readiness"], "reasons": "none"}},
            "readiness.reasons: ",
        ),
        ("alice/state", {**state_payload(), "strap": []}, "strap: "),
        ("alice/state", {**state_payload(), "user": "Alice!"}, "user: "),
        ("alice/state", state_payload("bob"), "it is about pi_kitchen/bob"),
        ("alice/measurement", {"schema_version": 1, "state": 3}, "Ignoring measurement"),
        ("alice/event", "nope", "Ignoring event"),
        ("announce", {**ANNOUNCE, "discovery": "maybe"}, "discovery: "),
        ("announce", {**ANNOUNCE, "users": [{"name": "No id"}]}, "users.0.id: "),
        ("status", "maybe", "Ignoring status 'maybe'"),
    ],
)
async def test_bad_payload_is_logged_and_changes_nothing(
    hass: HomeAssistant,
    *,
    setup_entry: MockConfigEntry,
    collector: FakeCollector,
    caplog: pytest.LogCaptureFixture,
    suffix: str,
    payload: object,
    logged: str,
) -> None:
    before = {state.entity_id: state.state for state in hass.states.async_all()}
    with caplog.at_level(logging.WARNING):
        await collector.publish(suffix, payload, retain=False)
        await wait_for(hass, lambda: logged in caplog.text)
    assert {state.entity_id: state.state for state in hass.states.async_all()} == before


async def test_empty_retained_payloads_are_ignored(
    hass: HomeAssistant, setup_entry: MockConfigEntry, collector: FakeCollector
) -> None:
    """Clearing a retained topic (empty payload) is not an error and keeps the last value;
    an emptied ``state`` says the user has no reading any more (contract v1.7)."""
    for suffix in ("announce", "alice/measurement", "status"):
        await collector.publish(suffix, "")
    await collector.publish(
        "alice/measurement", {"schema_version": 1, "state": "idle"}, retain=False
    )
    await wait_for(hass, lambda: state_of(hass, "sensor.alice_measurement") == "idle")
    assert state_of(hass, "sensor.alice_readiness_score") == "72"
    await collector.publish("alice/state", "")
    await wait_for(hass, lambda: state_of(hass, "sensor.alice_readiness_score") == "unknown")
    assert state_of(hass, "sensor.alice_last_reading") == "unknown"
    assert state_of(hass, "sensor.alice_measurement") == "idle"


async def test_blueprint_installed_once(
    hass: HomeAssistant, setup_entry: MockConfigEntry, config_dir: Path
) -> None:
    target = config_dir / "blueprints" / "automation" / DOMAIN / BLUEPRINT_FILE
    assert target.read_text(encoding="utf-8").startswith("blueprint:")
    target.write_text("# edited by the user\n", encoding="utf-8")
    assert install_blueprint(config_dir) == target
    assert target.read_text(encoding="utf-8") == "# edited by the user\n"


async def test_blueprint_that_cannot_be_written_does_not_block_setup(
    hass: HomeAssistant,
    collector: FakeCollector,
    config_dir: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    (config_dir / "blueprints").write_text("a file where a folder should be", encoding="utf-8")
    await collector.state()
    entry = hrv_entry()
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await wait_for(hass, lambda: state_of(hass, "sensor.alice_readiness_score") == "72")
    assert "Could not install the blueprint" in caplog.text


async def test_collector_update_and_rename_update_the_device(
    hass: HomeAssistant, setup_entry: MockConfigEntry, collector: FakeCollector
) -> None:
    await collector.announce({**ANNOUNCE, "sw_version": "0.2.0"})
    key = f"{COLLECTOR_ID}_alice"
    await wait_for(hass, lambda: find_device(hass, key).sw_version == "0.2.0")
    await collector.announce(
        {**ANNOUNCE, "sw_version": "0.2.0", "users": [{"id": "alice", "name": "Alice B."}]}
    )
    await wait_for(hass, lambda: find_device(hass, key).name == "Alice B.")
