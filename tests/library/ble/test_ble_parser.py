"""The 0x2A37 parser against the docs/model.md test vectors and arbitrary bytes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hrv_readiness.ble import HeartRateMeasurement, parse_heart_rate_measurement
from hrv_readiness.ble.errors import HeartRateParseError
from hrv_readiness.ble.parser import encode_heart_rate_measurement, rr_ms_to_raw
from hrv_readiness.errors import ParseError


@pytest.mark.parametrize(
    ("payload_hex", "hr", "contact", "energy", "rr_ms"),
    [
        ("16 48 54 01 EC 02", 72, True, None, (332.03, 730.47)),
        ("10 3E B1 03 DE", 62, None, None, (922.85,)),
        ("02 3C", 60, None, None, ()),
        ("01 01 01", 257, None, None, ()),
        ("1F 2C 01 D2 04 00 02 00 04", 300, True, 1234, (500.0, 1000.0)),
        ("04 00", 0, False, None, ()),
    ],
)
def test_domain_vectors(payload_hex, hr, contact, energy, rr_ms):
    m = parse_heart_rate_measurement(bytes.fromhex(payload_hex))
    assert m.heart_rate_bpm == hr
    assert m.sensor_contact is contact
    assert m.energy_expended_kj == energy
    assert m.rr_intervals_ms == pytest.approx(rr_ms, abs=0.005)


def test_rr_conversion_is_exact_1024ths():
    # 0x0154 = 340 units of 1/1024 s -> 340000/1024 ms exactly.
    m = parse_heart_rate_measurement(bytes.fromhex("10 48 54 01"))
    assert m.rr_intervals_ms == (340 * 1000 / 1024,)


def test_nine_rr_at_mtu_23():
    payload = bytes([0x10, 60]) + b"".join((1024).to_bytes(2, "little") for _ in range(9))
    assert len(payload) == 20  # 23-byte MTU minus the 3-byte ATT header
    assert parse_heart_rate_measurement(payload).rr_intervals_ms == (1000.0,) * 9


@pytest.mark.parametrize(
    "payload_hex",
    [
        "",  # empty
        "01",  # uint16 HR announced, none there
        "01 3C",  # uint16 HR announced, one byte
        "10",  # RR flag, no HR
        "08 3C",  # energy announced, missing
        "08 3C 01",  # energy announced, one byte
        "19 3C 00 01",  # uint16 HR + energy, energy truncated
    ],
)
def test_truncated_payloads_raise_the_parse_error(payload_hex):
    payload = bytes.fromhex(payload_hex)
    with pytest.raises(HeartRateParseError) as info:
        parse_heart_rate_measurement(payload)
    assert isinstance(info.value, ParseError)
    assert info.value.payload == payload


def test_measurement_is_frozen():
    m = parse_heart_rate_measurement(bytes.fromhex("02 3C"))
    with pytest.raises(AttributeError):
        m.heart_rate_bpm = 1  # type: ignore[misc]


@given(st.binary(max_size=40))
def test_any_bytes_give_a_measurement_or_the_parse_error(data):
    try:
        m = parse_heart_rate_measurement(data)
    except HeartRateParseError:
        return
    assert isinstance(m, HeartRateMeasurement)
    assert 0 <= m.heart_rate_bpm <= 0xFFFF
    assert all(0.0 <= rr < 64_000.0 for rr in m.rr_intervals_ms)


def _reference_parse(data: bytes):
    """Naive, independent reading of the spec with struct-free byte arithmetic."""
    flags = data[0]
    i = 1
    if flags & 1:
        hr = data[1] + 256 * data[2]
        i = 3
    else:
        hr = data[1]
        i = 2
    contact = None if not flags & 4 else bool(flags & 2)
    energy = None
    if flags & 8:
        energy = data[i] + 256 * data[i + 1]
        i += 2
    rr = []
    if flags & 16:
        while i + 1 < len(data):
            rr.append((data[i] + 256 * data[i + 1]) / 1.024)
            i += 2
    return hr, contact, energy, rr


@given(st.binary(min_size=1, max_size=40))
def test_agrees_with_a_naive_reference(data):
    try:
        m = parse_heart_rate_measurement(data)
    except HeartRateParseError:
        return
    hr, contact, energy, rr = _reference_parse(data)
    assert (m.heart_rate_bpm, m.sensor_contact, m.energy_expended_kj) == (hr, contact, energy)
    assert m.rr_intervals_ms == pytest.approx(rr)


@given(
    hr=st.integers(0, 0xFFFF),
    contact=st.sampled_from([None, True, False]),
    energy=st.none() | st.integers(0, 0xFFFF),
    rr=st.lists(st.integers(0, 0xFFFF), max_size=9),
)
def test_encoder_round_trips(hr, contact, energy, rr):
    payload = encode_heart_rate_measurement(
        heart_rate_bpm=hr, sensor_contact=contact, energy_expended_kj=energy, rr_raw=tuple(rr)
    )
    m = parse_heart_rate_measurement(payload)
    assert (m.heart_rate_bpm, m.sensor_contact, m.energy_expended_kj) == (hr, contact, energy)
    assert m.rr_intervals_ms == pytest.approx([v * 1000 / 1024 for v in rr])


@pytest.mark.parametrize(("ms", "raw"), [(1000.0, 1024), (500.0, 512), (0.0, 0), (1e9, 0xFFFF)])
def test_rr_ms_to_raw(ms, raw):
    assert rr_ms_to_raw(ms) == raw
