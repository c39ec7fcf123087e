"""The retained ``history`` topic (contract v1.2): what it holds and when it goes out."""

from __future__ import annotations

import datetime as dt
import json

import jsonschema
import pytest
from mqtt_testing import COLLECTOR_ID, FIXED_NOW, TOPICS, USERS, fast_settings, recording

from hrv_readiness.mqtt import Publisher
from hrv_readiness.mqtt.history import history_messages, history_payload, history_point
from hrv_readiness.mqtt.schema_export import SCHEMA_DIR


def validate(payload: bytes) -> dict:
    schema = json.loads((SCHEMA_DIR / "history.json").read_text(encoding="utf-8"))
    data = json.loads(payload)
    jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(data)
    return data


def test_one_point_per_morning_with_that_mornings_verdict(readings):
    stored = [readings.reading("alice", day=day) for day in range(20)]
    # Alice measured again on day 19: the later reading is the one that counted.
    again = stored[-1].model_copy(
        update={"measured_at": stored[-1].measured_at + dt.timedelta(minutes=9), "ln_rmssd": 3.5}
    )
    rejected = readings.reading("alice", day=20).model_copy(
        update={"quality": "rejected", "ln_rmssd": None, "rmssd_ms": None, "mean_hr_bpm": None}
    )
    bob = readings.reading("bob", day=3)
    payload = history_payload(
        collector_id=COLLECTOR_ID,
        user="alice",
        readings=[*stored, again, rejected, bob],
        published_at=FIXED_NOW,
    )
    data = validate(payload.to_bytes())
    assert [p["date"] for p in data["points"]] == [r.date.isoformat() for r in stored]
    assert data["points"][-1]["ln_rmssd"] == 3.5
    assert data["points"][-1]["measured_at"] == again.measured_at.isoformat()
    last = stored[-2].readiness
    assert last is not None
    point = data["points"][-2]
    assert (point["score"], point["status"]) == (last.score, last.status)
    assert point["ln_rmssd_swc_low"] == round(last.baselines.swc_lower, 3)
    assert point["ln_rmssd_normal_high"] == round(last.baselines.normal_upper, 3)
    # The first mornings have no baseline yet: null edges, not zeros.
    assert data["points"][0]["ln_rmssd_normal_low"] is None


def test_bounded_to_the_last_days_counted_from_the_newest(readings):
    stored = [readings.reading("alice", day=day) for day in range(120)]
    payload = history_payload(
        collector_id=COLLECTOR_ID, user="alice", readings=stored, published_at=FIXED_NOW, days=90
    )
    assert len(payload.points) == 90
    assert payload.points[0].date == stored[30].date
    assert payload.points[-1].date == stored[-1].date


def test_a_reading_without_lnrmssd_is_no_point(readings):
    reading = readings.reading("alice", day=0).model_copy(update={"ln_rmssd": None})
    with pytest.raises(ValueError, match="no lnRMSSD"):
        history_point(reading)


def test_history_messages_from_the_store(store, readings):
    for day in range(10):
        readings.store_with_state(store, readings.reading("alice", day=day))
    messages = history_messages(store, TOPICS, ["alice", "bob"], published_at=FIXED_NOW)
    assert [m.topic for m in messages] == [TOPICS.history("alice"), TOPICS.history("bob")]
    # Bob has no reading: his retained history is cleared (v1.7, as his state).
    assert messages[1].payload == b""
    assert messages[1].retain
    assert messages[0].retain
    assert messages[0].qos == 1
    assert len(validate(messages[0].payload)["points"]) == 10


@pytest.mark.broker
async def test_history_goes_out_retained_after_the_states(broker, store, readings):
    for day in range(5):
        readings.store_with_state(store, readings.reading("alice", day=day))
    history = history_messages(store, TOPICS, ["alice"], published_at=FIXED_NOW)
    publisher = Publisher(
        fast_settings(broker),
        collector_id=COLLECTOR_ID,
        users=USERS,
        outbox=store,
        retained=history,
    )
    async with recording(broker, f"{TOPICS.root}/alice/#") as recorder, publisher:
        await publisher.wait_connected(5)
        await recorder.wait_for(lambda r: len(r.on(TOPICS.history("alice"))) == 1)
    topics = [m.topic for m in recorder.messages]
    assert topics.index(TOPICS.history("alice")) > max(
        i for i, topic in enumerate(topics) if topic == TOPICS.state("alice")
    )
    assert len(recorder.json_on(TOPICS.history("alice"))[0]["points"]) == 5
