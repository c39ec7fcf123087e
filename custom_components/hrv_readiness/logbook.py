"""Logbook lines that say what happened: "New morning reading: 92, ready, recovered"."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.components.logbook.const import LOGBOOK_ENTRY_MESSAGE, LOGBOOK_ENTRY_NAME
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from .const import (
    DOMAIN,
    EVENT_COLLECTOR,
    EVENT_READING,
    TRIGGER_FATIGUE_TYPE_CHANGED,
    TRIGGER_NEW_READING,
    TRIGGER_POSSIBLE_ILLNESS,
    TRIGGER_READINESS_LOW,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

_COLLECTOR_EVENTS = {
    "measurement_started": "Measurement started",
    "measurement_completed": "Measurement completed",
    "measurement_rejected": "Measurement rejected",
    "measurement_failed": "Measurement failed",
    "command_accepted": "Command accepted",
    "command_rejected": "Command rejected",
}


def _words(value: object) -> str:
    return str(value).replace("_", " ")


def _verdict(data: Mapping[str, Any]) -> str:
    """``92, ready, recovered``; parts the event does not have are left out."""
    parts = [
        "" if data.get("score") is None else str(data["score"]),
        "" if data.get("status") is None else _words(data["status"]),
        "" if data.get("fatigue_type") is None else _words(data["fatigue_type"]),
    ]
    return ", ".join(part for part in parts if part)


def reading_message(data: Mapping[str, Any]) -> str:
    """The logbook line of one ``hrv_readiness_event``."""
    kind = data.get("type")
    verdict = _verdict(data)
    if kind == TRIGGER_NEW_READING:
        return f"New morning reading: {verdict}" if verdict else "New morning reading"
    if kind == TRIGGER_READINESS_LOW:
        return f"Recovery is low today: {verdict}" if verdict else "Recovery is low today"
    if kind == TRIGGER_POSSIBLE_ILLNESS:
        why = "feeling ill" if data.get("illness") == "reported" else "signs in the reading"
        return f"Possible illness ({why}): {verdict}" if verdict else f"Possible illness ({why})"
    if kind == TRIGGER_FATIGUE_TYPE_CHANGED:
        previous = _words(data.get("previous_fatigue_type") or "unknown")
        return f"Fatigue type changed from {previous} to {_words(data.get('fatigue_type'))}"
    return _words(kind or "event")


def collector_message(data: Mapping[str, Any]) -> str:
    """The logbook line of one ``hrv_readiness_collector_event``."""
    kind = data.get("type")
    text = _COLLECTOR_EVENTS.get(str(kind), _words(kind or "Collector event").capitalize())
    raw = data.get("detail")
    detail: Mapping[str, Any] = raw if isinstance(raw, dict) else {}
    why = detail.get("reason") or detail.get("command") or detail.get("code")
    return f"{text}: {why}" if why else text


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[[str, str, Callable[[Event], dict[str, str]]], None],
) -> None:
    """Describe the integration's bus events for the logbook."""

    def name(data: Mapping[str, Any]) -> str:
        device_id = data.get("device_id")
        device = None if device_id is None else dr.async_get(hass).async_get(device_id)
        if device is not None:
            return device.name_by_user or device.name or str(data.get("user"))
        return str(data.get("user") or data.get("collector_id") or "HRV Readiness")

    @callback
    def describe_reading(event: Event) -> dict[str, str]:
        return {
            LOGBOOK_ENTRY_NAME: name(event.data),
            LOGBOOK_ENTRY_MESSAGE: reading_message(event.data),
        }

    @callback
    def describe_collector(event: Event) -> dict[str, str]:
        return {
            LOGBOOK_ENTRY_NAME: name(event.data),
            LOGBOOK_ENTRY_MESSAGE: collector_message(event.data),
        }

    async_describe_event(DOMAIN, EVENT_READING, describe_reading)
    async_describe_event(DOMAIN, EVENT_COLLECTOR, describe_collector)
