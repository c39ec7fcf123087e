"""Why a measurement through Home Assistant's Bluetooth did not give a reading.

Each fault is something the user can act on, so each raises a repair issue (text in
strings.json, ``issues.strap_<fault>``) that the next complete measurement deletes.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from hrv_readiness.ble.models import SessionState

if TYPE_CHECKING:
    from hrv_readiness.ble.models import MeasurementResult


class StrapFault(enum.StrEnum):
    #: Every adapter and proxy that reaches the strap has all connection slots in use.
    NO_CONNECTION_SLOT = "no_connection_slot"
    #: No adapter or proxy that can connect hears the strap (or none at all exists).
    NOT_CONNECTABLE = "not_connectable"
    #: The strap refuses the connection: another device (a phone app) holds it.
    BUSY = "busy"
    #: The strap never had skin contact.
    NO_CONTACT = "no_contact"
    #: The link kept dropping during the measurement.
    LINK_LOST = "link_lost"


def classify(result: MeasurementResult, source_fault: StrapFault | None) -> StrapFault | None:
    """The fault a finished session ended in, or ``None`` for a complete one.

    The session says how it ended (aborted for contact, failed for the rest); the
    strap source remembers what Home Assistant's Bluetooth last refused with.
    """
    if result.state is SessionState.COMPLETE:
        return None
    reason = result.reason or ""
    if result.state is SessionState.ABORTED and "skin contact" in reason:
        return StrapFault.NO_CONTACT
    if reason.startswith("link to the strap lost"):
        return StrapFault.LINK_LOST
    if source_fault is not None:
        return source_fault
    if "busy" in reason:
        return StrapFault.BUSY
    return StrapFault.NOT_CONNECTABLE
