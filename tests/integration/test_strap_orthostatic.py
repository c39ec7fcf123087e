"""An orthostatic test through Home Assistant's own Bluetooth (strap mode).

Home Assistant's real bluetooth integration on the fake BlueZ; the virtual strap
replays a :class:`LivePerson` at ``REPLAY_SPEED`` and an automation-like listener makes the person
stand up when the integration fires its ``stand_up`` event — the moment the "stand up
now" blueprint would speak. The stored test's numbers are recomputed independently
from the stored beats, which are checked to be the strap's replayed series.
"""

from __future__ import annotations

import itertools
import math
import statistics
from typing import TYPE_CHECKING, Any

import pytest
from homeassistant.core import Event, callback
from hrv_helpers import state_of, wait_for
from strap_helpers import REPLAY_SPEED
from support.fakebluez import VirtualStrap
from test_strap_measurement import ADDRESS, FAST, add_strap_entry

from custom_components.hrv_readiness.const import EVENT_COLLECTOR, EVENT_READING, TRIGGER_STAND_UP
from hrv_readiness.ble.parser import parse_heart_rate_measurement
from hrv_readiness.hrv import OrthostaticProtocol
from hrv_readiness.simulation import LivePerson, OrthostaticScenario

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from support.fakebluez import FakeBluez

    from custom_components.hrv_readiness.strap_hub import StrapHub

PROTOCOL = OrthostaticProtocol()
#: The whole protocol (6 min of beats, under a second at 480x) plus connecting: well
#: inside this.
BOUND_S = 40.0


def _ends(rr: list[float]) -> list[float]:
    return [t / 1000.0 for t in itertools.accumulate(rr)]


def _window(rr: list[float], from_s: float, to_s: float) -> list[float]:
    return [v for v, t in zip(rr, _ends(rr), strict=True) if from_s <= t < to_s]


def _rmssd(rr: list[float]) -> float:
    diffs = [b - a for a, b in itertools.pairwise(rr)]
    return math.sqrt(sum(d * d for d in diffs) / len(diffs))


def _hr(rr: list[float]) -> float:
    return 60000.0 / (sum(rr) / len(rr))


def independent(rr: list[float], stand_index: int) -> dict[str, float]:
    cue_s = sum(rr[:stand_index]) / 1000.0
    supine = _window(rr, cue_s - PROTOCOL.supine_window_s, cue_s)
    start = cue_s + PROTOCOL.standing_settle_s
    standing = _window(rr, start, start + PROTOCOL.standing_window_s)
    inside = [i for i, t in enumerate(_ends(rr)) if cue_s < t <= cue_s + PROTOCOL.peak_window_s]
    width = PROTOCOL.peak_beats
    peak_rr = min(
        statistics.median(rr[i] for i in inside[k : k + width])
        for k in range(len(inside) - width + 1)
    )
    return {
        "supine_hr_bpm": _hr(supine),
        "supine_rmssd_ms": _rmssd(supine),
        "standing_hr_bpm": _hr(standing),
        "standing_rmssd_ms": _rmssd(standing),
        "hr_rise_bpm": 60000.0 / peak_rr - _hr(supine),
    }


