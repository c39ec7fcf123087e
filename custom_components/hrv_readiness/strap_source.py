"""The strap through Home Assistant's Bluetooth: a ``StrapSource`` for the library's session.

Home Assistant owns the radio (local adapters and ESPHome proxies), so this source
never scans and never creates a bare ``BleakClient``:

* ``find`` asks Home Assistant for a connectable ``BLEDevice`` of the strap's address
  (``bluetooth.async_ble_device_from_address(..., connectable=True)``);
* ``connect`` goes through ``bleak_retry_connector.establish_connection`` with the
  client class looked up at call time: Home Assistant's Bluetooth replaces
  ``BleakClientWithServiceCache`` with its wrapper that picks the adapter or proxy
  with a free connection slot and the best signal;
* every bleak error is translated here, once, into the library's strap errors, and
  what Home Assistant refused with is remembered as a :class:`~.faults.StrapFault`.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import bleak_retry_connector
from bleak.exc import BleakError
from homeassistant.components import bluetooth

from hrv_readiness.ble.errors import (
    AdapterUnavailableError,
    StrapBusyError,
    StrapConnectionError,
    StrapNotFoundError,
)
from hrv_readiness.ble.models import BODY_SENSOR_LOCATIONS, DiscoveredStrap, StrapInfo

from .const import LOGGER
from .faults import StrapFault

if TYPE_CHECKING:
    from bleak import BleakClient
    from bleak.backends.characteristic import BleakGATTCharacteristic
    from bleak.backends.device import BLEDevice
    from homeassistant.core import HomeAssistant

    from hrv_readiness.ble.source import DisconnectCallback, NotificationCallback

HEART_RATE_MEASUREMENT_UUID = "00002a37-0000-1000-8000-00805f9b34fb"
BODY_SENSOR_LOCATION_UUID = "00002a38-0000-1000-8000-00805f9b34fb"
BATTERY_LEVEL_UUID = "00002a19-0000-1000-8000-00805f9b34fb"
#: How often ``find`` asks Home Assistant whether the strap is connectable yet.
FIND_POLL_S = 0.5
#: Optional reads and the disconnect must not hold up a measurement.
READ_TIMEOUT_S = 5.0
DISCONNECT_TIMEOUT_S = 5.0
#: Attempts of one connect; the session retries a failed connect on its own.
CONNECT_ATTEMPTS = 2
#: What BlueZ and the proxies answer when another central holds the strap.
_BUSY_MARKERS = ("InProgress", "in progress", "busy", "AlreadyConnected")


@dataclass
class HaStrapLink:
    """A connected strap with 0x2A37 notifications running."""

    info: StrapInfo
    client: BleakClient = field(repr=False)

    async def close(self) -> None:
        """Stop notifications and disconnect at once, to free the connection slot."""
        with contextlib.suppress(BleakError, TimeoutError, OSError, EOFError):
            async with asyncio.timeout(DISCONNECT_TIMEOUT_S):
                if self.client.is_connected:
                    with contextlib.suppress(BleakError, KeyError, ValueError):
                        await self.client.stop_notify(HEART_RATE_MEASUREMENT_UUID)
                await self.client.disconnect()


class HaStrapSource:
    """One strap, by address, reached through whatever Home Assistant has in range."""

    def __init__(self, hass: HomeAssistant, address: str, name: str) -> None:
        self._hass = hass
        self.address = address
        self.name = name
        #: What Home Assistant's Bluetooth last refused with (``None`` after a connect).
        self.fault: StrapFault | None = None
        #: The client class the last connection used (diagnostics, tests).
        self.client_class: str | None = None

    @property
    def description(self) -> str:
        return f"strap {self.name} ({self.address})"

    def _device(self) -> BLEDevice | None:
        """The strap as a connectable adapter or proxy hears it now, if one does.

        Home Assistant remembers a device for minutes after the last scanner that heard
        it went away; without a connectable scanner a connect could only time out.
        """
        if bluetooth.async_scanner_count(self._hass, connectable=True) == 0:
            return None
        return bluetooth.async_ble_device_from_address(self._hass, self.address, connectable=True)

    async def find(self, timeout_s: float) -> DiscoveredStrap:
        """Wait until an adapter or proxy that can connect hears the strap."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while (device := self._device()) is None:
            if loop.time() >= deadline:
                raise self._not_found()
            await asyncio.sleep(FIND_POLL_S)
        info = bluetooth.async_last_service_info(self._hass, self.address, connectable=True)
        return DiscoveredStrap(
            address=device.address,
            name=device.name or self.name,
            rssi_dbm=None if info is None else info.rssi,
        )

    def _not_found(self) -> StrapNotFoundError | AdapterUnavailableError:
        self.fault = StrapFault.NOT_CONNECTABLE
        if bluetooth.async_scanner_count(self._hass, connectable=True) == 0:
            return AdapterUnavailableError(
                "no Bluetooth adapter or proxy that can connect is set up in Home Assistant"
            )
        heard = bluetooth.async_ble_device_from_address(self._hass, self.address, connectable=False)
        if heard is not None:
            return StrapNotFoundError(
                f"{self.description} is heard only by adapters or proxies that cannot"
                " connect (passive)",
                address=self.address,
            )
        return StrapNotFoundError(
            f"no adapter or proxy in range hears {self.description}", address=self.address
        )

    async def connect(
        self,
        strap: DiscoveredStrap,
        on_notification: NotificationCallback,
        on_disconnect: DisconnectCallback,
    ) -> HaStrapLink:
        device = self._device()
        if device is None:
            raise self._not_found()
        client_class = bleak_retry_connector.BleakClientWithServiceCache  # HA's, at call time
        try:
            client = await bleak_retry_connector.establish_connection(
                client_class,
                device,
                strap.name,
                disconnected_callback=lambda _client: on_disconnect(),
                max_attempts=CONNECT_ATTEMPTS,
                ble_device_callback=lambda: self._device() or device,
            )
        except bleak_retry_connector.BleakOutOfConnectionSlotsError as err:
            self.fault = StrapFault.NO_CONNECTION_SLOT
            raise StrapConnectionError(
                "no free Bluetooth connection slot on the adapters and proxies in range",
                address=self.address,
            ) from err
        except bleak_retry_connector.BleakNotFoundError as err:
            self.fault = StrapFault.NOT_CONNECTABLE
            raise StrapNotFoundError(str(err), address=self.address) from err
        except (BleakError, TimeoutError, OSError, EOFError) as err:
            if any(marker in str(err) for marker in _BUSY_MARKERS):
                self.fault = StrapFault.BUSY
                raise StrapBusyError(str(err), address=self.address) from err
            self.fault = StrapFault.NOT_CONNECTABLE
            raise StrapConnectionError(str(err), address=self.address) from err
        self.client_class = type(client).__name__
        try:
            info = await self._subscribe(client, strap, on_notification)
        except (BleakError, TimeoutError, OSError, EOFError) as err:
            await HaStrapLink(StrapInfo(address=self.address, name=strap.name), client).close()
            raise StrapConnectionError(
                f"could not subscribe to heart rate: {err}", address=self.address
            ) from err
        self.fault = None
        return HaStrapLink(info=info, client=client)

    async def _subscribe(
        self, client: BleakClient, strap: DiscoveredStrap, on_notification: NotificationCallback
    ) -> StrapInfo:
        battery = await _read_byte(client, BATTERY_LEVEL_UUID)
        location = await _read_byte(client, BODY_SENSOR_LOCATION_UUID)

        def notified(_char: BleakGATTCharacteristic, data: bytearray) -> None:
            on_notification(bytes(data))

        await client.start_notify(HEART_RATE_MEASUREMENT_UUID, notified)
        LOGGER.debug("Connected to %s through %s", self.description, type(client).__name__)
        return StrapInfo(
            address=self.address,
            name=strap.name,
            battery_pct=battery,
            body_sensor_location=None
            if location is None
            else BODY_SENSOR_LOCATIONS.get(location, "other"),
        )


async def _read_byte(client: BleakClient, uuid: str) -> int | None:
    """One optional byte characteristic, or ``None`` if the strap has none or is slow."""
    if client.services.get_characteristic(uuid) is None:
        return None
    try:
        async with asyncio.timeout(READ_TIMEOUT_S):
            value = await client.read_gatt_char(uuid)
    except (BleakError, TimeoutError) as err:
        LOGGER.debug("Reading %s failed: %s", uuid, err)
        return None
    return value[0] if value else None
