"""End to end through Home Assistant's own Bluetooth: no collector, no broker, no second Pi.

Home Assistant's **real** bluetooth integration (habluetooth's manager and active
``HaScanner``, bluetooth-adapters' Linux adapter discovery over D-Bus, bleak 0.22's
BlueZ backend, bleak-retry-connector and Home Assistant's wrapped client) runs
against the fake BlueZ on a private D-Bus, as the collector's BLE tests do. Replaced,
because it cannot run without a kernel adapter: only
``bluetooth_auto_recovery.recover_adapter`` (adapter reset through the kernel's
Bluetooth management socket and USB), with a recorder the test asserts is never
called; and the test harness's session-wide patch of bluetooth-adapters'
``LinuxAdapters`` is undone (tests/integration/bluetooth_fixtures.py).

The person has 24 steady mornings and one suppressed morning in the history file in
Home Assistant's config directory. This morning the strap advertises inside the
morning window with HRV suppressed further and resting HR raised again: the discovery card
is confirmed, the day's measurement runs by itself, Home Assistant decides
nervous-system fatigue with a low score, and the shipped blueprint dims the light.
The same recording given to the collector's daemon on the same history gives the
same verdict.

Each test runs with the clock pinned (ticking on from there, because the Bluetooth stack
and the fake BlueZ run in real time) to 02:30 UTC — evening of the day before in Home
Assistant's US/Pacific — and to 14:30 UTC, and with the process's own time zone (what
the library would take for "local") set to UTC and to Pacific/Auckland: a morning is
dated by Home Assistant's time zone in strap mode, and by ``collector.timezone`` in the
collector, never by the machine's zone behind their backs (issue 20).
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import freezegun
import pytest
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from hrv_helpers import state_of, wait_for
from strap_helpers import REPLAY_SPEED, add_through_discovery, window_around_now
from support.fakebluez import VirtualStrap
from support.seed_history import seed

from custom_components.hrv_readiness.const import DOMAIN, STORE_FILE
from custom_components.hrv_readiness.strap_hub import StrapHub
from hrv_readiness.ble.models import Recording
from hrv_readiness.config import Config
from hrv_readiness.pipeline import RecordingInput, process_recording
from hrv_readiness.simulation import RrScenario, synthesize_rr_ms
from hrv_readiness.store import Store

if TYPE_CHECKING:
    from collections.abc import Iterator

    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import HomeAssistant
    from support.fakebluez import FakeBluez

    from hrv_readiness.pipeline import ProcessedReading

STRAP = "A0:9E:1A:00:00:E3"
TIMEOUT_S = 60.0

#: 02:30 UTC is 18:30 the day before in Home Assistant's test zone (US/Pacific) and
#: 15:30 the same day in Auckland; 14:30 UTC is 06:30 in Pacific and 03:30 the next
#: day in Auckland. The failures of issue 20 happened between 00:00 and 08:00 UTC.
NIGHT_UTC = "2026-12-06T02:30:00+00:00"
AFTERNOON_UTC = "2026-12-06T14:30:00+00:00"


def pinned(clock_utc: str, process_tz: str) -> Any:
    """One case: the clock pinned at ``clock_utc`` (ticking on) and the process's ``TZ``."""
    return pytest.param((clock_utc, process_tz), id=f"{clock_utc[11:16]}Z-TZ={process_tz}")


#: Every clock with every process zone for the light test; two pairs for the others.
ALL_CLOCKS = [
    pinned(NIGHT_UTC, "UTC"),
    pinned(NIGHT_UTC, "Pacific/Auckland"),
    pinned(AFTERNOON_UTC, "UTC"),
    pinned(AFTERNOON_UTC, "Pacific/Auckland"),
]
TWO_CLOCKS = [pinned(NIGHT_UTC, "Pacific/Auckland"), pinned(AFTERNOON_UTC, "UTC")]


@pytest.fixture
def clock(request: pytest.FixtureRequest) -> Iterator[str]:
    """The case's process zone (``TZ``) and clock, pinned before Home Assistant starts.

    The zone is set first: freezegun's ticking clock counts on from the machine's local
    time, so changing ``TZ`` under it would move the pinned moment. Used through
    ``usefixtures``, so it is set up before the ``hass`` fixture. Yields the pinned
    moment (UTC, ISO) after checking that both took effect.
    """
    clock_utc, zone = request.param
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TZ", zone)
        time.tzset()
        with freezegun.freeze_time(clock_utc, tick=True):
            elapsed = dt_util.utcnow() - dt.datetime.fromisoformat(clock_utc)
            assert dt.timedelta(0) <= elapsed < dt.timedelta(minutes=1), elapsed
            local = dt.datetime.now().astimezone().utcoffset()
            assert local == dt.datetime.now(ZoneInfo(zone)).utcoffset()
            yield clock_utc
    time.tzset()


