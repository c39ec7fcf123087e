"""The pure rules of a strap entry: the morning window and how a session's end is read."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from custom_components.hrv_readiness.faults import StrapFault, classify
from custom_components.hrv_readiness.morning import MorningPlan, MorningWindow
from hrv_readiness.ble.models import MeasurementResult, SessionState

MORNING = datetime(2026, 12, 1, 6, 30).astimezone()


@pytest.mark.parametrize(
    ("start", "end", "clock", "inside"),
    [
        ("05:00", "10:00", "06:30", True),
        ("05:00", "10:00", "05:00", True),
        ("05:00", "10:00", "10:00", False),
        ("05:00", "10:00", "04:59", False),
        # A window across midnight (night shifts).
        ("22:00", "02:00", "23:30", True),
        ("22:00", "02:00", "01:59", True),
        ("22:00", "02:00", "02:00", False),
        ("22:00", "02:00", "12:00", False),
    ],
)
def test_window(start: str, end: str, clock: str, inside: bool) -> None:
    window = MorningWindow.parse(start, end)
    now = datetime.combine(MORNING.date(), time.fromisoformat(clock), MORNING.tzinfo)
    assert window.contains(now) is inside


def test_plan_measures_once_a_day_and_retries_a_failed_attempt_later() -> None:
    plan = MorningPlan(MorningWindow.parse("05:00", "10:00"), retry_after=timedelta(minutes=10))
    assert plan.due(MORNING)
    plan.attempted_at = MORNING
    assert not plan.due(MORNING + timedelta(minutes=9))
    assert plan.due(MORNING + timedelta(minutes=10))
    plan.measured_on = MORNING.date()
    assert not plan.due(MORNING + timedelta(minutes=30))
    assert plan.due(MORNING + timedelta(days=1))


def result(state: SessionState, reason: str | None) -> MeasurementResult:
    return MeasurementResult(state=state, reason=reason)


@pytest.mark.parametrize(
    ("state", "reason", "source_fault", "fault"),
    [
        (SessionState.COMPLETE, None, StrapFault.BUSY, None),
        (SessionState.ABORTED, "no skin contact for 60 s — moisten", None, StrapFault.NO_CONTACT),
        (
            SessionState.FAILED,
            "link to the strap lost 6 times (last: …)",
            None,
            StrapFault.LINK_LOST,
        ),
        (
            SessionState.FAILED,
            "could not connect",
            StrapFault.NO_CONNECTION_SLOT,
            StrapFault.NO_CONNECTION_SLOT,
        ),
        (
            SessionState.FAILED,
            "could not connect after 6 attempts: strap busy",
            None,
            StrapFault.BUSY,
        ),
        (
            SessionState.FAILED,
            "measurement did not finish within 900 s",
            None,
            StrapFault.NOT_CONNECTABLE,
        ),
    ],
)
def test_classify(
    state: SessionState,
    reason: str | None,
    source_fault: StrapFault | None,
    fault: StrapFault | None,
) -> None:
    assert classify(result(state, reason), source_fault) is fault
