"""Binary sensors: recovery is low today, possible illness, and the collector's link."""

from __future__ import annotations

from dataclasses import dataclass
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
    from collections.abc import Callable

    # Defined in binary_sensor/const.py since 2026 (the package re-exports it without
    # declaring so); in the package itself before.
    from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from hrv_readiness.mqtt.payloads import ReadinessPayload

    from .hub import HrvConfigEntry
else:
    from homeassistant.components.binary_sensor import BinarySensorDeviceClass

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class HrvVerdictFlagDescription(BinarySensorEntityDescription):
    """A yes/no of today's verdict; unknown while the baseline is built."""

    is_on_fn: Callable[[ReadinessPayload], bool]
    attributes_fn: Callable[[ReadinessPayload | None], dict[str, str | None]] | None = None


#: No device class: "Problem"/"OK" would misread a body's state; the translation says
#: "Low"/"Normal" and the icons a heart. On when today's readiness says caution or rest.
RECOVERY_LOW = HrvVerdictFlagDescription(
    key="recovery_low",
    translation_key="recovery_low",
    is_on_fn=lambda readiness: readiness.status in LOW_RECOVERY_STATUSES,
)
#: On when today's verdict flags illness, reported or possible (docs/model.md rule 13);
#: the kind is the ``illness`` attribute.
POSSIBLE_ILLNESS = HrvVerdictFlagDescription(
    key="possible_illness",
    translation_key="possible_illness",
    is_on_fn=lambda readiness: readiness.illness is not None,
    attributes_fn=lambda readiness: {"illness": None if readiness is None else readiness.illness},
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
            HrvVerdictFlag(hub, user_id, description)
            for description in (RECOVERY_LOW, POSSIBLE_ILLNESS)
        ),
    )


class HrvVerdictFlag(HrvEntity, BinarySensorEntity):
    """A flag of today's readiness verdict; unavailable until there is one."""

    entity_description: HrvVerdictFlagDescription

    @property
    def _readiness(self) -> ReadinessPayload | None:
        user = self.user
        return None if user is None or user.state is None else user.state.readiness

    @property
    def available(self) -> bool:
        return self._readiness is not None

    @property
    def is_on(self) -> bool | None:
        readiness = self._readiness
        if readiness is None or readiness.status == "building_baseline":
            return None
        return self.entity_description.is_on_fn(readiness)

    @property
    def extra_state_attributes(self) -> dict[str, str | None] | None:
        attributes_fn = self.entity_description.attributes_fn
        return None if attributes_fn is None else attributes_fn(self._readiness)


class HrvCollectorConnectivity(HrvCollectorEntity, BinarySensorEntity):
    """On while Home Assistant is on the broker and the collector says it is online."""

    @property
    def is_on(self) -> bool:
        return self._runtime.available
