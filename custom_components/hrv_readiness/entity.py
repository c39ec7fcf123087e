"""The base of every HRV Readiness entity: one user of one config entry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity import Entity, EntityDescription

from .const import DOMAIN
from .hub import signal_user_added, signal_user_updated

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .hub import HrvConfigEntry, HrvHub, UserData


@callback
def async_add_user_entities(
    hass: HomeAssistant,
    entry: HrvConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    entities_of: Callable[[HrvHub, str], Iterable[Entity]],
) -> None:
    """Add ``entities_of(hub, user_id)`` whenever the entry's hub announces a user."""
    hub = entry.runtime_data

    @callback
    def add_user(user_id: str) -> None:
        async_add_entities(entities_of(hub, user_id))

    entry.async_on_unload(
        async_dispatcher_connect(hass, signal_user_added(entry.entry_id), add_user)
    )


@callback
def async_follow(entity: Entity, signal: str, target: Callable[..., None]) -> None:
    """Call ``target`` on every ``signal`` until ``entity`` is removed."""
    entity.async_on_remove(async_dispatcher_connect(entity.hass, signal, target))


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
        """Available once the entry has told us about this user.

        A morning reading stays today's reading when the collector goes offline (a Pi
        reboot, right after ``hrv-collector demo``) or the strap is out of reach: the
        collector's own connectivity entity says it is down, the person's values stay
        shown. Platforms narrow this to "has a value" (sensors) or "can act" (buttons).
        """
        return self.user is not None

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        async_follow(
            self,
            signal_user_updated(self._runtime.entry.entry_id, self._user_id),
            self.async_write_ha_state,
        )
