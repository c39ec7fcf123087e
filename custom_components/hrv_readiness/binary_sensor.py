"""Binary sensors: recovery is low today, and whether the collector is connected."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.core import HomeAssistant, callback

from .collector import HrvCollectorEntity
from .const import LOW_RECOVERY_STATUSES
from .entity import HrvEntity

if TYPE_CHECKING:
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .runtime import HrvConfigEntry

PARALLEL_UPDATES = 0

#: No device class: "Problem"/"OK" would misread a body's state; the translation says
#: "Low"/"Normal" and the icons a heart.
RECOVERY_LOW = BinarySensorEntityDescription(key="recovery_low", translation_key="recovery_low")
CONNECTIVITY = BinarySensorEntityDescription(
    key="connectivity",
    translation_key="collector_connectivity",
    device_class=BinarySensorDeviceClass.CONNECTIVITY,
)


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001 - the platform signature
    entry: HrvConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the collector's connectivity, and every user's recovery-low sensor."""
    runtime = entry.runtime_data
    async_add_entities([HrvCollectorConnectivity(runtime, CONNECTIVITY)])

    @callback
    def add_user(user_id: str) -> None:
        async_add_entities([HrvRecoveryLowSensor(runtime, user_id, RECOVERY_LOW)])

    entry.async_on_unload(runtime.async_add_user_callback(add_user))


class HrvRecoveryLowSensor(HrvEntity, BinarySensorEntity):
    """On when today's readiness says caution or rest; unknown while building baseline."""

    @property
    def available(self) -> bool:
        user = self.user
        return user is not None and user.state is not None and user.state.readiness is not None

    @property
    def is_on(self) -> bool | None:
        user = self.user
        readiness = None if user is None or user.state is None else user.state.readiness
        if readiness is None or readiness.status == "building_baseline":
            return None
        return readiness.status in LOW_RECOVERY_STATUSES


class HrvCollectorConnectivity(HrvCollectorEntity, BinarySensorEntity):
    """On while Home Assistant is on the broker and the collector says it is online."""

    @property
    def is_on(self) -> bool:
        return self._runtime.available
