"""The v1 payloads against their JSON Schemas (jsonschema, not pydantic, decides).

* the committed schema files are what the models generate;
* every JSON example in docs/mqtt.md validates (the contract page cannot drift);
* everything a real publisher session puts on the broker validates;
* the schemas do reject broken payloads (these tests can fail);
* arbitrary valid models (hypothesis) serialise to schema-valid JSON.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mqtt_testing import COLLECTOR_ID, FIXED_NOW, TOPICS, USERS, fast_settings, recording

from hrv_readiness.mqtt import (
    EventPayload,
    MeasurementPayload,
    OutgoingMessage,
    Publisher,
    schema_export,
)
from hrv_readiness.mqtt.payloads import SCHEMA_MODELS
from hrv_readiness.mqtt.schema_export import SCHEMA_DIR, render
from hrv_readiness.mqtt.state import state_message, state_payload

DOCS = Path(__file__).resolve().parents[3] / "docs" / "mqtt.md"


@functools.cache
def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def errors(name: str, instance: object) -> list[str]:
    return [error.message for error in validator(name).iter_errors(instance)]


@pytest.mark.parametrize("name", sorted(SCHEMA_MODELS))
def test_committed_schema_is_up_to_date(name):
    committed = (SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8")
    assert committed == render(name), "run: python -m hrv_readiness.mqtt.schema_export"


def test_schema_export_writes_and_checks(tmp_path):
    assert schema_export.main(["--check"]) == 0  # the committed files
    assert schema_export.main(["--check"], directory=tmp_path) == 1  # nothing there yet
    assert schema_export.main([], directory=tmp_path) == 0
    assert schema_export.stale(tmp_path) == []
    (tmp_path / "state.json").write_text("{}", encoding="utf-8")
    assert schema_export.stale(tmp_path) == [tmp_path / "state.json"]


def docs_examples() -> list[tuple[str, dict]]:
    """(schema name, example) for every ```json block under a payload heading."""
    text = DOCS.read_text(encoding="utf-8")
    examples = []
    for section in re.split(r"^## ", text, flags=re.MULTILINE)[1:]:
        heading = section.splitlines()[0].strip().strip("`")
        blocks = re.findall(r"```json\n(.*?)```", section, flags=re.DOTALL)
        examples.extend((heading, json.loads(block)) for block in blocks)
    return examples


def test_docs_have_an_example_of_every_published_payload():
    assert {name for name, _ in docs_examples()} == {
        "announce",
        "state",
        "measurement",
        "history",
        "event",
    }


@pytest.mark.parametrize(("name", "example"), docs_examples())
def test_docs_examples_validate(name, example):
    assert errors(name, example) == []


SCHEMA_OF_TOPIC = [
    (re.compile(rf"^{TOPICS.root}/announce$"), "announce"),
    (re.compile(rf"^{TOPICS.root}/[a-z0-9_]+/state$"), "state"),
    (re.compile(rf"^{TOPICS.root}/[a-z0-9_]+/measurement$"), "measurement"),
    (re.compile(rf"^{TOPICS.root}/[a-z0-9_]+/history$"), "history"),
    (re.compile(rf"^{TOPICS.root}/([a-z0-9_]+/)?event$"), "event"),
]


