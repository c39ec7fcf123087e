"""The collector's own device: is it connected, and when was it last seen.

Every user's device hangs off it (``via_device``). Its entities follow the collector's
``status`` topic (the broker's Last Will turns it ``offline``) and Home Assistant's own
link to the broker, while the people's values stay shown when it is down.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription

from .const import DOMAIN
from .entity import async_follow
from .hub import signal_collector_updated

if TYPE_CHECKING:
    from .hub import HrvConfigEntry, HrvHub
    from .runtime import HrvRuntime

MANUFACTURER = "HRV Readiness"
COLLECTOR_MODEL = "Collector"


@callback
def async_ensure_collector_device(hass: HomeAssistant, entry: HrvConfigEntry) -> None:
    """Create the collector's device before any user device points at it."""
    dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, entry.runtime_data.collector_id)},
        manufacturer=MANUFACTURER,
        model=COLLECTOR_MODEL,
        name=entry.title,
    )


def is_collector_device(runtime: HrvHub, device: dr.DeviceEntry) -> bool:
    return (DOMAIN, runtime.collector_id) in device.identifiers


class HrvCollectorEntity(Entity):
    """An entity of the collector's device, updated on every change it reports."""

    _attr_has_entity_name = True
    _attr_should_poll = False
    _attr_entity_category = EntityCategory.DIAGNOSTIC

    def __init__(self, runtime: HrvRuntime, description: EntityDescription) -> None:
        self.entity_description = description
        self._runtime = runtime
        self._attr_unique_id = f"{runtime.collector_id}_{description.key}"
        self._attr_device_info = DeviceInfo(identifiers={(DOMAIN, runtime.collector_id)})

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        async_follow(
            self, signal_collector_updated(self._runtime.entry.entry_id), self._handle_update
        )

    @callback
    def _handle_update(self) -> None:
        self.async_write_ha_state()
