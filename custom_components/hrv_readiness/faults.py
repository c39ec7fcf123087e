"""Which repair issue a measurement without a reading raises: by the library's code.

Each fault is something the user can act on, so each raises a repair issue (text in
strings.json, ``issues.strap_<fault>``) that the next complete measurement deletes.
The fault is read from the failure code the library attached to the result, never
from its English reason, and only from this result: nothing of an earlier failure
is kept.
"""

from __future__ import annotations

import enum

from hrv_readiness.ble.errors import StrapFailure


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


_FAULT_OF: dict[StrapFailure, StrapFault] = {
    StrapFailure.ADAPTER_UNAVAILABLE: StrapFault.NOT_CONNECTABLE,
    StrapFailure.NOT_CONNECTABLE: StrapFault.NOT_CONNECTABLE,
    StrapFailure.CONNECTION_FAILED: StrapFault.NOT_CONNECTABLE,
    StrapFailure.NO_CONNECTION_SLOT: StrapFault.NO_CONNECTION_SLOT,
    StrapFailure.BUSY: StrapFault.BUSY,
    StrapFailure.NO_CONTACT: StrapFault.NO_CONTACT,
    StrapFailure.LINK_LOST: StrapFault.LINK_LOST,
}


def fault_of(failure: StrapFailure | None) -> StrapFault:
    """The repair a failed measurement raises (a failure without a code: not connectable)."""
    return StrapFault.NOT_CONNECTABLE if failure is None else _FAULT_OF[failure]
