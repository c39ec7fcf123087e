"""The contract parser: documented payloads, edge cases, and fuzzed bytes from outside."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, date, datetime

import pytest
from hrv_helpers import ANNOUNCE, state_payload
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custom_components.hrv_readiness.models import (
    Baseline,
    PayloadError,
    parse_announce,
    parse_measurement,
    parse_state,
)
from custom_components.hrv_readiness.runtime import _text

FUZZ = settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])


def test_documented_state_parses() -> None:
    state = parse_state(json.dumps(state_payload()))
    assert state.user == "alice"
    assert state.reading is not None
    assert state.reading.measured_at == datetime(2026, 11, 22, 6, 41, 3, tzinfo=UTC)
    assert state.reading.date == date(2026, 11, 22)
    assert state.reading.ln_rmssd == 4.129
    assert state.readiness is not None
    assert state.readiness.score == 72
    assert state.readiness.baseline.ln_rmssd_swc_low == 3.98
    assert state.strap is not None
    assert state.strap.battery_pct == 80


@pytest.mark.parametrize(
    ("change", "check"),
    [
        # Unknown fields are ignored (a newer v1 collector may add some).
        ({"extra": {"x": 1}}, lambda s: s.user == "alice"),
        ({"schema_version": "1.3"}, lambda s: s.user == "alice"),
        ({"published_at": None}, lambda s: s.published_at is None),
        ({"strap": None}, lambda s: s.strap is None),
        (
            {"reading": {**state_payload()["reading"], "date": None}},
            lambda s: s.reading.date is None,
        ),
        (
            {"readiness": {**state_payload()["readiness"], "baseline": None}},
            lambda s: s.readiness.baseline == Baseline(),
        ),
        (
            {"readiness": {**state_payload()["readiness"], "fatigue_type": None, "reasons": None}},
            lambda s: (s.readiness.fatigue_type, s.readiness.reasons) == ("unknown", ()),
        ),
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
            "reading.measured_at",
        ),
        (
            json.dumps(
                {**state_payload(), "reading": {**state_payload()["reading"], "ln_rmssd": 10**400}}
            ),
            "reading.ln_rmssd",
        ),
        (
            json.dumps(state_payload()).replace("4.129", "NaN"),
            "reading.ln_rmssd",
        ),
        (json.dumps(state_payload()).replace("62.1", "Infinity"), "reading.rmssd_ms"),
        ("[" * 100_000, "payload"),
        (b"\xff\xfe", "payload"),
        (json.dumps({**state_payload(), "schema_version": True}), "schema_version"),
        (json.dumps({**state_payload(), "collector_id": None}), "collector_id"),
    ],
)
def test_state_rejections_name_the_field(payload: str | bytes, field: str) -> None:
    with pytest.raises(PayloadError) as err:
        parse_state(payload)
    assert err.value.field == field


def test_announce_defaults() -> None:
    announce = parse_announce(
        json.dumps({"schema_version": 1, "collector_id": "pi", "users": [{"id": "bob"}]})
    )
    assert announce.name == "pi"
    assert announce.sw_version is None
    assert announce.discovery is False
    assert announce.users[0].name == "bob"


def test_measurement_minimal() -> None:
    measurement = parse_measurement('{"schema_version": 1, "state": "idle"}')
    assert measurement.state == "idle"
    assert measurement.progress_pct is None


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


def _mutations() -> st.SearchStrategy[dict[str, object]]:
    """Documented payloads with fields replaced by arbitrary JSON, at any depth."""
    base = state_payload()
    keys = st.sampled_from(sorted(base))
    reading_keys = st.sampled_from(sorted(base["reading"]))
    return st.one_of(
        st.builds(lambda k, v: {**base, k: v}, keys, JSON),
        st.builds(lambda k, v: {**base, "reading": {**base["reading"], k: v}}, reading_keys, JSON),
        st.builds(
            lambda k, v: {**base, "readiness": {**base["readiness"], k: v}},
            st.sampled_from(sorted(base["readiness"])),
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
@given(payload=_mutations())
def test_fuzz_fields_either_parse_or_name_a_field(payload: dict[str, object]) -> None:
    field = "parsed"
    try:
        parse_state(json.dumps(payload))
    except PayloadError as err:
        field = err.field
    assert field


@FUZZ
@given(payload=st.builds(lambda k, v: {**ANNOUNCE, k: v}, st.sampled_from(sorted(ANNOUNCE)), JSON))
def test_fuzz_announce(payload: dict[str, object]) -> None:
    field = "parsed"
    try:
        parse_announce(json.dumps(payload))
    except PayloadError as err:
        field = err.field
    assert field
