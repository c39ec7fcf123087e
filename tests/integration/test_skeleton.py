"""Issue 2, acceptance 3: a published state arrives as entity states through a real broker."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from hrv_helpers import FakeCollector, state_payload, wait_for

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

pytestmark = pytest.mark.broker


async def test_state_arrives_as_entities(
    hass: HomeAssistant, setup_entry: object, collector: FakeCollector
) -> None:
    assert hass.states.get("sensor.alice_readiness_score").state == "72"
    assert hass.states.get("sensor.alice_lnrmssd").state == "4.129"
    assert hass.states.get("sensor.alice_resting_heart_rate").state == "55.3"

    await collector.state(state_payload(score=41, ln_rmssd=3.91, resting_hr_bpm=61.0))
    await wait_for(hass, lambda: hass.states.get("sensor.alice_readiness_score").state == "41")
    assert hass.states.get("sensor.alice_lnrmssd").state == "3.91"
    assert hass.states.get("sensor.alice_resting_heart_rate").state == "61.0"
