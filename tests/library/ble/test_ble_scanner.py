"""Translating bleak / D-Bus / OS errors into the project's strap errors (one place)."""

from __future__ import annotations

import pytest
from bleak.exc import (
    BleakBluetoothNotAvailableError,
    BleakBluetoothNotAvailableReason,
    BleakDBusError,
    BleakError,
)
from bleak_retry_connector import BleakConnectionError, BleakNotFoundError

from hrv_readiness.ble.errors import (
    AdapterUnavailableError,
    StrapBusyError,
    StrapConnectionError,
    StrapNotFoundError,
)
from hrv_readiness.ble.scanner import translate_bleak_error
from hrv_readiness.errors import StrapError

ADDRESS = "A0:9E:1A:00:00:01"


def _wrapped(outer: BaseException, cause: BaseException) -> BaseException:
    """``outer`` raised ``from cause``, as bleak-retry-connector does after its retries."""
    outer.__cause__ = cause
    return outer


@pytest.mark.parametrize(
    ("error", "address", "expected", "text"),
    [
        (
            BleakBluetoothNotAvailableError(
                "No powered Bluetooth adapters found.",
                BleakBluetoothNotAvailableReason.POWERED_OFF,
            ),
            None,
            AdapterUnavailableError,
            "Bluetooth adapter not available: No powered Bluetooth adapters found.",
        ),
        (
            BleakDBusError("org.freedesktop.DBus.Error.ServiceUnknown", ["no bluez"]),
            None,
            AdapterUnavailableError,
            "org.freedesktop.DBus.Error.ServiceUnknown (no bluez)",
        ),
        (
            BleakDBusError("org.bluez.Error.NotReady", ["Resource Not Ready"]),
            ADDRESS,
            AdapterUnavailableError,
            "Bluetooth adapter not available: org.bluez.Error.NotReady",
        ),
        (
            _wrapped(
                BleakConnectionError("H10 - A0: Failed to connect after 2 attempt(s)"),
                BleakDBusError("org.bluez.Error.InProgress", ["In Progress"]),
            ),
            ADDRESS,
            StrapBusyError,
            "strap busy — is a phone app connected to it?",
        ),
        (
            BleakNotFoundError("H10 - A0: Failed to connect: device not found"),
            ADDRESS,
            StrapNotFoundError,
            "not found",
        ),
        (
            BleakError("le-connection-abort-by-local"),
            ADDRESS,
            StrapConnectionError,
            f"connecting to {ADDRESS} failed: le-connection-abort-by-local",
        ),
        (
            FileNotFoundError(2, "No such file or directory"),
            None,
            AdapterUnavailableError,
            "the D-Bus system bus is not reachable",
        ),
        (
            ConnectionRefusedError(111, "Connection refused"),
            ADDRESS,
            AdapterUnavailableError,
            "the D-Bus system bus is not reachable",
        ),
        (EOFError(), ADDRESS, AdapterUnavailableError, "lost the D-Bus connection"),
        (
            BleakError("something odd while scanning"),
            None,
            AdapterUnavailableError,
            "Bluetooth adapter not available: something odd while scanning",
        ),
    ],
)
def test_translate_bleak_error(error, address, expected, text):
    translated = translate_bleak_error(error, address=address)
    assert type(translated) is expected
    assert isinstance(translated, StrapError)
    assert text in str(translated)
    if address is not None and hasattr(translated, "address"):
        assert translated.address == address
