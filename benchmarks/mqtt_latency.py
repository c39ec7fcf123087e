"""Latency from "recording complete" to "state received by a subscriber".

Runs the collector's real path for N readings of one person, one morning each, against
a real Mosquitto on loopback::

    RR (ms) → hrv_readiness.pipeline.process_recording (hrv.analyze, readiness.assess
    against the stored history, Store.add_reading + outbox, one SQLite transaction)
    → Publisher.notify_outbox → QoS 1 PUBLISH → broker → subscriber

and times each reading from the moment its RR series is complete to the moment a
subscriber in its own process (paho-mqtt, as Home Assistant would be) has the
``state`` message. The peer, measured in the same
run on the same broker, is the floor of any MQTT design: the same payload published
with QoS 1 straight from a bare aiomqtt client to the same subscriber, no analysis,
no database. The ratio says what the outbox and the analysis cost on top of the wire.

    .venv/bin/python benchmarks/mqtt_latency.py [--readings 100]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

import aiomqtt
import numpy as np

REPO = Path(__file__).resolve().parents[1]
# The repository first: tests/library (test folders) must not shadow the package.
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from support.mosquitto import MosquittoBroker  # noqa: E402

from hrv_readiness.mqtt import AnnouncedUser, MqttSettings, Publisher  # noqa: E402
from hrv_readiness.mqtt.topics import Topics  # noqa: E402
from hrv_readiness.pipeline import RecordingInput, process_recording  # noqa: E402
from hrv_readiness.readiness import ReadinessSettings  # noqa: E402
from hrv_readiness.simulation import RrScenario, synthesize_rr_ms  # noqa: E402
from hrv_readiness.store import Store  # noqa: E402

USER = "alice"
COLLECTOR = "bench"
FIRST_DAY = dt.date(2026, 1, 1)


#: The subscriber runs in its own process (paho's blocking loop), as Home Assistant
#: would, so the collector's event loop (SQLite commits included) cannot delay it.
#: perf_counter is CLOCK_MONOTONIC: one clock for both processes on Linux.
SUBSCRIBER = """
import json, sys, time
import paho.mqtt.client as mqtt

def on_connect(client, userdata, flags, reason, properties):
    client.subscribe("hrv_readiness/+/+/state", qos=1)

def on_subscribe(client, userdata, mid, reasons, properties):
    print("ready", flush=True)

def on_message(client, userdata, message):
    now = time.perf_counter()
    key = json.loads(message.payload)["reading"]["measured_at"]
    print(key, now, flush=True)

client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
client.on_connect, client.on_subscribe, client.on_message = on_connect, on_subscribe, on_message
client.connect("127.0.0.1", int(sys.argv[1]))
client.loop_forever()
"""


class Subscriber:
    """Arrival times reported by the subscriber process, keyed by ``measured_at``."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.ready = asyncio.get_running_loop().create_future()
        self.waiters: dict[str, asyncio.Future[float]] = {}

    async def run(self) -> None:
        assert self.process.stdout is not None  # noqa: S101
        async for raw in self.process.stdout:
            line = raw.decode().split()
            if line == ["ready"]:
                self.ready.set_result(None)
                continue
            waiter = self.waiters.pop(line[0], None)
            if waiter is not None and not waiter.done():
                waiter.set_result(float(line[1]))

    def expect(self, key: str) -> asyncio.Future[float]:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiters[key] = future
        return future


def recordings(count: int) -> list[RecordingInput]:
    result = []
    for day in range(count):
        rr = synthesize_rr_ms(
            RrScenario(
                duration_s=120.0,
                resting_hr_bpm=55.0 + 3.0 * np.sin(day / 5.0),
                target_rmssd_ms=60.0 + 10.0 * np.cos(day / 7.0),
                seed=day,
            )
        )
        date = FIRST_DAY + dt.timedelta(days=day)
        result.append(
            RecordingInput(
                user=USER,
                rr_ms=rr.tolist(),
                measured_at=dt.datetime(date.year, date.month, date.day, 6, 40, tzinfo=dt.UTC),
                date=date,
                strap_name="Polar H10 BENCH",
            )
        )
    return result


