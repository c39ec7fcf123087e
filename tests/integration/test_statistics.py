"""The collector's history in long-term statistics: real dates, no duplicates."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pytest
from homeassistant.components.recorder import get_instance
from homeassistant.components.recorder.db_schema import Statistics, StatisticsMeta
from homeassistant.components.recorder.statistics import list_statistic_ids, valid_statistic_id
from homeassistant.components.recorder.util import session_scope
from hrv_helpers import COLLECTOR_ID, history_payload, hrv_entry, wait_for
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.hrv_readiness.const import DOMAIN
from custom_components.hrv_readiness.statistics import STATISTICS, statistic_id

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.core import HomeAssistant
    from hrv_helpers import FakeCollector

LN = statistic_id(COLLECTOR_ID, "alice", "ln_rmssd")


@pytest.fixture
def mock_recorder_before_hass(recorder_db_url: str) -> None:
    """Prepare the recorder's database before the (autouse) hass fixture starts."""


def _rows(hass: HomeAssistant) -> dict[str, list[tuple[datetime, float | None]]]:
    with session_scope(hass=hass, read_only=True) as session:
        query = (
            session.query(StatisticsMeta.statistic_id, Statistics.start_ts, Statistics.mean)
            .join(Statistics, Statistics.metadata_id == StatisticsMeta.id)
            .order_by(Statistics.start_ts)
        )
        rows: dict[str, list[tuple[datetime, float | None]]] = {}
        for stat_id, start_ts, mean in query:
            rows.setdefault(stat_id, []).append(
                (datetime.fromtimestamp(start_ts).astimezone(), mean)
            )
        return rows


async def rows(hass: HomeAssistant) -> dict[str, list[tuple[datetime, float | None]]]:
    await async_wait_recording_done(hass)
    return await get_instance(hass).async_add_executor_job(_rows, hass)


async def wait_rows(
    hass: HomeAssistant, predicate: Callable[[dict[str, list[Any]]], bool]
) -> dict[str, list[tuple[datetime, float | None]]]:
    """The statistics rows once ``predicate(rows)`` holds (bounded wait)."""
    async with asyncio.timeout(15):
        while not predicate(current := await rows(hass)):  # noqa: ASYNC110 - polls the DB
            await asyncio.sleep(0.05)
    return current


def complete(stored: dict[str, list[Any]], mornings: int) -> bool:
    """Every statistic is there up to the newest morning, and lnRMSSD has ``mornings`` rows."""
    if len(stored) != len(STATISTICS) or len(stored[LN]) != mornings:
        return False
    newest = stored[LN][-1][0]
    return all(series[-1][0] == newest for series in stored.values())


async def _setup(hass: HomeAssistant, collector: FakeCollector, history: dict[str, Any]) -> None:
    await collector.state()
    await collector.publish("alice/history", history)
    entry = hrv_entry()
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)


async def test_history_becomes_one_hourly_row_per_reading_at_its_date(
    recorder_mock: Any, hass: HomeAssistant, collector: FakeCollector
) -> None:
    history = history_payload(mornings=60)
    await _setup(hass, collector, history)

    stored = await wait_rows(hass, lambda r: complete(r, 60))
    expected = [
        (
            datetime.fromisoformat(p["measured_at"]).replace(minute=0, second=0),
            p["ln_rmssd"],
        )
        for p in history["points"]
    ]
    assert [(start, mean) for start, mean in stored[LN]] == [
        (start, pytest.approx(mean)) for start, mean in expected
    ]
    # Band edges exist only from the day the baseline does; the score likewise.
    swc_low = statistic_id(COLLECTOR_ID, "alice", "ln_rmssd_swc_low")
    assert len(stored[swc_low]) == 46
    assert {s for s, _ in stored[swc_low]} <= {s for s, _ in stored[LN]}
    assert set(stored) == {statistic_id(COLLECTOR_ID, "alice", d.key) for d in STATISTICS}
    summary = hass.config_entries.async_entries("hrv_readiness")[0].runtime_data.users["alice"]
    assert summary.raw["history"]["points"] == 60
    assert summary.raw["history"]["last"] == history["points"][-1]["date"]
    ids = await get_instance(hass).async_add_executor_job(list_statistic_ids, hass)
    meta = {i["statistic_id"]: i for i in ids}
    assert meta[LN]["name"] == "Alice lnRMSSD"
    assert (
        meta[statistic_id(COLLECTOR_ID, "alice", "resting_hr")]["statistics_unit_of_measurement"]
        == "bpm"
    )
    # Mornings with an orthostatic test give its statistics; the others add no row.
    rise = statistic_id(COLLECTOR_ID, "alice", "orthostatic_hr_rise")
    assert meta[rise]["statistics_unit_of_measurement"] == "bpm"
    tested = [p for p in history["points"] if p["orthostatic_hr_rise_bpm"] is not None]
    assert [mean for _, mean in stored[rise]] == pytest.approx(
        [p["orthostatic_hr_rise_bpm"] for p in tested][-len(stored[rise]) :]
    )
    assert len(stored[rise]) == len(stored[LN]) // 2
    # Breathing rate (v1.4): a row for every morning that has one, at its own hour.
    breathing = statistic_id(COLLECTOR_ID, "alice", "breathing_rate")
    assert meta[breathing]["statistics_unit_of_measurement"] == "breaths/min"
    expected_breathing = [
        (
            datetime.fromisoformat(p["measured_at"]).replace(minute=0, second=0),
            p["breathing_rate_per_min"],
        )
        for p in history["points"]
        if p["breathing_rate_per_min"] is not None
    ]
    assert [(start, mean) for start, mean in stored[breathing]] == [
        (start, pytest.approx(mean)) for start, mean in expected_breathing
    ]


