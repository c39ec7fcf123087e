"""Binary sensors: recovery is low today, possible illness, and the collector's link."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)

from .collector import HrvCollectorEntity
from .const import LOW_RECOVERY_STATUSES
from .entity import HrvEntity, async_add_user_entities
from .runtime import HrvRuntime

if TYPE_CHECKING:
    # Defined in binary_sensor/const.py since 2026 (the package re-exports it without
    # declaring so); in the package itself before.
    from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .hub import HrvConfigEntry
else:
    from homeassistant.components.binary_sensor import BinarySensorDeviceClass

PARALLEL_UPDATES = 0

#: No device class: "Problem"/"OK" would misread a body's state; the translation says
#: "Low"/"Normal" and the icons a heart.
RECOVERY_LOW = BinarySensorEntityDescription(key="recovery_low", translation_key="recovery_low")
#: On when today's verdict flags illness, reported or possible (docs/model.md rule 13);
#: the kind is the ``illness`` attribute.
POSSIBLE_ILLNESS = BinarySensorEntityDescription(
    key="possible_illness", translation_key="possible_illness"
)
CONNECTIVITY = BinarySensorEntityDescription(
    key="connectivity",
    translation_key="collector_connectivity",
    device_class=BinarySensorDeviceClass.CONNECTIVITY,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: HrvConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the collector's connectivity, and every user's recovery-low sensor."""
    runtime = entry.runtime_data
    if isinstance(runtime, HrvRuntime):  # a strap entry has no collector device
        async_add_entities([HrvCollectorConnectivity(runtime, CONNECTIVITY)])

    async_add_user_entities(
        hass,
        entry,
        async_add_entities,
        lambda hub, user_id: (
            HrvRecoveryLowSensor(hub, user_id, RECOVERY_LOW),
            HrvPossibleIllnessSensor(hub, user_id, POSSIBLE_ILLNESS),
        ),
    )


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


class HrvPossibleIllnessSensor(HrvEntity, BinarySensorEntity):
    """On when today's verdict flags illness; unknown while the baseline is built."""

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
        return readiness.illness is not None

    @property
    def extra_state_attributes(self) -> dict[str, str | None]:
        user = self.user
        readiness = None if user is None or user.state is None else user.state.readiness
        return {"illness": None if readiness is None else readiness.illness}


class HrvCollectorConnectivity(HrvCollectorEntity, BinarySensorEntity):
    """On while Home Assistant is on the broker and the collector says it is online."""

    @property
    def is_on(self) -> bool:
        return self._runtime.available
