"""The "stand up now" blueprint of the orthostatic test.

The automation is built from the blueprint file the integration installs; the cue is
the integration's own ``hrv_readiness_event`` of type ``stand_up`` for the person's
device; the speaker, the text-to-speech entity and the notify action are recorded
services (the hardware we cannot have here).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import async_mock_service

from custom_components.hrv_readiness.const import (
    DOMAIN,
    EVENT_READING,
    STAND_UP_FILE,
    TRIGGER_STAND_UP,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant, ServiceCall

pytestmark = pytest.mark.broker

SHIPPED = Path(__file__).resolve().parents[2] / "custom_components/hrv_readiness/blueprints"
STATUS = "sensor.alice_readiness_status"


async def stand_up_automation(
    hass: HomeAssistant, **inputs: Any
) -> tuple[list[ServiceCall], list[ServiceCall]]:
    """The blueprint for Alice with ``inputs``; returns the recorded tts and notify calls."""
    spoken = async_mock_service(hass, "tts", "speak")
    notified = async_mock_service(hass, "notify", "alices_phone")
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": [
                {
                    "id": "stand_up",
                    "alias": "Stand up",
                    "use_blueprint": {
                        "path": f"{DOMAIN}/{STAND_UP_FILE}",
                        "input": {"readiness_status": STATUS, **inputs},
                    },
                }
            ]
        },
    )
    await hass.async_block_till_done()
    return spoken, notified


def device_of(hass: HomeAssistant, entity_id: str) -> str:
    entry = er.async_get(hass).async_get(entity_id)
    assert entry is not None
    assert entry.device_id is not None
    return entry.device_id


def cue(hass: HomeAssistant, device_id: str) -> None:
    hass.bus.async_fire(
        EVENT_READING, {"type": TRIGGER_STAND_UP, "device_id": device_id, "user": "alice"}
    )


@pytest.mark.usefixtures("setup_entry")
async def test_the_blueprint_is_installed(hass: HomeAssistant, config_dir: Path) -> None:
    installed = config_dir / "blueprints" / "automation" / DOMAIN / STAND_UP_FILE
    shipped = SHIPPED / "automation" / STAND_UP_FILE
    assert installed.read_text(encoding="utf-8") == shipped.read_text(encoding="utf-8")
    await stand_up_automation(hass)
    state = hass.states.get("automation.stand_up")
    assert state is not None
    assert state.state == "on"


@pytest.mark.usefixtures("setup_entry")
async def test_the_cue_is_spoken_and_sent(hass: HomeAssistant) -> None:
    spoken, notified = await stand_up_automation(
        hass,
        media_players=["media_player.bedroom"],
        tts_entity="tts.piper",
        notify_action="notify.alices_phone",
    )
    cue(hass, device_of(hass, STATUS))
    await hass.async_block_till_done()
    assert len(spoken) == 1
    assert spoken[0].data["entity_id"] == ["tts.piper"]
    assert spoken[0].data["media_player_entity_id"] == ["media_player.bedroom"]
    assert spoken[0].data["message"] == "Stand up now"
    assert [call.data for call in notified] == [{"message": "Stand up now"}]


@pytest.mark.usefixtures("setup_entry")
async def test_only_the_chosen_outputs_and_person(hass: HomeAssistant) -> None:
    spoken, notified = await stand_up_automation(
        hass, notify_action="notify.alices_phone", message="Alice, stand up"
    )
    # Another device's cue (another person's test) is not Alice's.
    cue(hass, "some_other_device")
    await hass.async_block_till_done()
    assert notified == []
    cue(hass, device_of(hass, STATUS))
    await hass.async_block_till_done()
    # No speakers chosen: nothing is spoken; the phone gets the chosen words.
    assert spoken == []
    assert [call.data for call in notified] == [{"message": "Alice, stand up"}]


@pytest.mark.usefixtures("setup_entry")
async def test_a_reading_event_is_not_a_cue(hass: HomeAssistant) -> None:
    _, notified = await stand_up_automation(hass, notify_action="notify.alices_phone")
    hass.bus.async_fire(
        EVENT_READING, {"type": "new_reading", "device_id": device_of(hass, STATUS)}
    )
    await hass.async_block_till_done()
    assert notified == []
