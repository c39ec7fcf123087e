"""The logbook says which event happened, with the numbers of the morning."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from homeassistant.components.logbook.const import LOGBOOK_ENTRY_MESSAGE, LOGBOOK_ENTRY_NAME
from homeassistant.core import Event
from hrv_helpers import FakeCollector, state_payload, wait_for
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.hrv_readiness import logbook
from custom_components.hrv_readiness.const import DOMAIN, EVENT_COLLECTOR, EVENT_READING

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

pytestmark = pytest.mark.broker


def describers(hass: HomeAssistant) -> dict[str, Callable[[Event], dict[str, str]]]:
    found: dict[str, Callable[[Event], dict[str, str]]] = {}

    def register(domain: str, event_type: str, describe: Callable[[Event], dict[str, str]]) -> None:
        assert domain == DOMAIN
        found[event_type] = describe

    logbook.async_describe_events(hass, register)
    return found


async def test_each_reading_event_is_described(
    hass: HomeAssistant, setup_entry: MockConfigEntry, collector: FakeCollector
) -> None:
    events = async_capture_events(hass, EVENT_READING)
    await collector.state(
        state_payload(
            score=31,
            status="rest",
            fatigue_type="nervous_system",
            measured_at="2026-11-23T06:40:00+00:00",
        ),
        retain=False,
    )
    await wait_for(hass, lambda: len(events) == 3)
    describe = describers(hass)[EVENT_READING]
    lines = {e.data["type"]: describe(e) for e in events}
    assert lines["new_reading"] == {
        LOGBOOK_ENTRY_NAME: "Alice",
        LOGBOOK_ENTRY_MESSAGE: "New morning reading: 31, rest, nervous system",
    }
    assert (
        lines["readiness_low"][LOGBOOK_ENTRY_MESSAGE]
        == "Recovery is low today: 31, rest, nervous system"
    )
    assert (
        lines["fatigue_type_changed"][LOGBOOK_ENTRY_MESSAGE]
        == "Fatigue type changed from recovered to nervous system"
    )


async def test_collector_events_are_described(
    hass: HomeAssistant, setup_entry: MockConfigEntry, collector: FakeCollector
) -> None:
    events = async_capture_events(hass, EVENT_COLLECTOR)
    base = {"schema_version": 1, "user": "alice", "at": "2026-11-22T06:40:00+00:00"}
    await collector.publish(
        "alice/event",
        {**base, "type": "measurement_rejected", "detail": {"reason": "too many artifacts"}},
        retain=False,
    )
    await collector.publish("alice/event", {**base, "type": "measurement_started"}, retain=False)
    await collector.publish(
        "event",
        {**base, "user": "zoe", "type": "command_rejected", "detail": {"code": "unknown_user"}},
        retain=False,
    )
    await wait_for(hass, lambda: len(events) == 3)
    describe = describers(hass)[EVENT_COLLECTOR]
    assert [describe(e) for e in events] == [
        {
            LOGBOOK_ENTRY_NAME: "Alice",
            LOGBOOK_ENTRY_MESSAGE: "Measurement rejected: too many artifacts",
        },
        {LOGBOOK_ENTRY_NAME: "Alice", LOGBOOK_ENTRY_MESSAGE: "Measurement started"},
        {LOGBOOK_ENTRY_NAME: "zoe", LOGBOOK_ENTRY_MESSAGE: "Command rejected: unknown_user"},
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"type": "new_reading"}, "New morning reading"),
        ({"type": "readiness_low", "status": "caution"}, "Recovery is low today: caution"),
        ({"type": "readiness_low"}, "Recovery is low today"),
        (
            {"type": "possible_illness", "illness": "possible", "status": "rest"},
            "Possible illness (signs in the reading): rest",
        ),
        (
            {"type": "possible_illness", "illness": "reported", "score": 45, "status": "caution"},
            "Possible illness (feeling ill): 45, caution",
        ),
        ({"type": "something_new"}, "something new"),
    ],
)
def test_partial_reading_events(hass: HomeAssistant, data: dict[str, Any], message: str) -> None:
    line = describers(hass)[EVENT_READING](Event(EVENT_READING, {"collector_id": "pi", **data}))
    assert line == {LOGBOOK_ENTRY_NAME: "pi", LOGBOOK_ENTRY_MESSAGE: message}


def test_unknown_collector_event(hass: HomeAssistant) -> None:
    line = describers(hass)[EVENT_COLLECTOR](Event(EVENT_COLLECTOR, {"type": "strap_low_battery"}))
    assert line == {LOGBOOK_ENTRY_NAME: "HRV Readiness", LOGBOOK_ENTRY_MESSAGE: "Strap low battery"}
