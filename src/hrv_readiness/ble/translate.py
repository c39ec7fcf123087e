"""The one place bleak, D-Bus and OS errors become this project's strap errors.

Works with the collector's bleak 3 and with the older bleak Home Assistant ships
(which has no ``BleakBluetoothNotAvailableError``), so the hosted strap source can use
it inside Home Assistant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bleak import exc as bleak_exc
from bleak.exc import BleakDBusError, BleakError

from hrv_readiness.ble.errors import (
    AdapterUnavailableError,
    StrapBusyError,
    StrapConnectionError,
    StrapNotFoundError,
)

if TYPE_CHECKING:
    from hrv_readiness.errors import StrapError

#: bleak >= 1 says "no adapter" with its own error; older bleak has none.
_NOT_AVAILABLE: tuple[type[BaseException], ...] = tuple(
    getattr(bleak_exc, name)
    for name in ("BleakBluetoothNotAvailableError",)
    if hasattr(bleak_exc, name)
)

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
    if isinstance(cause, _NOT_AVAILABLE):
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