def this_morning_strap(*, hr: float = 61.0, rmssd: float = 33.0) -> VirtualStrap:
    rr = synthesize_rr_ms(
        RrScenario(duration_s=600, resting_hr_bpm=hr, target_rmssd_ms=rmssd, seed=3)
    )
    return VirtualStrap(address=STRAP, rr_ms=rr.tolist(), name="Polar H10 E2E3", speed=REPLAY_SPEED)


async def seeded_history(hass: HomeAssistant, *, suppressed_days: int) -> Path:
    """Earlier mornings in HA's history file; returns a copy made before today's reading.

    They end yesterday by Home Assistant's clock and time zone, the ones strap mode
    dates this morning's reading with.
    """
    db = Path(hass.config.path(STORE_FILE))
    await hass.async_add_executor_job(
        partial(seed, db, "alice", "ble", 24, suppressed_days, now=dt_util.now())
    )
    tmp = db.with_name("before_today.sqlite3")
    await hass.async_add_executor_job(shutil.copyfile, db, tmp)
    return tmp


async def bedroom_with_blueprint(hass: HomeAssistant) -> None:
    """A template light at full brightness and the shipped blueprint watching Alice."""
    assert await async_setup_component(
        hass, "input_number", {"input_number": {"bedroom_level": {"min": 0, "max": 255}}}
    )
    set_level = {
        "action": "input_number.set_value",
        "target": {"entity_id": "input_number.bedroom_level"},
    }
    # The template integration's own key (the `light: platform: template` form is gone
    # in Home Assistant 2026; this one works on every supported release).
    assert await async_setup_component(
        hass,
        "template",
        {
            "template": [
                {
                    "light": [
                        {
                            "name": "bedroom",
                            "state": "{{ states('input_number.bedroom_level')|int > 0 }}",
                            "level": "{{ states('input_number.bedroom_level')|int }}",
                            "turn_on": {**set_level, "data": {"value": 255}},
                            "turn_off": {**set_level, "data": {"value": 0}},
                            "set_level": {**set_level, "data": {"value": "{{ brightness }}"}},
                        }
                    ]
                }
            ]
        },
    )
    await hass.services.async_call(
        "input_number",
        "set_value",
        {"entity_id": "input_number.bedroom_level", "value": 255},
        blocking=True,
    )
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "id": "poor_recovery",
                "alias": "Poor recovery morning",
                "use_blueprint": {
                    "path": "hrv_readiness/poor_recovery_dim_lights.yaml",
                    "input": {
                        "readiness_status": "sensor.alice_readiness_status",
                        "score_below": 50,
                        "morning_start": "00:00:00",
                        "morning_end": "23:59:59",
                        "lights": {"entity_id": "light.bedroom"},
                        "brightness": 20,
                    },
                },
            }
        },
    )
    await hass.async_block_till_done()


def collector_verdict(history: Path, hub: StrapHub, zone: str) -> ProcessedReading:
    """What the collector's daemon decides for HA's recording on the same history.

    The collector is configured with the household's time zone (``collector.timezone``)
    and keeps its own clock: whatever the machine's zone, it dates the morning as Home
    Assistant does.
    """
    with Store.open(hub.store_path) as ha_store:
        stored = ha_store.latest_reading("alice")
    assert stored is not None
    config = Config.model_validate(
        {
            "collector": {"timezone": zone},
            "users": [{"id": "alice", "name": "Alice", "strap": {"address": STRAP}}],
        }
    )
    recording = Recording(
        rr_ms=stored.rr_ms,
        started_at=stored.measured_at,
        duration_s=stored.duration_s,
        strap_name=stored.source,
        strap_address=STRAP,
        battery_pct=None,
        body_sensor_location="chest",
        reconnects=0,
    )
    with Store.open(history) as store:
        # The routine's step for a finished recording (the daemon's), on its own store,
        # dated by the collector's clock.
        return process_recording(
            store,
            RecordingInput.of(recording, user="alice", date=config.collector.now().date()),
            settings=config.readiness_for("alice"),
            artifact_reject_pct=config.measurement.artifact_reject_pct,
        )