async def measure_pipeline(
    broker: MosquittoBroker, store: Store, subscriber: Subscriber, count: int
) -> tuple[dict[str, list[float]], list[bytes]]:
    topics = Topics("hrv_readiness", COLLECTOR)
    settings = MqttSettings(host=broker.host, port=broker.port)
    inputs = recordings(count)
    timings: dict[str, list[float]] = {"total": [], "process": [], "deliver": []}
    payloads: list[bytes] = []
    readiness_settings = ReadinessSettings()
    async with Publisher(
        settings,
        collector_id=COLLECTOR,
        users=[AnnouncedUser(id=USER, name="Alice")],
        outbox=store,
    ) as publisher:
        await publisher.wait_connected(10)
        for recording in inputs:
            arrived = subscriber.expect(recording.measured_at.isoformat())
            start = time.perf_counter()  # the recording is complete
            processed = process_recording(
                store,
                recording,
                settings=readiness_settings,
                topics=topics,
                published_at=dt.datetime.now(dt.UTC),
            )
            stored = time.perf_counter()
            publisher.notify_outbox()
            received = await asyncio.wait_for(arrived, 10)
            timings["total"].append(received - start)
            timings["process"].append(stored - start)
            timings["deliver"].append(received - stored)
            payloads.append(processed.state.to_bytes())
    return timings, payloads


async def measure_peer(
    broker: MosquittoBroker, subscriber: Subscriber, payloads: list[bytes]
) -> list[float]:
    """The same payloads, QoS 1, from a bare client: wire + broker only."""
    latencies = []
    async with aiomqtt.Client(broker.host, broker.port) as client:
        for index, payload in enumerate(payloads):
            data = json.loads(payload)
            key = f"peer-{index}"
            data["reading"]["measured_at"] = key
            body = json.dumps(data).encode()
            arrived = subscriber.expect(key)
            start = time.perf_counter()
            await client.publish(f"hrv_readiness/peer/{USER}/state", body, qos=1)
            latencies.append(await asyncio.wait_for(arrived, 10) - start)
    return latencies


def row(name: str, seconds: list[float], peer_p50_ms: float | None) -> str:
    ms = np.asarray(seconds) * 1000.0
    p50, p95, worst = np.percentile(ms, 50), np.percentile(ms, 95), ms.max()
    ratio = f"{p50 / peer_p50_ms:8.1f}x" if peer_p50_ms else f"{'1.0x':>9}"
    return f"{name:<52} {len(ms):>4} {p50:>9.2f} {p95:>9.2f} {worst:>9.2f} {ratio}"


async def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, MosquittoBroker() as broker:
        store = Store.open(Path(tmp) / "bench.sqlite")
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", SUBSCRIBER, str(broker.port), stdout=asyncio.subprocess.PIPE
        )
        try:
            subscriber = Subscriber(process)
            reader = asyncio.create_task(subscriber.run())
            await asyncio.wait_for(subscriber.ready, 10)
            timings, payloads = await measure_pipeline(broker, store, subscriber, count)
            peer = await measure_peer(broker, subscriber, payloads)
            reader.cancel()
        finally:
            process.kill()
            await process.wait()
            store.close()
    peer_p50 = float(np.percentile(np.asarray(peer) * 1000.0, 50))
    print(f"MQTT latency over {count} readings, real Mosquitto on loopback (ms)\n")
    print(f"{'path':<52} {'n':>4} {'p50':>9} {'p95':>9} {'max':>9} {'p50/peer':>9}")
    print(row("collector: recording complete -> state received", timings["total"], peer_p50))
    print(row("  of which analyse + assess + store (one txn)", timings["process"], peer_p50))
    print(row("  of which outbox -> broker -> subscriber", timings["deliver"], peer_p50))
    print(row("peer: bare aiomqtt QoS 1 publish -> subscriber", peer, None))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readings", type=int, default=100)
    asyncio.run(main(parser.parse_args().readings))
