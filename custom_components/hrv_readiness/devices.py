"""Device registry use that holds on every supported Home Assistant (2025.4 to 2026.11).

Since 2026.9 a device belongs to one config entry and its identifiers are unique only
within that entry: ``async_get_device(identifiers=...)``, ``via_device=`` and
``remove_config_entry_id=`` are deprecated, ``DeviceEntry.config_entries`` since 2026.10.
What replaces them here exists on every release: an entry's own devices
(``async_entries_for_config_entry``), ``async_update_device(via_device_id=...)`` and
``async_remove_device``.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr


@callback
def entry_device(
    hass: HomeAssistant, entry_id: str, identifier: tuple[str, str]
) -> dr.DeviceEntry | None:
    """The config entry's device with ``identifier``, if it is registered."""
    for device in dr.async_entries_for_config_entry(dr.async_get(hass), entry_id):
        if identifier in device.identifiers:
            return device
    return None


@callback
def entry_device_by_id(hass: HomeAssistant, entry_id: str, device_id: str) -> dr.DeviceEntry | None:
    """The config entry's device with the registry id ``device_id``, if it is one of them."""
    for device in dr.async_entries_for_config_entry(dr.async_get(hass), entry_id):
        if device.id == device_id:
            return device
    return None


@callback
def link_via(hass: HomeAssistant, device: dr.DeviceEntry, via: dr.DeviceEntry | None) -> None:
    """Hang ``device`` off ``via`` (or off nothing) in the device registry."""
    via_id = None if via is None else via.id
    if device.via_device_id != via_id:
        dr.async_get(hass).async_update_device(device.id, via_device_id=via_id)
