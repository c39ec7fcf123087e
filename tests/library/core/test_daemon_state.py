"""What the daemon leaves on the broker: the state as of now, the measurement state, one
answer per command even when the store fails. A real Mosquitto and a real SQLite file;
the strap is the simulated one (no radio here) and the clock is injected."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import math
import sqlite3
from typing import TYPE_CHECKING, Any

import aiomqtt
import pytest

from hrv_readiness.ble.simulated import SimulatedStrap
from hrv_readiness.cli import main
from hrv_readiness.config import Config, UserSection, parse_config
from hrv_readiness.daemon import Daemon
from hrv_readiness.mqtt.state import state_outbox
from hrv_readiness.mqtt.topics import Topics
from hrv_readiness.pipeline import RecordingInput, process_recording
from hrv_readiness.readiness import ReadinessSettings, WellnessEntry
from hrv_readiness.simulation import RrScenario, synthesize_rr_ms
from hrv_readiness.store import Store
from hrv_readiness.store.verdicts import reassess

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable
    from pathlib import Path

    from support.mosquitto import MosquittoBroker

pytestmark = [pytest.mark.broker]

#: The morning the daemon lives in: the day of the last seeded reading.
MORNING = dt.datetime(2026, 11, 23, 8, 0).astimezone()
BASE = "hrv_readiness/testpi"


def _rr(
    seed: int, *, hr: float = 52.0, rmssd: float = 70.0, duration_s: float = 150
) -> list[float]:
    scenario = RrScenario(
        duration_s=duration_s,
        resting_hr_bpm=hr,
        target_rmssd_ms=rmssd,
        seed=seed,
        ectopic_rate=0.0,
    )
    return [float(v) for v in synthesize_rr_ms(scenario)]


def _config(
    tmp_path: Path,
    port: int,
    users: tuple[str, ...] = ("alice",),
    readiness: dict[str, Any] | None = None,
) -> Config:
    return parse_config(
        {
            **({"readiness": readiness} if readiness is not None else {}),
            "collector": {"id": "testpi"},
            "users": [{"id": user, "strap": {"name_pattern": "Simulated*"}} for user in users],
            "measurement": {
                "duration_s": 60,
                "settle_s": 0,
                "strap_wait_s": 2,
                "scan_s": 1,
                "contact_timeout_s": 5,
                "watchdog_s": 3,
                "automatic": False,
            },
            "mqtt": {
                "host": "127.0.0.1",
                "port": port,
                "reconnect_min_s": 0.1,
                "reconnect_max_s": 0.5,
                "timeout_s": 3,
            },
            "storage": {"data_dir": str(tmp_path / "data")},
        }
    )


def _seed(config: Config, days: int = 21) -> None:
    """``days`` calm, rested mornings ending on MORNING's date, measured by a named strap."""
    topics = Topics("hrv_readiness", "testpi")
    with Store.open(config.storage.database_path) as store:
        for index in range(days):
            day = MORNING.date() - dt.timedelta(days=days - 1 - index)
            store.add_wellness(
                WellnessEntry(
                    user="alice", date=day, soreness=2, energy=7, sleep_quality=7, stress=3
                )
            )
            process_recording(
                store,
                RecordingInput(
                    user="alice",
                    rr_ms=_rr(index, rmssd=math.exp(4.25 + 0.04 * math.sin(index))),
                    measured_at=dt.datetime.combine(day, dt.time(6, 30)).astimezone(),
                    date=day,
                    strap_name="Polar H10 A111",
                    strap_address="A0:9E:1A:00:00:A1",
                    battery_pct=80,
                ),
                settings=ReadinessSettings(),
                outbox=state_outbox(topics, published_at=MORNING.astimezone(dt.UTC)),
            )
        store.mark_sent([m.id for m in store.pending_outbox(limit=10_000) if m.id is not None])


def _simulated(speed: float = 40.0) -> Callable[[UserSection], SimulatedStrap]:
    def factory(user: UserSection) -> SimulatedStrap:
        return SimulatedStrap(
            _rr(sum(map(ord, user.id)), duration_s=200),
            speed=speed,
            name=f"Simulated {user.id}",
            contact_after_s=0.5,
        )

    return factory


