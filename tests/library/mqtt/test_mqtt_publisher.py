"""The publisher against a real Mosquitto and a real SQLite store: delivery that loses
nothing through broker kills, restarts and outages, the Last Will, and clear errors."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from mqtt_testing import (
    COLLECTOR_ID,
    KEEP_USER,
    TOPICS,
    USERS,
    LinkGate,
    fast_settings,
    recording,
    wait_until,
)
from support.mosquitto import MosquittoBroker, free_port

from hrv_readiness.errors import BrokerError
from hrv_readiness.mqtt import (
    BrokerAuthError,
    BrokerUnavailableError,
    EventPayload,
    MqttSettings,
    OutgoingMessage,
    Publisher,
    publish_pending,
)
from hrv_readiness.mqtt.delivery import MAX_QUEUED_EVENTS
from hrv_readiness.mqtt.topics import STATUS_OFFLINE
from hrv_readiness.store import Store

pytestmark = pytest.mark.broker
REPOSITORY = Path(__file__).resolve().parents[3]


def publisher_for(broker, store, **changes) -> Publisher:
    return Publisher(
        fast_settings(broker, **changes), collector_id=COLLECTOR_ID, users=USERS, outbox=store
    )


async def test_publishes_status_announce_and_outbox(broker, store, readings):
    payload = readings.store_with_state(store, readings.reading("alice", day=0))
    async with recording(broker) as recorder:
        async with publisher_for(broker, store) as publisher:
            await publisher.wait_connected(5)
            await recorder.wait_for(lambda r: r.on(TOPICS.state("alice")))
        await recorder.wait_for(lambda r: r.on(TOPICS.status)[-1].payload == b"offline")
    assert [m.payload for m in recorder.on(TOPICS.status)] == [b"online", b"offline"]
    assert all(m.retain is False for m in recorder.messages)  # live, not replays
    announce = json.loads(recorder.on(TOPICS.announce)[0].payload)
    assert announce["users"] == [{"id": "alice", "name": "Alice"}, {"id": "bob", "name": "Bob"}]
    assert announce["discovery"] is False
    assert recorder.on(TOPICS.state("alice"))[0].payload == payload
    assert store.pending_outbox() == []


async def test_new_rows_go_out_when_notified(broker, store, readings):
    async with (
        recording(broker, TOPICS.state("+")) as recorder,
        publisher_for(broker, store) as publisher,
    ):
        await publisher.wait_connected(5)
        sent = []
        for day in range(5):
            sent.append(readings.store_with_state(store, readings.reading("bob", day=day)))
            publisher.notify_outbox()
        await recorder.wait_for(lambda r: len(r.messages) == 5)
        await wait_until(lambda: not store.pending_outbox())
    assert [m.payload for m in recorder.messages] == sent


async def test_broker_down_at_start_is_waited_for(store, readings):
    """Start-up without a broker is not fatal: the reading waits in the outbox."""
    broker = MosquittoBroker()  # port reserved, nothing listening yet
    payload = readings.store_with_state(store, readings.reading("alice", day=0))
    try:
        async with publisher_for(broker, store) as publisher:
            with pytest.raises(BrokerUnavailableError, match=f"127.0.0.1:{broker.port}"):
                await publisher.wait_connected(0.5)
            assert isinstance(publisher.last_error, BrokerUnavailableError)
            assert len(store.pending_outbox()) == 1
            broker.start()
            async with recording(broker, TOPICS.state("alice")) as recorder:
                await publisher.wait_connected(10)
                await recorder.wait_for(lambda r: len(r.messages) == 1)
        assert recorder.messages[0].payload == payload
        assert store.pending_outbox() == []
    finally:
        broker.close()


def persistent_broker(tmp_path: Path) -> MosquittoBroker:
    """A broker that saves sessions after every change, so a kill keeps subscriptions.

    Only the *subscriber's* session needs to survive the kill: it proves what reached
    a subscriber. The collector's own guarantee is the outbox, not the broker.
    """
    data = tmp_path / "mosquitto-data"
    data.mkdir()
    return MosquittoBroker(
        extra_config=(
            *KEEP_USER,
            "persistence true",
            f"persistence_location {data}/",
            "autosave_interval 1",
            "autosave_on_changes true",
        )
    )


READINGS_PER_USER = 100


async def test_broker_kill_and_restart_loses_no_reading(store, readings, tmp_path):
    """Acceptance 2: kill -9 the broker mid-run, keep measuring, restart it: every
    stored reading's state reaches the subscriber, none lost."""
    broker = persistent_broker(tmp_path).start()
    total = 2 * READINGS_PER_USER
    stored: list[bytes] = []
    try:
        async with (
            recording(broker, TOPICS.state("+")) as recorder,
            publisher_for(broker, store) as publisher,
        ):
            await publisher.wait_connected(5)
            for index in range(total):
                user = "alice" if index % 2 == 0 else "bob"
                reading = readings.reading(user, day=index // 2)
                stored.append(readings.store_with_state(store, reading))
                publisher.notify_outbox()
                if index == total // 3:
                    broker.kill()  # mid-run, with rows possibly in flight
                if index == 2 * total // 3:
                    broker.start()  # same port, sessions from disk
                await asyncio.sleep(0.01)
            await recorder.wait_for(
                lambda r: {m.payload for m in r.messages} >= set(stored), timeout_s=30
            )
            # The subscriber can see the last batch before its PUBACKs are processed.
            await wait_until(lambda: not store.pending_outbox())
            received = {m.payload for m in recorder.messages}
            assert publisher.connections >= 2
        assert len(stored) == total == len(set(stored))
        assert set(stored) <= received
        assert store.pending_outbox() == []
        assert "Error saving" not in broker.log_path.read_text()
    finally:
        broker.close()


async def test_latest_state_is_republished_after_broker_restart(broker, store, readings):
    """A broker without persistence forgets retained state; the collector restores it."""
    first = readings.store_with_state(store, readings.reading("alice", day=0))
    latest = readings.store_with_state(store, readings.reading("alice", day=1))
    async with publisher_for(broker, store) as publisher:
        await publisher.wait_connected(5)
        broker.kill()
        broker.start()  # empty: whatever arrives was sent after the publisher reconnected
        async with recording(broker, TOPICS.state("alice"), TOPICS.status) as recorder:
            await recorder.wait_for(lambda r: len(r.on(TOPICS.state("alice"))) >= 1)
            await recorder.wait_for(lambda r: bool(r.on(TOPICS.status)))
    assert first != latest
    assert [m.payload for m in recorder.on(TOPICS.state("alice"))] == [latest]
    assert recorder.on(TOPICS.status)[0].payload == b"online"


async def test_events_and_progress_made_offline_go_out_on_reconnect(broker, store):
    event = EventPayload(type="measurement_started", user="alice", at="2026-11-22T06:40:00+00:00")
    progress = [
        OutgoingMessage(TOPICS.measurement("alice"), f'{{"n": {n}}}'.encode(), retain=True)
        for n in range(3)
    ]
    gate = LinkGate(broker)  # closed: the publisher cannot reach the broker
    try:
        async with (
            recording(broker, TOPICS.event("alice"), TOPICS.measurement("alice")) as recorder,
            publisher_for(broker, store, port=gate.port) as publisher,
        ):
            await publisher.publish_event(event)
            for message in progress:
                await publisher.publish(message)
            await gate.open()
            await publisher.wait_connected(10)
            await recorder.wait_for(lambda r: len(r.messages) >= 2)
            # A later event is delivered after anything queued before it: once it is in,
            # an older progress message would have been too.
            await publisher.publish_event(
                event.model_copy(update={"type": "measurement_completed"})
            )
            await recorder.wait_for(lambda r: len(r.on(TOPICS.event("alice"))) == 2)
    finally:
        await gate.close()
    assert json.loads(recorder.on(TOPICS.event("alice"))[0].payload)["type"] == (
        "measurement_started"
    )
    # Only the latest progress matters after an outage.
    assert [m.payload for m in recorder.on(TOPICS.measurement("alice"))] == [b'{"n": 2}']


async def test_publish_nowait_from_synchronous_callbacks(broker, store):
    """What a BLE callback does: queue progress and events without awaiting."""
    events = [
        EventPayload(type=kind, user="alice", at="2026-11-22T06:40:00+00:00")
        for kind in ("measurement_started", "measurement_completed")
    ]
    async with (
        recording(broker, TOPICS.event("alice"), TOPICS.measurement("alice")) as recorder,
        publisher_for(broker, store) as publisher,
    ):
        await publisher.wait_connected(5)
        publisher.publish_event_nowait(events[0])
        for n in range(20):
            publisher.publish_nowait(
                OutgoingMessage(TOPICS.measurement("alice"), f'{{"n": {n}}}'.encode(), retain=True)
            )
        publisher.publish_event_nowait(events[1])
        await recorder.wait_for(
            lambda r: (
                len(r.on(TOPICS.event("alice"))) == 2
                and r.on(TOPICS.measurement("alice"))[-1:] != []
                and r.on(TOPICS.measurement("alice"))[-1].payload == b'{"n": 19}'
            )
        )
    kinds = [json.loads(m.payload)["type"] for m in recorder.on(TOPICS.event("alice"))]
    assert kinds == ["measurement_started", "measurement_completed"]


LWT_SCRIPT = textwrap.dedent(
    """
    import asyncio, sys
    from hrv_readiness.mqtt import AnnouncedUser, MqttSettings, Publisher

    async def main():
        settings = MqttSettings(host="127.0.0.1", port=int(sys.argv[1]), keepalive_s=5)
        users = [AnnouncedUser(id="alice", name="Alice")]
        async with Publisher(settings, collector_id="pi_test", users=users) as publisher:
            await publisher.wait_connected(10)
            print("connected", flush=True)
            await asyncio.sleep(60)

    asyncio.run(main())
    """
)


async def test_last_will_turns_status_offline_when_the_collector_dies(broker):
    async with recording(broker, TOPICS.status) as recorder:
        process = subprocess.Popen(  # noqa: ASYNC220 - starting it does not block
            [sys.executable, "-c", LWT_SCRIPT, str(broker.port)],
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": f"{REPOSITORY / 'src'}{os.pathsep}{REPOSITORY}"},
        )
        try:
            await recorder.wait_for(lambda r: any(m.payload == b"online" for m in r.messages))
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=5)
            assert process.stdout is not None
            process.stdout.close()
        await recorder.wait_for(lambda r: r.messages[-1].payload == STATUS_OFFLINE.encode())
    assert [m.payload for m in recorder.messages] == [b"online", b"offline"]


