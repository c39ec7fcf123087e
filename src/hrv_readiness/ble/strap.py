"""The real strap over bleak 3.x: a :class:`~hrv_readiness.ble.source.StrapSource`.

* Scan with the Heart Rate service filter (0x180D) and connect with the scanned
  ``BLEDevice`` (never an address string, bleak #1176) through
  ``bleak_retry_connector.establish_connection`` (a fresh client per attempt,
  backoff, stale-connection cleanup).
* Read battery (GATT 0x2A19, or ``org.bluez.Battery1`` where BlueZ's battery plugin
  claims the service) and body sensor location (0x2A38); subscribe to 0x2A37
  (notify only — never read it: with StartNotify a read arrives twice, bleak #1885).
* ``disconnected_callback`` reports link loss; the session's watchdog covers what
  bleak cannot see (a silent stall, bluetoothd exiting).
* Every bleak / D-Bus error is translated once, by
  :func:`hrv_readiness.ble.scanner.translate_bleak_error`.
"""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bleak import BleakClient, BleakScanner
from bleak.exc import BleakError
from bleak_retry_connector import establish_connection

from hrv_readiness.ble.errors import StrapNotFoundError
from hrv_readiness.ble.models import BODY_SENSOR_LOCATIONS, DiscoveredStrap, StrapInfo
from hrv_readiness.ble.scanner import HEART_RATE_SERVICE_UUID, translate_bleak_error

if TYPE_CHECKING:
    from bleak.backends.device import BLEDevice
    from bleak.backends.scanner import AdvertisementData

    from hrv_readiness.ble.source import DisconnectCallback, NotificationCallback

_LOGGER = logging.getLogger(__name__)

HEART_RATE_MEASUREMENT_UUID = "00002a37-0000-1000-8000-00805f9b34fb"
BODY_SENSOR_LOCATION_UUID = "00002a38-0000-1000-8000-00805f9b34fb"
BATTERY_LEVEL_UUID = "00002a19-0000-1000-8000-00805f9b34fb"
#: Reads of optional characteristics must not hold up a measurement.
_READ_TIMEOUT_S = 5.0
_DISCONNECT_TIMEOUT_S = 5.0

#: What bleak and its D-Bus layer raise when a link cannot be made or used
#: (bleak-retry-connector treats AttributeError and KeyError as bleak errors too).
_CONNECT_ERRORS = (BleakError, OSError, EOFError, TimeoutError, AttributeError, KeyError)


@dataclass
class BleakStrapLink:
    """A connected strap with 0x2A37 notifications running."""

    info: StrapInfo
    client: BleakClient = field(repr=False)

    async def close(self) -> None:
        try:
            async with asyncio.timeout(_DISCONNECT_TIMEOUT_S):
                await self.client.disconnect()
        except (*_CONNECT_ERRORS, AssertionError) as err:
            # bluetoothd may be gone; bleak still releases its bus in this case.
            _LOGGER.debug("disconnect from %s failed: %r", self.info.address, err)


