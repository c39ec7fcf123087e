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
import fnmatch
import logging
from typing import TYPE_CHECKING

from bleak import BleakClient, BleakScanner
from bleak.exc import BleakError
from bleak_retry_connector import establish_connection

from hrv_readiness.ble.errors import StrapNotFoundError
from hrv_readiness.ble.gatt import (
    BATTERY_LEVEL_UUID,
    BODY_SENSOR_LOCATION_UUID,
    DISCONNECT_TIMEOUT_S,
    LINK_ERRORS,
    READ_TIMEOUT_S,
    ClientLink,
    body_sensor_location,
    disconnect_quietly,
    read_optional_byte,
    subscribe_heart_rate,
)
from hrv_readiness.ble.models import DiscoveredStrap, StrapInfo
from hrv_readiness.ble.scanner import (
    HEART_RATE_SERVICE_UUID,
    discover_heart_rate,
    translate_bleak_error,
)

if TYPE_CHECKING:
    from bleak.backends.device import BLEDevice
    from bleak.backends.scanner import AdvertisementData

    from hrv_readiness.ble.source import DisconnectCallback, NotificationCallback

_LOGGER = logging.getLogger(__name__)

_READ_TIMEOUT_S = READ_TIMEOUT_S
#: Without a pinned strap, listen this long and take the strongest one heard.
_STRONGEST_WINDOW_S = 2.0


class BleakStrapSource:
    """Find and connect a heart-rate strap with bleak.

    ``address`` or ``name`` (a shell-style pattern on the advertised name, e.g.
    ``"Polar H10 ABCD*"``) pins one strap — needed when a household has several; the
    address wins when both are given. With neither, the strongest strap advertising
    the Heart Rate service (the one worn closest) is used.
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
        if self.address is None and self.name is None:
            return await self._find_strongest(timeout_s)
        best: dict[str, tuple[BLEDevice, int]] = {}

        def detected(device: BLEDevice, adv: AdvertisementData) -> bool:
            if not self._wanted(device, adv):
                return False
            best[device.address.upper()] = (device, adv.rssi)
            return True

        await self._close_stale_connections()
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

    async def _find_strongest(self, timeout_s: float) -> DiscoveredStrap:
        """The strongest strap heard in the first listening window that hears any."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while True:
            window_s = max(0.1, min(_STRONGEST_WINDOW_S, deadline - loop.time()))
            found = await discover_heart_rate(window_s, self.adapter)
            heard = [(device, adv) for device, adv in found.values() if self._wanted(device, adv)]
            if heard:
                device, adv = max(heard, key=lambda item: item[1].rssi)
                address = device.address.upper()
                self._devices[address] = device
                return DiscoveredStrap(
                    name=device.name or adv.local_name or address,
                    address=address,
                    rssi_dbm=adv.rssi,
                )
            if loop.time() >= deadline:
                raise StrapNotFoundError(f"{self.description} not found within {timeout_s:g} s")

    async def _close_stale_connections(self) -> None:
        """Disconnect our strap if BlueZ is still connected to it with nobody listening.

        A collector killed mid-measurement leaves the link up in bluetoothd; the strap
        then stops advertising and is "not found" on every later attempt. Only a strap
        pinned by address or name is touched, never one a pattern-less search would
        merely match (it could be another user's live link).
        """
        if self.address is None and self.name is None:
            return
        try:
            async with asyncio.timeout(_READ_TIMEOUT_S):
                stale = await _connected_heart_rate_devices()
        except (OSError, EOFError, TimeoutError) as err:
            _LOGGER.debug("cannot list BlueZ's connected devices: %r", err)
            return
        for path, address, name in stale:
            if self.address is not None:
                if address.upper() != self.address:
                    continue
            elif not fnmatch.fnmatchcase(name, self.name or ""):
                continue
            _LOGGER.warning("%s (%s) is still connected from before: disconnecting", name, address)
            try:
                async with asyncio.timeout(DISCONNECT_TIMEOUT_S):
                    await _bluez_call(path, "org.bluez.Device1", "Disconnect")
            except (OSError, EOFError, TimeoutError) as err:
                _LOGGER.debug("disconnecting %s failed: %r", address, err)

    async def connect(
        self,
        strap: DiscoveredStrap,
        on_notification: NotificationCallback,
        on_disconnect: DisconnectCallback,
    ) -> ClientLink:
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
        except LINK_ERRORS as err:
            raise translate_bleak_error(err, address=strap.address) from err
        try:
            battery = await _read_battery(client, device)
            location = body_sensor_location(
                await read_optional_byte(client, BODY_SENSOR_LOCATION_UUID)
            )
            await subscribe_heart_rate(client, on_notification)
        except LINK_ERRORS as err:
            await disconnect_quietly(client, strap.address)
            raise translate_bleak_error(err, address=strap.address) from err
        info = StrapInfo(
            name=strap.name,
            address=strap.address,
            battery_pct=battery,
            body_sensor_location=location,
        )
        _LOGGER.info("connected to %s", info)
        return ClientLink(info=info, client=client)


async def _read_battery(client: BleakClient, device: BLEDevice) -> int | None:
    """Battery level in %, from GATT 0x2A19 or BlueZ's Battery1 (None when unknown)."""
    if client.services.get_characteristic(BATTERY_LEVEL_UUID) is not None:
        return await read_optional_byte(client, BATTERY_LEVEL_UUID)
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


async def _connected_heart_rate_devices() -> list[tuple[str, str, str]]:
    """(D-Bus path, address, name) of every BlueZ device connected with the HR service."""
    from dbus_fast import BusType, Message, MessageType  # noqa: PLC0415 - BlueZ only
    from dbus_fast.aio import MessageBus  # noqa: PLC0415

    bus = await MessageBus(bus_type=BusType.SYSTEM).connect()
    try:
        reply = await bus.call(
            Message(
                destination="org.bluez",
                path="/",
                interface="org.freedesktop.DBus.ObjectManager",
                member="GetManagedObjects",
            )
        )
    finally:
        bus.disconnect()
    if reply.message_type != MessageType.METHOD_RETURN:
        return []
    found = []
    for path, interfaces in reply.body[0].items():
        device = interfaces.get("org.bluez.Device1")
        if device is None or not _variant(device, "Connected"):
            continue
        uuids = _variant(device, "UUIDs")
        if not isinstance(uuids, list) or HEART_RATE_SERVICE_UUID not in [
            str(u).lower() for u in uuids
        ]:
            continue
        address = str(_variant(device, "Address") or "")
        name = str(_variant(device, "Name") or _variant(device, "Alias") or address)
        found.append((str(path), address, name))
    return found


def _variant(properties: dict[str, object], key: str) -> object:
    value = properties.get(key)
    return getattr(value, "value", value)


async def _bluez_call(path: str, interface: str, member: str) -> None:
    from dbus_fast import BusType, Message  # noqa: PLC0415 - BlueZ only
    from dbus_fast.aio import MessageBus  # noqa: PLC0415

    bus = await MessageBus(bus_type=BusType.SYSTEM).connect()
    try:
        await bus.call(
            Message(destination="org.bluez", path=path, interface=interface, member=member)
        )
    finally:
        bus.disconnect()
