"""End to end: a virtual strap on the fake BlueZ → the daemon → Mosquitto → Home Assistant.

Every part is real except the radio: the fake BlueZ runs as its own process on a
private D-Bus, the daemon is ``hrv-collector run`` in the collector's own venv
(unmodified bleak), the broker is a real Mosquitto, and Home Assistant's MQTT
integration, this integration, the shipped blueprint and a template light run in the
test harness. The person has 24 steady mornings and one suppressed morning stored;
this morning the strap shows suppressed HRV with a raised resting HR again, so the
collector must decide *nervous-system* fatigue with a low score, Home Assistant must
show it, and the blueprint must dim the light.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest
import yaml
from homeassistant.setup import async_setup_component
from hrv_helpers import hrv_entry, state_of, wait_for

if TYPE_CHECKING:
    from collections.abc import Iterator

    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry
    from support.mosquitto import MosquittoBroker

pytestmark = pytest.mark.broker

ROOT = Path(__file__).resolve().parents[2]

COLLECTOR_PYTHON = ROOT / ".venv" / "bin" / "python"
COLLECTOR_ID = "e2e"
#: The household's zone, set in the collector's config: it dates the mornings, whatever
#: the zone of this machine or of Home Assistant (US/Pacific in its tests).
COLLECTOR_TZ = "Europe/Berlin"
STRAP = "A0:9E:1A:00:00:E2"
#: This morning: resting HR 61 bpm, RMSSD 33 ms (lnRMSSD 3.5) against a baseline of
#: about 52 bpm and lnRMSSD 4.25 (tests/support/seed_history.py).
STRAP_SPEC = f"{STRAP}:Polar H10 E2E:61:33"
TIMEOUT_S = 90.0


def _terminate(process: subprocess.Popen[str]) -> str:
    if process.poll() is None:
        process.terminate()
    try:
        out, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate()
    return out or ""


@pytest.fixture
def fake_bluez() -> Iterator[str]:
    """The fake BlueZ as a process; yields its D-Bus address."""
    process = subprocess.Popen(
        [str(COLLECTOR_PYTHON), "-m", "support.fakebluez", "--strap", STRAP_SPEC, "--speed", "40"],
        cwd=ROOT / "tests",
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline().strip()
    assert first.startswith("DBUS_SYSTEM_BUS_ADDRESS="), first
    yield first.split("=", 1)[1]
    _terminate(process)  # communicate() closes stdin, which also stops it


@pytest.fixture
def collector_config(tmp_path: Path, broker: MosquittoBroker) -> Path:
    data_dir = tmp_path / "collector"
    subprocess.run(
        [
            str(COLLECTOR_PYTHON),
            str(ROOT / "tests" / "support" / "seed_history.py"),
            str(data_dir / "hrv.sqlite3"),
            "--user",
            "alice",
            "--collector-id",
            COLLECTOR_ID,
            "--stable-days",
            "24",
            "--suppressed-days",
            "1",
            # The mornings end yesterday on the collector's clock (collector.timezone).
            "--now",
            dt.datetime.now(ZoneInfo(COLLECTOR_TZ)).isoformat(),
        ],
        check=True,
        timeout=120,
    )
    config = {
        "collector": {"id": COLLECTOR_ID, "timezone": COLLECTOR_TZ},
        "users": [{"id": "alice", "name": "Alice", "strap": {"address": STRAP}}],
        # The whole day is "morning" so the test does not depend on when CI runs.
        "measurement": {
            "duration_s": 60,
            "settle_s": 2,
            "morning_window": {"start": "00:00", "end": "23:59"},
        },
        "mqtt": {"host": broker.host, "port": broker.port, "reconnect_min_s": 0.2},
        "storage": {"data_dir": str(data_dir)},
        "logging": {"level": "INFO"},
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


@pytest.fixture
async def home(hass: HomeAssistant, mqtt_entry: MockConfigEntry) -> None:
    """The integration, a template light at full brightness and the blueprint automation."""
    entry = hrv_entry(collector_id=COLLECTOR_ID)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
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


async def test_morning_reading_reaches_home_assistant_and_dims_the_light(
    hass: HomeAssistant,
    home: None,
    fake_bluez: str,
    collector_config: Path,
) -> None:
    assert state_of(hass, "light.bedroom") == "on"
    assert hass.states.get("light.bedroom").attributes["brightness"] == 255  # type: ignore[union-attr]

    daemon = subprocess.Popen(  # noqa: ASYNC220 - started once, waited in the executor
        [str(COLLECTOR_PYTHON), "-m", "hrv_readiness", "run", "--config", str(collector_config)],
        env={**os.environ, "DBUS_SYSTEM_BUS_ADDRESS": fake_bluez},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        await wait_for(
            hass,
            lambda: (
                state_of(hass, "sensor.alice_fatigue_type") not in (None, "unknown", "unavailable")
            ),
            timeout_s=TIMEOUT_S,
        )
        fatigue_type = state_of(hass, "sensor.alice_fatigue_type")
        status = state_of(hass, "sensor.alice_readiness_status")
        score = state_of(hass, "sensor.alice_readiness_score")
        resting_hr = state_of(hass, "sensor.alice_resting_heart_rate")
        recovery_low = state_of(hass, "binary_sensor.alice_recovery_low")
        breathing = state_of(hass, "sensor.alice_breathing_rate")
        await wait_for(
            hass,
            lambda: hass.states.get("light.bedroom").attributes.get("brightness") != 255,  # type: ignore[union-attr]
            timeout_s=15,
        )
    finally:
        log = await hass.async_add_executor_job(_terminate, daemon)

    assert fatigue_type == "nervous_system", log
    assert status == "caution", log
    assert score is not None
    assert int(score) < 50
    assert resting_hr is not None
    assert 57 <= float(resting_hr) <= 65
    assert recovery_low == "on"
    # The virtual strap's person breathes 15/min: read off the RR by the daemon,
    # published (contract v1.4) and shown.
    assert breathing is not None
    assert float(breathing) == pytest.approx(15.0, abs=1.5), log
    light = hass.states.get("light.bedroom")
    assert light is not None
    assert light.attributes["brightness"] == round(255 * 20 / 100)
    assert "measuring alice" in log
