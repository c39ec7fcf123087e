"""The base of every HRV Readiness entity: one user of one config entry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity import Entity, EntityDescription

from .const import DOMAIN
from .hub import signal_user_updated

if TYPE_CHECKING:
    from .hub import HrvHub, UserData


class HrvEntity(Entity):
    """An entity of one user's device, pushed by its hub (collector or strap)."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, runtime: HrvHub, user_id: str, description: EntityDescription) -> None:
        self.entity_description = description
        self._runtime = runtime
        self._user_id = user_id
        self._attr_unique_id = f"{runtime.collector_id}_{user_id}_{description.key}"
        self._attr_device_info = DeviceInfo(identifiers={(DOMAIN, runtime.device_key(user_id))})

    @property
    def user(self) -> UserData | None:
        return self._runtime.users.get(self._user_id)

    @property
    def available(self) -> bool:
        """Available while the hub's values are current and the user exists.

        For a collector: HA is on the broker and the collector is online (its status is
        ``offline`` after a clean shutdown and, as its Last Will, after a crash).
        """
        return self._runtime.available and self.user is not None

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass,
                signal_user_updated(self._runtime.entry.entry_id, self._user_id),
                self.async_write_ha_state,
            )
        )