async def run_test(
    hass: HomeAssistant, fake_bluez: FakeBluez, person: LivePerson, *, stand: bool = True
) -> tuple[StrapHub, list[dict[str, Any]], list[float]]:
    """Press *Start orthostatic test*; returns the hub, the cues and the recorded progress."""
    fake_bluez.add_strap(
        VirtualStrap(address=ADDRESS, rr_ms=person, name="Polar H10 BBBB", speed=REPLAY_SPEED)  # type: ignore[arg-type]
    )
    entry = await add_strap_entry(hass, settings=FAST)
    hub: StrapHub = entry.runtime_data
    await wait_for(hass, lambda: hub.source.device() is not None)
    cues: list[dict[str, Any]] = []
    elapsed_at_cue: list[float] = []

    @callback
    def on_event(event: Event) -> None:
        if event.data.get("type") != TRIGGER_STAND_UP:
            return
        cues.append(dict(event.data))
        elapsed_at_cue.append(float(state_of(hass, "sensor.alice_measurement_progress") or 0))
        if stand:
            person.stand()  # the announcement was heard

    hass.bus.async_listen(EVENT_READING, on_event)
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.alice_start_orthostatic_test"}, blocking=True
    )
    await wait_for(
        hass, lambda: state_of(hass, "sensor.alice_measurement") == "complete", timeout_s=BOUND_S
    )
    await wait_for(hass, lambda: not hub.measuring, timeout_s=5.0)
    return hub, cues, elapsed_at_cue


@pytest.mark.usefixtures("real_bluetooth")
async def test_the_button_runs_the_test_and_the_cue_fires_at_the_right_time(
    hass: HomeAssistant, fake_bluez: FakeBluez
) -> None:
    person = LivePerson(OrthostaticScenario(seed=16))
    hub, cues, progress_at_cue = await run_test(hass, fake_bluez, person)
    # One cue, for Alice's device, half-way through (lying 180 of 360 s).
    assert len(cues) == 1
    assert cues[0]["device_id"] == hub.device_id("alice")
    assert cues[0]["user"] == "alice"
    assert progress_at_cue[0] <= 50.0
    store = hub._store
    assert store is not None
    [stored] = await hass.async_add_executor_job(store.readings, "alice")
    test = stored.orthostatic
    assert test is not None
    assert test.metrics is not None, test.reason
    assert test.stand_index is not None
    rr = list(stored.rr_ms)
    assert sum(rr[: test.stand_index]) / 1000.0 == pytest.approx(PROTOCOL.cue_at_s, abs=2.0)
    # The stored beats are the strap's replayed ones, in the order sent.
    on_air = [
        v
        for payload in fake_bluez.strap(ADDRESS).sent
        for v in parse_heart_rate_measurement(payload).rr_intervals_ms
    ]
    starts = [i for i, v in enumerate(on_air) if v == pytest.approx(rr[0])]
    assert any(on_air[i : i + len(rr)] == pytest.approx(rr) for i in starts)
    ref = independent(rr, test.stand_index)
    m = test.metrics
    for name in ("supine_hr_bpm", "standing_hr_bpm", "hr_rise_bpm"):
        assert getattr(m, name) == pytest.approx(ref[name], abs=2.0), name
    for name in ("supine_rmssd_ms", "standing_rmssd_ms"):
        assert getattr(m, name) == pytest.approx(ref[name], rel=0.05), name
    assert m.hr_rise_bpm > 25.0
    # The morning reading is the lying part: the sensors show it.
    assert float(state_of(hass, "sensor.alice_rmssd") or 0) == pytest.approx(
        m.supine_rmssd_ms, abs=0.01
    )


@pytest.mark.usefixtures("real_bluetooth")
async def test_no_stand_at_the_cue_is_refused_and_the_lying_reading_kept(
    hass: HomeAssistant, fake_bluez: FakeBluez
) -> None:
    collector: list[str] = []

    @callback  # on the loop, in the order fired (a plain function runs in the executor)
    def on_collector_event(event: Event) -> None:
        collector.append(event.data["type"])

    hass.bus.async_listen(EVENT_COLLECTOR, on_collector_event)
    person = LivePerson(OrthostaticScenario(seed=17))
    hub, cues, _ = await run_test(hass, fake_bluez, person, stand=False)
    assert len(cues) == 1
    store = hub._store
    assert store is not None
    [stored] = await hass.async_add_executor_job(store.readings, "alice")
    assert stored.usable
    assert stored.orthostatic is not None
    assert stored.orthostatic.refusal == "no_stand"
    assert collector == ["command_accepted", "measurement_started", "measurement_completed"]
