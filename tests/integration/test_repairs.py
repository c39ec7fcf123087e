"""Repair issues: collector offline for hours, no morning reading for days, double discovery."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
from hrv_helpers import ANNOUNCE, COLLECTOR_ID, FakeCollector, state_payload, wait_for
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.hrv_readiness import issues
from custom_components.hrv_readiness.const import DOMAIN

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

pytestmark = pytest.mark.broker

OFFLINE_ISSUE = f"collector_offline_{COLLECTOR_ID}"
NO_READING_ISSUE = f"no_reading_{COLLECTOR_ID}_alice"
NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)


def issue(hass: HomeAssistant, issue_id: str) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, issue_id)


@pytest.fixture
def wall_clock(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    """The integration's wall clock (the one thing these tests may fake)."""
    now = [NOW]
    monkeypatch.setattr(issues, "utcnow", lambda: now[0])
    return now


async def test_offline_for_hours_raises_an_issue(
    hass: HomeAssistant, setup_entry: MockConfigEntry, collector: FakeCollector
) -> None:
    await collector.publish("status", "offline")
    await wait_for(hass, lambda: setup_entry.runtime_data.online is False)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(hours=5))
    await hass.async_block_till_done()
    assert issue(hass, OFFLINE_ISSUE) is None

    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(hours=6, seconds=1))
    await hass.async_block_till_done()
    found = issue(hass, OFFLINE_ISSUE)
    assert found is not None
    assert found.translation_key == "collector_offline"
    assert found.translation_placeholders == {"collector": COLLECTOR_ID, "hours": "6"}
    assert found.severity is ir.IssueSeverity.WARNING

    await collector.online()
    await wait_for(hass, lambda: issue(hass, OFFLINE_ISSUE) is None)


async def test_back_online_in_time_raises_nothing(
    hass: HomeAssistant, setup_entry: MockConfigEntry, collector: FakeCollector
) -> None:
    await collector.publish("status", "offline")
    await wait_for(hass, lambda: setup_entry.runtime_data.online is False)
    await collector.online()
    await wait_for(hass, lambda: setup_entry.runtime_data.online is True)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(hours=7))
    await hass.async_block_till_done()
    assert issue(hass, OFFLINE_ISSUE) is None


async def test_unload_cancels_the_offline_timer(
    hass: HomeAssistant, setup_entry: MockConfigEntry, collector: FakeCollector
) -> None:
    await collector.publish("status", "offline")
    await wait_for(hass, lambda: setup_entry.runtime_data.online is False)
    assert await hass.config_entries.async_unload(setup_entry.entry_id)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(hours=7))
    await hass.async_block_till_done()
    assert issue(hass, OFFLINE_ISSUE) is None


async def test_no_reading_for_days(
    hass: HomeAssistant,
    wall_clock: list[datetime],
    setup_entry: MockConfigEntry,
    collector: FakeCollector,
) -> None:
    # The fixture's reading (2026-11-22) is 8 days old at NOW.
    await wait_for(hass, lambda: issue(hass, NO_READING_ISSUE) is not None)
    found = issue(hass, NO_READING_ISSUE)
    assert found is not None
    assert found.translation_placeholders == {
        "user": "Alice",
        "days": "3",
        "last": "2026-11-22T06:41:03+00:00",
    }

    fresh = (NOW - timedelta(days=2, hours=23)).isoformat()
    await collector.state(state_payload(measured_at=fresh))
    await wait_for(hass, lambda: issue(hass, NO_READING_ISSUE) is None)

    # Two hours later nothing new has arrived: the hourly check raises the issue.
    wall_clock[0] = NOW + timedelta(hours=2)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(hours=1, seconds=1))
    await hass.async_block_till_done()
    assert issue(hass, NO_READING_ISSUE) is not None

    # A user the collector stops serving takes their issue along.
    await collector.announce({**ANNOUNCE, "users": [{"id": "bob", "name": "Bob"}]})
    await wait_for(hass, lambda: issue(hass, NO_READING_ISSUE) is None)


async def test_duplicate_discovery_issue(
    hass: HomeAssistant, setup_entry: MockConfigEntry, collector: FakeCollector
) -> None:
    issue_id = f"duplicate_discovery_{COLLECTOR_ID}"
    assert issue(hass, issue_id) is None
    await collector.announce({**ANNOUNCE, "discovery": True})
    await wait_for(hass, lambda: issue(hass, issue_id) is not None)
    await collector.announce({**ANNOUNCE, "discovery": False})
    await wait_for(hass, lambda: issue(hass, issue_id) is None)
