"""Event entity: every new morning reading, low readiness and fatigue-type change."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback

from .const import TRIGGER_TYPES
from .entity import HrvEntity, async_add_user_entities, async_follow
from .hub import signal_reading_event

if TYPE_CHECKING:
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .hub import HrvConfigEntry

PARALLEL_UPDATES = 0

READING_EVENT = EventEntityDescription(
    key="reading",
    translation_key="reading",
    event_types=list(TRIGGER_TYPES),
)
#: Bus event fields that identify the device; the entity already is the device's.
_IDENTITY = frozenset({"device_id", "collector_id", "user", "type"})


async def async_setup_entry(
    hass: HomeAssistant,
    entry: HrvConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the event entity of every user, now and whenever a user appears."""
    async_add_user_entities(
        hass,
        entry,
        async_add_entities,
        lambda hub, user_id: (HrvReadingEvent(hub, user_id, READING_EVENT),),
    )


class HrvReadingEvent(HrvEntity, EventEntity):
    """Fires for live readings only; the retained replay at start-up is not an event."""

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        async_follow(
            self,
            signal_reading_event(self._runtime.entry.entry_id, self._user_id),
            self._handle_event,
        )

    @callback
    def _handle_event(self, event_type: str, data: dict[str, Any]) -> None:
        self._trigger_event(
            event_type, {key: value for key, value in data.items() if key not in _IDENTITY}
        )
        self.async_write_ha_state()
