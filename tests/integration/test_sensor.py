"""Entities: the full set (snapshot), values, enums, availability from the Last Will."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.helpers import entity_registry as er
from hrv_helpers import (
    CONNECTIVITY,
    LAST_SEEN,
    CollectorProcess,
    FakeCollector,
    hrv_entry,
    state_of,
    state_payload,
    wait_for,
)

from custom_components.hrv_readiness.statistics import STATISTICS, statistic_id

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry
    from support.mosquitto import MosquittoBroker
    from syrupy.assertion import SnapshotAssertion

pytestmark = pytest.mark.broker

ROOT = Path(__file__).resolve().parents[2]


def entity_table(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any]:
    """Registry entry and state of every entity, without the wall-clock timestamps."""
    registry = er.async_get(hass)
    table: dict[str, Any] = {}
    for entity in sorted(
        er.async_entries_for_config_entry(registry, entry.entry_id), key=lambda e: e.entity_id
    ):
        state = hass.states.get(entity.entity_id)
        table[entity.entity_id] = {
            "unique_id": entity.unique_id,
            "translation_key": entity.translation_key,
            "original_name": entity.original_name,
            "device_class": entity.original_device_class,
            "entity_category": entity.entity_category,
            "unit": entity.unit_of_measurement,
            "disabled_by": entity.disabled_by,
            "capabilities": None
            if entity.capabilities is None
            else {str(key): value for key, value in entity.capabilities.items()},
            "state": None if state is None else state.state,
            # Plain string keys: since 2026 some attribute keys are StrEnum members
            # (EntityStateAttribute), which the snapshot would print differently.
            "attributes": None
            if state is None
            else {str(key): value for key, value in state.attributes.items()},
        }
    return table


async def test_entity_snapshot(
    hass: HomeAssistant, setup_entry: MockConfigEntry, snapshot: SnapshotAssertion
) -> None:
    registry = er.async_get(hass)
    battery = registry.async_get("sensor.alice_strap_battery")
    assert battery is not None
    assert battery.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    registry.async_update_entity(battery.entity_id, disabled_by=None)
    assert await hass.config_entries.async_reload(setup_entry.entry_id)
    await wait_for(hass, lambda: state_of(hass, "sensor.alice_strap_battery") == "80")

    table = entity_table(hass, setup_entry)
    # The wall clock: checked here, not frozen into the snapshot.
    last_seen = table[LAST_SEEN].pop("state")
    assert datetime.fromisoformat(last_seen) <= datetime.now(UTC)
    assert table == snapshot


async def test_values_follow_new_states(
    hass: HomeAssistant, setup_entry: MockConfigEntry, collector: FakeCollector
) -> None:
    payload = state_payload(score=35, status="rest", fatigue_type="nervous_system", rmssd_ms=38.2)
    payload["readiness"]["baseline"]["ln_rmssd_7d_mean"] = 3.95
    await collector.state(payload)
    await wait_for(hass, lambda: state_of(hass, "sensor.alice_readiness_score") == "35")
    assert state_of(hass, "sensor.alice_readiness_status") == "rest"
    assert state_of(hass, "sensor.alice_fatigue_type") == "nervous_system"
    assert state_of(hass, "sensor.alice_rmssd") == "38.2"
    assert state_of(hass, "sensor.alice_lnrmssd_7_day_baseline") == "3.95"
    assert state_of(hass, "binary_sensor.alice_recovery_low") == "on"


@pytest.mark.parametrize(
    ("status", "recovery_low"),
    [
        ("ready", "off"),
        ("caution", "on"),
        ("rest", "on"),
        ("building_baseline", STATE_UNKNOWN),
    ],
)
async def test_recovery_low(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    collector: FakeCollector,
    status: str,
    recovery_low: str,
) -> None:
    await collector.state(state_payload(status=status, score=50))
    await wait_for(hass, lambda: state_of(hass, "sensor.alice_readiness_status") == status)
    assert state_of(hass, "binary_sensor.alice_recovery_low") == recovery_low


async def test_building_baseline_and_rejected_reading(
    hass: HomeAssistant, setup_entry: MockConfigEntry, collector: FakeCollector
) -> None:
    payload = state_payload(status="building_baseline", score=None, fatigue_type="unknown")
    payload["reading"].update(
        quality="rejected", quality_reason="too many artifacts", rmssd_ms=None, ln_rmssd=None
    )
    payload["readiness"]["baseline"] = dict.fromkeys(payload["readiness"]["baseline"])
    payload["strap"] = None
    await collector.state(payload)
    await wait_for(hass, lambda: state_of(hass, "sensor.alice_reading_quality") == "rejected")
    assert (
        hass.states.get("sensor.alice_reading_quality").attributes["reason"] == "too many artifacts"
    )
    for entity_id in (
        "sensor.alice_readiness_score",
        "sensor.alice_lnrmssd",
        "sensor.alice_rmssd",
        "sensor.alice_lnrmssd_7_day_baseline",
        "sensor.alice_lnrmssd_normal_range_low",
    ):
        # No value yet: unknown (the entry is reachable), not a made-up or stale number.
        assert state_of(hass, entity_id) == STATE_UNKNOWN, entity_id
    # The verdict exists but says neither yes nor no yet.
    assert state_of(hass, "binary_sensor.alice_recovery_low") == STATE_UNKNOWN
    assert state_of(hass, "sensor.alice_fatigue_type") == "unknown"


async def test_state_without_reading_or_readiness_is_refused(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    collector: FakeCollector,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The contract requires both: a state without them is logged and changes nothing."""
    await collector.state(state_payload(score=61))
    await wait_for(hass, lambda: state_of(hass, "sensor.alice_readiness_score") == "61")
    payload = state_payload()
    payload["reading"] = None
    payload["readiness"] = None
    await collector.state(payload)
    await wait_for(hass, lambda: "Ignoring state on" in caplog.text)
    assert "reading: " in caplog.text
    assert state_of(hass, "sensor.alice_readiness_score") == "61"


