"""The daemon runs an orthostatic test on command and publishes the cue over MQTT.

A real Mosquitto and the fake BlueZ; the virtual strap replays a :class:`LivePerson`
who stands when the collector's ``stand_up`` event arrives on the broker — the way a
Home Assistant automation would announce it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import TYPE_CHECKING, Any

import aiomqtt
import pytest
from support.fakebluez import DBusDaemon, FakeBluez, VirtualStrap
from test_daemon import _config_data, _wait_for

from hrv_readiness.config import parse_config
from hrv_readiness.daemon import Daemon
from hrv_readiness.simulation import LivePerson, OrthostaticScenario
from hrv_readiness.store import Store

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

    from support.mosquitto import MosquittoBroker

pytestmark = [pytest.mark.broker, pytest.mark.bluez]

EVENING = dt.datetime(2026, 11, 23, 20, 0).astimezone()


@pytest.fixture
async def fake_bluez(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeBluez]:
    with DBusDaemon() as daemon:
        monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", daemon.address)
        fake = FakeBluez(daemon.address)
        await fake.start()
        yield fake
        await fake.stop()


async def test_a_measure_command_with_orthostatic_runs_the_test(
    tmp_path: Path, mosquitto: MosquittoBroker, fake_bluez: FakeBluez
) -> None:
    person = LivePerson(OrthostaticScenario(seed=18))
    fake_bluez.add_strap(
        VirtualStrap(address="A0:9E:1A:00:00:A9", rr_ms=person, name="Polar H10 A999", speed=30)  # type: ignore[arg-type]
    )
    data = _config_data(tmp_path, mosquitto.port)
    data["users"] = [{"id": "alice", "strap": {"address": "A0:9E:1A:00:00:A9"}}]
    config = parse_config(data)
    daemon = Daemon(config, now=lambda: EVENING, poll_interval_s=0.5)
    stop = asyncio.Event()
    task = asyncio.create_task(daemon.run(stop))
    events: list[dict[str, Any]] = []
    try:
        async with aiomqtt.Client("127.0.0.1", mosquitto.port) as client:
            # The daemon says "online" after subscribing to its commands: once it has,
            # a command is heard.
            await client.subscribe("hrv_readiness/testpi/status", qos=1)
            async with asyncio.timeout(15):
                async for message in client.messages:
                    if message.payload == b"online":
                        break
            await client.unsubscribe("hrv_readiness/testpi/status")
            await client.subscribe("hrv_readiness/testpi/alice/event", qos=1)
            await client.publish(
                "hrv_readiness/testpi/alice/command/measure",
                b'{"orthostatic": true, "request_id": "o1"}',
                qos=1,
            )
            async with asyncio.timeout(60):
                async for message in client.messages:
                    event = json.loads(bytes(message.payload))  # type: ignore[arg-type]
                    events.append(event)
                    if event["type"] == "stand_up":
                        person.stand()  # the announcement was heard
                    if event["type"] == "measurement_completed":
                        break
        await _wait_for(lambda: daemon.readings_stored == 1, 10, "the stored test")
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)
    types = [e["type"] for e in events]
    assert types.count("stand_up") == 1
    assert types.index("measurement_started") < types.index("stand_up")
    assert types.index("stand_up") < types.index("measurement_completed")
    cue = next(e for e in events if e["type"] == "stand_up")
    assert cue["detail"] == {"requested": True}
    with Store.open(config.storage.database_path) as store:
        [stored] = store.readings("alice")
    assert stored.orthostatic is not None
    assert stored.orthostatic.metrics is not None, stored.orthostatic.reason
    assert stored.orthostatic.metrics.hr_rise_bpm > 25.0
