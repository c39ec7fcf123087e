"""The reading events a new state implies (device triggers, event entities, the bus)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .const import (
    LOW_RECOVERY_STATUSES,
    TRIGGER_FATIGUE_TYPE_CHANGED,
    TRIGGER_NEW_READING,
    TRIGGER_POSSIBLE_ILLNESS,
    TRIGGER_READINESS_LOW,
)

if TYPE_CHECKING:
    from hrv_readiness.mqtt.payloads import StatePayload


def reading_events(
    base: dict[str, Any], previous: StatePayload | None, state: StatePayload
) -> list[dict[str, Any]]:
    """The events of a live state after ``previous``: new reading, low, illness, fatigue change.

    ``base`` identifies the device (device id, collector id, user) in every event.
    """
    readiness = state.readiness
    details = {
        "score": readiness.score,
        "status": readiness.status,
        "fatigue_type": readiness.fatigue_type,
        "illness": readiness.illness,
        "measured_at": state.reading.measured_at.isoformat(),
    }
    events: list[dict[str, Any]] = []
    if previous is None or previous.reading.measured_at != state.reading.measured_at:
        events.append({**base, "type": TRIGGER_NEW_READING, **details})
        if readiness.status in LOW_RECOVERY_STATUSES:
            events.append({**base, "type": TRIGGER_READINESS_LOW, **details})
        if readiness.illness is not None:
            events.append({**base, "type": TRIGGER_POSSIBLE_ILLNESS, **details})
    old_fatigue = None if previous is None else previous.readiness.fatigue_type
    if old_fatigue not in (None, readiness.fatigue_type):
        events.append(
            {
                **base,
                "type": TRIGGER_FATIGUE_TYPE_CHANGED,
                **details,
                "previous_fatigue_type": old_fatigue,
            }
        )
    return events