async def test_publish_pending_one_shot(broker, store, readings):
    for day in range(3):
        readings.store_with_state(store, readings.reading("alice", day=day))
    async with recording(broker, TOPICS.state("alice"), TOPICS.status) as recorder:
        sent = await publish_pending(fast_settings(broker), COLLECTOR_ID, USERS, store)
        await recorder.wait_for(lambda r: len(r.on(TOPICS.state("alice"))) == 3)
        await recorder.wait_for(lambda r: r.on(TOPICS.status)[-1].payload == b"offline")
    assert sent == 3
    assert store.pending_outbox() == []


async def test_publish_pending_without_a_broker_is_one_clear_error(store, readings):
    readings.store_with_state(store, readings.reading("alice", day=0))
    port = free_port()
    settings = fast_settings(MosquittoBroker(port=port))
    with pytest.raises(BrokerUnavailableError) as caught:
        await publish_pending(settings, COLLECTOR_ID, USERS, store, timeout_s=2)
    assert str(caught.value).startswith(f"no MQTT broker answered at 127.0.0.1:{port}")
    assert "\n" not in str(caught.value)
    assert len(store.pending_outbox()) == 1  # nothing lost


@pytest.fixture
def password_broker(tmp_path):
    password_file = tmp_path / "passwords"
    subprocess.run(
        ["mosquitto_passwd", "-b", "-c", str(password_file), "collector", "s3cret"],
        check=True,
        capture_output=True,
    )
    with MosquittoBroker(
        extra_config=(*KEEP_USER, "allow_anonymous false", f"password_file {password_file}")
    ) as running:
        yield running


