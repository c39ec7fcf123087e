"""The v1 state payload built from the store's and the readiness model's own records.

Each contract field is compared with the source field it must come from (an explicit
table, written from docs/mqtt.md, not derived from the mapping code)."""

from __future__ import annotations

import json
import math

import pytest
from mqtt_testing import COLLECTOR_ID, FIXED_NOW, TOPICS

from hrv_readiness.mqtt import StrapPayload
from hrv_readiness.mqtt.state import state_message, state_payload

# contract path in `readiness.baseline` -> field of readiness.Baselines
BASELINE_SOURCES = {
    "ln_rmssd_7d_mean": "ln_rmssd_7d_mean",
    "ln_rmssd_normal_low": "normal_lower",
    "ln_rmssd_normal_high": "normal_upper",
    "ln_rmssd_swc_low": "swc_lower",
    "ln_rmssd_swc_high": "swc_upper",
    "ln_rmssd_7d_cv_pct": "ln_rmssd_7d_cv_pct",
    "resting_hr_baseline_bpm": "resting_hr_baseline_bpm",
    "resting_hr_normal_low_bpm": "resting_hr_lower_bpm",
    "resting_hr_normal_high_bpm": "resting_hr_upper_bpm",
    "ln_rmssd_baseline_mean": "ln_rmssd_baseline_mean",
    "ln_rmssd_baseline_sd": "ln_rmssd_baseline_sd",
    "resting_hr_7d_mean_bpm": "resting_hr_7d_mean_bpm",
    "readings_in_7d": "readings_in_7d",
    "readings_in_baseline": "readings_in_baseline",
    "breathing_baseline_per_min": "breathing_baseline_per_min",
    "breathing_normal_high_per_min": "breathing_upper_per_min",
}


def advised_reading(readings, user="alice", days=25):
    reading = None
    for day in range(days):
        reading = readings.reading(user, day=day)
    assert reading is not None
    assert reading.readiness is not None
    assert reading.readiness.status != "building_baseline"
    return reading


def build(reading, **kw) -> dict:
    payload = state_payload(
        collector_id=COLLECTOR_ID,
        reading=reading,
        readiness=reading.readiness,
        published_at=FIXED_NOW,
        **kw,
    )
    return json.loads(payload.to_bytes())


def test_reading_fields_come_from_the_stored_reading(readings):
    reading = advised_reading(readings)
    data = build(reading, beats=118, pnn50_pct=38.456)
    got = data["reading"]
    assert got["measured_at"] == reading.measured_at.isoformat()
    assert got["date"] == reading.date.isoformat()
    assert got["rmssd_ms"] == pytest.approx(reading.rmssd_ms, abs=0.005)
    assert got["ln_rmssd"] == pytest.approx(reading.ln_rmssd, abs=0.0005)
    assert got["sdnn_ms"] == pytest.approx(reading.sdnn_ms, abs=0.005)
    assert got["resting_hr_bpm"] == pytest.approx(reading.mean_hr_bpm, abs=0.05)
    assert got["pnn50_pct"] == 38.46
    assert got["beats"] == 118
    assert got["quality"] == "good"
    assert got["quality_reason"] is None
    assert got["breathing_rate_per_min"] == pytest.approx(reading.breathing_rate_per_min, abs=0.05)
    assert got["breathing_quality"] == "good"
    assert math.log(got["rmssd_ms"]) == pytest.approx(got["ln_rmssd"], abs=1e-3)


def test_beats_default_to_the_stored_intervals(readings):
    reading = readings.reading("alice", day=0)
    assert build(reading)["reading"]["beats"] == len(reading.rr_ms)


def test_readiness_and_every_baseline_field_map_to_their_source(readings):
    reading = advised_reading(readings)
    verdict = reading.readiness
    got = build(reading)["readiness"]
    assert got["status"] == verdict.status
    assert got["score"] == verdict.score
    assert got["fatigue_type"] == verdict.fatigue_type
    assert got["watch"] == verdict.watch
    assert got["illness"] == verdict.illness
    assert got["advice"] == verdict.advice
    assert got["readings_needed"] == verdict.readings_needed
    assert got["reasons"] == [{"code": r.code, "text": r.text} for r in verdict.reasons]
    assert set(got["baseline"]) == set(BASELINE_SOURCES)
    for field, source in BASELINE_SOURCES.items():
        expected = getattr(verdict.baselines, source)
        assert expected is not None, source  # an advised verdict has every baseline
        # bpm and breaths/min: 1 decimal, ln: 3
        tolerance = 0.05 if field.endswith(("_bpm", "_per_min")) else 0.005
        assert got["baseline"][field] == pytest.approx(expected, abs=tolerance), field


def test_building_baseline_has_null_score_and_ranges(readings):
    reading = readings.reading("alice", day=0)
    got = build(reading)["readiness"]
    assert got["status"] == "building_baseline"
    assert got["score"] is None
    assert got["readings_needed"] > 0
    assert got["baseline"]["ln_rmssd_normal_low"] is None


def test_rejected_reading_has_null_metrics_and_its_reason(readings):
    reading = readings.reading("alice", day=0).model_copy(
        update={"quality": "rejected", "quality_reason": "too many artifacts (14 %)"}
    )
    got = build(reading, pnn50_pct=12.0)["reading"]
    metrics = (
        "rmssd_ms",
        "ln_rmssd",
        "sdnn_ms",
        "pnn50_pct",
        "resting_hr_bpm",
        "breathing_rate_per_min",
        "breathing_quality",
    )
    assert [got[name] for name in metrics] == [None] * len(metrics)
    assert got["quality"] == "rejected"
    assert got["quality_reason"] == "too many artifacts (14 %)"


def test_reading_without_a_verdict_says_not_assessed(readings):
    reading = readings.reading("alice", day=0).model_copy(update={"readiness": None})
    got = build(reading)["readiness"]
    assert got["reasons"][0]["code"] == "not_assessed"
    assert got["fatigue_type"] == "unknown"


def test_strap_and_message_flags(readings):
    reading = readings.reading("bob", day=0)
    strap = StrapPayload(name="Polar H10 ABCD1234", address="A0:9E:1A:12:34:56", battery_pct=80)
    payload = state_payload(
        collector_id=COLLECTOR_ID, reading=reading, readiness=None, published_at=FIXED_NOW,
        strap=strap,
    )  # fmt: skip
    message = state_message(TOPICS, payload)
    assert message.topic == "hrv_readiness/pi_test/bob/state"
    assert (message.qos, message.retain) == (1, True)
    assert json.loads(message.payload)["strap"]["battery_pct"] == 80
