"""Binary sensor: recovery is low today (readiness status caution or rest)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect

from .const import LOW_RECOVERY_STATUSES
from .entity import HrvEntity
from .hub import signal_user_added

if TYPE_CHECKING:
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .hub import HrvConfigEntry

PARALLEL_UPDATES = 0

RECOVERY_LOW = BinarySensorEntityDescription(
    key="recovery_low",
    translation_key="recovery_low",
    device_class=BinarySensorDeviceClass.PROBLEM,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: HrvConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the binary sensor of every user, now and whenever a user appears."""
    runtime = entry.runtime_data

    @callback
    def add_user(user_id: str) -> None:
        async_add_entities([HrvRecoveryLowSensor(runtime, user_id, RECOVERY_LOW)])

    entry.async_on_unload(
        async_dispatcher_connect(hass, signal_user_added(entry.entry_id), add_user)
    )


class HrvRecoveryLowSensor(HrvEntity, BinarySensorEntity):
    """On when today's readiness says caution or rest; unknown while building baseline."""

    @property
    def is_on(self) -> bool | None:
        user = self.user
        if user is None or user.state is None or user.state.readiness is None:
            return None
        status = user.state.readiness.status
        if status == "building_baseline":
            return None
        return status in LOW_RECOVERY_STATUSES