@pytest.mark.parametrize(
    ("username", "password", "ok"),
    [("collector", "s3cret", True), ("collector", "wrong", False), (None, None, False)],
)
async def test_username_and_password(password_broker, store, username, password, ok):
    settings = fast_settings(password_broker, username=username, password=password)
    if ok:
        assert await publish_pending(settings, COLLECTOR_ID, USERS, store) == 0
        return
    with pytest.raises(BrokerAuthError, match="refused the login") as caught:
        await publish_pending(settings, COLLECTOR_ID, USERS, store)
    assert isinstance(caught.value, BrokerError)
    assert "s3cret" not in str(caught.value)
    assert "s3cret" not in repr(settings)


async def test_a_failing_store_does_not_take_the_link_down(broker, tmp_path, readings, caplog):
    """The database becomes unreadable mid-run: rows wait, status and commands go on."""
    broken = Store.open(tmp_path / "broken.sqlite")
    readings.store_with_state(broken, readings.reading("alice", day=0))
    async with (
        recording(broker, TOPICS.status, TOPICS.event("+")) as recorder,
        publisher_for(broker, broken) as publisher,
    ):
        await publisher.wait_connected(5)
        broken.close()  # every read now raises the store's DatabaseUnavailableError
        publisher.notify_outbox()
        await wait_until(lambda: "MQTT outbox not readable" in caplog.text)
        await publisher.publish_event(
            EventPayload(type="measurement_started", user="alice", at="2026-11-22T06:40:00+00:00")
        )
        await recorder.wait_for(lambda r: len(r.on(TOPICS.event("alice"))) == 1)
        assert publisher.connected
        assert publisher.connections == 1