@pytest.mark.broker
async def test_everything_published_validates(broker, store, readings):
    """A session with building-baseline and advised states, a rejected reading,
    progress, events and a rejected command: each payload validated by topic."""
    for day in range(20):
        readings.store_with_state(store, readings.reading("alice", day=day))
    rejected = readings.reading("bob", day=0).model_copy(
        update={
            "quality": "rejected",
            "quality_reason": "too many artifacts (12 %)",
            "rmssd_ms": None,
            "ln_rmssd": None,
            "sdnn_ms": None,
            "mean_hr_bpm": None,
            "readiness": None,
        }
    )
    readings.store_with_state(store, rejected)
    progress = MeasurementPayload(
        state="recording", elapsed_s=42.0, total_s=120.0, progress_pct=35,
        heart_rate_bpm=57, beats=40, artifacts=0, reason=None, updated_at=FIXED_NOW,
    )  # fmt: skip
    async with (
        recording(broker, f"{TOPICS.root}/#") as recorder,
        Publisher(
            fast_settings(broker), collector_id=COLLECTOR_ID, users=USERS, outbox=store
        ) as publisher,
    ):
        await publisher.wait_connected(5)
        await publisher.publish(
            OutgoingMessage(TOPICS.measurement("bob"), progress.to_bytes(), retain=True)
        )
        await publisher.publish_event(
            EventPayload(type="measurement_rejected", user="bob", at=FIXED_NOW,
                         detail={"reason": "too many artifacts"})
        )  # fmt: skip
        await publisher._handle_command(TOPICS.command("bob", "training"), b"[]", retained=False)
        await recorder.wait_for(lambda r: len(r.json_on(TOPICS.event("bob"))) == 2)
    checked: dict[str, int] = {}
    for message in recorder.messages:
        if message.topic == TOPICS.status:
            assert message.payload in {b"online", b"offline"}
            continue
        name = next(name for pattern, name in SCHEMA_OF_TOPIC if pattern.match(message.topic))
        assert errors(name, json.loads(message.payload)) == [], message.topic
        checked[name] = checked.get(name, 0) + 1
    assert checked == {"announce": 1, "state": 21, "measurement": 1, "event": 2}
    states = [json.loads(m.payload) for m in recorder.on(TOPICS.state("alice"))]
    assert {s["readiness"]["status"] for s in states} - {"building_baseline"}, "no advice seen"
    bob = json.loads(recorder.on(TOPICS.state("bob"))[0].payload)
    assert bob["reading"]["rmssd_ms"] is None
    assert bob["readiness"]["reasons"][0]["code"] == "not_assessed"


def test_timestamps_keep_their_utc_offset(readings):
    payload = state_payload(
        collector_id=COLLECTOR_ID,
        reading=readings.reading("alice", day=0),
        readiness=None,
        published_at=FIXED_NOW,
    )
    data = json.loads(payload.to_bytes())
    assert data["published_at"] == "2026-11-22T06:43:10+00:00"
    assert data["reading"]["measured_at"] == "2026-09-01T06:40:00+00:00"


def valid_state(readings) -> dict:
    reading = readings.reading("alice", day=0)
    message = state_message(
        TOPICS,
        state_payload(collector_id=COLLECTOR_ID, reading=reading, readiness=reading.readiness,
                      published_at=FIXED_NOW),
    )  # fmt: skip
    return json.loads(message.payload)


@pytest.mark.parametrize(
    ("mutate", "why"),
    [
        (lambda s: s.pop("readiness"), "required"),
        (lambda s: s.update(schema_version=2), "1 was expected"),
        (lambda s: s["readiness"].update(status="great"), "is not one of"),
        (lambda s: s["readiness"].update(score=101), "is not valid under any"),
        (lambda s: s.update(surprise=1), "Additional properties"),
        (lambda s: s.update(published_at="2026-11-22T06:43:10"), "does not match"),
        (lambda s: s["reading"].update(date="22.11.2026"), "is not a 'date'"),
        (lambda s: s["reading"].update(beats="118"), "is not of type"),
        (lambda s: s.update(user="Alice Smith"), "does not match"),
    ],
)
def test_schema_rejects_broken_state(readings, mutate, why):
    state = valid_state(readings)
    assert errors("state", state) == []
    mutate(state)
    found = errors("state", state)
    assert any(why in message for message in found), found


timestamps = st.datetimes(
    min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
    timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=-5, minutes=-30))]),
)  # fmt: skip
texts = st.text(max_size=20)


@settings(max_examples=150, deadline=None)
@given(
    event=st.builds(
        EventPayload,
        type=st.sampled_from(["measurement_started", "command_rejected", "command_accepted"]),
        user=texts,
        at=timestamps,
        request_id=st.none() | texts,
        detail=st.dictionaries(
            texts,
            st.none()
            | st.booleans()
            | st.integers()
            | texts
            | st.floats(allow_nan=False, allow_infinity=False),
            max_size=4,
        ),
    ),
    measurement=st.builds(
        MeasurementPayload,
        state=st.sampled_from(["idle", "recording", "failed"]),
        elapsed_s=st.floats(0, 1e4),
        total_s=st.floats(0, 1e4),
        progress_pct=st.integers(0, 100),
        heart_rate_bpm=st.none() | st.integers(0, 300),
        beats=st.integers(0, 10_000),
        artifacts=st.integers(0, 10_000),
        reason=st.none() | texts,
        updated_at=timestamps,
    ),
)
def test_any_valid_model_serialises_to_schema_valid_json(event, measurement):
    assert errors("event", json.loads(event.to_bytes())) == []
    assert errors("measurement", json.loads(measurement.to_bytes())) == []
