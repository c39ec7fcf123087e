"""Helpers of the MQTT tests: a real Mosquitto per test, a real SQLite store,
readings with real readiness verdicts, and a recording subscriber."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import itertools
import json
import math
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiomqtt
import pytest

# Appended, not prepended: tests/library must never shadow the collector package.
sys.path.append(str(Path(__file__).resolve().parents[2]))

from support.mosquitto import MosquittoBroker, free_port

from hrv_readiness.mqtt import AnnouncedUser, MqttSettings
from hrv_readiness.mqtt.state import state_message, state_payload
from hrv_readiness.mqtt.topics import Topics
from hrv_readiness.readiness import DailyReading, ReadinessSettings, assess
from hrv_readiness.store import OutboxMessage, Store, StoredReading

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Iterator

#: Mosquitto drops root privileges to the `mosquitto` user, which cannot read files in
#: pytest's private tmp_path; keep root so password files and persistence work there.
KEEP_USER: tuple[str, ...] = ("user root",) if os.geteuid() == 0 else ()

COLLECTOR_ID = "pi_test"
USERS = (AnnouncedUser(id="alice", name="Alice"), AnnouncedUser(id="bob", name="Bob"))
TOPICS = Topics("hrv_readiness", COLLECTOR_ID)
FIXED_NOW = dt.datetime(2026, 11, 22, 6, 43, 10, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 22)


@pytest.fixture
def broker() -> Iterator[MosquittoBroker]:
    with MosquittoBroker() as running:
        yield running


def fast_settings(broker: MosquittoBroker, **changes: Any) -> MqttSettings:
    """Settings with test-sized backoff and timeouts."""
    values: dict[str, Any] = {
        "host": broker.host,
        "port": broker.port,
        "reconnect_min_s": 0.05,
        "reconnect_max_s": 0.4,
        "timeout_s": 5.0,
        "keepalive_s": 5,
    }
    values.update(changes)
    return MqttSettings.model_validate(values)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "history.sqlite") as opened:
        yield opened


class ReadingFactory:
    """Readings of one household with verdicts from the real readiness model."""

    def __init__(self) -> None:
        self._history: dict[str, list[DailyReading]] = {}
        self._settings = ReadinessSettings()
        self.count = 0

    def reading(self, user: str, *, day: int) -> StoredReading:
        """The reading of ``user`` on day ``day`` (0 = 2026-09-01), with its verdict."""
        date = dt.date(2026, 9, 1) + dt.timedelta(days=day)
        ln_rmssd = 4.0 + 0.15 * math.sin(day / 3.0) + (0.05 if user == "bob" else 0.0)
        rhr = 55.0 + 2.0 * math.cos(day / 4.0)
        breathing = 14.0 + 0.5 * math.sin(day / 2.0)
        today = DailyReading(
            date=date, ln_rmssd=ln_rmssd, resting_hr_bpm=rhr, breathing_rate_per_min=breathing
        )
        history = self._history.setdefault(user, [])
        readiness = assess(
            history=history, today=today, wellness=None, training=(), settings=self._settings
        )
        history.append(today)
        self.count += 1
        rmssd = math.exp(ln_rmssd)
        return StoredReading(
            user=user,
            measured_at=dt.datetime(date.year, date.month, date.day, 6, 40, tzinfo=dt.UTC),
            date=date,
            duration_s=120.0,
            rr_ms=tuple(60000.0 / rhr for _ in range(110)),
            rmssd_ms=rmssd,
            ln_rmssd=ln_rmssd,
            sdnn_ms=rmssd * 1.1,
            mean_hr_bpm=rhr,
            artifact_pct=0.5,
            quality="good",
            readiness=readiness,
            breathing_rate_per_min=breathing,
            breathing_quality="good",
        )

    def store_with_state(self, store: Store, reading: StoredReading) -> bytes:
        """Store ``reading`` and its state message in one transaction; return the payload."""
        payload = state_payload(
            collector_id=COLLECTOR_ID,
            reading=reading,
            readiness=reading.readiness,
            published_at=FIXED_NOW,
        )
        message = state_message(TOPICS, payload)
        store.add_reading(
            reading,
            outbox=[
                OutboxMessage(
                    topic=message.topic,
                    payload=message.payload,
                    qos=1,
                    retain=True,
                    created_at=FIXED_NOW,
                )
            ],
        )
        return message.payload


@pytest.fixture
def readings() -> ReadingFactory:
    return ReadingFactory()


_RECORDER_IDS = itertools.count()


@dataclass
class Received:
    topic: str
    payload: bytes
    retain: bool


@dataclass
class Recorder:
    """A subscriber that keeps every message and reconnects when the broker goes away."""

    host: str
    port: int
    topics: tuple[str, ...]
    messages: list[Received] = field(default_factory=list)
    #: Unique per recorder; the session (clean_session=False) survives its reconnects.
    identifier: str = field(default_factory=lambda: f"recorder_{next(_RECORDER_IDS)}")
    subscribed: asyncio.Event = field(default_factory=asyncio.Event)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self) -> None:
        while True:
            try:
                async with aiomqtt.Client(
                    self.host, self.port, identifier=self.identifier, clean_session=False
                ) as client:
                    for topic in self.topics:
                        await client.subscribe(topic, qos=1)
                    self.subscribed.set()
                    async for message in client.messages:
                        payload = message.payload
                        assert isinstance(payload, bytes)
                        self.messages.append(
                            Received(message.topic.value, payload, bool(message.retain))
                        )
                        self._changed.set()
            except aiomqtt.MqttError:
                self.subscribed.clear()
                await asyncio.sleep(0.02)

    def on(self, topic: str) -> list[Received]:
        return [m for m in self.messages if m.topic == topic]

    def json_on(self, topic: str) -> list[dict[str, Any]]:
        return [json.loads(m.payload) for m in self.on(topic) if m.payload]

    async def wait_for(
        self, predicate: Callable[[Recorder], bool], *, timeout_s: float = 10.0
    ) -> None:
        async with asyncio.timeout(timeout_s):
            while not predicate(self):
                self._changed.clear()
                await self._changed.wait()


async def wait_until(predicate: Callable[[], bool], *, timeout_s: float = 10.0) -> None:
    """Poll ``predicate`` (e.g. "the outbox is empty") until true or time out."""
    async with asyncio.timeout(timeout_s):
        while not predicate():  # noqa: ASYNC110 - the store has no event to wait on
            await asyncio.sleep(0.01)


@contextlib.asynccontextmanager
async def recording(broker: MosquittoBroker, *topics: str) -> AsyncIterator[Recorder]:
    recorder = Recorder(broker.host, broker.port, topics or ("#",))
    task = asyncio.create_task(recorder.run())
    try:
        async with asyncio.timeout(10):
            await recorder.subscribed.wait()
        yield recorder
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


class LinkGate:
    """A TCP relay in front of the broker: a network outage the test switches on and off.

    Closed, nothing listens on its port (connection refused, as with a broker that is
    down); open, every connection is relayed to the broker. Unlike stopping the broker,
    other clients (the recorder) stay connected throughout, so nothing published after
    the gate opens can be missed by a subscriber that was not back yet.
    """

    def __init__(self, broker: MosquittoBroker) -> None:
        self.broker = broker
        self.port = free_port()
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task[None]] = set()

    async def open(self) -> None:
        self._server = await asyncio.start_server(self._relay, self.broker.host, self.port)

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for task in list(self._pipes):
            task.cancel()
        await asyncio.gather(*self._pipes, return_exceptions=True)

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection(
            self.broker.host, self.broker.port
        )

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            finally:
                sink.close()

        tasks = {
            asyncio.create_task(pipe(reader, upstream_writer)),
            asyncio.create_task(pipe(upstream_reader, writer)),
        }
        self._pipes |= tasks
        await asyncio.gather(*tasks, return_exceptions=True)
        self._pipes -= tasks