def test_password_in_clear_text_to_another_host_is_warned_about(caplog):
    Publisher(
        MqttSettings(host="broker.lan", username="collector", password="x" * 8),
        collector_id=COLLECTOR_ID,
        users=USERS,
    )
    assert "clear text" in caplog.text


async def test_retained_seed_goes_out_on_every_connect(broker):
    """What the daemon passes at start: each user's latest state, rebuilt from the store."""
    seed = OutgoingMessage(TOPICS.state("alice"), b'{"seed": 1}', retain=True)
    publisher = Publisher(
        fast_settings(broker), collector_id=COLLECTOR_ID, users=USERS, retained=[seed]
    )
    async with recording(broker, TOPICS.state("alice")) as recorder, publisher:
        await publisher.wait_connected(5)
        await recorder.wait_for(lambda r: len(r.messages) == 1)
        broker.kill()
        broker.start()
        await recorder.wait_for(lambda r: len(r.messages) >= 2)
    assert {m.payload for m in recorder.messages} == {b'{"seed": 1}'}
    with pytest.raises(ValueError, match="retained"):
        publisher.remember(OutgoingMessage(TOPICS.event("alice"), b"{}", retain=False))


async def test_offline_event_queue_is_bounded(broker, caplog):
    broker.stop()
    publisher = publisher_for(broker, None)
    extra = 3
    for n in range(MAX_QUEUED_EVENTS + extra):
        publisher.publish_event_nowait(
            EventPayload(type="measurement_started", user="alice", at="2026-11-22T06:40:00+00:00",
                         request_id=str(n))
        )  # fmt: skip
    assert "dropping the oldest" in caplog.text
    broker.start()
    async with recording(broker, TOPICS.event("alice")) as recorder, publisher:
        await publisher.wait_connected(10)
        await recorder.wait_for(lambda r: len(r.messages) == MAX_QUEUED_EVENTS, timeout_s=20)
    ids = [e["request_id"] for e in recorder.json_on(TOPICS.event("alice"))]
    assert ids == [str(n) for n in range(extra, MAX_QUEUED_EVENTS + extra)]


async def test_a_socket_closed_before_the_loop_watches_it_is_no_traceback(broker, store):
    """The race behind ``OSError: [Errno 9] Bad file descriptor`` in ``add_writer`` during
    broker restarts: paho asks (through aiomqtt) for its socket to be watched for
    writing, and the connection is closed before the event loop gets to it."""
    errors: list[dict[str, object]] = []
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda _loop, context: errors.append(context))
    try:
        async with publisher_for(broker, store) as publisher:
            await publisher.wait_connected(5)
            client = publisher._client
            assert client is not None
            paho = client._client
            sock = paho.socket()
            client._on_socket_register_write(paho, None, sock)  # paho wants to write...
            paho._sock_close()  # ...and the link is closed first (what a restart does)
            # The watch paho asked for is a callback already scheduled; one scheduled
            # now runs after it, so once this resolves the watch has run.
            watched = loop.create_future()
            loop.call_soon(watched.set_result, None)
            await watched
    finally:
        loop.set_exception_handler(None)
    assert errors == []


async def test_a_state_rebuilt_at_connect_replaces_an_older_pending_one(broker, store, readings):
    """The daemon restarts with a state row still pending from measurement time; the
    state it rebuilds from the store (as of now) is what goes out, not both."""
    readings.store_with_state(store, readings.reading("alice", day=0))
    fresh = OutgoingMessage(TOPICS.state("alice"), b'{"as_of": "now"}', qos=1, retain=True)
    publisher = Publisher(
        fast_settings(broker),
        collector_id=COLLECTOR_ID,
        users=USERS,
        outbox=store,
        refresh_retained=lambda: [fresh],
    )
    later = EventPayload(type="measurement_started", user="alice", at="2026-11-22T06:40:00+00:00")
    async with (
        recording(broker, TOPICS.state("alice"), TOPICS.event("alice")) as recorder,
        publisher,
    ):
        await publisher.wait_connected(5)
        await recorder.wait_for(lambda r: bool(r.on(TOPICS.state("alice"))))
        # Sent after the connect's messages: once it is in, the older state would be too.
        await publisher.publish_event(later)
        await recorder.wait_for(lambda r: bool(r.on(TOPICS.event("alice"))))
    assert [m.payload for m in recorder.on(TOPICS.state("alice"))] == [fresh.payload]
    assert store.pending_outbox() == []
