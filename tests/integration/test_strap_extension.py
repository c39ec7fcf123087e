"""Home Assistant's strap mode measures longer instead of refusing, as the collector does.

The same session code runs inside Home Assistant (the real bluetooth integration on the
fake BlueZ, tests/integration/bluetooth_fixtures.py). Four ectopic beats in the planned
minute would make it refused; the measurement sensor says why the recording goes on,
then which window it analysed, and the morning gets its number.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import callback
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.setup import async_setup_component
from hrv_helpers import state_of, wait_for
from pytest_homeassistant_custom_component.common import MockConfigEntry
from strap_helpers import REPLAY_SPEED, window_around_now
from support.fakebluez import VirtualStrap

from custom_components.hrv_readiness.const import (
    CONF_ADDRESS,
    CONF_STRAP_NAME,
    CONF_USER_ID,
    CONF_USER_NAME,
    CONF_WINDOW_END,
    CONF_WINDOW_START,
    DOMAIN,
)
from hrv_readiness.ble.models import MeasurementSettings
from hrv_readiness.hrv import analyze
from hrv_readiness.simulation import RrScenario, synthesize_rr_ms

if TYPE_CHECKING:
    from homeassistant.core import Event, EventStateChangedData, HomeAssistant
    from support.fakebluez import FakeBluez

    from custom_components.hrv_readiness.strap_hub import StrapHub

ADDRESS = "A0:9E:1A:00:00:0C"
SETTINGS = MeasurementSettings(
    duration_s=60.0,
    settle_s=0.0,
    strap_wait_s=3.0,
    scan_s=0.5,
    watchdog_s=1.0,
    retry_delay_s=0.1,
    connect_timeout_s=10.0,
)


def bursty_rr() -> list[float]:
    """Clean rhythm with four ectopic beats 20-35 s into the planned minute."""
    rr = synthesize_rr_ms(
        RrScenario(
            duration_s=300, resting_hr_bpm=58.0, target_rmssd_ms=60.0, seed=5, ectopic_rate=0
        )
    ).tolist()
    first = int(np.searchsorted(np.cumsum(rr) / 1000.0, 22.0))
    for i in range(first, first + 16, 4):
        shift = 0.35 * rr[i]
        rr[i] -= shift
        rr[i + 1] += shift
    return rr


@pytest.mark.usefixtures("real_bluetooth")
async def test_strap_mode_extends_picks_a_window_and_answers(
    hass: HomeAssistant, fake_bluez: FakeBluez
) -> None:
    fake_bluez.add_strap(
        VirtualStrap(address=ADDRESS, rr_ms=bursty_rr(), name="Polar H10 CCCC", speed=REPLAY_SPEED)
    )
    start, end = window_around_now(inside=False)
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Alice (Polar H10 CCCC)",
        unique_id=f"{ADDRESS}_alice",
        data={
            CONF_ADDRESS: ADDRESS,
            CONF_STRAP_NAME: "Polar H10 CCCC",
            CONF_USER_ID: "alice",
            CONF_USER_NAME: "Alice",
            CONF_WINDOW_START: start,
            CONF_WINDOW_END: end,
        },
    )
    entry.add_to_hass(hass)
    assert await async_setup_component(hass, DOMAIN, {})
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    hub: StrapHub = entry.runtime_data
    hub.use_session_settings(SETTINGS)

    shown: list[tuple[str, Any]] = []

    @callback
    def record(event: Event[EventStateChangedData]) -> None:
        new = event.data["new_state"]
        if new is not None:
            shown.append((new.state, new.attributes.get("reason")))

    async_track_state_change_event(hass, "sensor.alice_measurement", record)
    await wait_for(hass, lambda: hub.source.device() is not None)
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.alice_start_measurement"}, blocking=True
    )
    await wait_for(
        hass,
        lambda: (
            state_of(hass, "sensor.alice_reading_quality") not in {None, "unknown", "unavailable"}
        ),
        timeout_s=60.0,
    )
    # While recording past the planned minute it said why ...
    assert any(
        state == "recording" and reason and "recording up to 60 s longer" in reason
        for state, reason in shown
    ), shown
    # ... and when complete, which window of the longer recording it analysed.
    assert any(
        state == "complete" and reason and "analysed the cleanest 60 s window" in reason
        for state, reason in shown
    ), shown
    # The morning has its number; the stored beats are that window, answered.
    assert state_of(hass, "sensor.alice_reading_quality") in {"good", "acceptable"}
    assert float(state_of(hass, "sensor.alice_rmssd") or 0) > 0
    readings = await hass.async_add_executor_job(hub.store.readings, "alice")
    reading = readings[-1]
    assert 58.0 <= reading.duration_s < 63.0
    assert analyze(reading.rr_ms).usable
