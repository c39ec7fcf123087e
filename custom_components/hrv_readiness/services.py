"""Actions: log how a user feels and what they trained, recompute, correct the history.

Every action is a command of the one vocabulary (``hrv_readiness.mqtt.payloads``): sent
to the collector over MQTT, or carried out here for a strap entry.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv

from .const import (
    COMMAND_DELETE,
    COMMAND_RECOMPUTE,
    COMMAND_REMOVE,
    COMMAND_RENAME,
    COMMAND_TRAINING,
    COMMAND_UNDO,
    COMMAND_WELLNESS,
    DOMAIN,
    ID_PATTERN,
    SESSION_TYPES,
)
from .devices import entry_device_by_id
from .validation import vol

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine

    from .hub import HrvConfigEntry, HrvHub

SERVICE_LOG_WELLNESS = "log_wellness"
SERVICE_LOG_TRAINING = "log_training"
SERVICE_RECOMPUTE = "recompute"
SERVICE_DELETE_ENTRY = "delete_entry"
SERVICE_UNDO = "undo"
SERVICE_RENAME_PERSON = "rename_person"
SERVICE_REMOVE_PERSON = "remove_person"
ATTR_DEVICE_ID = "device_id"
ATTR_DATE = "date"

_SCALE = vol.All(vol.Coerce(int), vol.Range(min=0, max=10))

WELLNESS_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_DEVICE_ID): cv.string,
        vol.Optional(ATTR_DATE): cv.date,
        vol.Required("soreness"): _SCALE,
        vol.Required("energy"): _SCALE,
        vol.Required("sleep_quality"): _SCALE,
        vol.Required("stress"): _SCALE,
        vol.Optional("heavy_legs"): cv.boolean,
        vol.Optional("ill"): vol.In(("none", "mild", "clear")),
    }
)
TRAINING_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_DEVICE_ID): cv.string,
        vol.Optional(ATTR_DATE): cv.date,
        vol.Required("session_type"): vol.In(SESSION_TYPES),
        vol.Required("effort"): _SCALE,
        vol.Required("duration_min"): vol.All(vol.Coerce(int), vol.Range(min=0, max=600)),
    }
)


@callback
def _resolve(hass: HomeAssistant, device_id: str) -> tuple[HrvHub, str]:
    """The runtime and user id behind a device, or a translated validation error."""
    entries: list[HrvConfigEntry] = hass.config_entries.async_entries(DOMAIN)
    for entry in entries:
        device = entry_device_by_id(hass, entry.entry_id, device_id)
        if device is None:
            continue
        if entry.state is not ConfigEntryState.LOADED:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="entry_not_loaded",
                translation_placeholders={"name": entry.title},
            )
        user_id = entry.runtime_data.user_for_device(device)
        if user_id is not None:
            return entry.runtime_data, user_id
    raise ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="unknown_device",
        translation_placeholders={"device_id": device_id},
    )


RECOMPUTE_SCHEMA = vol.Schema({vol.Required(ATTR_DEVICE_ID): cv.string})
DELETE_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_DEVICE_ID): cv.string,
        vol.Required(ATTR_DATE): cv.date,
        vol.Required("entry"): vol.In(("reading", "questionnaire", "training", "all")),
    }
)


RENAME_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_DEVICE_ID): cv.string,
        vol.Required("to"): vol.All(cv.string, vol.Match(ID_PATTERN), vol.Length(max=64)),
    }
)


#: Action → the command it sends for the device's person and the action's schema; the
#: call's fields besides the device are the command's payload.
_COMMAND_ACTIONS: dict[str, tuple[str, vol.Schema]] = {
    SERVICE_REMOVE_PERSON: (COMMAND_REMOVE, RECOMPUTE_SCHEMA),
    SERVICE_DELETE_ENTRY: (COMMAND_DELETE, DELETE_SCHEMA),
    SERVICE_UNDO: (COMMAND_UNDO, RECOMPUTE_SCHEMA),
    SERVICE_LOG_WELLNESS: (COMMAND_WELLNESS, WELLNESS_SCHEMA),
    SERVICE_RECOMPUTE: (COMMAND_RECOMPUTE, RECOMPUTE_SCHEMA),
    SERVICE_LOG_TRAINING: (COMMAND_TRAINING, TRAINING_SCHEMA),
}


def _command_payload(call: ServiceCall) -> dict[str, Any]:
    payload = {key: value for key, value in call.data.items() if key != ATTR_DEVICE_ID}
    if isinstance(day := payload.get(ATTR_DATE), date):
        payload[ATTR_DATE] = day.isoformat()
    return payload


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the actions once for the whole integration."""

    async def rename_person(call: ServiceCall) -> None:
        runtime, user_id = _resolve(hass, call.data[ATTR_DEVICE_ID])
        to = call.data["to"]
        others = [user for user in runtime.served_users() if user != user_id]
        if to == user_id or to not in others:
            # Checked here too, so a collector's refusal is not only an event.
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="unknown_person",
                translation_placeholders={"to": to, "others": ", ".join(others) or "-"},
            )
        await runtime.async_send_command(user_id, COMMAND_RENAME, _command_payload(call))

    hass.services.async_register(DOMAIN, SERVICE_RENAME_PERSON, rename_person, RENAME_SCHEMA)
    for service, (command, schema) in _COMMAND_ACTIONS.items():
        hass.services.async_register(DOMAIN, service, _sender(hass, command), schema)


def _sender(
    hass: HomeAssistant, command: str
) -> Callable[[ServiceCall], Coroutine[Any, Any, None]]:
    """The action that sends ``command`` for the called device's person."""

    async def send(call: ServiceCall) -> None:
        runtime, user_id = _resolve(hass, call.data[ATTR_DEVICE_ID])
        await runtime.async_send_command(user_id, command, _command_payload(call))

    return send
