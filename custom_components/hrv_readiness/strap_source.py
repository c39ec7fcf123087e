"""The strap through Home Assistant's Bluetooth: the library's hosted strap source.

Home Assistant owns the radio (local adapters and ESPHome proxies), so the library's
:class:`~hrv_readiness.ble.hosted.HostedStrapSource` gets from here what it must not
choose itself:

* the device lookup: a connectable ``BLEDevice`` of the strap's address, only while
  an adapter or proxy that can connect exists (Home Assistant remembers a device for
  minutes after the last scanner that heard it went away);
* the client class: ``BleakClientWithServiceCache``, which Home Assistant's Bluetooth
  replaces with its wrapper that picks the adapter or proxy with a free connection
  slot and the best signal;
* why the strap is not there, as a typed strap error.

The GATT side, the error translation and the failure codes are the library's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import bleak_retry_connector
from homeassistant.components import bluetooth

from hrv_readiness.ble.errors import AdapterUnavailableError, StrapNotFoundError
from hrv_readiness.ble.hosted import HostedStrapSource

if TYPE_CHECKING:
    from bleak.backends.device import BLEDevice
    from homeassistant.core import HomeAssistant

    from hrv_readiness.errors import StrapError


def ha_strap_source(hass: HomeAssistant, address: str, name: str) -> HostedStrapSource:
    """The library's strap source on Home Assistant's adapters and proxies."""

    def device(wanted: str) -> BLEDevice | None:
        if bluetooth.async_scanner_count(hass, connectable=True) == 0:
            return None
        return bluetooth.async_ble_device_from_address(hass, wanted, connectable=True)

    def absence() -> StrapError:
        if bluetooth.async_scanner_count(hass, connectable=True) == 0:
            return AdapterUnavailableError(
                "no Bluetooth adapter or proxy that can connect is set up in Home Assistant"
            )
        described = f"strap {name} ({address})"
        if bluetooth.async_ble_device_from_address(hass, address, connectable=False) is not None:
            return StrapNotFoundError(
                f"{described} is heard only by adapters or proxies that cannot connect (passive)",
                address=address,
            )
        return StrapNotFoundError(
            f"no adapter or proxy in range hears {described}", address=address
        )

    return HostedStrapSource(
        address,
        name,
        device_lookup=device,
        # Home Assistant's wrapper once its Bluetooth is set up (a dependency of ours).
        client_class=bleak_retry_connector.BleakClientWithServiceCache,
        absence=absence,
    )
