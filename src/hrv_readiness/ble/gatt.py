"""The strap's GATT side, once for every bleak client: UUIDs, optional reads, 0x2A37.

Used by the collector's own strap (:mod:`hrv_readiness.ble.strap`) and by a strap
reached through a host's Bluetooth (:mod:`hrv_readiness.ble.hosted`, Home Assistant).
Subscribe to 0x2A37 only — never read it: with StartNotify a read arrives twice
(bleak #1885).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bleak.exc import BleakError

from hrv_readiness.ble.models import BODY_SENSOR_LOCATIONS, StrapInfo

if TYPE_CHECKING:
    from bleak import BleakClient
    from bleak.backends.characteristic import BleakGATTCharacteristic

    from hrv_readiness.ble.source import NotificationCallback

_LOGGER = logging.getLogger(__name__)

HEART_RATE_MEASUREMENT_UUID = "00002a37-0000-1000-8000-00805f9b34fb"
BODY_SENSOR_LOCATION_UUID = "00002a38-0000-1000-8000-00805f9b34fb"
BATTERY_LEVEL_UUID = "00002a19-0000-1000-8000-00805f9b34fb"
#: Reads of optional characteristics must not hold up a measurement.
READ_TIMEOUT_S = 5.0
DISCONNECT_TIMEOUT_S = 5.0
#: What bleak and its D-Bus layer raise when a link cannot be made or used
#: (bleak-retry-connector treats AttributeError and KeyError as bleak errors too).
LINK_ERRORS = (BleakError, OSError, EOFError, TimeoutError, AttributeError, KeyError)


async def read_optional_byte(client: BleakClient, uuid: str) -> int | None:
    """One optional byte characteristic; ``None`` if the strap has none or is slow."""
    if client.services.get_characteristic(uuid) is None:
        return None
    try:
        async with asyncio.timeout(READ_TIMEOUT_S):
            value = await client.read_gatt_char(uuid)
    except (BleakError, TimeoutError) as err:
        _LOGGER.debug("reading %s failed: %s", uuid, err)
        return None
    return value[0] if value else None


def body_sensor_location(value: int | None) -> str | None:
    """The spec's name of a Body Sensor Location (0x2A38) value."""
    if value is None:
        return None
    return BODY_SENSOR_LOCATIONS.get(value, f"reserved ({value})")


async def subscribe_heart_rate(client: BleakClient, on_notification: NotificationCallback) -> None:
    """Start 0x2A37 notifications, each handed on as bytes."""

    def notified(_char: BleakGATTCharacteristic, data: bytearray) -> None:
        on_notification(bytes(data))

    await client.start_notify(HEART_RATE_MEASUREMENT_UUID, notified)


async def disconnect_quietly(client: BleakClient, address: str) -> None:
    """Stop notifications and disconnect at once, to free the connection slot.

    Raises nothing: bluetoothd or the proxy may be gone already, and bleak still
    releases what it holds.
    """
    try:
        async with asyncio.timeout(DISCONNECT_TIMEOUT_S):
            if client.is_connected:
                with contextlib.suppress(BleakError, KeyError, ValueError):
                    await client.stop_notify(HEART_RATE_MEASUREMENT_UUID)
            await client.disconnect()
    except (*LINK_ERRORS, AssertionError) as err:
        _LOGGER.debug("disconnect from %s failed: %r", address, err)


@dataclass
class ClientLink:
    """A connected strap with 0x2A37 notifications running, through any bleak client."""

    info: StrapInfo
    client: BleakClient = field(repr=False)

    async def close(self) -> None:
        await disconnect_quietly(self.client, self.info.address)