@contextlib.asynccontextmanager
async def _running(
    config: Config, *, speed: float = 40.0, source_factory: Any = None
) -> AsyncIterator[Daemon]:
    daemon = Daemon(
        config,
        source_factory=source_factory or _simulated(speed),
        now=lambda: MORNING,
        poll_interval_s=0.2,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(daemon.run(stop))
    try:
        yield daemon
        assert not task.done(), "the daemon stopped on its own"
    finally:
        stop.set()
        await asyncio.wait_for(task, 20)


@contextlib.asynccontextmanager
async def _client(port: int, *topics: str) -> AsyncIterator[aiomqtt.Client]:
    async with aiomqtt.Client("127.0.0.1", port) as client:
        for topic in topics:
            await client.subscribe(topic, qos=1)
        yield client


async def _wait_for(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    """Until ``condition()`` holds (bounded)."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail(f"timed out after {timeout_s} s waiting for {what}")
        await asyncio.sleep(0.05)


async def _until(
    client: aiomqtt.Client,
    wanted: Callable[[str, bytes, bool], bool],
    timeout_s: float = 20,
) -> list[tuple[str, bytes, bool]]:
    """Every message up to and including the first one ``wanted`` accepts."""
    seen: list[tuple[str, bytes, bool]] = []
    async with asyncio.timeout(timeout_s):
        async for message in client.messages:
            item = (message.topic.value, bytes(message.payload), message.retain)  # type: ignore[arg-type]
            seen.append(item)
            if wanted(*item):
                return seen
    return seen  # pragma: no cover - the timeout raises first


def _event(payload: bytes) -> dict[str, Any]:
    return json.loads(payload)  # type: ignore[no-any-return]


def _answer(request_id: str) -> Callable[[str, bytes, bool], bool]:
    def wanted(topic: str, payload: bytes, _retain: bool) -> bool:
        return topic.endswith("/event") and _event(payload).get("request_id") == request_id

    return wanted


async def _online(port: int) -> None:
    async with _client(port, f"{BASE}/status") as client:
        await _until(client, lambda _t, payload, _r: payload == b"online")


async def _retained(port: int, topic: str) -> bytes:
    async with _client(port, topic) as client:
        ((_, payload, _),) = await _until(client, lambda *_: True, timeout_s=5)
        return payload


# --- the state as of now -------------------------------------------------------------------


async def test_restart_after_a_wellness_entry_keeps_the_recomputed_verdict(
    tmp_path: Path, mosquitto: MosquittoBroker
) -> None:
    config = _config(tmp_path, mosquitto.port)
    _seed(config)
    state_topic = f"{BASE}/alice/state"
    with Store.open(config.storage.database_path) as store:
        measured = store.latest_reading("alice")
    assert measured is not None
    assert measured.readiness is not None
    assert measured.readiness.fatigue_type == "recovered"

    async with _running(config):
        await _online(mosquitto.port)
        async with _client(mosquitto.port, f"{BASE}/alice/event") as client:
            await client.publish(
                f"{BASE}/alice/command/wellness",
                json.dumps(
                    {"soreness": 9, "energy": 6, "sleep_quality": 7, "stress": 2, "request_id": "w"}
                ).encode(),
                qos=1,
            )
            answers = await _until(client, _answer("w"))
        assert _event(answers[-1][1])["type"] == "command_accepted"
    after_wellness = json.loads(await _retained(mosquitto.port, state_topic))
    assert after_wellness["readiness"]["fatigue_type"] != "recovered"

    async with _running(config):  # the restart
        await _online(mosquitto.port)
        restarted = await _retained(mosquitto.port, state_topic)
        async with _client(mosquitto.port, state_topic, f"{BASE}/alice/event") as client:
            await _until(client, lambda topic, _p, _r: topic == state_topic)  # the retained one
            await client.publish(f"{BASE}/alice/command/recompute", b'{"request_id": "r"}', qos=1)
            seen = await _until(
                client, lambda topic, _p, retain: topic == state_topic and not retain
            )
    recomputed = seen[-1][1]
    assert restarted == recomputed  # byte-identical: same clock, same store
    state = json.loads(restarted)
    assert state["readiness"] == after_wellness["readiness"]
    assert state["reading"]["pnn50_pct"] is not None
    assert state["strap"] == {
        "name": "Polar H10 A111",
        "address": "A0:9E:1A:00:00:A1",
        "battery_pct": 80,
    }


async def test_delete_and_undo_commands_recompute_the_state_and_the_store(
    tmp_path: Path, mosquitto: MosquittoBroker
) -> None:
    """Deleting the questionnaire that changed the verdict changes it back, in the
    published state and in the stored history; undo puts it back; nothing left to
    delete is answered with ``nothing_to_change``.
    """
    config = _config(tmp_path, mosquitto.port)
    _seed(config)
    state_topic = f"{BASE}/alice/state"
    with Store.open(config.storage.database_path) as store:
        measured = store.latest_reading("alice")
    assert measured is not None
    assert measured.readiness is not None
    day = measured.date.isoformat()
    commands = [
        ("wellness", {"soreness": 9, "energy": 6, "sleep_quality": 7, "stress": 2, "date": day}),
        ("delete", {"date": day, "entry": "questionnaire"}),
        ("undo", {}),
        ("delete", {"date": day, "entry": "questionnaire"}),
        ("delete", {"date": day, "entry": "questionnaire"}),
    ]
    answers: list[str] = []
    fatigue: list[str] = []
    async with _running(config):
        await _online(mosquitto.port)
        async with _client(mosquitto.port, f"{BASE}/alice/event") as client:
            for index, (name, payload) in enumerate(commands):
                await client.publish(
                    f"{BASE}/alice/command/{name}",
                    json.dumps({**payload, "request_id": f"c{index}"}).encode(),
                    qos=1,
                )
                seen = await _until(client, _answer(f"c{index}"))
                event = _event(seen[-1][1])
                answers.append(event["type"])
                if event["type"] == "command_rejected":
                    assert event["detail"]["code"] == "nothing_to_change"
                state = json.loads(await _retained(mosquitto.port, state_topic))
                fatigue.append(state["readiness"]["fatigue_type"])
                with Store.open(config.storage.database_path) as store:
                    stored = store.latest_reading("alice")
                assert stored is not None
                assert stored.readiness is not None
                assert stored.readiness.fatigue_type == fatigue[-1]
    assert answers == ["command_accepted"] * 4 + ["command_rejected"]
    # The wellness command replaced the seeded questionnaire; deleting leaves none.
    assert fatigue == ["muscular", "unknown", "muscular", "unknown", "unknown"]


async def test_deleting_the_only_reading_clears_the_retained_state(
    tmp_path: Path, mosquitto: MosquittoBroker
) -> None:
    """No reading left: the retained state is cleared (empty, contract v1.7), so no
    consumer keeps showing the deleted morning; undo publishes it again, and a restart
    leaves nothing retained for a person without readings.
    """
    config = _config(tmp_path, mosquitto.port)
    _seed(config, days=1)
    state_topic = f"{BASE}/alice/state"
    day = MORNING.date().isoformat()
    async with _running(config):
        await _online(mosquitto.port)
        assert json.loads(await _retained(mosquitto.port, state_topic))["reading"]["date"] == day
        async with _client(mosquitto.port, f"{BASE}/alice/event", state_topic) as client:
            await client.publish(
                f"{BASE}/alice/command/delete",
                json.dumps({"date": day, "entry": "reading", "request_id": "d1"}).encode(),
                qos=1,
            )
            wanted = {"cleared", "answered"}

            def both(topic: str, payload: bytes, retain: bool) -> bool:
                if topic == state_topic and payload == b"":
                    wanted.discard("cleared")
                if _answer("d1")(topic, payload, retain):
                    wanted.discard("answered")
                return not wanted

            seen = await _until(client, both)
            answers = [_event(p)["type"] for t, p, _ in seen if t.endswith("/event") and p]
        with Store.open(config.storage.database_path) as store:
            assert store.readings("alice") == []
        async with _client(mosquitto.port, state_topic) as client:
            await client.publish(f"{BASE}/alice/command/undo", b"{}", qos=1)
            seen = await _until(client, lambda _t, payload, _r: bool(payload))
            assert json.loads(seen[-1][1])["reading"]["date"] == day
    assert "command_rejected" not in answers


async def test_rename_and_remove_a_person_over_mqtt_and_undo_each(
    tmp_path: Path, mosquitto: MosquittoBroker
) -> None:
    """``rename`` gives Alice's history to Bob (her state cleared, his published);
    renaming to a user with a history is refused (``name_taken``) and changes nothing;
    ``undo`` renames back; ``remove`` clears her state and ``undo`` brings it back."""
    config = _config(tmp_path, mosquitto.port, users=("alice", "bob"))
    _seed(config, days=3)
    alice, bob = f"{BASE}/alice/state", f"{BASE}/bob/state"
    commands = [
        ("alice", "rename", {"to": "bob"}),
        ("bob", "rename", {"to": "alice"}),  # back by a rename: Alice has none now
        ("alice", "rename", {"to": "bob"}),
        ("bob", "undo", {}),
        ("alice", "remove", {}),
        ("alice", "undo", {}),
        ("bob", "rename", {"to": "alice"}),  # Bob has no history: nothing to rename
    ]
    shown: list[tuple[str, str, bool, bool]] = []
    async with _running(config):
        await _online(mosquitto.port)
        async with _client(mosquitto.port, f"{BASE}/+/event", alice, bob) as client:
            retained: dict[str, bytes] = {}
            for index, (user, name, payload) in enumerate(commands):
                await client.publish(
                    f"{BASE}/{user}/command/{name}",
                    json.dumps({**payload, "request_id": f"r{index}"}).encode(),
                    qos=1,
                )
                seen = await _until(client, _answer(f"r{index}"))
                event = _event(seen[-1][1])
                # The states follow within the same poll: wait until both are current.
                with Store.open(config.storage.database_path) as store:
                    owners = {u: bool(store.readings(u)) for u in ("alice", "bob")}

                def current(
                    topic: str, payload: bytes, _r: bool, owners: dict[str, bool] = owners
                ) -> bool:
                    if topic in {alice, bob}:
                        retained[topic] = payload
                    return all(
                        bool(retained.get(f"{BASE}/{u}/state", b"x")) == has
                        for u, has in owners.items()
                    )

                if not current("", b"", _r=False):
                    await _until(client, current)
                shown.append(
                    (
                        name,
                        event["detail"].get("code", event["type"]),
                        owners["alice"],
                        owners["bob"],
                    )
                )
    assert shown == [
        ("rename", "command_accepted", False, True),
        ("rename", "command_accepted", True, False),
        ("rename", "command_accepted", False, True),
        ("undo", "command_accepted", True, False),
        ("remove", "command_accepted", False, False),
        ("undo", "command_accepted", True, False),
        ("rename", "nothing_to_change", True, False),
    ]


async def test_a_change_made_on_the_command_line_is_published_by_the_running_daemon(
    tmp_path: Path, mosquitto: MosquittoBroker
) -> None:
    """``hrv-collector log`` on the daemon's database queues the new state; the running
    daemon sends it at its next poll, without a command or a reading to wake it."""
    config = _config(tmp_path, mosquitto.port)
    _seed(config)
    path = tmp_path / "config.yaml"
    path.write_text(
        json.dumps(
            {
                "collector": {"id": "testpi"},
                "users": [{"id": "alice", "strap": {"name_pattern": "Simulated*"}}],
                "storage": {"data_dir": str(tmp_path / "data")},
            }
        ),
        encoding="utf-8",
    )
    state_topic = f"{BASE}/alice/state"
    async with _running(config):
        await _online(mosquitto.port)
        first = json.loads(await _retained(mosquitto.port, state_topic))
        assert first["readiness"]["fatigue_type"] == "recovered"
        async with _client(mosquitto.port, state_topic) as client:
            code = await asyncio.to_thread(
                main,
                [
                    *("log", "--config", str(path), "--user", "alice"),
                    *("--date", MORNING.date().isoformat(), "--soreness", "9", "--energy", "6"),
                    *("--sleep", "7", "--stress", "2"),
                ],
            )
            assert code == 0
            seen = await _until(
                client,
                lambda _t, payload, _r: (
                    bool(payload)
                    and json.loads(payload)["readiness"]["fatigue_type"] != "recovered"
                ),
            )
    assert json.loads(seen[-1][1])["readiness"]["fatigue_type"] == "muscular"


def _point(history: bytes, day: dt.date) -> dict[str, Any]:
    """The point of ``day`` in a retained ``history`` payload."""
    (point,) = [p for p in json.loads(history)["points"] if p["date"] == day.isoformat()]
    return point  # type: ignore[no-any-return]


def _stored_verdict(config: Config, day: dt.date) -> tuple[int | None, str | None]:
    """The score and status the history now holds for Alice's morning ``day``."""
    with Store.open(config.storage.database_path) as store:
        (reading,) = [r for r in store.readings("alice", since=day) if r.date == day]
    assert reading.readiness is not None
    return reading.readiness.score, reading.readiness.status


async def test_every_change_to_the_history_republishes_it_with_the_recomputed_verdicts(
    tmp_path: Path, mosquitto: MosquittoBroker
) -> None:
    """The retained ``history`` follows the state: a past morning's questionnaire sent as
    a command or logged with ``hrv-collector log`` on the daemon's database republishes
    it with that morning's recomputed score (what HA's long-term statistics import); a
    removed person's history is cleared (empty, like the state) and ``undo`` brings it
    back."""
    config = _config(tmp_path, mosquitto.port)
    _seed(config)
    path = tmp_path / "config.yaml"
    path.write_text(
        json.dumps(
            {
                "collector": {"id": "testpi"},
                "users": [{"id": "alice", "strap": {"name_pattern": "Simulated*"}}],
                "storage": {"data_dir": str(tmp_path / "data")},
            }
        ),
        encoding="utf-8",
    )
    history_topic = f"{BASE}/alice/history"
    by_command, by_cli = (MORNING.date() - dt.timedelta(days=days) for days in (3, 5))
    bad = {"soreness": 9, "energy": 2, "sleep_quality": 2, "stress": 9}

    def republished(topic: str, _p: bytes, retain: bool) -> bool:
        return topic == history_topic and not retain

    async with _running(config):
        await _online(mosquitto.port)
        first = await _retained(mosquitto.port, history_topic)
        assert (_point(first, by_command)["score"], _point(first, by_command)["status"]) == (
            _stored_verdict(config, by_command)
        )
        async with _client(mosquitto.port, history_topic) as client:
            await _until(client, lambda topic, _p, _r: topic == history_topic)  # retained
            await client.publish(
                f"{BASE}/alice/command/wellness",
                json.dumps({**bad, "date": by_command.isoformat()}).encode(),
                qos=1,
            )
            after_command = (await _until(client, republished))[-1][1]
            code = await asyncio.to_thread(
                main,
                [
                    *("log", "--config", str(path), "--user", "alice"),
                    *("--date", by_cli.isoformat(), "--soreness", "9", "--energy", "2"),
                    *("--sleep", "2", "--stress", "9"),
                ],
            )
            assert code == 0
            after_cli = (await _until(client, republished))[-1][1]
            await client.publish(f"{BASE}/alice/command/remove", b"{}", qos=1)
            removed = (await _until(client, republished))[-1][1]
            await client.publish(f"{BASE}/alice/command/undo", b"{}", qos=1)
            undone = (await _until(client, republished))[-1][1]
    command_point, cli_point = _point(after_command, by_command), _point(after_cli, by_cli)
    assert command_point["score"] != _point(first, by_command)["score"]
    assert cli_point["score"] != _point(first, by_cli)["score"]
    assert (command_point["score"], command_point["status"]) == _stored_verdict(config, by_command)
    assert (cli_point["score"], cli_point["status"]) == _stored_verdict(config, by_cli)
    assert removed == b""
    assert _point(undone, by_cli) == {**cli_point}


async def test_a_reconnect_publishes_the_verdict_as_of_now(
    tmp_path: Path, mosquitto: MosquittoBroker
) -> None:
    """A wellness entry logged by another program (``hrv-collector log``) while the
    daemon runs, then the broker restarts (and forgets retained messages): the state
    put back is the recomputed one, not the verdict of measurement time."""
    config = _config(tmp_path, mosquitto.port)
    _seed(config)
    state_topic = f"{BASE}/alice/state"
    async with _running(config):
        await _online(mosquitto.port)
        with Store.open(config.storage.database_path) as other:
            other.add_wellness(
                WellnessEntry(
                    user="alice",
                    date=MORNING.date(),
                    soreness=9,
                    energy=6,
                    sleep_quality=7,
                    stress=2,
                )
            )
        mosquitto.kill()
        mosquitto.start()
        await _online(mosquitto.port)  # the new broker has it only once the daemon is back
        republished = await _retained(mosquitto.port, state_topic)
        async with _client(mosquitto.port, state_topic) as client:
            await _until(client, lambda topic, _p, _r: topic == state_topic)  # the retained one
            await client.publish(f"{BASE}/alice/command/recompute", b"{}", qos=1)
            seen = await _until(
                client, lambda topic, _p, retain: topic == state_topic and not retain
            )
    assert republished == seen[-1][1]
    assert json.loads(republished)["readiness"]["fatigue_type"] != "recovered"


# --- one store error stops nobody -----------------------------------------------------------


async def test_a_locked_store_rejects_one_command_and_the_others_keep_measuring(
    tmp_path: Path, mosquitto: MosquittoBroker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holds the database's write lock while alice's wellness arrives.

    That command is answered ``command_rejected`` with the store's reason, bob's
    measurement afterwards is stored, alice's next command is accepted, the daemon runs.
    """
    monkeypatch.setattr("hrv_readiness.store.store._BUSY_TIMEOUT_MS", 300)
    config = _config(tmp_path, mosquitto.port, users=("alice", "bob"))
    wellness = {"soreness": 3, "energy": 6, "sleep_quality": 7, "stress": 2}
    async with _running(config) as daemon:
        await _online(mosquitto.port)
        async with _client(mosquitto.port, f"{BASE}/+/event") as client:
            locker = sqlite3.connect(config.storage.database_path, isolation_level=None)
            locker.execute("BEGIN IMMEDIATE")
            try:
                await client.publish(
                    f"{BASE}/alice/command/wellness",
                    json.dumps({**wellness, "request_id": "locked"}).encode(),
                    qos=1,
                )
                answers = await _until(client, _answer("locked"))
            finally:
                locker.rollback()
                locker.close()
            rejected = _event(answers[-1][1])
            assert rejected["type"] == "command_rejected"
            assert rejected["detail"]["code"] == "store_unavailable"
            assert "locked" in rejected["detail"]["reason"]

            await client.publish(f"{BASE}/bob/command/measure", b'{"request_id": "m"}', qos=1)
            await client.publish(
                f"{BASE}/alice/command/wellness",
                json.dumps({**wellness, "request_id": "again"}).encode(),
                qos=1,
            )
            answers = await _until(client, _answer("again"))
            assert _event(answers[-1][1])["type"] == "command_accepted"
            async with asyncio.timeout(30):
                while daemon.readings_stored < 1:  # noqa: ASYNC110 - a counter, no event
                    await asyncio.sleep(0.1)
    with Store.open(config.storage.database_path) as store:
        assert len(store.readings("bob")) == 1
        assert store.wellness_for("alice", MORNING.date()) is not None


# --- the measurement topic ------------------------------------------------------------------


async def test_one_measurement_started_a_real_complete_and_idle_around_the_daemon(
    tmp_path: Path, mosquitto: MosquittoBroker
) -> None:
    config = _config(tmp_path, mosquitto.port)
    measurement_topic = f"{BASE}/alice/measurement"
    async with _client(mosquitto.port) as client:
        # What a killed collector left behind.
        await client.publish(
            measurement_topic, b'{"state": "waiting_for_strap"}', qos=1, retain=True
        )
    async with _running(config) as daemon:
        await _online(mosquitto.port)
        assert json.loads(await _retained(mosquitto.port, measurement_topic))["state"] == "idle"
        async with _client(mosquitto.port, f"{BASE}/alice/event", measurement_topic) as client:
            await _until(client, lambda topic, *_: topic == measurement_topic)  # retained idle
            await client.publish(f"{BASE}/alice/command/measure", b"{}", qos=1)
            seen = await _until(
                client,
                lambda topic, payload, _r: (
                    topic.endswith("/event") and _event(payload)["type"] == "measurement_completed"
                ),
                timeout_s=40,
            )
        assert daemon.readings_stored == 1
    events = [_event(p)["type"] for t, p, _ in seen if t.endswith("/event")]
    assert events.count("measurement_started") == 1
    states = [json.loads(p) for t, p, _ in seen if t == measurement_topic]
    complete = [s for s in states if s["state"] == "complete"]
    assert complete, [s["state"] for s in states]
    assert complete[-1]["elapsed_s"] >= 60
    assert complete[-1]["beats"] > 0
    assert complete[-1]["progress_pct"] == 100
    # Stopped: the retained measurement says idle, not what it was doing.
    assert json.loads(await _retained(mosquitto.port, measurement_topic))["state"] == "idle"


async def test_clearing_a_retained_command_does_not_run_it(
    tmp_path: Path, mosquitto: MosquittoBroker
) -> None:
    config = _config(tmp_path, mosquitto.port)
    async with _running(config) as daemon:
        await _online(mosquitto.port)
        async with _client(mosquitto.port, f"{BASE}/alice/event") as client:
            # mosquitto_pub -r -n .../command/measure: removes a retained command.
            await client.publish(f"{BASE}/alice/command/measure", b"", qos=1, retain=True)
            await client.publish(f"{BASE}/alice/command/recompute", b'{"request_id": "x"}', qos=1)
            seen = await _until(client, _answer("x"))
        polls = daemon.polls
        # The moment checked: alice's loop has woken twice since (a measure would run).
        await _wait_for(lambda: daemon.polls >= polls + 2, 30, "the user loops asked again")
        assert daemon.readings_stored == 0
    assert [_event(p)["type"] for _, p, _ in seen] == ["command_accepted"]


async def test_at_start_the_stored_verdicts_follow_the_configs_settings(
    tmp_path: Path, mosquitto: MosquittoBroker
) -> None:
    """A history written with other settings (the defaults) is recomputed when the
    daemon starts with its own, so ``report`` and the published state agree.
    """
    config = _config(tmp_path, mosquitto.port)
    _seed(config)
    with Store.open(config.storage.database_path) as store:
        latest = store.latest_reading("alice")
        assert latest is not None
        store.add_wellness(
            WellnessEntry(
                user="alice", date=latest.date, soreness=7, energy=7, sleep_quality=7, stress=3
            )
        )
        reassess(store, "alice", since=latest.date, settings=ReadinessSettings())
        stored = store.latest_reading("alice")
    assert stored is not None
    assert stored.readiness is not None
    assert stored.readiness.fatigue_type == "muscular"  # soreness 7 >= the default 6
    config = _config(tmp_path, mosquitto.port, readiness={"soreness_high": 9})
    async with _running(config):
        await _online(mosquitto.port)
        state = json.loads(await _retained(mosquitto.port, f"{BASE}/alice/state"))
    with Store.open(config.storage.database_path) as store:
        stored = store.latest_reading("alice")
    assert stored is not None
    assert stored.readiness is not None
    assert state["readiness"]["fatigue_type"] == stored.readiness.fatigue_type == "recovered"