@pytest.mark.usefixtures("real_bluetooth", "clock")
@pytest.mark.parametrize("clock", ALL_CLOCKS, indirect=True)
async def test_morning_measurement_through_ha_bluetooth_dims_the_light(
    hass: HomeAssistant,
    fake_bluez: FakeBluez,
    adapter_recoveries: list[Any],
) -> None:
    history = await seeded_history(hass, suppressed_days=1)
    assert await async_setup_component(hass, DOMAIN, {})
    await bedroom_with_blueprint(hass)
    assert hass.states.get("light.bedroom").attributes["brightness"] == 255  # type: ignore[union-attr]

    # She puts the strap on: it advertises, Home Assistant shows the discovery card.
    fake_bluez.add_strap(this_morning_strap(hr=64.0, rmssd=25.0))
    start, end = window_around_now(inside=True)
    entry: ConfigEntry = await add_through_discovery(
        hass,
        {"name": "Alice", "window_start": start, "window_end": end},
    )
    hub = entry.runtime_data
    assert isinstance(hub, StrapHub)
    # Yesterday's verdict is shown at once, from the history file.
    yesterday = state_of(hass, "sensor.alice_last_reading")
    assert yesterday not in (None, "unknown", "unavailable")
    # The strap is still advertising inside the window: the day's measurement runs.
    await wait_for(
        hass, lambda: state_of(hass, "sensor.alice_last_reading") != yesterday, timeout_s=TIMEOUT_S
    )
    await wait_for(
        hass,
        lambda: hass.states.get("light.bedroom").attributes.get("brightness") != 255,  # type: ignore[union-attr]
        timeout_s=15,
    )
    assert state_of(hass, "sensor.alice_fatigue_type") == "nervous_system"
    assert state_of(hass, "sensor.alice_readiness_status") == "caution"
    score = int(state_of(hass, "sensor.alice_readiness_score") or 100)
    assert score < 50
    assert 57 <= float(state_of(hass, "sensor.alice_resting_heart_rate") or 0) <= 65
    # The breathing rate read off the recording (the simulated person breathes 15/min).
    assert float(state_of(hass, "sensor.alice_breathing_rate") or 0) == pytest.approx(15.0, abs=1.5)
    assert state_of(hass, "binary_sensor.alice_recovery_low") == "on"
    assert state_of(hass, "sensor.alice_last_reading") not in (None, "unknown", "unavailable")
    light = hass.states.get("light.bedroom")
    assert light is not None
    assert light.attributes["brightness"] == round(255 * 20 / 100)
    # The link was closed when the recording ended.
    await wait_for(hass, lambda: fake_bluez.strap(STRAP).disconnect_calls, timeout_s=5.0)
    assert not fake_bluez.strap(STRAP).device.connected
    # Same entities as a collector's user, on a device of its own.
    device_id = hub.device_id("alice")
    assert device_id is not None
    entities = er.async_entries_for_device(er.async_get(hass), device_id)
    assert {e.unique_id for e in entities} >= {
        f"{hub.collector_id}_alice_readiness_score",
        f"{hub.collector_id}_alice_fatigue_type",
        f"{hub.collector_id}_alice_start_measurement",
        f"{hub.collector_id}_alice_reading",
    }

    # The collector, given the same RR series and history, decides the same.
    verdict = await hass.async_add_executor_job(
        collector_verdict, history, hub, hass.config.time_zone
    )
    assert verdict.readiness is not None
    assert verdict.readiness.fatigue_type == state_of(hass, "sensor.alice_fatigue_type")
    assert verdict.readiness.status == state_of(hass, "sensor.alice_readiness_status")
    assert verdict.readiness.score == score
    assert adapter_recoveries == []


@pytest.mark.usefixtures("real_bluetooth", "clock")
@pytest.mark.parametrize("clock", TWO_CLOCKS, indirect=True)
@pytest.mark.parametrize(("suppressed_days", "hr", "rmssd"), [(0, 52.0, 70.0), (3, 62.0, 30.0)])
async def test_ha_mode_and_the_collector_agree_on_readiness(
    hass: HomeAssistant,
    fake_bluez: FakeBluez,
    suppressed_days: int,
    hr: float,
    rmssd: float,
) -> None:
    """Readiness and fatigue type from Home Assistant equal the collector's, reading by reading."""
    history = await seeded_history(hass, suppressed_days=suppressed_days)
    assert await async_setup_component(hass, DOMAIN, {})
    fake_bluez.add_strap(this_morning_strap(hr=hr, rmssd=rmssd))
    start, end = window_around_now(inside=False)
    entry = await add_through_discovery(
        hass, {"name": "Alice", "window_start": start, "window_end": end}
    )
    yesterday = state_of(hass, "sensor.alice_last_reading")
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.alice_start_measurement"}, blocking=True
    )
    await wait_for(
        hass, lambda: state_of(hass, "sensor.alice_last_reading") != yesterday, timeout_s=TIMEOUT_S
    )
    verdict = await hass.async_add_executor_job(
        collector_verdict, history, entry.runtime_data, hass.config.time_zone
    )
    assert verdict.readiness is not None
    assert state_of(hass, "sensor.alice_fatigue_type") == verdict.readiness.fatigue_type
    assert state_of(hass, "sensor.alice_readiness_status") == verdict.readiness.status
    assert state_of(hass, "sensor.alice_readiness_score") == str(verdict.readiness.score)
    assert float(state_of(hass, "sensor.alice_lnrmssd") or 0) == pytest.approx(
        verdict.hrv.ln_rmssd, abs=1e-3
    )
    assert verdict.hrv.breathing_rate_per_min is not None
    assert float(state_of(hass, "sensor.alice_breathing_rate") or 0) == pytest.approx(
        verdict.hrv.breathing_rate_per_min, abs=0.05
    )