class BleakStrapSource:
    """Find and connect a heart-rate strap with bleak.

    ``address`` or ``name`` (a shell-style pattern on the advertised name, e.g.
    ``"Polar H10 ABCD*"``) pins one strap — needed when a household has several; the
    address wins when both are given. With neither, the first strap advertising the
    Heart Rate service is used.
    """

    def __init__(
        self,
        *,
        address: str | None = None,
        name: str | None = None,
        adapter: str | None = None,
        connect_attempts: int = 2,
    ) -> None:
        self.address = address.upper() if address else None
        self.name = name
        self.adapter = adapter
        self.connect_attempts = connect_attempts
        self._devices: dict[str, BLEDevice] = {}

    @property
    def description(self) -> str:
        if self.address:
            return f"strap {self.address}"
        if self.name:
            return f"strap named like {self.name!r}"
        return "a heart-rate strap"

    def _wanted(self, device: BLEDevice, adv: AdvertisementData) -> bool:
        if HEART_RATE_SERVICE_UUID not in adv.service_uuids:
            return False
        if self.address is not None:
            return device.address.upper() == self.address
        if self.name is not None:
            # A shell-style pattern ("Polar H10 B*"); a plain name matches itself.
            return fnmatch.fnmatchcase(device.name or adv.local_name or "", self.name)
        return True

    async def find(self, timeout_s: float) -> DiscoveredStrap:
        best: dict[str, tuple[BLEDevice, int]] = {}

        def detected(device: BLEDevice, adv: AdvertisementData) -> bool:
            if not self._wanted(device, adv):
                return False
            best[device.address.upper()] = (device, adv.rssi)
            return True

        kwargs = {"bluez": {"adapter": self.adapter}} if self.adapter else {}
        try:
            device = await BleakScanner.find_device_by_filter(
                detected,
                timeout=timeout_s,
                service_uuids=[HEART_RATE_SERVICE_UUID],
                **kwargs,  # type: ignore[arg-type]
            )
        except (BleakError, OSError, EOFError) as err:
            raise translate_bleak_error(err) from err
        if device is None:
            raise StrapNotFoundError(
                f"{self.description} not found within {timeout_s:g} s", address=self.address
            )
        address = device.address.upper()
        self._devices[address] = device
        return DiscoveredStrap(
            name=device.name or address, address=address, rssi_dbm=best[address][1]
        )

    async def connect(
        self,
        strap: DiscoveredStrap,
        on_notification: NotificationCallback,
        on_disconnect: DisconnectCallback,
    ) -> BleakStrapLink:
        device = self._devices.get(strap.address)
        if device is None:
            raise StrapNotFoundError(
                f"strap {strap.address} was not scanned first", address=strap.address
            )

        def disconnected(_client: BleakClient) -> None:
            on_disconnect()

        try:
            client = await establish_connection(
                BleakClient,
                device,
                strap.name,
                disconnected_callback=disconnected,
                max_attempts=self.connect_attempts,
            )
        except _CONNECT_ERRORS as err:
            raise translate_bleak_error(err, address=strap.address) from err
        try:
            battery = await _read_battery(client, device)
            location = await _read_body_sensor_location(client)
            await client.start_notify(
                HEART_RATE_MEASUREMENT_UUID, lambda _char, data: on_notification(bytes(data))
            )
        except _CONNECT_ERRORS as err:
            with contextlib.suppress(*_CONNECT_ERRORS, AssertionError):
                async with asyncio.timeout(_DISCONNECT_TIMEOUT_S):
                    await client.disconnect()
            raise translate_bleak_error(err, address=strap.address) from err
        info = StrapInfo(
            name=strap.name,
            address=strap.address,
            battery_pct=battery,
            body_sensor_location=location,
        )
        _LOGGER.info("connected to %s", info)
        return BleakStrapLink(info=info, client=client)


async def _read_body_sensor_location(client: BleakClient) -> str | None:
    if client.services.get_characteristic(BODY_SENSOR_LOCATION_UUID) is None:
        return None
    async with asyncio.timeout(_READ_TIMEOUT_S):
        value = await client.read_gatt_char(BODY_SENSOR_LOCATION_UUID)
    if not value:
        return None
    return BODY_SENSOR_LOCATIONS.get(value[0], f"reserved ({value[0]})")


async def _read_battery(client: BleakClient, device: BLEDevice) -> int | None:
    """Battery level in %, from GATT 0x2A19 or BlueZ's Battery1 (None when unknown)."""
    if client.services.get_characteristic(BATTERY_LEVEL_UUID) is not None:
        async with asyncio.timeout(_READ_TIMEOUT_S):
            value = await client.read_gatt_char(BATTERY_LEVEL_UUID)
        return value[0] if value else None
    return await _bluez_battery_percentage(device)


async def _bluez_battery_percentage(device: BLEDevice) -> int | None:
    """Read ``org.bluez.Battery1.Percentage`` of the device (BlueZ hides 0x180F)."""
    details = device.details
    path = details.get("path") if isinstance(details, dict) else None
    if not isinstance(path, str):
        return None  # not BlueZ
    from dbus_fast import BusType, Message, MessageType  # noqa: PLC0415 - BlueZ only
    from dbus_fast.aio import MessageBus  # noqa: PLC0415

    bus: MessageBus | None = None
    try:
        async with asyncio.timeout(_READ_TIMEOUT_S):
            bus = await MessageBus(bus_type=BusType.SYSTEM).connect()
            reply = await bus.call(
                Message(
                    destination="org.bluez",
                    path=path,
                    interface="org.freedesktop.DBus.Properties",
                    member="Get",
                    signature="ss",
                    body=["org.bluez.Battery1", "Percentage"],
                )
            )
    except (OSError, EOFError, TimeoutError) as err:
        _LOGGER.debug("battery level unavailable: %r", err)
        return None
    finally:
        if bus is not None:
            bus.disconnect()
    if reply.message_type != MessageType.METHOD_RETURN:
        return None
    value = reply.body[0].value
    return int(value) if isinstance(value, int) else None
