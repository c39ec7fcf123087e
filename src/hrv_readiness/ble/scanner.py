"""Scanning for heart-rate straps with bleak, and the one place bleak errors are translated.

``await scan_for_straps(timeout_s) -> list[DiscoveredStrap]`` (strongest first)
scans with the Heart Rate service filter (0x180D). :func:`translate_bleak_error`
turns bleak / D-Bus failures into this project's strap errors.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bleak import BleakScanner
from bleak.exc import BleakBluetoothNotAvailableError, BleakDBusError, BleakError

from hrv_readiness.ble.errors import (
    AdapterUnavailableError,
    StrapBusyError,
    StrapConnectionError,
    StrapNotFoundError,
)
from hrv_readiness.ble.models import DiscoveredStrap

if TYPE_CHECKING:
    from hrv_readiness.errors import StrapError

HEART_RATE_SERVICE_UUID = "0000180d-0000-1000-8000-00805f9b34fb"

#: D-Bus errors that mean "BlueZ or the adapter is not usable right now".
_ADAPTER_DBUS_ERRORS = frozenset(
    {
        "org.freedesktop.DBus.Error.ServiceUnknown",  # bluetoothd not running
        "org.freedesktop.DBus.Error.NameHasNoOwner",
        "org.freedesktop.DBus.Error.NoReply",
        "org.freedesktop.DBus.Error.Disconnected",
        "org.bluez.Error.NotReady",  # adapter powered off
    }
)
#: D-Bus errors that mean "someone else is using the strap or the radio".
_BUSY_DBUS_ERRORS = frozenset({"org.bluez.Error.InProgress", "org.bluez.Error.Busy"})

BUSY_MESSAGE = "strap busy — is a phone app connected to it?"


def _causes(err: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = err
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _message(err: BaseException) -> str:
    """The human part of an error (bleak errors keep extra data in ``args``)."""
    if err.args and isinstance(err.args[0], str):
        return err.args[0]
    return str(err) or type(err).__name__


def _translate_cause(cause: BaseException, address: str | None) -> StrapError | None:
    if isinstance(cause, BleakBluetoothNotAvailableError):
        return AdapterUnavailableError(
            f"Bluetooth adapter not available: {_message(cause)}", address=address
        )
    if isinstance(cause, BleakDBusError):
        if cause.dbus_error in _ADAPTER_DBUS_ERRORS:
            return AdapterUnavailableError(
                f"Bluetooth adapter not available: {cause.dbus_error}"
                f" ({cause.dbus_error_details or 'no details'})",
                address=address,
            )
        if cause.dbus_error in _BUSY_DBUS_ERRORS and address is not None:
            return StrapBusyError(f"{BUSY_MESSAGE} ({cause.dbus_error})", address=address)
    if isinstance(cause, FileNotFoundError | ConnectionRefusedError):
        return AdapterUnavailableError(
            f"Bluetooth adapter not available: the D-Bus system bus is not reachable ({cause})",
            address=address,
        )
    if isinstance(cause, EOFError | BrokenPipeError | ConnectionResetError):
        return AdapterUnavailableError(
            f"Bluetooth adapter not available: lost the D-Bus connection ({cause!r})",
            address=address,
        )
    return None


def translate_bleak_error(err: BaseException, *, address: str | None = None) -> StrapError:
    """Map a bleak, dbus-fast or OS error (and its causes) to a strap error.

    ``address`` is given when connecting to a known strap; without it (scanning) any
    failure means the Bluetooth stack is not usable right now.
    """
    for cause in _causes(err):
        if (translated := _translate_cause(cause, address)) is not None:
            return translated
    if address is None:
        return AdapterUnavailableError(f"Bluetooth adapter not available: {err}", address=address)
    if isinstance(err, BleakError) and "not found" in str(err).lower():
        return StrapNotFoundError(f"strap {address} not found: {err}", address=address)
    if isinstance(err, TimeoutError):
        return StrapConnectionError(f"connecting to {address} timed out", address=address)
    return StrapConnectionError(f"connecting to {address} failed: {_message(err)}", address=address)


async def scan_for_straps(
    timeout_s: float = 5.0, *, adapter: str | None = None
) -> list[DiscoveredStrap]:
    """Return the heart-rate straps advertising within ``timeout_s``, strongest first.

    Raises:
        AdapterUnavailableError: no usable Bluetooth adapter / BlueZ.

    """
    try:
        if adapter is None:
            found = await BleakScanner.discover(
                timeout=timeout_s, service_uuids=[HEART_RATE_SERVICE_UUID], return_adv=True
            )
        else:
            found = await BleakScanner.discover(
                timeout=timeout_s,
                service_uuids=[HEART_RATE_SERVICE_UUID],
                return_adv=True,
                bluez={"adapter": adapter},
            )
    except (BleakError, OSError, EOFError) as err:
        raise translate_bleak_error(err) from err
    straps = [
        DiscoveredStrap(
            name=device.name or adv.local_name or "(unnamed)",
            address=device.address,
            rssi_dbm=adv.rssi,
        )
        for device, adv in found.values()
    ]
    return sorted(straps, key=lambda s: (-(s.rssi_dbm or -999), s.address))
