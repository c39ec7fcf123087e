"""One morning, one verdict in Home Assistant's own Bluetooth mode (issue 25).

Alice has 24 steady mornings; this morning is measured through the strap entry. Then
the history changes through Home Assistant's actions — a bad questionnaire, its
deletion, the undo — and after each change the readiness entities show exactly the
verdict stored for this morning in the history file, the one ``hrv-collector report``
prints, and the verdict changes when the
history says it must.

The clock is pinned as in test_strap_end_to_end (CI runs at any hour).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from hrv_helpers import state_of, wait_for
from strap_helpers import add_through_discovery, window_around_now
from test_strap_end_to_end import (  # noqa: F401 - the clock fixture is used by name
    TIMEOUT_S,
    TWO_CLOCKS,
    clock,
    seeded_history,
    this_morning_strap,
)

from custom_components.hrv_readiness.const import DOMAIN, STORE_FILE
from hrv_readiness.store import Store

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from support.fakebluez import FakeBluez


def _report_today(db: Path) -> tuple[str, str | None, int | None]:
    """This morning's stored verdict: what ``hrv-collector report`` prints for it.

    (The report shows the verdict stored with the morning's last usable reading; the
    report module itself needs the CLI's extras, which Home Assistant does not have.)
    """
    today = dt_util.now().date()
    with Store.open(db) as store:
        readings = [r for r in store.readings("alice") if r.date == today and r.usable]
    readiness = readings[-1].readiness
    assert readiness is not None
    return readiness.status, readiness.fatigue_type, readiness.score


def _entities(hass: HomeAssistant) -> tuple[str | None, str | None, int | None]:
    score = state_of(hass, "sensor.alice_readiness_score")
    return (
        state_of(hass, "sensor.alice_readiness_status"),
        state_of(hass, "sensor.alice_fatigue_type"),
        None if score in {None, "unknown"} else int(str(score)),
    )


@pytest.mark.usefixtures("real_bluetooth", "clock")
@pytest.mark.parametrize("clock", TWO_CLOCKS[:1], indirect=True)
async def test_every_change_shows_the_stored_verdict(
    hass: HomeAssistant, fake_bluez: FakeBluez
) -> None:
    await seeded_history(hass, suppressed_days=0)
    db = Path(hass.config.path(STORE_FILE))
    assert await async_setup_component(hass, DOMAIN, {})
    fake_bluez.add_strap(this_morning_strap(hr=52.0, rmssd=70.0))
    start, end = window_around_now(inside=False)
    entry = await add_through_discovery(
        hass, {"name": "Alice", "window_start": start, "window_end": end}
    )
    device_id = entry.runtime_data.device_id("alice")
    before = state_of(hass, "sensor.alice_last_reading")
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.alice_start_measurement"}, blocking=True
    )
    await wait_for(
        hass, lambda: state_of(hass, "sensor.alice_last_reading") != before, timeout_s=TIMEOUT_S
    )
    measured = await hass.async_add_executor_job(_report_today, db)
    assert _entities(hass) == measured
    assert measured[0] == "ready"

    today = dt_util.now().date()
    changes = [
        (
            "log_wellness",
            {"soreness": 10, "energy": 1, "sleep_quality": 1, "stress": 10, "heavy_legs": True},
        ),
        ("delete_entry", {"date": today, "entry": "questionnaire"}),
        ("undo", {}),
    ]
    seen = []
    for action, data in changes:
        await hass.services.async_call(
            DOMAIN, action, {"device_id": device_id, **data}, blocking=True
        )
        await hass.async_block_till_done()
        stored = await hass.async_add_executor_job(_report_today, db)
        assert _entities(hass) == stored, action
        seen.append(stored)
    bad, deleted, undone = seen
    assert bad[0] == "caution"
    assert bad[1] == "combined"  # sore and run down: systemic fatigue felt (rule 14)
    assert deleted == measured
    assert undone == bad
