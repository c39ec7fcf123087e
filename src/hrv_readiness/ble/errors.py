"""Errors of the BLE strap collector, each a child of a family in :mod:`hrv_readiness.errors`."""

from __future__ import annotations

from hrv_readiness.errors import ParseError, StrapError


class HeartRateParseError(ParseError):
    """A Heart Rate Measurement (0x2A37) payload is empty or truncated."""

    def __init__(self, message: str, *, payload: bytes) -> None:
        super().__init__(message)
        self.payload = payload


class AdapterUnavailableError(StrapError):
    """The Bluetooth adapter is missing, powered off or bluetoothd is not running."""


class StrapNotFoundError(StrapError):
    """No heart-rate strap advertised within the scan time."""


class StrapBusyError(StrapError):
    """The strap refused the connection because another device (a phone app) holds it."""


class StrapConnectionError(StrapError):
    """Connecting to the strap or setting up its notifications failed."""
