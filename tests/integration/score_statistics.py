"""What the two long-term-statistics tests of issue 25 share (MQTT and strap mode).

Bob's twenty-morning history with a questionnaire on most mornings, the morning whose
questionnaire is logged late, and a bounded wait for a readiness-score statistic's row
of one day to hold a value (read from the recorder's database, polled, never slept).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import TYPE_CHECKING

from homeassistant.components.recorder import get_instance
from homeassistant.components.recorder.db_schema import Statistics, StatisticsMeta
from homeassistant.components.recorder.util import session_scope
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from test_one_verdict_mqtt_ha import TIMEOUT_S, TODAY, _record

from hrv_readiness.readiness import WellnessEntry

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from hrv_readiness.store import Store

#: The morning whose questionnaire is logged late (it has none before).
CHANGED = TODAY - dt.timedelta(days=3)


def seed_bob(store: Store) -> None:
    """Bob: 20 mornings up to TODAY, a questionnaire on two mornings in three."""
    for back in range(19, -1, -1):
        day = TODAY - dt.timedelta(days=back)
        if back % 3:
            store.add_wellness(
                WellnessEntry(user="bob", date=day, soreness=2, energy=7, sleep_quality=7, stress=3)
            )
        _record(store, "bob", day)


def _scores(hass: HomeAssistant, statistic: str) -> dict[dt.date, float | None]:
    """The statistic's mean of each row, by the row's UTC date."""
    with session_scope(hass=hass, read_only=True) as session:
        query = (
            session.query(Statistics.start_ts, Statistics.mean)
            .join(StatisticsMeta, Statistics.metadata_id == StatisticsMeta.id)
            .filter(StatisticsMeta.statistic_id == statistic)
        )
        return {dt.datetime.fromtimestamp(start, dt.UTC).date(): mean for start, mean in query}


async def wait_score(hass: HomeAssistant, statistic: str, wanted: float) -> None:
    """Until the statistic's row of CHANGED holds ``wanted`` (bounded)."""
    async with asyncio.timeout(TIMEOUT_S):
        while True:
            await async_wait_recording_done(hass)
            scores = await get_instance(hass).async_add_executor_job(_scores, hass, statistic)
            if scores.get(CHANGED) == wanted:
                return
            await asyncio.sleep(0.05)  # polls the recorder's database
