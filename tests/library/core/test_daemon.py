"""The daemon with real parts: unmodified bleak on the fake BlueZ, a real Mosquitto,
a real SQLite file. Only the wall clock is injected (the morning window)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiomqtt
import pytest
import yaml
from support.fakebluez import DBusDaemon, FakeBluez, VirtualStrap

from hrv_readiness.config import Config, parse_config
from hrv_readiness.daemon import Daemon
from hrv_readiness.simulation import RrScenario, synthesize_rr_ms
from hrv_readiness.store import Store

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from support.mosquitto import MosquittoBroker

pytestmark = [pytest.mark.broker, pytest.mark.bluez]

ALICE_STRAP = "A0:9E:1A:00:00:A1"
BOB_STRAP = "A0:9E:1A:00:00:B2"
MORNING = dt.datetime(2026, 11, 23, 6, 40).astimezone()
REPO = Path(__file__).resolve().parents[3]


def _rr(seed: int, hr: float) -> list[float]:
    scenario = RrScenario(
        duration_s=400, resting_hr_bpm=hr, target_rmssd_ms=55, seed=seed, ectopic_rate=0.0
    )
    return [float(v) for v in synthesize_rr_ms(scenario)]


def _config_data(
    tmp_path: Path,
    port: int,
    *,
    window: tuple[str, str] = ("05:00", "10:00"),
    automatic: bool = True,
) -> dict[str, Any]:
    return {
        "collector": {"id": "testpi"},
        "users": [
            {"id": "alice", "strap": {"address": ALICE_STRAP}},
            {"id": "bob", "strap": {"name_pattern": "Polar H10 B*"}},
        ],
        "measurement": {
            "duration_s": 60,
            "settle_s": 2,
            "strap_wait_s": 8,
            "scan_s": 4,
            "contact_timeout_s": 10,
            "watchdog_s": 3,
            "automatic": automatic,
            "morning_window": {"start": window[0], "end": window[1]},
        },
        "mqtt": {
            "host": "127.0.0.1",
            "port": port,
            "reconnect_min_s": 0.2,
            "reconnect_max_s": 1.0,
            "timeout_s": 3,
        },
        "storage": {"data_dir": str(tmp_path / "data")},
    }


@pytest.fixture
def dbus(monkeypatch: pytest.MonkeyPatch) -> Iterator[DBusDaemon]:
    with DBusDaemon() as daemon:
        monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", daemon.address)
        yield daemon


@pytest.fixture
async def bluez(dbus: DBusDaemon) -> AsyncIterator[FakeBluez]:
    fake = FakeBluez(dbus.address)
    await fake.start()
    fake.add_strap(
        VirtualStrap(address=ALICE_STRAP, rr_ms=_rr(1, 52), name="Polar H10 A111", speed=30)
    )
    fake.add_strap(
        VirtualStrap(address=BOB_STRAP, rr_ms=_rr(2, 64), name="Polar H10 B222", speed=30)
    )
    yield fake
    await fake.stop()


async def _wait_for(condition: Any, timeout_s: float, what: str) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail(f"timed out after {timeout_s} s waiting for {what}")
        await asyncio.sleep(0.1)


async def _retained_states(port: int, users: set[str]) -> dict[str, dict[str, Any]]:
    states: dict[str, dict[str, Any]] = {}
    async with aiomqtt.Client("127.0.0.1", port) as client:
        await client.subscribe("hrv_readiness/testpi/+/state", qos=1)
        async with asyncio.timeout(15):
            async for message in client.messages:
                payload = json.loads(bytes(message.payload))  # type: ignore[arg-type]
                states[payload["user"]] = payload
                if set(states) >= users:
                    break
    return states


def _is_subsequence_window(part: tuple[float, ...], series: list[float]) -> bool:
    """True when ``part`` appears as consecutive beats of the (cycled) series, ±1 tick."""
    doubled = series + series
    first = part[0]
    tick_ms = 1000.0 / 1024.0
    for start, value in enumerate(doubled[: len(series)]):
        if abs(value - first) <= tick_ms and all(
            abs(a - b) <= tick_ms
            for a, b in zip(part[:20], doubled[start : start + 20], strict=False)
        ):
            return True
    return False


async def test_morning_window_measures_each_user_once_and_publishes(
    tmp_path: Path, mosquitto: MosquittoBroker, bluez: FakeBluez
) -> None:
    config = parse_config(_config_data(tmp_path, mosquitto.port))
    daemon = Daemon(config, now=lambda: MORNING, poll_interval_s=0.5)
    stop = asyncio.Event()
    task = asyncio.create_task(daemon.run(stop))
    await _wait_for(lambda: daemon.readings_stored >= 2, 90, "both morning readings")
    polls = daemon.polls
    # The moment checked: several more polls inside the window, none measuring again.
    await _wait_for(lambda: daemon.polls >= polls + 4, 30, "more polls in the window")
    stop.set()
    await asyncio.wait_for(task, 15)

    assert daemon.readings_stored == 2
    with Store.open(config.storage.database_path) as store:
        (alice,) = store.readings("alice")
        (bob,) = store.readings("bob")
    # Each reading comes from its own strap: no mixing of two simultaneous recordings.
    assert _is_subsequence_window(alice.rr_ms, _rr(1, 52))
    assert _is_subsequence_window(bob.rr_ms, _rr(2, 64))
    assert alice.mean_hr_bpm is not None
    assert bob.mean_hr_bpm is not None
    assert bob.mean_hr_bpm - alice.mean_hr_bpm > 6
    assert alice.source == "Polar H10 A111"
    assert bob.source == "Polar H10 B222"

    states = await _retained_states(mosquitto.port, {"alice", "bob"})
    assert states["alice"]["reading"]["ln_rmssd"] == pytest.approx(alice.ln_rmssd, abs=1e-3)
    assert states["bob"]["strap"]["address"] == BOB_STRAP
    assert states["alice"]["readiness"]["status"] == "building_baseline"


async def test_outside_the_window_only_a_command_measures(
    tmp_path: Path, mosquitto: MosquittoBroker, bluez: FakeBluez
) -> None:
    config = parse_config(_config_data(tmp_path, mosquitto.port))
    evening = MORNING.replace(hour=20)
    daemon = Daemon(config, now=lambda: evening, poll_interval_s=0.5)
    stop = asyncio.Event()
    task = asyncio.create_task(daemon.run(stop))
    async with aiomqtt.Client("127.0.0.1", mosquitto.port) as client:
        await client.subscribe("hrv_readiness/testpi/alice/event", qos=1)
        # The moment checked: every user's routine has been asked a few times.
        await _wait_for(lambda: daemon.polls >= 4, 30, "the routines asked in the evening")
        assert daemon.readings_stored == 0
        await client.publish(
            "hrv_readiness/testpi/alice/command/measure", b'{"request_id": "r1"}', qos=1
        )
        await _wait_for(lambda: daemon.readings_stored == 1, 60, "the requested reading")
        await client.publish(
            "hrv_readiness/testpi/alice/command/wellness",
            json.dumps(
                {"soreness": 8, "energy": 6, "sleep_quality": 7, "stress": 2, "request_id": "r2"}
            ).encode(),
            qos=1,
        )
        answered: set[str] = set()
        async with asyncio.timeout(15):
            async for message in client.messages:
                event = json.loads(bytes(message.payload))  # type: ignore[arg-type]
                if event["type"] == "command_accepted":
                    answered.add(event["request_id"])
                if answered >= {"r1", "r2"}:
                    break
    stop.set()
    await asyncio.wait_for(task, 15)
    with Store.open(config.storage.database_path) as store:
        assert len(store.readings("alice")) == 1
        assert store.readings("bob") == []
        wellness = store.wellness_for("alice", evening.date())
    assert wellness is not None
    assert wellness.soreness == 8


# --- SIGTERM: a separate process, stopped the way systemd stops it --------------------------


def _start_daemon(config_path: Path, bus_address: str) -> subprocess.Popen[str]:
    env = {**os.environ, "DBUS_SYSTEM_BUS_ADDRESS": bus_address}
    return subprocess.Popen(
        [sys.executable, "-m", "hrv_readiness", "run", "--config", str(config_path)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


async def _sigterm_and_collect(process: subprocess.Popen[str], timeout_s: float = 20) -> str:
    """SIGTERM the daemon as systemd would; its whole output once it has exited.

    If it has not exited within ``timeout_s`` the test fails with the end of its log
    (the daemon is then killed by :func:`_reap`).
    """
    process.send_signal(signal.SIGTERM)
    try:
        out, _ = await asyncio.to_thread(process.communicate, timeout=timeout_s)
    except subprocess.TimeoutExpired as err:
        log = err.output if isinstance(err.output, str) else (err.output or b"").decode()
        pytest.fail(f"daemon still running {timeout_s:g} s after SIGTERM; log ends:\n{log[-3000:]}")
    return out


def _reap(process: subprocess.Popen[str]) -> None:
    """Kill the daemon if it is still running and close its pipe (no leaked file)."""
    if process.poll() is None:
        process.kill()
    process.communicate()


async def _measurement_state(port: int, wanted: str, timeout_s: float) -> None:
    async with aiomqtt.Client("127.0.0.1", port) as client:
        await client.subscribe("hrv_readiness/testpi/alice/measurement", qos=1)
        async with asyncio.timeout(timeout_s):
            async for message in client.messages:
                if json.loads(bytes(message.payload))["state"] == wanted:  # type: ignore[arg-type]
                    return


def _check_database(path: Path) -> list[tuple[str, int]]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return conn.execute("SELECT user, COUNT(*) FROM readings GROUP BY user").fetchall()


async def _alice_strap_only(dbus: DBusDaemon, speed: float) -> FakeBluez:
    fake = FakeBluez(dbus.address)
    await fake.start()
    fake.add_strap(
        VirtualStrap(address=ALICE_STRAP, rr_ms=_rr(1, 52), name="Polar H10 A111", speed=speed)
    )
    return fake


async def _until_readings(path: Path, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if path.exists() and _check_database(path):  # noqa: ASYNC240 - a tiny stat
            return
        await asyncio.sleep(0.5)


async def test_sigterm_during_a_recording_loses_nothing_and_next_start_measures(
    tmp_path: Path, mosquitto: MosquittoBroker, dbus: DBusDaemon
) -> None:
    bluez = await _alice_strap_only(dbus, speed=4)  # a 60 s recording takes ~15 s
    data = _config_data(tmp_path, mosquitto.port, window=("00:00", "23:59"))
    data["users"] = data["users"][:1]
    config_path = tmp_path / "config.yaml"
    config_path.write_text(yaml.safe_dump(data), encoding="utf-8")

    process = _start_daemon(config_path, dbus.address)
    try:
        await _measurement_state(mosquitto.port, "recording", 60)
        out = await _sigterm_and_collect(process)
    finally:
        _reap(process)
    assert process.returncode == 0, out
    assert "shutting down" in out
    assert _check_database(tmp_path / "data" / "hrv.sqlite3") == []
    await bluez.stop()

    bluez = await _alice_strap_only(dbus, speed=40)
    process = _start_daemon(config_path, dbus.address)
    try:
        await _until_readings(tmp_path / "data" / "hrv.sqlite3", 60)
        out = await _sigterm_and_collect(process)
    finally:
        _reap(process)
        await bluez.stop()
    assert process.returncode == 0, out
    assert _check_database(tmp_path / "data" / "hrv.sqlite3") == [("alice", 1)]


def test_config_type_is_frozen(tmp_path: Path) -> None:
    config = parse_config(_config_data(tmp_path, 1883))
    assert isinstance(config, Config)
    with pytest.raises(ValueError, match="frozen"):
        config.collector.id = "other"  # type: ignore[misc]


async def test_sigterm_during_a_stream_of_writes_keeps_every_acknowledged_entry(
    tmp_path: Path, mosquitto: MosquittoBroker, dbus: DBusDaemon
) -> None:
    """Training commands arrive as fast as the broker delivers them; each one is a write.

    SIGTERM lands while they are being stored. Every command the daemon acknowledged
    (``command_accepted``) must be in the database afterwards, nothing beyond what was
    sent, and the file must pass ``PRAGMA integrity_check``.
    """
    data = _config_data(tmp_path, mosquitto.port, automatic=False)
    data["users"] = data["users"][:1]
    config_path = tmp_path / "config.yaml"
    config_path.write_text(yaml.safe_dump(data), encoding="utf-8")
    process = _start_daemon(config_path, dbus.address)
    sent = 400
    accepted: set[str] = set()
    try:
        async with aiomqtt.Client("127.0.0.1", mosquitto.port) as client:
            await client.subscribe("hrv_readiness/testpi/alice/event", qos=1)
            await client.subscribe("hrv_readiness/testpi/status", qos=1)
            async with asyncio.timeout(30):
                async for message in client.messages:
                    if bytes(message.payload) == b"online":  # type: ignore[arg-type]
                        break
            for index in range(sent):
                payload = {
                    "session_type": "heavy_compound",
                    "effort": 8,
                    # Each a different session: a repeated identical one is stored once.
                    "duration_min": 20 + index,
                    "request_id": f"t{index}",
                }
                await client.publish(
                    "hrv_readiness/testpi/alice/command/training",
                    json.dumps(payload).encode(),
                    qos=1,
                )
            async with asyncio.timeout(30):
                async for message in client.messages:
                    event = json.loads(bytes(message.payload))  # type: ignore[arg-type]
                    if event.get("type") == "command_accepted":
                        accepted.add(event["request_id"])
                    if len(accepted) >= sent // 4:
                        break
            out = await _sigterm_and_collect(process)
    finally:
        _reap(process)
    assert process.returncode == 0, out
    path = tmp_path / "data" / "hrv.sqlite3"
    with contextlib.closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        (stored,) = conn.execute("SELECT COUNT(*) FROM training").fetchone()
    assert len(accepted) >= sent // 4
    print(f"sent {sent}, acknowledged {len(accepted)}, stored {stored}")
    assert len(accepted) <= stored <= sent