async def test_importing_twice_adds_nothing(
    recorder_mock: Any, hass: HomeAssistant, collector: FakeCollector
) -> None:
    history = history_payload(mornings=20)
    await _setup(hass, collector, history)
    first = await wait_rows(hass, lambda r: complete(r, 20))
    (entry,) = hass.config_entries.async_entries(DOMAIN)
    alice = entry.runtime_data.users["alice"]
    imported = alice.raw.get("history")
    # The same history again (HA restarts, the broker replays it) and a copy that differs
    # only in published_at, which is imported again: still one row per hour.
    await collector.publish("alice/history", history)
    await collector.publish(
        "alice/history", {**history, "published_at": "2026-11-23T00:00:00+00:00"}
    )
    # The moment checked: the copy was imported (messages arrive in order, so the
    # identical one was handled before it).
    await wait_for(hass, lambda: alice.raw.get("history") is not imported)
    await hass.async_block_till_done()
    assert await rows(hass) == first
    # The next morning's history adds exactly that morning.
    later = history_payload(mornings=21, last="2026-11-23T06:30:00+00:00")
    await collector.publish("alice/history", "")  # a cleared topic changes nothing
    await collector.publish("alice/history", later)
    await wait_rows(hass, lambda r: complete(r, 21))


async def test_history_before_the_announce_waits_for_the_user_name(
    recorder_mock: Any, hass: HomeAssistant, collector: FakeCollector
) -> None:
    await collector.publish("announce", "")  # no announce yet: the user is unknown
    await collector.publish("bob/history", history_payload("bob", mornings=3))
    entry = hrv_entry()
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert (await rows(hass)) == {}
    await collector.announce(
        {
            "schema_version": 1,
            "collector_id": COLLECTOR_ID,
            "name": "Kitchen",
            "sw_version": "0.2.0",
            "users": [{"id": "bob", "name": "Bob Smith"}, {"id": "carol", "name": "Carol"}],
            "discovery": False,
        }
    )
    bob = statistic_id(COLLECTOR_ID, "bob", "ln_rmssd")
    await wait_rows(hass, lambda r: bob in r)
    ids = await get_instance(hass).async_add_executor_job(list_statistic_ids, hass)
    assert {i["statistic_id"]: i["name"] for i in ids}[bob] == "Bob Smith lnRMSSD"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"points": "x"}, "points: "),
        ({"points": [{"date": "2026-11-22", "ln_rmssd": 4.0}]}, "points.0.measured_at: "),
        ({"user": "bob"}, "it is about pi_kitchen/bob"),
        (
            {"points": [{**history_payload()["points"][0], "ln_rmssd": "four"}]},
            "points.0.ln_rmssd: ",
        ),
    ],
)
async def test_a_broken_history_is_logged_and_imports_nothing(
    *,
    recorder_mock: Any,
    hass: HomeAssistant,
    collector: FakeCollector,
    caplog: pytest.LogCaptureFixture,
    payload: dict[str, Any],
    message: str,
) -> None:
    caplog.set_level(logging.WARNING)
    await _setup(hass, collector, {**history_payload(mornings=2), **payload})
    await wait_for(hass, lambda: message in caplog.text)
    assert "Ignoring history on hrv_readiness/pi_kitchen/alice/history" in caplog.text
    assert (await rows(hass)) == {}


async def test_without_the_recorder_the_history_is_skipped(
    hass: HomeAssistant, collector: FakeCollector, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="custom_components.hrv_readiness")
    await _setup(hass, collector, history_payload(mornings=2))
    await wait_for(hass, lambda: "No recorder: history of alice not imported" in caplog.text)


def test_statistic_ids_stay_in_the_recorders_alphabet() -> None:
    assert statistic_id("pi__x", "_bob", "ln_rmssd") == "hrv_readiness:pi_x_bob_ln_rmssd"
    assert valid_statistic_id(statistic_id("pi__x", "_bob", "ln_rmssd"))
