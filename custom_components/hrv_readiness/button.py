"""Buttons: start a measurement or an orthostatic test now, recompute readiness."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.const import EntityCategory

from .const import COMMAND_MEASURE, COMMAND_RECOMPUTE
from .entity import HrvEntity, async_add_user_entities

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .hub import HrvConfigEntry

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class HrvButtonDescription(ButtonEntityDescription):
    """A button that sends one of the collector's commands."""

    command: str
    #: Sent with the command (the orthostatic test is a measure command with a flag).
    orthostatic: bool = False


START_MEASUREMENT = HrvButtonDescription(
    key="start_measurement",
    translation_key="start_measurement",
    command=COMMAND_MEASURE,
)
RECOMPUTE = HrvButtonDescription(
    key="recompute",
    translation_key="recompute",
    entity_category=EntityCategory.CONFIG,
    command=COMMAND_RECOMPUTE,
)
START_ORTHOSTATIC_TEST = HrvButtonDescription(
    key="start_orthostatic_test",
    translation_key="start_orthostatic_test",
    command=COMMAND_MEASURE,
    orthostatic=True,
)
BUTTONS = (START_MEASUREMENT, START_ORTHOSTATIC_TEST, RECOMPUTE)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: HrvConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the button of every user, now and whenever a user appears."""
    async_add_user_entities(
        hass,
        entry,
        async_add_entities,
        lambda hub, user_id: (HrvCommandButton(hub, user_id, d) for d in BUTTONS),
    )


class HrvCommandButton(HrvEntity, ButtonEntity):
    """Send the collector a command for this user (measure now, recompute)."""

    entity_description: HrvButtonDescription

    @property
    def available(self) -> bool:
        """Only while the collector is online to receive the command."""
        return super().available and self._runtime.available

    async def async_press(self) -> None:
        description = self.entity_description
        payload = {"orthostatic": True} if description.orthostatic else {}
        await self._runtime.async_send_command(self._user_id, description.command, payload)