async def test_unknown_enum_values_are_unknown_not_errors(
    hass: HomeAssistant, setup_entry: MockConfigEntry, collector: FakeCollector
) -> None:
    """A newer collector may add a status or fatigue type; the entity shows unknown."""
    await collector.state(state_payload(status="deload", fatigue_type="jet_lag", score=60))
    await wait_for(hass, lambda: state_of(hass, "sensor.alice_readiness_score") == "60")
    assert state_of(hass, "sensor.alice_readiness_status") == STATE_UNKNOWN
    assert state_of(hass, "sensor.alice_fatigue_type") == STATE_UNKNOWN


async def test_measurement_progress(
    hass: HomeAssistant, setup_entry: MockConfigEntry, collector: FakeCollector
) -> None:
    # Nothing under way before the first measurement: idle at 0 %, not unknown.
    assert state_of(hass, "sensor.alice_measurement") == "idle"
    assert state_of(hass, "sensor.alice_measurement_progress") == "0"
    await collector.publish(
        "alice/measurement",
        {
            "schema_version": 1,
            "state": "recording",
            "elapsed_s": 42.0,
            "total_s": 120.0,
            "progress_pct": 35,
            "heart_rate_bpm": 57,
            "beats": 40,
            "artifacts": 0,
            "reason": None,
            "updated_at": "2026-11-22T06:40:05+00:00",
        },
    )
    await wait_for(hass, lambda: state_of(hass, "sensor.alice_measurement") == "recording")
    assert state_of(hass, "sensor.alice_measurement_progress") == "35"
    await collector.publish(
        "alice/measurement",
        {
            "schema_version": 1,
            "state": "failed",
            "elapsed_s": 0.0,
            "total_s": 120.0,
            "progress_pct": 0,
            "heart_rate_bpm": None,
            "beats": 0,
            "artifacts": 0,
            "reason": "strap not found",
            "updated_at": "2026-11-22T06:41:05+00:00",
        },
    )
    await wait_for(hass, lambda: state_of(hass, "sensor.alice_measurement") == "failed")
    assert hass.states.get("sensor.alice_measurement").attributes["reason"] == "strap not found"
    assert state_of(hass, "sensor.alice_measurement_progress") == "0"


async def test_measurement_of_unknown_user_is_ignored(
    hass: HomeAssistant, setup_entry: MockConfigEntry, collector: FakeCollector
) -> None:
    await collector.publish("zoe/measurement", {"schema_version": 1, "state": "recording"})
    await collector.publish("alice/measurement", {"schema_version": 1, "state": "idle"})
    await wait_for(hass, lambda: state_of(hass, "sensor.alice_measurement") == "idle")
    assert hass.states.get("sensor.zoe_measurement") is None


