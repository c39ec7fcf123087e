"""Issue 7, acceptance 2: the collector's real pipeline and publisher, a real Mosquitto.

Six weeks of Alice's simulated mornings go through the collector's own code (HRV
engine, readiness model, SQLite store with its outbox, ``hrv_readiness.mqtt.Publisher``);
Home Assistant discovers the collector from its announce and shows what the
collector decided. Nothing here is a payload typed by hand. Commands go the other
way and come out of the publisher's own command parser.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

import pytest
from homeassistant.config_entries import SOURCE_MQTT
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from hrv_helpers import CONNECTIVITY, find_device, hrv_entry, state_of, wait_for
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.hrv_readiness.const import DOMAIN, EVENT_READING
from hrv_readiness.hrv import analyze
from hrv_readiness.mqtt import AnnouncedUser, MeasureCommand, MqttSettings, Publisher, Topics
from hrv_readiness.mqtt.commands import WellnessCommand
from hrv_readiness.mqtt.state import state_outbox, state_payload
from hrv_readiness.pipeline import ProcessedReading, RecordingInput, process_recording
from hrv_readiness.readiness import ReadinessSettings
from hrv_readiness.simulation import synthesize_rr_ms
from hrv_readiness.simulation.household import ALICE, simulate_person
from hrv_readiness.store import Store

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator
    from pathlib import Path

    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry
    from support.mosquitto import MosquittoBroker

    from hrv_readiness.mqtt import Command
    from hrv_readiness.mqtt.payloads import StatePayload

pytestmark = pytest.mark.broker

COLLECTOR = "pi_kitchen"
TOPICS = Topics("hrv_readiness", COLLECTOR)
LAST_DAY = date(2026, 11, 21)


def published_state(processed: ProcessedReading) -> StatePayload:
    """The state payload the collector queued with a reading."""
    return state_payload(
        collector_id=COLLECTOR,
        reading=processed.stored,
        readiness=processed.readiness,
        published_at=processed.stored.measured_at + timedelta(minutes=2),
    )


def record(store: Store, day: date, rr_ms: object) -> ProcessedReading:
    measured_at = datetime.combine(day, time(6, 30), tzinfo=UTC)
    return process_recording(
        store,
        RecordingInput(
            user="alice",
            rr_ms=rr_ms,  # type: ignore[arg-type]
            measured_at=measured_at,
            date=day,
            strap_name="Polar H10 ABCD1234",
            strap_address="A0:9E:1A:12:34:56",
            battery_pct=77,
        ),
        settings=ReadinessSettings(),
        outbox=state_outbox(TOPICS, published_at=measured_at + timedelta(minutes=2)),
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "history.sqlite") as opened:
        yield opened


@pytest.fixture
def history(store: Store) -> list[ProcessedReading]:
    """Alice's two months, analysed, assessed, stored and queued by the collector.

    Up to her last usable morning: the test compares every metric of the last state.
    """
    recordings = [
        (day.date, synthesize_rr_ms(day.scenario))
        for day in simulate_person(ALICE, last_day=LAST_DAY)
    ]
    while not analyze(recordings[-1][1]).usable:
        recordings.pop()
    return [record(store, day, rr_ms) for day, rr_ms in recordings]


@pytest.fixture
async def publisher(
    mqtt_entry: MockConfigEntry, broker: MosquittoBroker, store: Store
) -> AsyncIterator[Publisher]:
    running = Publisher(
        MqttSettings(host=broker.host, port=broker.port, reconnect_min_s=0.1),
        collector_id=COLLECTOR,
        users=[AnnouncedUser(id="alice", name="Alice")],
        outbox=store,
    )
    async with running:
        await running.wait_connected(15.0)
        yield running


async def next_command(publisher: Publisher) -> Command:
    async with asyncio.timeout(15.0):
        return await anext(aiter(publisher.commands()))


async def test_collector_to_entities_and_back(
    hass: HomeAssistant,
    store: Store,
    history: list[ProcessedReading],
    publisher: Publisher,
) -> None:
    # The collector's retained announce starts the config flow (manifest `mqtt` key).
    await wait_for(hass, lambda: hass.config_entries.flow.async_progress_by_handler(DOMAIN))
    (flow,) = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert flow["context"]["source"] == SOURCE_MQTT
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    entry = result["result"]
    assert entry.unique_id == COLLECTOR

    expected = published_state(history[-1])  # what the collector published last
    assert expected.readiness.score is not None
    await wait_for(
        hass,
        lambda: state_of(hass, "sensor.alice_readiness_score") == str(expected.readiness.score),
    )
    assert state_of(hass, "sensor.alice_readiness_status") == expected.readiness.status
    assert state_of(hass, "sensor.alice_fatigue_type") == expected.readiness.fatigue_type
    assert float(state_of(hass, "sensor.alice_lnrmssd")) == expected.reading.ln_rmssd
    assert float(state_of(hass, "sensor.alice_rmssd")) == expected.reading.rmssd_ms
    assert (
        float(state_of(hass, "sensor.alice_resting_heart_rate")) == expected.reading.resting_hr_bpm
    )
    baseline = expected.readiness.baseline
    assert float(state_of(hass, "sensor.alice_lnrmssd_7_day_baseline")) == baseline.ln_rmssd_7d_mean
    assert float(state_of(hass, "sensor.alice_lnrmssd_swc_band_low")) == baseline.ln_rmssd_swc_low
    assert float(state_of(hass, "sensor.alice_lnrmssd_7_day_cv")) == baseline.ln_rmssd_7d_cv_pct
    assert float(state_of(hass, "sensor.alice_artifacts")) == expected.reading.artifact_pct
    assert state_of(hass, "sensor.alice_last_reading") == expected.reading.measured_at.isoformat()
    reasons = hass.states.get("sensor.alice_readiness_status").attributes["reasons"]
    assert reasons == [reason.text for reason in expected.readiness.reasons]
    device = find_device(hass, f"{COLLECTOR}_alice")
    assert device is not None
    assert device.name == "Alice"

    # A new morning: stored, queued, published live -> new state and a reading event.
    events = async_capture_events(hass, EVENT_READING)
    new_day = LAST_DAY + timedelta(days=1)
    scenario = simulate_person(ALICE, last_day=new_day)[-1].scenario
    tomorrow = record(store, new_day, synthesize_rr_ms(scenario))
    publisher.notify_outbox()
    await wait_for(
        hass,
        lambda: (
            state_of(hass, "sensor.alice_last_reading")
            == published_state(tomorrow).reading.measured_at.isoformat()
        ),
    )
    await wait_for(hass, lambda: any(e.data["type"] == "new_reading" for e in events))

    # Commands from Home Assistant come out of the collector's own parser.
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.alice_start_measurement"}, blocking=True
    )
    command = await next_command(publisher)
    assert isinstance(command, MeasureCommand)
    assert command.user == "alice"
    await hass.services.async_call(
        DOMAIN,
        "log_wellness",
        {"device_id": device.id, "soreness": 7, "energy": 3, "sleep_quality": 4, "stress": 6},
        blocking=True,
    )
    command = await next_command(publisher)
    assert isinstance(command, WellnessCommand)
    assert (
        command.user,
        command.soreness,
        command.energy,
        command.sleep_quality,
        command.stress,
    ) == (
        "alice",
        7,
        3,
        4,
        6,
    )

    # The collector leaves: its connectivity turns off, the buttons (which need it) go
    # unavailable, and Alice's reading of the morning stays shown.
    score = state_of(hass, "sensor.alice_readiness_score")
    await publisher.stop()
    await wait_for(hass, lambda: state_of(hass, CONNECTIVITY) == "off")
    assert state_of(hass, "button.alice_start_measurement") == STATE_UNAVAILABLE
    assert score not in {None, "unknown", STATE_UNAVAILABLE}
    assert state_of(hass, "sensor.alice_readiness_score") == score
    assert state_of(hass, "sensor.alice_readiness_status") in {"ready", "caution", "rest"}


def mqtt_discovered(hass: HomeAssistant) -> list[er.RegistryEntry]:
    return [e for e in er.async_get(hass).entities.values() if e.platform == "mqtt"]


async def test_switching_collector_discovery_off_leaves_no_duplicates(
    hass: HomeAssistant, mqtt_entry: MockConfigEntry, broker: MosquittoBroker
) -> None:
    """Collector discovery on: HA's MQTT discovery duplicates our entities and a repair
    issue says so. Switched off (collector restarted): the duplicates go, ours stay."""

    def collector(*, discovery: bool) -> Publisher:
        return Publisher(
            MqttSettings(host=broker.host, port=broker.port, discovery=discovery),
            collector_id=COLLECTOR,
            users=[AnnouncedUser(id="alice", name="Alice")],
        )

    entry = hrv_entry()
    entry.add_to_hass(hass)
    async with collector(discovery=True) as with_discovery:
        await with_discovery.wait_connected(15.0)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await wait_for(hass, lambda: len(mqtt_discovered(hass)) > 0)
        await wait_for(
            hass,
            lambda: ir.async_get(hass).async_get_issue(DOMAIN, f"duplicate_discovery_{COLLECTOR}"),
        )
    ours = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    # 25, the breathing-rate sensor and the possible-illness binary sensor (v1.4), the
    # orthostatic HR-rise and standing-lnRMSSD sensors and its start button.
    assert len(ours) == 30

    async with collector(discovery=False) as without_discovery:
        await without_discovery.wait_connected(15.0)
        await wait_for(hass, lambda: mqtt_discovered(hass) == [])
        await wait_for(
            hass,
            lambda: (
                ir.async_get(hass).async_get_issue(DOMAIN, f"duplicate_discovery_{COLLECTOR}")
                is None
            ),
        )
        assert er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id) == ours
        await wait_for(hass, lambda: state_of(hass, "button.alice_start_measurement") == "unknown")
