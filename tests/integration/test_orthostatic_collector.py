"""The orthostatic test with a collector: the button asks for it, the cue comes back.

The *Start orthostatic test* button publishes the ``measure`` command with
``"orthostatic": true`` (contract v1.6); the collector's ``stand_up`` event becomes
the integration's ``hrv_readiness_event`` of type ``stand_up`` for the person's
device — the event the "stand up now" blueprint and the device trigger listen to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from homeassistant.core import Event, callback
from hrv_helpers import COLLECTOR_ID, PREFIX, find_device, state_of, state_payload, wait_for
from test_commands import received

from custom_components.hrv_readiness.const import EVENT_READING, TRIGGER_STAND_UP

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from hrv_helpers import FakeCollector

pytestmark = pytest.mark.broker


@pytest.mark.usefixtures("setup_entry")
async def test_the_button_asks_the_collector_for_an_orthostatic_test(
    hass: HomeAssistant, collector: FakeCollector
) -> None:
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.alice_start_orthostatic_test"}, blocking=True
    )
    assert await received(hass, collector) == (
        f"{PREFIX}/alice/command/measure",
        {"orthostatic": True},
    )


@pytest.mark.usefixtures("setup_entry")
async def test_the_collectors_cue_is_the_stand_up_event(
    hass: HomeAssistant, collector: FakeCollector
) -> None:
    cues: list[dict[str, Any]] = []

    @callback
    def on_event(event: Event) -> None:
        if event.data.get("type") == TRIGGER_STAND_UP:
            cues.append(dict(event.data))

    hass.bus.async_listen(EVENT_READING, on_event)
    await collector.publish(
        "alice/event",
        {
            "schema_version": 1,
            "type": "stand_up",
            "user": "alice",
            "at": "2026-11-22T06:33:00+00:00",
            "request_id": None,
            "detail": {"requested": True},
        },
        retain=False,
    )
    await wait_for(hass, lambda: cues)
    device = find_device(hass, f"{COLLECTOR_ID}_alice")
    assert device is not None
    assert cues == [
        {
            "type": "stand_up",
            "device_id": device.id,
            "collector_id": COLLECTOR_ID,
            "user": "alice",
        }
    ]
    # The event entity shows it too.
    state = hass.states.get("event.alice_reading")
    assert state is not None
    assert state.attributes.get("event_type") == "stand_up"


@pytest.mark.usefixtures("setup_entry")
async def test_the_tests_numbers_show_on_their_sensors(
    hass: HomeAssistant, collector: FakeCollector
) -> None:
    # Before any test: no value.
    assert state_of(hass, "sensor.alice_orthostatic_hr_rise") == "unknown"
    payload = state_payload(measured_at="2026-11-23T06:41:03+00:00")
    payload["reading"]["orthostatic"] = {
        "refusal": None,
        "reason": None,
        "supine_ln_rmssd": 3.891,
        "supine_hr_bpm": 55.3,
        "standing_rmssd_ms": 26.22,
        "standing_ln_rmssd": 3.267,
        "standing_hr_bpm": 74.8,
        "peak_hr_bpm": 93.0,
        "time_to_peak_s": 12.5,
        "hr_rise_bpm": 37.8,
        "standing_hr_rise_bpm": 19.5,
        "rmssd_ratio": 0.535,
        "hr_ratio": 1.353,
    }
    await collector.state(payload, retain=False)
    await wait_for(hass, lambda: state_of(hass, "sensor.alice_orthostatic_hr_rise") == "37.8")
    assert state_of(hass, "sensor.alice_standing_lnrmssd") == "3.267"
    # A refused test (no stand) has no numbers: the sensors say so.
    payload = state_payload(measured_at="2026-11-24T06:41:03+00:00")
    payload["reading"]["orthostatic"] = {
        **dict.fromkeys(
            (
                "supine_ln_rmssd",
                "supine_hr_bpm",
                "standing_rmssd_ms",
                "standing_ln_rmssd",
                "standing_hr_bpm",
                "peak_hr_bpm",
                "time_to_peak_s",
                "hr_rise_bpm",
                "standing_hr_rise_bpm",
                "rmssd_ratio",
                "hr_ratio",
            )
        ),
        "refusal": "no_stand",
        "reason": "the heart rate rose only 3 bpm after the cue",
    }
    await collector.state(payload, retain=False)
    await wait_for(hass, lambda: state_of(hass, "sensor.alice_orthostatic_hr_rise") == "unknown")