async def test_availability_follows_the_last_will(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    collector: FakeCollector,
    broker: MosquittoBroker,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="custom_components.hrv_readiness")
    process = CollectorProcess(broker)  # the collector's session, in its own process
    await hass.async_block_till_done()
    last_seen = state_of(hass, LAST_SEEN)
    assert last_seen not in {None, STATE_UNKNOWN, STATE_UNAVAILABLE}
    process.kill()  # no DISCONNECT: the broker publishes the Last Will "offline"
    await wait_for(hass, lambda: state_of(hass, CONNECTIVITY) == "off")
    # The collector is down; the person's morning is still the morning's.
    assert state_of(hass, "button.alice_start_measurement") == STATE_UNAVAILABLE
    assert state_of(hass, "sensor.alice_readiness_score") == "72"
    assert state_of(hass, "sensor.alice_readiness_status") == "ready"
    assert state_of(hass, "binary_sensor.alice_recovery_low") == "off"
    assert state_of(hass, LAST_SEEN) == last_seen

    async with FakeCollector(broker) as restarted:
        await restarted.publish("status", "offline")  # repeated: still logged only once
        await restarted.online()
        await wait_for(hass, lambda: state_of(hass, CONNECTIVITY) == "on")
        assert state_of(hass, "button.alice_start_measurement") == STATE_UNKNOWN
        assert state_of(hass, LAST_SEEN) >= last_seen
        await restarted.online()
        await hass.async_block_till_done()

    offline = [
        r
        for r in caplog.records
        if r.getMessage() == "HRV Readiness collector pi_kitchen is offline"
    ]
    back = [
        r
        for r in caplog.records
        if r.getMessage() == "HRV Readiness collector pi_kitchen is back online"
    ]
    assert len(offline) == 1
    assert len(back) == 1
    assert offline[0].levelno == back[0].levelno == logging.INFO


async def test_example_dashboard_uses_real_entities(
    hass: HomeAssistant, setup_entry: MockConfigEntry
) -> None:
    """docs/dashboard.yaml parses and names entities and statistics that exist.

    (tests/e2e loads it into a real Home Assistant and looks at it in a browser.)
    """
    text = (ROOT / "docs" / "dashboard.yaml").read_text(encoding="utf-8")
    dashboard = yaml.safe_load(text)
    assert dashboard["views"][0]["type"] == "sections"
    referenced = set(re.findall(r"\b(?:sensor|binary_sensor|button)\.alice_[a-z0-9_]+", text))
    assert len(referenced) >= 10
    missing = sorted(entity_id for entity_id in referenced if hass.states.get(entity_id) is None)
    assert missing == []
    # The demo collector's statistics, named as the integration names them.
    statistics = set(re.findall(r"hrv_readiness:demo_alice_[a-z0-9_]+", text))
    known = {statistic_id("demo", "alice", d.key) for d in STATISTICS}
    assert statistics
    assert statistics <= known
    # The gauge's bands are the status bands (ready from 60, caution from 30).
    cards = [c for section in dashboard["views"][0]["sections"] for c in section["cards"]]
    [gauge] = [c for c in cards if c["type"] == "gauge"]
    assert gauge["severity"] == {"green": 60, "yellow": 30, "red": 0}


async def test_broker_loss_turns_connectivity_off_and_keeps_values(
    hass: HomeAssistant,
    mqtt_entry: MockConfigEntry,
    broker: MosquittoBroker,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Without the broker the collector is unreachable, whatever its last status said."""
    caplog.set_level(logging.INFO, logger="custom_components.hrv_readiness")
    entry = hrv_entry()
    entry.add_to_hass(hass)
    before = FakeCollector(broker)
    await before.__aenter__()
    await before.online()
    await before.announce()
    await before.state()
    assert await hass.config_entries.async_setup(entry.entry_id)
    await wait_for(hass, lambda: state_of(hass, "sensor.alice_readiness_score") == "72")
    await wait_for(hass, lambda: state_of(hass, CONNECTIVITY) == "on")
    await before.close_quietly()
    # A repeated "connected" changes nothing.
    entry.runtime_data._on_broker_connection(connected=True)
    assert "MQTT broker is back" not in caplog.text

    broker.stop()
    await wait_for(hass, lambda: state_of(hass, CONNECTIVITY) == "off")
    assert state_of(hass, "sensor.alice_readiness_score") == "72"
    assert "pi_kitchen is unavailable: lost the MQTT broker" in caplog.text

    broker.start()  # empty: this broker keeps no retained messages across restarts
    async with FakeCollector(broker) as after:
        await after.online()
        await after.announce()
        await after.state(state_payload(score=64))
        await wait_for(hass, lambda: state_of(hass, "sensor.alice_readiness_score") == "64")
    assert "pi_kitchen: MQTT broker is back" in caplog.text
