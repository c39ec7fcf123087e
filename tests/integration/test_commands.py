"""The button and the actions publish the collector's commands (docs/mqtt.md, "Commands")."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from homeassistant.config_entries import ConfigEntryState
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
from hrv_helpers import ANNOUNCE, COLLECTOR_ID, PREFIX, FakeCollector, find_device, wait_for
from voluptuous import MultipleInvalid

from custom_components.hrv_readiness.const import DOMAIN

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

pytestmark = pytest.mark.broker

REQUEST_ID = re.compile(r"^[0-9a-f]{32}$")


def alice_device_id(hass: HomeAssistant) -> str:
    device = find_device(hass, f"{COLLECTOR_ID}_alice")
    assert device is not None
    return device.id


async def received(hass: HomeAssistant, collector: FakeCollector) -> tuple[str, dict[str, Any]]:
    """The one command the collector received, with its request id checked and removed."""
    await wait_for(hass, lambda: collector.commands)
    ((topic, payload),) = collector.commands
    assert REQUEST_ID.match(payload.pop("request_id"))
    return topic, payload


@pytest.mark.parametrize(
    ("button", "command"),
    [
        ("button.alice_start_measurement", "measure"),
        ("button.alice_recompute_readiness", "recompute"),
    ],
)
async def test_buttons_send_commands(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    collector: FakeCollector,
    button: str,
    command: str,
) -> None:
    await hass.services.async_call("button", "press", {"entity_id": button}, blocking=True)
    assert await received(hass, collector) == (f"{PREFIX}/alice/command/{command}", {})


@pytest.mark.parametrize(
    ("service", "data", "topic", "payload"),
    [
        (
            "log_wellness",
            {"soreness": 7, "energy": 3, "sleep_quality": 4, "stress": 6},
            "wellness",
            {"soreness": 7, "energy": 3, "sleep_quality": 4, "stress": 6},
        ),
        (
            "log_wellness",
            {
                "soreness": "2",
                "energy": 8,
                "sleep_quality": 9,
                "stress": 1,
                "heavy_legs": True,
                "date": "2026-11-21",
            },
            "wellness",
            {
                "soreness": 2,
                "energy": 8,
                "sleep_quality": 9,
                "stress": 1,
                "heavy_legs": True,
                "date": "2026-11-21",
            },
        ),
        (
            "log_wellness",
            {"soreness": 2, "energy": 3, "sleep_quality": 5, "stress": 4, "ill": "clear"},
            "wellness",
            {"soreness": 2, "energy": 3, "sleep_quality": 5, "stress": 4, "ill": "clear"},
        ),
        (
            "log_training",
            {"session_type": "heavy_compound", "effort": 9, "duration_min": 75},
            "training",
            {"session_type": "heavy_compound", "effort": 9, "duration_min": 75},
        ),
        (
            "log_training",
            {"session_type": "rest", "effort": 0, "duration_min": 0, "date": "2026-11-20"},
            "training",
            {"session_type": "rest", "effort": 0, "duration_min": 0, "date": "2026-11-20"},
        ),
        (
            "delete_entry",
            {"date": "2026-11-20", "entry": "questionnaire"},
            "delete",
            {"date": "2026-11-20", "entry": "questionnaire"},
        ),
        ("undo", {}, "undo", {}),
        ("remove_person", {}, "remove", {}),
    ],
)
async def test_actions_send_commands(
    hass: HomeAssistant,
    *,
    setup_entry: MockConfigEntry,
    collector: FakeCollector,
    service: str,
    data: dict[str, Any],
    topic: str,
    payload: dict[str, Any],
) -> None:
    await hass.services.async_call(
        DOMAIN, service, {"device_id": alice_device_id(hass), **data}, blocking=True
    )
    assert await received(hass, collector) == (f"{PREFIX}/alice/command/{topic}", payload)


@pytest.mark.parametrize(
    ("service", "data"),
    [
        ("log_wellness", {"soreness": 11, "energy": 3, "sleep_quality": 4, "stress": 6}),
        ("log_wellness", {"soreness": -1, "energy": 3, "sleep_quality": 4, "stress": 6}),
        ("log_wellness", {"energy": 3, "sleep_quality": 4, "stress": 6}),
        (
            "log_wellness",
            {"soreness": 1, "energy": 3, "sleep_quality": 4, "stress": 6, "ill": "very"},
        ),
        (
            "log_wellness",
            {"soreness": 1, "energy": 3, "sleep_quality": 4, "stress": 6, "date": "tomorrow"},
        ),
        ("log_training", {"session_type": "yoga", "effort": 3, "duration_min": 30}),
        ("log_training", {"session_type": "endurance", "effort": 3, "duration_min": 601}),
        ("delete_entry", {"entry": "reading"}),
        ("delete_entry", {"date": "2026-11-20", "entry": "person"}),
    ],
)
async def test_invalid_action_data_is_refused(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    collector: FakeCollector,
    service: str,
    data: dict[str, Any],
) -> None:
    with pytest.raises(MultipleInvalid):
        await hass.services.async_call(
            DOMAIN, service, {"device_id": alice_device_id(hass), **data}, blocking=True
        )
    await hass.async_block_till_done()
    assert collector.commands == []


WELLNESS = {"soreness": 1, "energy": 5, "sleep_quality": 5, "stress": 2}


async def test_rename_person_goes_to_another_announced_user_only(
    hass: HomeAssistant, setup_entry: MockConfigEntry, collector: FakeCollector
) -> None:
    """The rename reaches the collector only for a user it announces; a name it does not
    serve, the same name or an id that cannot be one is refused here, nothing sent."""
    await collector.announce(
        {**ANNOUNCE, "users": [*ANNOUNCE["users"], {"id": "bob", "name": "Bob"}]}
    )
    await wait_for(hass, lambda: find_device(hass, f"{COLLECTOR_ID}_bob") is not None)
    device_id = alice_device_id(hass)
    for to in ("carol", "alice"):
        with pytest.raises(ServiceValidationError) as err:
            await hass.services.async_call(
                DOMAIN, "rename_person", {"device_id": device_id, "to": to}, blocking=True
            )
        assert err.value.translation_key == "unknown_person"
        assert err.value.translation_placeholders == {"to": to, "others": "bob"}
    with pytest.raises(MultipleInvalid):
        await hass.services.async_call(
            DOMAIN, "rename_person", {"device_id": device_id, "to": "Bob/x"}, blocking=True
        )
    await hass.async_block_till_done()
    assert collector.commands == []
    await hass.services.async_call(
        DOMAIN, "rename_person", {"device_id": device_id, "to": "bob"}, blocking=True
    )
    assert await received(hass, collector) == (f"{PREFIX}/alice/command/rename", {"to": "bob"})


async def test_unknown_device_is_a_validation_error(
    hass: HomeAssistant, setup_entry: MockConfigEntry
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "log_wellness", {"device_id": "nope", **WELLNESS}, blocking=True
        )
    assert err.value.translation_key == "unknown_device"


async def test_foreign_device_is_a_validation_error(
    hass: HomeAssistant, setup_entry: MockConfigEntry
) -> None:
    other = MockConfigEntryForOtherDomain()
    other.add_to_hass(hass)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=other.entry_id, identifiers={("other", "lamp")}
    )
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "log_wellness", {"device_id": device.id, **WELLNESS}, blocking=True
        )
    assert err.value.translation_key == "unknown_device"


def MockConfigEntryForOtherDomain() -> MockConfigEntry:  # noqa: N802 - reads like a class
    from pytest_homeassistant_custom_component.common import MockConfigEntry  # noqa: PLC0415

    return MockConfigEntry(domain="other")


async def test_unloaded_entry_is_a_validation_error(
    hass: HomeAssistant, setup_entry: MockConfigEntry
) -> None:
    device_id = alice_device_id(hass)
    assert await hass.config_entries.async_unload(setup_entry.entry_id)
    assert setup_entry.state is ConfigEntryState.NOT_LOADED
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "log_wellness", {"device_id": device_id, **WELLNESS}, blocking=True
        )
    assert err.value.translation_key == "entry_not_loaded"


async def test_command_while_collector_offline_raises(
    hass: HomeAssistant, setup_entry: MockConfigEntry, collector: FakeCollector
) -> None:
    await collector.publish("status", "offline")
    await wait_for(hass, lambda: setup_entry.runtime_data.online is False)
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            DOMAIN, "log_wellness", {"device_id": alice_device_id(hass), **WELLNESS}, blocking=True
        )
    assert err.value.translation_key == "collector_offline"
    assert str(err.value) == (
        "Collector pi_kitchen is not reachable (offline, or the MQTT broker is down); "
        "the command was not sent"
    )
    await hass.async_block_till_done()
    assert collector.commands == []


async def test_action_descriptions_load(hass: HomeAssistant, setup_entry: MockConfigEntry) -> None:
    """services.yaml is what the UI shows: it loads, with the selectors and names."""
    from homeassistant.helpers.service import async_get_all_descriptions  # noqa: PLC0415
    from homeassistant.helpers.translation import async_get_translations  # noqa: PLC0415

    descriptions = (await async_get_all_descriptions(hass))[DOMAIN]
    assert set(descriptions) == {
        "log_wellness",
        "log_training",
        "recompute",
        "delete_entry",
        "undo",
        "rename_person",
        "remove_person",
    }
    assert descriptions["delete_entry"]["fields"]["entry"]["selector"]["select"]["options"] == [
        "reading",
        "questionnaire",
        "training",
        "all",
    ]
    wellness = descriptions["log_wellness"]
    # The UI's names come from the translations (descriptions carry them only before
    # Home Assistant 2025.11).
    translations = await async_get_translations(hass, "en", "services", [DOMAIN])
    assert translations[f"component.{DOMAIN}.services.log_wellness.name"] == "Log wellness"
    assert translations[f"component.{DOMAIN}.services.delete_entry.name"] == "Delete an entry"
    # Home Assistant 2026 fills in the selector's defaults ("multiple": False).
    assert wellness["fields"]["device_id"]["selector"]["device"]["integration"] == DOMAIN
    assert wellness["fields"]["soreness"]["selector"]["number"]["max"] == 10
    training = descriptions["log_training"]
    assert (
        training["fields"]["session_type"]["selector"]["select"]["options"][0] == "heavy_compound"
    )
