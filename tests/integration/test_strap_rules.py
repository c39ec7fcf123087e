"""How a strap entry reads a failed measurement: by the library's failure code only.

(The morning window and the retry rule are the library's routine, tested there:
tests/library/core/test_routine.py.)
"""

from __future__ import annotations

import pytest

from custom_components.hrv_readiness.faults import StrapFault, fault_of
from hrv_readiness.ble.errors import StrapFailure


@pytest.mark.parametrize(
    ("failure", "fault"),
    [
        (StrapFailure.BUSY, StrapFault.BUSY),
        (StrapFailure.NO_CONNECTION_SLOT, StrapFault.NO_CONNECTION_SLOT),
        (StrapFailure.NO_CONTACT, StrapFault.NO_CONTACT),
        (StrapFailure.LINK_LOST, StrapFault.LINK_LOST),
        (StrapFailure.NOT_CONNECTABLE, StrapFault.NOT_CONNECTABLE),
        (StrapFailure.ADAPTER_UNAVAILABLE, StrapFault.NOT_CONNECTABLE),
        (StrapFailure.CONNECTION_FAILED, StrapFault.NOT_CONNECTABLE),
        (None, StrapFault.NOT_CONNECTABLE),
    ],
)
def test_every_failure_code_has_its_repair(failure: StrapFailure | None, fault: StrapFault) -> None:
    assert fault_of(failure) is fault


def test_no_failure_code_is_left_without_a_repair() -> None:
    assert {fault_of(failure) for failure in StrapFailure} == set(StrapFault)
