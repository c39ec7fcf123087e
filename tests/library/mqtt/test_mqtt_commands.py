"""Command validation: every class of bad command is refused with a code, nothing stored.

The parser is tested directly (table-driven, plus a hypothesis fuzz over arbitrary
bytes), and every rejection class again end to end: a real Mosquitto, the real
publisher, a real SQLite store whose full SQL dump must not change.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import sqlite3
from typing import get_args

import aiomqtt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mqtt_testing import COLLECTOR_ID, FIXED_NOW, TODAY, TOPICS, USERS, fast_settings, recording

from hrv_readiness.errors import CommandRejectedError
from hrv_readiness.mqtt import (
    InvalidCommandError,
    MeasureCommand,
    Publisher,
    RecomputeCommand,
    TrainingCommand,
    WellnessCommand,
    accepted_event,
    parse_command,
    rejection_event,
)
from hrv_readiness.mqtt.commands import (
    MAX_PAYLOAD_BYTES,
    DeleteCommand,
    RejectionCode,
    RemoveCommand,
    RenameCommand,
    UndoCommand,
)
from hrv_readiness.mqtt.publisher import MAX_PENDING_COMMANDS

USER_IDS = {"alice", "bob"}
WELLNESS = {"soreness": 3, "energy": 6, "sleep_quality": 7, "stress": 2}
TRAINING = {"session_type": "heavy_compound", "effort": 8, "duration_min": 75}


def topic(name: str, user: str = "alice") -> str:
    return TOPICS.command(user, name)


def parse(name: str, payload: bytes | dict[str, object], *, user: str = "alice", **kw):
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return parse_command(topic(name, user), raw, topics=TOPICS, users=USER_IDS, today=TODAY, **kw)


@pytest.mark.parametrize(
    ("name", "payload", "expected"),
    [
        ("measure", {}, MeasureCommand(user="alice")),
        ("measure", b"", MeasureCommand(user="alice")),
        ("measure", {"request_id": "r-1"}, MeasureCommand(user="alice", request_id="r-1")),
        ("recompute", {}, RecomputeCommand(user="alice")),
        (
            "wellness",
            WELLNESS,
            WellnessCommand(
                user="alice", date=TODAY, soreness=3, energy=6, sleep_quality=7, stress=2
            ),
        ),
        (
            "wellness",
            {**WELLNESS, "date": "2026-11-20", "heavy_legs": True, "soreness": 10},
            WellnessCommand(
                user="alice",
                date=dt.date(2026, 11, 20),
                soreness=10,
                energy=6,
                sleep_quality=7,
                stress=2,
                heavy_legs=True,
            ),
        ),
        (
            "training",
            TRAINING,
            TrainingCommand(
                user="alice",
                date=dt.date(2026, 11, 21),
                session_type="heavy_compound",
                effort=8,
                duration_min=75,
            ),
        ),
        (
            "training",
            {**TRAINING, "date": "2026-11-22", "duration_min": 0, "effort": 0},
            TrainingCommand(
                user="alice", date=TODAY, session_type="heavy_compound", effort=0, duration_min=0
            ),
        ),
        (
            "delete",
            {"date": "2026-11-20", "entry": "questionnaire"},
            DeleteCommand(user="alice", date=dt.date(2026, 11, 20), entry="questionnaire"),
        ),
        ("undo", {}, UndoCommand(user="alice")),
        ("rename", {"to": "bob"}, RenameCommand(user="alice", to="bob")),
        ("remove", {}, RemoveCommand(user="alice")),
    ],
)
def test_valid_commands_become_typed(name, payload, expected):
    assert parse(name, payload) == expected


REJECTIONS = [
    # (case id, command name, raw payload, user, expected code)
    ("not json", "wellness", b"{soreness: 3", "alice", "invalid_json"),
    ("not utf-8", "wellness", b"\xff\xfe{}", "alice", "invalid_json"),
    ("NaN", "wellness", b'{"soreness": NaN}', "alice", "invalid_json"),
    (
        "duplicate key",
        "measure",
        b'{"request_id": "a", "request_id": "b"}',
        "alice",
        "invalid_json",
    ),
    ("array", "wellness", b"[3, 6, 7, 2]", "alice", "not_an_object"),
    ("string", "measure", b'"now"', "alice", "not_an_object"),
    (
        "string number",
        "wellness",
        json.dumps({**WELLNESS, "soreness": "3"}).encode(),
        "alice",
        "wrong_type",
    ),
    (
        "bool for int",
        "wellness",
        json.dumps({**WELLNESS, "energy": True}).encode(),
        "alice",
        "wrong_type",
    ),
    (
        "float for int",
        "training",
        json.dumps({**TRAINING, "effort": 7.5}).encode(),
        "alice",
        "wrong_type",
    ),
    (
        "int for bool",
        "wellness",
        json.dumps({**WELLNESS, "heavy_legs": 1}).encode(),
        "alice",
        "wrong_type",
    ),
    ("number request id", "measure", b'{"request_id": 7}', "alice", "wrong_type"),
    (
        "above range",
        "wellness",
        json.dumps({**WELLNESS, "soreness": 11}).encode(),
        "alice",
        "out_of_range",
    ),
    (
        "below range",
        "wellness",
        json.dumps({**WELLNESS, "stress": -1}).encode(),
        "alice",
        "out_of_range",
    ),
    (
        "long training",
        "training",
        json.dumps({**TRAINING, "duration_min": 601}).encode(),
        "alice",
        "out_of_range",
    ),
    (
        "future date",
        "wellness",
        json.dumps({**WELLNESS, "date": "2026-11-23"}).encode(),
        "alice",
        "out_of_range",
    ),
    (
        "ancient date",
        "training",
        json.dumps({**TRAINING, "date": "2020-01-01"}).encode(),
        "alice",
        "out_of_range",
    ),
    (
        "long request id",
        "measure",
        json.dumps({"request_id": "x" * 65}).encode(),
        "alice",
        "out_of_range",
    ),
    (
        "bad date",
        "wellness",
        json.dumps({**WELLNESS, "date": "2026-02-30"}).encode(),
        "alice",
        "invalid_value",
    ),
    (
        "unknown session",
        "training",
        json.dumps({**TRAINING, "session_type": "yoga"}).encode(),
        "alice",
        "invalid_value",
    ),
    ("missing field", "wellness", json.dumps({"soreness": 3}).encode(), "alice", "missing_field"),
    ("delete no date", "delete", b'{"entry": "reading"}', "alice", "missing_field"),
    (
        "delete what",
        "delete",
        b'{"date": "2026-11-20", "entry": "person"}',
        "alice",
        "invalid_value",
    ),
    (
        "delete future",
        "delete",
        json.dumps({"date": "2099-01-01", "entry": "all"}).encode(),
        "alice",
        "out_of_range",
    ),
    (
        "typo field",
        "wellness",
        json.dumps({**WELLNESS, "heavy_leg": True}).encode(),
        "alice",
        "unknown_field",
    ),
    ("shell in field", "measure", b'{"cmd": "rm -rf /"}', "alice", "unknown_field"),
    # A rename goes to another user served here, by a valid id (v1.7).
    ("rename to whom", "rename", b"{}", "alice", "missing_field"),
    ("rename to self", "rename", b'{"to": "alice"}', "alice", "invalid_value"),
    ("rename to nobody", "rename", b'{"to": "mallory"}', "alice", "unknown_user"),
    ("rename bad id", "rename", b'{"to": "Bob/../x"}', "alice", "invalid_value"),
    ("remove what", "remove", b'{"user": "bob"}', "alice", "unknown_field"),
    ("unknown user", "measure", b"{}", "mallory", "unknown_user"),
    ("unknown command", "reboot", b"{}", "alice", "unknown_command"),
    (
        "too large",
        "measure",
        b'{"request_id": "' + b"x" * MAX_PAYLOAD_BYTES + b'"}',
        "alice",
        "payload_too_large",
    ),
]


@pytest.mark.parametrize(
    ("name", "payload", "user", "code"),
    [case[1:] for case in REJECTIONS],
    ids=[case[0] for case in REJECTIONS],
)
def test_invalid_commands_are_rejected_with_a_code(name, payload, user, code):
    with pytest.raises(InvalidCommandError) as caught:
        parse(name, payload, user=user)
    assert caught.value.code == code
    assert isinstance(caught.value, CommandRejectedError)
    assert caught.value.user == user
    assert caught.value.command == name
    assert str(caught.value)


def test_retained_command_is_a_stale_replay():
    with pytest.raises(InvalidCommandError) as caught:
        parse("measure", {}, retained=True)
    assert caught.value.code == "retained_command"


def test_foreign_topic_is_not_a_command():
    with pytest.raises(InvalidCommandError) as caught:
        parse_command(
            "hrv_readiness/other/alice/command/measure",
            b"{}",
            topics=TOPICS,
            users=USER_IDS,
            today=TODAY,
        )
    assert caught.value.code == "invalid_topic"


def test_deeply_nested_json_is_refused_not_a_crash():
    deep = b"[" * 2000 + b"]" * 2000
    with pytest.raises(InvalidCommandError) as caught:
        parse("wellness", deep)
    # Python 3.11's parser runs out of stack (invalid_json), 3.13's does not.
    assert caught.value.code in {"invalid_json", "not_an_object"}


def test_request_id_is_echoed_even_when_rejected():
    with pytest.raises(InvalidCommandError) as caught:
        parse("wellness", {"request_id": "ha-42", "soreness": 99})
    assert caught.value.request_id == "ha-42"


def test_accepted_and_rejected_events():
    command = parse("training", {**TRAINING, "request_id": "ha-7"})
    accepted = json.loads(accepted_event(command, at=FIXED_NOW).to_bytes())
    assert accepted["type"] == "command_accepted"
    assert (accepted["user"], accepted["request_id"]) == ("alice", "ha-7")
    assert accepted["detail"] == {"command": "training"}
    with pytest.raises(InvalidCommandError) as caught:
        parse("training", {**TRAINING, "request_id": "ha-8", "effort": 12})
    rejected = json.loads(rejection_event(caught.value, at=FIXED_NOW).to_bytes())
    assert rejected["type"] == "command_rejected"
    assert rejected["request_id"] == "ha-8"
    assert rejected["detail"]["code"] == "out_of_range"
    assert rejected["detail"]["command"] == "training"
    assert "effort" in rejected["detail"]["reason"]


def test_wellness_and_training_map_to_readiness_records():
    wellness = parse("wellness", {**WELLNESS, "heavy_legs": True})
    training = parse("training", TRAINING)
    assert isinstance(wellness, WellnessCommand)
    assert isinstance(training, TrainingCommand)
    entry = wellness.entry()
    assert (entry.user, entry.date, entry.soreness, entry.heavy_legs) == ("alice", TODAY, 3, True)
    session = training.entry()
    assert (session.session_type, session.effort, session.duration_min) == (
        "heavy_compound",
        8,
        75,
    )


@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(["measure", "wellness", "training", "recompute", "x"]),
    payload=st.one_of(
        st.binary(max_size=200),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
            lambda children: (
                st.lists(children, max_size=4)
                | st.dictionaries(st.text(max_size=12), children, max_size=6)
            ),
            max_leaves=12,
        ).map(lambda value: json.dumps(value).encode()),
        st.fixed_dictionaries(
            {}, optional={k: st.integers(-5, 15) | st.text(max_size=3) for k in WELLNESS}
        ).map(lambda value: json.dumps(value).encode()),
    ),
)
def test_any_bytes_give_a_command_or_a_rejection(name, payload):
    result: object
    try:
        result = parse(name, payload)
    except InvalidCommandError as err:
        result = err
    if isinstance(result, InvalidCommandError):
        assert result.code in get_args(RejectionCode)
    else:
        assert isinstance(
            result, MeasureCommand | RecomputeCommand | WellnessCommand | TrainingCommand
        )
        assert result.user == "alice"


# --- end to end: the rejection event, and an unchanged database ------------------------


def dump(path) -> list[str]:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return list(connection.iterdump())


async def store_commands(publisher: Publisher, store) -> None:
    """What the daemon does with valid commands (here: store wellness and training)."""
    async for command in publisher.commands():
        if isinstance(command, WellnessCommand):
            store.add_wellness(command.entry())
        elif isinstance(command, TrainingCommand):
            store.add_training(command.entry())


@pytest.mark.broker
async def test_every_rejection_class_end_to_end(broker, store, readings, tmp_path):
    readings.store_with_state(store, readings.reading("alice", day=0))
    store.mark_sent([m.id for m in store.pending_outbox() if m.id is not None])
    before = dump(store.path)
    # A command someone published with retain=true before the collector (re)connected:
    # the broker replays it on subscription, and it must not start a measurement.
    async with aiomqtt.Client(broker.host, broker.port) as sender:
        await sender.publish(topic("measure"), b'{"request_id": "stale"}', qos=1, retain=True)
    publisher = Publisher(
        fast_settings(broker),
        collector_id=COLLECTOR_ID,
        users=USERS,
        outbox=store,
        today=lambda: TODAY,
    )
    async with recording(broker) as recorder, publisher:
        await publisher.wait_connected(5)
        worker = asyncio.create_task(store_commands(publisher, store))
        async with aiomqtt.Client(broker.host, broker.port) as sender:
            for _, name, payload, user, _ in REJECTIONS:
                await sender.publish(topic(name, user), payload, qos=1)

        def rejections(r):
            return [
                m
                for m in r.messages
                if m.topic.endswith("/event")
                and json.loads(m.payload)["type"] == "command_rejected"
            ]

        await recorder.wait_for(lambda r: len(rejections(r)) == len(REJECTIONS) + 1)
        # Commands are handled in the order they arrive: the last one answered means
        # every one before it was handled (anything wrongly accepted is stored by now).
        worker.cancel()
    events = [json.loads(m.payload) for m in rejections(recorder)]
    codes = [event["detail"]["code"] for event in events]
    assert codes == ["retained_command"] + [case[4] for case in REJECTIONS]
    # Rejections for configured users go to that user's event topic, others to the
    # collector's own event topic.
    topics = [m.topic for m in rejections(recorder)]
    mallory = 1 + [case[3] for case in REJECTIONS].index("mallory")
    assert topics[mallory] == TOPICS.collector_event
    assert events[mallory]["user"] == "mallory"
    assert {t for i, t in enumerate(topics) if i != mallory} == {TOPICS.event("alice")}
    assert all(event["detail"]["reason"] for event in events)
    assert events[0]["request_id"] == "stale"
    assert dump(store.path) == before


@pytest.mark.broker
async def test_a_flood_of_commands_is_bounded(broker):
    """Nobody consumes commands: beyond MAX_PENDING_COMMANDS they are refused as busy."""
    publisher = Publisher(fast_settings(broker), collector_id=COLLECTOR_ID, users=USERS)
    extra = 5
    async with recording(broker, TOPICS.event("alice")) as recorder, publisher:
        await publisher.wait_connected(5)
        async with aiomqtt.Client(broker.host, broker.port) as sender:
            for n in range(MAX_PENDING_COMMANDS + extra):
                await sender.publish(topic("measure"), f'{{"request_id": "r{n}"}}'.encode(), qos=1)
        await recorder.wait_for(lambda r: len(r.messages) == extra)
    events = recorder.json_on(TOPICS.event("alice"))
    assert [e["detail"]["code"] for e in events] == ["busy"] * extra
    assert [e["request_id"] for e in events] == [f"r{n}" for n in range(100, 100 + extra)]


@pytest.mark.broker
async def test_a_valid_command_does_change_the_database(broker, store):
    """Positive control of the test above: the same path stores a valid entry."""
    before = dump(store.path)
    publisher = Publisher(
        fast_settings(broker),
        collector_id=COLLECTOR_ID,
        users=USERS,
        outbox=store,
        today=lambda: TODAY,
    )
    async with publisher:
        await publisher.wait_connected(5)
        async with aiomqtt.Client(broker.host, broker.port) as sender:
            await sender.publish(topic("wellness"), json.dumps(WELLNESS).encode(), qos=1)
        commands = publisher.commands()
        command = await asyncio.wait_for(anext(commands), 5)
    assert isinstance(command, WellnessCommand)
    store.add_wellness(command.entry())
    assert dump(store.path) != before
    assert store.wellness_for("alice", TODAY) is not None


@pytest.mark.parametrize(("ill", "stored"), [(None, "none"), ("mild", "mild"), ("clear", "clear")])
def test_the_wellness_command_carries_illness_symptoms(ill, stored):
    payload = {**WELLNESS} if ill is None else {**WELLNESS, "ill": ill}
    command = parse("wellness", payload)
    assert isinstance(command, WellnessCommand)
    assert command.entry().ill == stored
