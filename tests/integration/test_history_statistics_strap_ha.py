"""A changed past morning reaches long-term statistics in the Bluetooth (strap) mode too.

A strap entry keeps the history file itself; as a collector entry imports the
collector's retained history (test_history_statistics_mqtt_ha), it imports its own
history into the same external statistics (``hrv_readiness:<ble id>_<user>_<key>``)
whenever the state is shown: at start and after every change. A questionnaire logged
late for a morning three days back changes that morning's readiness-score row to the
verdict the history file now stores for it. Nothing sleeps.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from score_statistics import CHANGED, seed_bob, wait_score
from strap_helpers import window_around_now

from custom_components.hrv_readiness.const import (
    CONF_ADDRESS,
    CONF_STRAP_NAME,
    CONF_USER_ID,
    CONF_USER_NAME,
    CONF_WINDOW_END,
    CONF_WINDOW_START,
    DOMAIN,
    STORE_FILE,
)
from custom_components.hrv_readiness.statistics import statistic_id
from custom_components.hrv_readiness.strap_hub import strap_collector_id
from hrv_readiness.store import Store

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

ADDRESS = "A0:9E:1A:00:00:BB"
SCORE = statistic_id(strap_collector_id(ADDRESS), "bob", "readiness_score")


@pytest.fixture
def mock_recorder_before_hass(recorder_db_url: str) -> None:
    """Prepare the recorder's database before the (autouse) hass fixture starts."""


def _seed(db: Path) -> None:
    with Store.open(db) as store:
        seed_bob(store)


def _stored_score(db: Path) -> int | None:
    """The score the history file holds for Bob's morning CHANGED."""
    with Store.open(db) as store:
        (reading,) = [r for r in store.readings("bob", since=CHANGED) if r.date == CHANGED]
    assert reading.readiness is not None
    return reading.readiness.score


@pytest.mark.usefixtures("recorder_mock", "real_bluetooth")
async def test_a_late_questionnaire_changes_the_strap_entrys_score_statistic(
    hass: HomeAssistant,
) -> None:
    db = Path(hass.config.path(STORE_FILE))
    await hass.async_add_executor_job(_seed, db)
    before = await hass.async_add_executor_job(_stored_score, db)
    assert before is not None  # the baseline exists: the morning has a score
    start, end = window_around_now(inside=False)
    strap = MockConfigEntry(
        domain=DOMAIN,
        title="Bob (Polar H10 BBBB)",
        unique_id=f"{ADDRESS}_bob",
        data={
            CONF_ADDRESS: ADDRESS,
            CONF_STRAP_NAME: "Polar H10 BBBB",
            CONF_USER_ID: "bob",
            CONF_USER_NAME: "Bob",
            CONF_WINDOW_START: start,
            CONF_WINDOW_END: end,
        },
    )
    strap.add_to_hass(hass)
    assert await hass.config_entries.async_setup(strap.entry_id)
    await wait_score(hass, SCORE, before)  # imported at start

    await hass.services.async_call(
        DOMAIN,
        "log_wellness",
        {
            "device_id": strap.runtime_data.device_id("bob"),
            "date": CHANGED,
            "soreness": 10,
            "energy": 1,
            "sleep_quality": 1,
            "stress": 10,
            "heavy_legs": True,
        },
        blocking=True,
    )
    after = await hass.async_add_executor_job(_stored_score, db)
    assert after not in {None, before}
    await wait_score(hass, SCORE, after)
