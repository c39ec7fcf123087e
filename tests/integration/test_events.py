"""Bus events on new readings, device triggers, and collector events passed through."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import pytest
from homeassistant.components import automation
from homeassistant.components.device_automation import DeviceAutomationType
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from hrv_helpers import COLLECTOR_ID, FakeCollector, find_device, state_payload, wait_for
from pytest_homeassistant_custom_component.common import (
    async_capture_events,
    async_get_device_automations,
    async_mock_service,
)

from custom_components.hrv_readiness.const import DOMAIN, EVENT_COLLECTOR, EVENT_READING

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant, ServiceCall
    from pytest_homeassistant_custom_component.common import MockConfigEntry

pytestmark = pytest.mark.broker


def alice(hass: HomeAssistant) -> dr.DeviceEntry:
    device = find_device(hass, f"{COLLECTOR_ID}_alice")
    assert device is not None
    return device


async def test_retained_state_fires_nothing(
    hass: HomeAssistant, collector: FakeCollector, setup_entry: MockConfigEntry
) -> None:
    """The state replayed on subscribe (e.g. at HA start) is not a new reading."""
    events = async_capture_events(hass, EVENT_READING)
    assert await hass.config_entries.async_reload(setup_entry.entry_id)
    await wait_for(hass, lambda: hass.states.get("sensor.alice_readiness_score").state == "72")
    assert events == []
    assert hass.states.get("event.alice_reading").state == "unknown"


async def test_new_reading_events(
    hass: HomeAssistant, setup_entry: MockConfigEntry, collector: FakeCollector
) -> None:
    events = async_capture_events(hass, EVENT_READING)
    low = state_payload(
        score=31,
        status="rest",
        fatigue_type="nervous_system",
        measured_at="2026-11-23T06:40:00+00:00",
    )
    await collector.state(low)
    await wait_for(hass, lambda: len(events) == 3)
    by_type = {event.data["type"]: event.data for event in events}
    common = {
        "device_id": alice(hass).id,
        "collector_id": COLLECTOR_ID,
        "user": "alice",
        "score": 31,
        "status": "rest",
        "fatigue_type": "nervous_system",
        "illness": None,
        "measured_at": "2026-11-23T06:40:00+00:00",
    }
    assert by_type["new_reading"] == {**common, "type": "new_reading"}
    assert by_type["readiness_low"] == {**common, "type": "readiness_low"}
    assert by_type["fatigue_type_changed"] == {
        **common,
        "type": "fatigue_type_changed",
        "previous_fatigue_type": "recovered",
    }
    # The event entity saw the same three, the last one is its state.
    entity = hass.states.get("event.alice_reading")
    assert entity.attributes["event_type"] == "fatigue_type_changed"
    assert entity.attributes["score"] == 31
    assert entity.attributes["previous_fatigue_type"] == "recovered"
    assert "device_id" not in entity.attributes

    # The same reading republished (reconnect, recompute) is not new; same fatigue type.
    await collector.state(low, retain=False)
    await collector.state(state_payload(score=80, measured_at="2026-11-24T06:40:00+00:00"))
    await wait_for(hass, lambda: len(events) == 5)
    assert [e.data["type"] for e in events[3:]] == ["new_reading", "fatigue_type_changed"]


async def test_possible_illness_event(
    hass: HomeAssistant, setup_entry: MockConfigEntry, collector: FakeCollector
) -> None:
    """A new reading whose verdict flags illness fires ``possible_illness`` (rule 13)."""
    events = async_capture_events(hass, EVENT_READING)
    await collector.state(
        state_payload(
            score=25,
            status="rest",
            breathing_rate_per_min=18.4,
            illness="possible",
            measured_at="2026-11-23T06:40:00+00:00",
        )
    )
    await wait_for(hass, lambda: len(events) == 3)
    by_type = {event.data["type"]: event.data for event in events}
    assert set(by_type) == {"new_reading", "readiness_low", "possible_illness"}
    assert by_type["possible_illness"]["illness"] == "possible"
    assert by_type["possible_illness"]["status"] == "rest"
    await wait_for(
        hass, lambda: hass.states.get("binary_sensor.alice_possible_illness").state == "on"
    )
    sensor = hass.states.get("binary_sensor.alice_possible_illness")
    assert sensor.attributes["illness"] == "possible"
    assert hass.states.get("sensor.alice_breathing_rate").state == "18.4"
    # A later morning without it: the sensor goes off, no illness event.
    await collector.state(state_payload(score=80, measured_at="2026-11-24T06:40:00+00:00"))
    await wait_for(hass, lambda: len(events) >= 4)
    await hass.async_block_till_done()
    assert "possible_illness" not in [e.data["type"] for e in events[3:]]
    assert hass.states.get("binary_sensor.alice_possible_illness").state == "off"


async def test_old_readings_fire_nothing(
    hass: HomeAssistant, setup_entry: MockConfigEntry, collector: FakeCollector
) -> None:
    """Re-running the demo or importing history replays mornings weeks old, live, in
    order: none of them is news. Only a reading newer than the newest seen is."""
    events = async_capture_events(hass, EVENT_READING)
    await collector.state(
        state_payload(score=80, measured_at="2026-11-24T06:40:00+00:00"), retain=False
    )
    await wait_for(hass, lambda: len(events) == 1)
    for day, (status, fatigue) in enumerate(
        [("rest", "nervous_system"), ("caution", "muscular"), ("rest", "combined")], start=1
    ):
        await collector.state(
            state_payload(
                score=30,
                status=status,
                fatigue_type=fatigue,
                measured_at=f"2026-11-0{day}T06:40:00+00:00",
            ),
            retain=False,
        )
    await collector.state(
        state_payload(score=82, measured_at="2026-11-25T06:40:00+00:00"), retain=False
    )
    await wait_for(hass, lambda: len(events) >= 2)
    await hass.async_block_till_done()
    assert [(e.data["type"], e.data["measured_at"]) for e in events] == [
        ("new_reading", "2026-11-24T06:40:00+00:00"),
        ("new_reading", "2026-11-25T06:40:00+00:00"),
    ]


async def test_device_triggers_listed(hass: HomeAssistant, setup_entry: MockConfigEntry) -> None:
    triggers = await async_get_device_automations(
        hass, DeviceAutomationType.TRIGGER, alice(hass).id
    )
    ours = sorted(t["type"] for t in triggers if t["domain"] == DOMAIN)
    assert ours == [
        "fatigue_type_changed",
        "new_reading",
        "possible_illness",
        "readiness_low",
        "stand_up",
    ]


async def test_no_triggers_for_foreign_device(
    hass: HomeAssistant, setup_entry: MockConfigEntry
) -> None:
    from custom_components.hrv_readiness.device_trigger import async_get_triggers  # noqa: PLC0415

    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=setup_entry.entry_id, identifiers={("other", "x")}
    )
    assert await async_get_triggers(hass, device.id) == []
    assert await async_get_triggers(hass, "missing") == []


@pytest.mark.parametrize(
    ("trigger_type", "payload", "fires"),
    [
        (
            "readiness_low",
            state_payload(score=30, status="rest", measured_at="2026-11-23T06:40:00+00:00"),
            True,
        ),
        (
            "readiness_low",
            state_payload(score=85, status="ready", measured_at="2026-11-23T06:40:00+00:00"),
            False,
        ),
        ("new_reading", state_payload(score=85, measured_at="2026-11-23T06:40:00+00:00"), True),
        ("fatigue_type_changed", state_payload(fatigue_type="muscular"), True),
        ("fatigue_type_changed", state_payload(score=60), False),
    ],
)
async def test_device_trigger_automation(
    hass: HomeAssistant,
    *,
    setup_entry: MockConfigEntry,
    collector: FakeCollector,
    trigger_type: str,
    payload: dict[str, Any],
    fires: bool,
) -> None:
    calls: list[ServiceCall] = async_mock_service(hass, "test", "automation")
    assert await async_setup_component(
        hass,
        automation.DOMAIN,
        {
            automation.DOMAIN: {
                "triggers": {
                    "platform": "device",
                    "domain": DOMAIN,
                    "device_id": alice(hass).id,
                    "type": trigger_type,
                },
                "actions": {
                    "action": "test.automation",
                    "data": {"what": "{{ trigger.event.data.type }}"},
                },
            }
        },
    )
    await collector.state(payload, retain=False)
    expected_score = str(payload["readiness"]["score"])
    await wait_for(
        hass, lambda: hass.states.get("sensor.alice_readiness_score").state == expected_score
    )
    await wait_for(
        hass,
        lambda: (
            hass.states.get("sensor.alice_fatigue_type").state
            == payload["readiness"]["fatigue_type"]
        ),
    )
    assert [call.data["what"] for call in calls] == ([trigger_type] if fires else [])


async def test_collector_events_are_passed_on(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    collector: FakeCollector,
    caplog: pytest.LogCaptureFixture,
) -> None:
    events = async_capture_events(hass, EVENT_COLLECTOR)
    await collector.publish(
        "alice/event",
        {
            "schema_version": 1,
            "type": "command_rejected",
            "user": "alice",
            "at": "2026-11-22T06:43:10+00:00",
            "request_id": "abc",
            "detail": {"code": "out_of_range", "reason": "soreness must be 0-10"},
        },
        retain=False,
    )
    await collector.publish(
        "alice/event",
        {
            "schema_version": 1,
            "type": "measurement_started",
            "user": "alice",
            "at": "2026-11-22T06:43:10+00:00",
        },
        retain=False,
    )
    await wait_for(hass, lambda: len(events) == 2)
    assert events[0].data == {
        "device_id": alice(hass).id,
        "collector_id": COLLECTOR_ID,
        "user": "alice",
        "type": "command_rejected",
        "request_id": "abc",
        "detail": {"code": "out_of_range", "reason": "soreness must be 0-10"},
    }
    assert events[1].data["type"] == "measurement_started"
    assert events[1].data["detail"] == {}
    assert any(
        r.levelno == logging.WARNING
        and "rejected a command for alice: soreness must be 0-10" in r.getMessage()
        for r in caplog.records
    )


async def test_collector_level_event_for_unknown_user(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    collector: FakeCollector,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A command for a user the collector does not serve is answered on <collector>/event."""
    events = async_capture_events(hass, EVENT_COLLECTOR)
    await collector.publish(
        "event",
        {
            "schema_version": 1,
            "type": "command_rejected",
            "user": "zoe",
            "at": "2026-11-22T06:50:02+00:00",
            "request_id": "ha-1234",
            "detail": {"code": "unknown_user", "reason": "no user zoe", "command": "measure"},
        },
        retain=False,
    )
    await wait_for(hass, lambda: events)
    assert events[0].data["user"] == "zoe"
    assert events[0].data["device_id"] is None
    assert events[0].data["detail"]["code"] == "unknown_user"
    assert "rejected a command for zoe: no user zoe" in caplog.text
