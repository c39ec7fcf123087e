"""A strap reached through a host's Bluetooth (Home Assistant): a ``StrapSource``.

The host owns the radio (its adapters and proxies), so this source never scans and
never picks a client class itself; the host injects both:

* ``device_lookup(address)``: the strap's connectable ``BLEDevice`` as the host hears
  it now, or ``None`` (Home Assistant: ``bluetooth.async_ble_device_from_address(...,
  connectable=True)``, after checking a connectable scanner exists);
* ``client_class``: the bleak client class to connect with (Home Assistant: its
  ``BleakClientWithServiceCache``, which picks the adapter or proxy with a free slot);
* ``absence`` (optional): why the strap is not there, as a strap error (Home
  Assistant: no connectable scanner, heard only passively, not heard at all).

Every bleak error is translated once (:func:`~hrv_readiness.ble.translate.translate_bleak_error`
and bleak-retry-connector's typed errors), so a failure carries its
:class:`~hrv_readiness.ble.errors.StrapFailure` code, never only English text.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import bleak_retry_connector

from hrv_readiness.ble.errors import (
    NoConnectionSlotError,
    StrapConnectionError,
    StrapNotFoundError,
)
from hrv_readiness.ble.gatt import (
    BATTERY_LEVEL_UUID,
    BODY_SENSOR_LOCATION_UUID,
    LINK_ERRORS,
    ClientLink,
    body_sensor_location,
    disconnect_quietly,
    read_optional_byte,
    subscribe_heart_rate,
)
from hrv_readiness.ble.models import DiscoveredStrap, StrapInfo
from hrv_readiness.ble.translate import translate_bleak_error

if TYPE_CHECKING:
    from collections.abc import Callable

    from bleak import BleakClient
    from bleak.backends.device import BLEDevice

    from hrv_readiness.ble.source import DisconnectCallback, NotificationCallback
    from hrv_readiness.errors import StrapError

_LOGGER = logging.getLogger(__name__)

#: How often ``find`` asks the host whether the strap is connectable yet.
FIND_POLL_S = 0.5
#: Attempts of one connect; the session retries a failed connect on its own.
CONNECT_ATTEMPTS = 2


class HostedStrapSource:
    """One strap, by address, reached through whatever the host has in range."""

    def __init__(
        self,
        address: str,
        name: str,
        *,
        device_lookup: Callable[[str], BLEDevice | None],
        client_class: type[BleakClient],
        absence: Callable[[], StrapError] | None = None,
    ) -> None:
        self.address = address
        self.name = name
        self._device_lookup = device_lookup
        self._client_class = client_class
        self._absence = absence
        #: The client class the last connection used (diagnostics, tests).
        self.connected_with: str | None = None

    @property
    def description(self) -> str:
        return f"strap {self.name} ({self.address})"

    def device(self) -> BLEDevice | None:
        """The strap as a connectable adapter or proxy of the host hears it now, if one does."""
        return self._device_lookup(self.address)

    def _not_found(self) -> StrapError:
        if self._absence is not None:
            return self._absence()
        return StrapNotFoundError(
            f"no adapter or proxy in range hears {self.description}", address=self.address
        )

    async def find(self, timeout_s: float) -> DiscoveredStrap:
        """Wait until an adapter or proxy that can connect hears the strap."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while (device := self.device()) is None:
            if loop.time() >= deadline:
                raise self._not_found()
            await asyncio.sleep(FIND_POLL_S)
        return DiscoveredStrap(address=device.address, name=device.name or self.name)

    async def connect(
        self,
        strap: DiscoveredStrap,
        on_notification: NotificationCallback,
        on_disconnect: DisconnectCallback,
    ) -> ClientLink:
        device = self.device()
        if device is None:
            raise self._not_found()
        try:
            client = await bleak_retry_connector.establish_connection(
                self._client_class,
                device,
                strap.name,
                disconnected_callback=lambda _client: on_disconnect(),
                max_attempts=CONNECT_ATTEMPTS,
                ble_device_callback=lambda: self.device() or device,
            )
        except bleak_retry_connector.BleakOutOfConnectionSlotsError as err:
            raise NoConnectionSlotError(
                "no free Bluetooth connection slot on the adapters and proxies in range",
                address=self.address,
            ) from err
        except bleak_retry_connector.BleakNotFoundError as err:
            raise StrapNotFoundError(str(err), address=self.address) from err
        except LINK_ERRORS as err:
            raise translate_bleak_error(err, address=self.address) from err
        self.connected_with = type(client).__name__
        try:
            battery = await read_optional_byte(client, BATTERY_LEVEL_UUID)
            location = await read_optional_byte(client, BODY_SENSOR_LOCATION_UUID)
            await subscribe_heart_rate(client, on_notification)
        except LINK_ERRORS as err:
            await disconnect_quietly(client, self.address)
            raise StrapConnectionError(
                f"could not subscribe to heart rate: {err}", address=self.address
            ) from err
        _LOGGER.debug("connected to %s through %s", self.description, self.connected_with)
        info = StrapInfo(
            address=self.address,
            name=strap.name,
            battery_pct=battery,
            body_sensor_location=body_sensor_location(location),
        )
        return ClientLink(info=info, client=client)
