"""Errors of the BLE strap collector, each a child of a family in :mod:`hrv_readiness.errors`."""

from __future__ import annotations

import enum

from hrv_readiness.errors import ParseError, StrapError


class StrapFailure(enum.StrEnum):
    """Why a measurement gave no recording, as a code a consumer acts on (not English text)."""

    #: No Bluetooth adapter (or, in Home Assistant, no adapter or proxy that can connect).
    ADAPTER_UNAVAILABLE = "adapter_unavailable"
    #: The strap is not heard (out of range, asleep) or only by scanners that cannot connect.
    NOT_CONNECTABLE = "not_connectable"
    #: Every adapter and proxy that reaches the strap has all connection slots in use.
    NO_CONNECTION_SLOT = "no_connection_slot"
    #: The strap refuses the connection: another device (a phone app) holds it.
    BUSY = "busy"
    #: Connecting or subscribing failed for another reason.
    CONNECTION_FAILED = "connection_failed"
    #: The strap never had skin contact (or lost it for good).
    NO_CONTACT = "no_contact"
    #: The link kept dropping during the measurement.
    LINK_LOST = "link_lost"


def failure_of(err: BaseException) -> StrapFailure | None:
    """The code of a strap error (``None`` for an error that has none)."""
    failure = getattr(err, "failure", None)
    return failure if isinstance(failure, StrapFailure) else None


class HeartRateParseError(ParseError):
    """A Heart Rate Measurement (0x2A37) payload is empty or truncated."""

    def __init__(self, message: str, *, payload: bytes) -> None:
        super().__init__(message)
        self.payload = payload


class AdapterUnavailableError(StrapError):
    """The Bluetooth adapter is missing, powered off or bluetoothd is not running."""

    failure = StrapFailure.ADAPTER_UNAVAILABLE


class StrapNotFoundError(StrapError):
    """No heart-rate strap advertised within the scan time."""

    failure = StrapFailure.NOT_CONNECTABLE


class StrapBusyError(StrapError):
    """The strap refused the connection because another device (a phone app) holds it."""

    failure = StrapFailure.BUSY


class StrapConnectionError(StrapError):
    """Connecting to the strap or setting up its notifications failed."""

    failure = StrapFailure.CONNECTION_FAILED


class NoConnectionSlotError(StrapConnectionError):
    """Every adapter and proxy that reaches the strap has all connection slots in use."""

    failure = StrapFailure.NO_CONNECTION_SLOT
