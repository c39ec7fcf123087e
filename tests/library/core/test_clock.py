"""Which morning a moment belongs to: one clock, one zone per history (issue 20).

The rule (``hrv_readiness.clock``): the collector dates every morning by the calendar of
``collector.timezone`` (else the machine's zone) — its automatic measurement, the MQTT
commands that come without a date, and the command line given its ``--config``. A Pi
left on UTC in an Auckland household would otherwise measure at the wrong hour and date
the morning a day early; with ``collector.timezone`` it agrees with the household.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiomqtt
import pytest
import yaml
from support.fakebluez import DBusDaemon, FakeBluez, VirtualStrap

from hrv_readiness import clock
from hrv_readiness.cli import main
from hrv_readiness.config import parse_config
from hrv_readiness.daemon import Daemon
from hrv_readiness.errors import ConfigError
from hrv_readiness.simulation import RrScenario, synthesize_rr_ms
from hrv_readiness.store import Store

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from support.mosquitto import MosquittoBroker

STRAP = "A0:9E:1A:00:00:C7"
#: 07:40 on 6 December in Auckland (NZDT, UTC+13); 18:40 on 5 December in UTC.
AUCKLAND_MORNING = dt.datetime(2026, 12, 5, 18, 40, tzinfo=dt.UTC)


@pytest.fixture
def machine_tz(request: pytest.FixtureRequest) -> Iterator[str]:
    """The machine's own zone (``TZ``), which the household's zone must override."""
    zone: str = getattr(request, "param", "UTC")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TZ", zone)
        time.tzset()
        yield zone
    time.tzset()


@pytest.fixture
def wall_clock(monkeypatch: pytest.MonkeyPatch) -> list[dt.datetime]:
    """The collector's wall clock, pinned at Auckland's morning; tests move it."""
    now = [AUCKLAND_MORNING]
    monkeypatch.setattr(clock, "utc_now", lambda: now[0])
    return now


def _config_data(tmp_path: Path, *, timezone: str | None, port: int = 1883) -> dict[str, Any]:
    collector: dict[str, Any] = {"id": "testpi"}
    if timezone is not None:
        collector["timezone"] = timezone
    return {
        "collector": collector,
        "users": [{"id": "alice", "strap": {"address": STRAP}}],
        "measurement": {
            "duration_s": 60,
            "settle_s": 2,
            "strap_wait_s": 8,
            "scan_s": 4,
            "contact_timeout_s": 10,
            "watchdog_s": 3,
            "morning_window": {"start": "05:00", "end": "10:00"},
        },
        "mqtt": {"host": "127.0.0.1", "port": port, "reconnect_min_s": 0.2, "timeout_s": 3},
        "storage": {"data_dir": str(tmp_path / "data")},
    }


def test_a_time_zone_that_does_not_exist_is_one_clear_line(tmp_path: Path) -> None:
    data = _config_data(tmp_path, timezone="Europe/Atlantis")
    with pytest.raises(ConfigError) as caught:
        parse_config(data)
    message = str(caught.value)
    assert "collector.timezone" in message
    assert "'Europe/Atlantis'" in message
    assert "IANA name like Europe/Berlin" in message
    assert "\n" not in message.strip()


@pytest.mark.usefixtures("machine_tz", "wall_clock")
@pytest.mark.parametrize(
    ("timezone", "morning"),
    [
        ("Pacific/Auckland", dt.date(2026, 12, 6)),  # the household's calendar
        (None, dt.date(2026, 12, 5)),  # no zone set: the machine's (UTC here)
    ],
)
def test_the_household_zone_dates_the_command_line_with_config(
    tmp_path: Path, timezone: str | None, morning: dt.date
) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump(_config_data(tmp_path, timezone=timezone)))
    answers = ["--soreness", "2", "--energy", "7", "--sleep", "7", "--stress", "2"]
    assert main(["log", "--config", str(config), "--user", "alice", *answers]) == 0
    with Store.open(tmp_path / "data" / "hrv.sqlite3") as store:
        assert store.wellness_for("alice", morning) is not None


@pytest.mark.parametrize("machine_tz", ["UTC", "Pacific/Auckland", "US/Pacific"], indirect=True)
@pytest.mark.usefixtures("wall_clock")
def test_every_machine_zone_gives_the_same_morning_with_collector_timezone(
    machine_tz: str,
) -> None:
    config = parse_config(_config_data(Path("/nonexistent"), timezone="Pacific/Auckland"))
    now = config.collector.now()
    assert now.date() == dt.date(2026, 12, 6), machine_tz
    assert now.hour == 7  # the morning window is read on the household's clock too
    assert now.utcoffset() == dt.timedelta(hours=13)


def _rr() -> list[float]:
    scenario = RrScenario(
        duration_s=400, resting_hr_bpm=55, target_rmssd_ms=55, seed=4, ectopic_rate=0.0
    )
    return [float(v) for v in synthesize_rr_ms(scenario)]


@pytest.fixture
async def bluez(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeBluez]:
    with DBusDaemon() as dbus:
        monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", dbus.address)
        fake = FakeBluez(dbus.address)
        await fake.start()
        fake.add_strap(VirtualStrap(address=STRAP, rr_ms=_rr(), name="Polar H10 C7", speed=30))
        yield fake
        await fake.stop()


async def _wait_for(condition: Any, timeout_s: float, what: str) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail(f"timed out after {timeout_s} s waiting for {what}")
        await asyncio.sleep(0.1)


@pytest.mark.broker
@pytest.mark.bluez
@pytest.mark.usefixtures("machine_tz", "wall_clock", "bluez")
async def test_a_pi_on_utc_measures_and_dates_an_auckland_morning(
    tmp_path: Path, mosquitto: MosquittoBroker
) -> None:
    """The Pi's zone is UTC (18:40 there, outside the window); the household's is Auckland."""
    config = parse_config(_config_data(tmp_path, timezone="Pacific/Auckland", port=mosquitto.port))
    daemon = Daemon(config, poll_interval_s=0.5)  # no injected clock: the household's
    stop = asyncio.Event()
    task = asyncio.create_task(daemon.run(stop))
    async with aiomqtt.Client("127.0.0.1", mosquitto.port) as client:
        await client.subscribe("hrv_readiness/testpi/alice/event", qos=1)
        await _wait_for(lambda: daemon.readings_stored == 1, 90, "the morning's reading")
        # How she feels, sent from Home Assistant without a date: the collector dates it.
        await client.publish(
            "hrv_readiness/testpi/alice/command/wellness",
            json.dumps(
                {"soreness": 3, "energy": 7, "sleep_quality": 8, "stress": 2, "request_id": "w"}
            ).encode(),
            qos=1,
        )
        async with asyncio.timeout(15):
            async for message in client.messages:
                event = json.loads(bytes(message.payload))  # type: ignore[arg-type]
                if event.get("request_id") == "w":
                    assert event["type"] == "command_accepted", event
                    break
    stop.set()
    await asyncio.wait_for(task, 15)
    with Store.open(config.storage.database_path) as store:
        (reading,) = store.readings("alice")
        wellness = store.wellness_for("alice", dt.date(2026, 12, 6))
    assert reading.date == dt.date(2026, 12, 6)
    assert wellness is not None
    assert wellness.soreness == 3
