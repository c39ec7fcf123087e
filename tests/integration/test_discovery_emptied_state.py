"""The collector's own MQTT-discovery entities show *unknown* for an emptied state.

Without the integration, a collector with ``mqtt.discovery: true`` announces one
device per user whose entities read the ``state`` topic through value templates
(``hrv_readiness.mqtt.discovery``). When a person is left without readings the
collector clears the retained state (an empty payload, contract v1.7): Home
Assistant's real MQTT discovery must then show every readiness and reading entity as
*unknown* at once, not the deleted morning until the entities expire, and render the
templates without an error.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

import pytest
from homeassistant.components import mqtt
from homeassistant.helpers import entity_registry as er
from hrv_helpers import COLLECTOR_ID, state_of, state_payload, wait_for

from hrv_readiness.mqtt import AnnouncedUser, MqttSettings, Publisher, Topics
from hrv_readiness.mqtt.messages import OutgoingMessage
from hrv_readiness.mqtt.state import cleared_state_message

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry
    from support.mosquitto import MosquittoBroker

pytestmark = pytest.mark.broker

TOPICS = Topics("hrv_readiness", COLLECTOR_ID)
#: The discovered entities that read the ``state`` topic (the measurement's and the
#: buttons read or write other topics).
STATE_KEYS = (
    "readiness_score", "readiness_status", "fatigue_type", "advice", "rmssd", "ln_rmssd",
    "sdnn", "pnn50", "resting_hr", "breathing_rate", "possible_illness", "artifacts",
    "quality", "readings_needed", "measured_at",
)  # fmt: skip


def _entity_ids(hass: HomeAssistant) -> dict[str, str]:
    """The discovered entity of each key in STATE_KEYS (by its unique id)."""
    prefix = f"hrv_readiness_{COLLECTOR_ID}_alice_"
    found = {
        entry.unique_id.removeprefix(prefix): entry.entity_id
        for entry in er.async_get(hass).entities.values()
        if entry.platform == "mqtt" and entry.unique_id.startswith(prefix)
    }
    return {key: found[key] for key in STATE_KEYS if key in found}


async def test_an_emptied_state_turns_the_discovered_entities_unknown(
    hass: HomeAssistant,
    mqtt_entry: MockConfigEntry,
    broker: MosquittoBroker,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The MQTT platforms the device's components use, loaded in one call before the
    # config arrives: HA 2025.4 loads them one task per platform under one lock and
    # then reports its own forward as not awaited (a deprecation warning about "mqtt").
    await mqtt.async_forward_entry_setup_and_setup_discovery(
        hass, mqtt_entry, {"sensor", "binary_sensor", "button"}
    )
    publisher = Publisher(
        MqttSettings(host=broker.host, port=broker.port, discovery=True, reconnect_min_s=0.1),
        collector_id=COLLECTOR_ID,
        users=[AnnouncedUser(id="alice", name="Alice")],
    )
    async with publisher:
        await publisher.wait_connected(15.0)
        await wait_for(hass, lambda: len(_entity_ids(hass)) == len(STATE_KEYS))
        entities = _entity_ids(hass)
        state = json.dumps(state_payload()).encode()
        await publisher.publish(OutgoingMessage(TOPICS.state("alice"), state, retain=True))
        await wait_for(hass, lambda: state_of(hass, entities["readiness_score"]) == "72")
        shown = {key: state_of(hass, entity) for key, entity in entities.items()}
        assert "unknown" not in shown.values(), shown
        assert hass.states.get(entities["advice"]).attributes["reasons"]  # type: ignore[union-attr]

        caplog.clear()
        await publisher.publish(cleared_state_message(TOPICS, "alice"))
        await wait_for(
            hass,
            lambda: all(state_of(hass, entity) == "unknown" for entity in entities.values()),
        )
        assert hass.states.get(entities["advice"]).attributes["reasons"] == []  # type: ignore[union-attr]
    complaints = [
        record.getMessage()
        for record in caplog.records
        if record.levelno >= logging.WARNING and "value_json" in record.getMessage()
    ]
    assert not complaints, complaints
