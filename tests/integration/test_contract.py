"""The contract as the integration reads it: the library's models, as a consumer.

Documented payloads parse; unknown fields are ignored; an unknown major version and
anything against the models are refused naming the field; fuzzed bytes from outside
never crash the parser.
"""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, date, datetime

import pytest
from hrv_helpers import ANNOUNCE, state_payload
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custom_components.hrv_readiness.runtime import _text
from hrv_readiness.mqtt.consume import (
    PayloadError,
    consumer_model,
    parse_announce,
    parse_measurement,
    parse_state,
)
from hrv_readiness.mqtt.payloads import StatePayload

FUZZ = settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])


def test_documented_state_parses() -> None:
    state = parse_state(json.dumps(state_payload()))
    assert state.user == "alice"
    assert state.reading.measured_at == datetime(2026, 11, 22, 6, 41, 3, tzinfo=UTC)
    assert state.reading.date == date(2026, 11, 22)
    assert state.reading.ln_rmssd == 4.129
    assert state.readiness.score == 72
    assert state.readiness.baseline.ln_rmssd_swc_low == 3.98
    assert state.strap is not None
    assert state.strap.battery_pct == 80


@pytest.mark.parametrize(
    ("change", "check"),
    [
        # Unknown fields are ignored, at any depth (a newer v1 collector may add some).
        ({"extra": {"x": 1}}, lambda s: s.user == "alice"),
        (
            {"reading": {**state_payload()["reading"], "new_metric": 3}},
            lambda s: s.reading.ln_rmssd == 4.129,
        ),
        (
            {
                "readiness": {
                    **state_payload()["readiness"],
                    "reasons": [{"code": "hrv_within_swc", "text": "t", "new": 1}],
                }
            },
            lambda s: s.readiness.reasons[0].text == "t",
        ),
        ({"schema_version": "1.3"}, lambda s: s.schema_version == 1),
        ({"strap": None}, lambda s: s.strap is None),
    ],
)
def test_state_edge_cases(change: dict[str, object], check: object) -> None:
    state = parse_state(json.dumps({**state_payload(), **change}))
    assert check(state)  # type: ignore[operator]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (
            (
                '{"schema_version": 1, "user": "alice", "collector_id": "x", '
                '"reading": {"ln_rmssd": NaN}}'
            ),
            "payload",
        ),
        (
            json.dumps(
                {**state_payload(), "reading": {**state_payload()["reading"], "ln_rmssd": 10**400}}
            ),
            "reading.ln_rmssd",
        ),
        (json.dumps(state_payload()).replace("62.1", "Infinity"), "payload"),
        ("[" * 100_000, "payload"),
        (b"\xff\xfe", "payload"),
        (json.dumps({**state_payload(), "schema_version": 2}), "schema_version"),
        (json.dumps({**state_payload(), "schema_version": True}), "schema_version"),
        (json.dumps({**state_payload(), "collector_id": None}), "collector_id"),
        (json.dumps({**state_payload(), "published_at": None}), "published_at"),
    ],
)
def test_state_rejections_name_the_field(payload: str | bytes, field: str) -> None:
    with pytest.raises(PayloadError) as err:
        parse_state(payload)
    assert err.value.field == field


def test_announce_and_measurement() -> None:
    announce = parse_announce(json.dumps(ANNOUNCE))
    assert [user.id for user in announce.users] == [u["id"] for u in ANNOUNCE["users"]]
    measurement = parse_measurement(
        '{"schema_version": 1, "state": "idle", "elapsed_s": 0, "total_s": 120,'
        ' "progress_pct": 0, "heart_rate_bpm": null, "beats": 0, "artifacts": 0,'
        ' "reason": null, "updated_at": "2026-11-22T06:41:03+00:00", "later": 1}'
    )
    assert measurement.state == "idle"
    assert measurement.progress_pct == 0


def test_text_of_bytes_payloads() -> None:
    assert _text(b"online") == "online"
    assert _text(bytearray(b"off\xffline")) == "off\ufffdline"
    assert _text("online") == "online"


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=6)
    ),
    max_leaves=30,
)


def _mutations() -> st.SearchStrategy[tuple[str, dict[str, object]]]:
    """(the changed field's path, a documented payload with it replaced by any JSON)."""
    base = state_payload()
    top = st.sampled_from(sorted(base))
    reading_keys = st.sampled_from(sorted(base["reading"]))
    readiness_keys = st.sampled_from(sorted(base["readiness"]))
    return st.one_of(
        st.builds(lambda k, v: (k, {**base, k: v}), top, JSON),
        st.builds(
            lambda k, v: (f"reading.{k}", {**base, "reading": {**base["reading"], k: v}}),
            reading_keys,
            JSON,
        ),
        st.builds(
            lambda k, v: (f"readiness.{k}", {**base, "readiness": {**base["readiness"], k: v}}),
            readiness_keys,
            JSON,
        ),
    )


@FUZZ
@given(payload=st.binary(max_size=200) | st.text(max_size=200))
def test_fuzz_bytes_never_crash(payload: bytes | str) -> None:
    for parse in (parse_state, parse_announce, parse_measurement):
        with contextlib.suppress(PayloadError):
            parse(payload)


@FUZZ
@given(mutation=_mutations())
def test_fuzz_a_changed_field_parses_as_the_model_or_is_named(
    mutation: tuple[str, dict[str, object]],
) -> None:
    changed, payload = mutation
    try:
        state = parse_state(json.dumps(payload))
    except PayloadError as err:
        # The error names the changed field (or a field inside it), never another one.
        assert err.field == changed or err.field.startswith((f"{changed}.", "payload"))  # noqa: PT017
        return
    # Accepted: it is a valid state by the library's own model (a round trip is equal).
    assert consumer_model(StatePayload).model_validate_json(state.to_bytes()) == state


@FUZZ
@given(payload=st.builds(lambda k, v: {**ANNOUNCE, k: v}, st.sampled_from(sorted(ANNOUNCE)), JSON))
def test_fuzz_announce(payload: dict[str, object]) -> None:
    try:
        announce = parse_announce(json.dumps(payload))
    except PayloadError as err:
        assert err.field.split(".")[0] in {*ANNOUNCE, "payload"}  # noqa: PT017
        return
    assert announce.collector_id == ANNOUNCE["collector_id"] or "collector_id" in payload
