"""The pipeline: a recording becomes a stored, assessed reading with its state queued."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING

import jsonschema
import numpy as np
import pytest

from hrv_readiness.errors import InputError
from hrv_readiness.mqtt.schema_export import SCHEMA_DIR
from hrv_readiness.mqtt.state import state_outbox
from hrv_readiness.mqtt.topics import Topics
from hrv_readiness.pipeline import RecordingInput, process_recording
from hrv_readiness.readiness import ReadinessSettings
from hrv_readiness.simulation import RrScenario, synthesize_rr_ms
from hrv_readiness.store import Store

if TYPE_CHECKING:
    from collections.abc import Iterator

TOPICS = Topics(base="hrv_readiness", collector_id="test")
NOW = dt.datetime(2026, 11, 22, 6, 45, tzinfo=dt.UTC)


def _recording(day: dt.date, rr_ms: list[float], user: str = "alice") -> RecordingInput:
    return RecordingInput(
        user=user,
        rr_ms=rr_ms,
        measured_at=dt.datetime.combine(day, dt.time(6, 30), tzinfo=dt.UTC),
        date=day,
        strap_name="Polar H10 TEST",
        strap_address="A0:9E:1A:00:00:01",
        battery_pct=77,
    )


def _clean_rr(seed: int, rmssd_ms: float = 55.0) -> list[float]:
    scenario = RrScenario(target_rmssd_ms=rmssd_ms, ectopic_rate=0.0, seed=seed)
    return synthesize_rr_ms(scenario).tolist()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "hrv.sqlite3") as opened:
        yield opened


def test_first_reading_is_stored_assessed_and_queued(store: Store) -> None:
    rr_ms = _clean_rr(seed=1)
    processed = process_recording(
        store,
        _recording(NOW.date(), rr_ms),
        settings=ReadinessSettings(),
        outbox=state_outbox(TOPICS, published_at=NOW),
    )
    # The stored metrics are the engine's, checked here against a plain formula.
    nn = np.asarray(processed.hrv.nn_ms)
    assert processed.hrv.artifacts.total == 0
    assert processed.stored.rmssd_ms == pytest.approx(math.sqrt(np.mean(np.diff(nn) ** 2)))
    assert processed.readiness is not None
    assert processed.readiness.status == "building_baseline"
    assert processed.readiness.readings_needed == ReadinessSettings().min_history_readings - 1
    [stored] = store.readings("alice")
    assert stored.rr_ms == pytest.approx(tuple(rr_ms), abs=0.5)
    [message] = store.pending_outbox()
    assert message.topic == "hrv_readiness/test/alice/state"
    assert message.retain is True
    assert message.qos == 1
    state = json.loads(message.payload)
    assert state["schema_version"] == 1
    assert state["reading"]["ln_rmssd"] == pytest.approx(processed.hrv.ln_rmssd, abs=1e-3)
    assert state["strap"] == {
        "name": "Polar H10 TEST",
        "address": "A0:9E:1A:00:00:01",
        "battery_pct": 77,
    }


def test_history_builds_into_advice(store: Store) -> None:
    settings = ReadinessSettings()
    first = NOW.date() - dt.timedelta(days=settings.min_history_readings)
    for offset in range(settings.min_history_readings + 1):
        day = first + dt.timedelta(days=offset)
        processed = process_recording(
            store,
            _recording(day, _clean_rr(seed=offset)),
            settings=settings,
            outbox=state_outbox(TOPICS, published_at=NOW),
        )
    assert processed.readiness is not None
    assert processed.readiness.status != "building_baseline"
    assert processed.readiness.score is not None


def test_reading_with_too_many_artifacts_is_stored_but_never_a_number(store: Store) -> None:
    rr = np.asarray(_clean_rr(seed=3))
    # Every 8th beat premature by 35 % with a compensatory pause: ~12 % ectopy.
    for i in range(4, len(rr) - 1, 8):
        shift = 0.35 * rr[i]
        rr[i] -= shift
        rr[i + 1] += shift
    processed = process_recording(
        store,
        _recording(NOW.date(), rr.tolist()),
        settings=ReadinessSettings(),
        outbox=state_outbox(TOPICS, published_at=NOW),
    )
    assert processed.hrv.quality.level == "rejected"
    assert processed.stored.quality == "rejected"
    assert processed.stored.ln_rmssd is None
    assert processed.stored.rr_ms  # the raw data is kept for the owner
    state = json.loads(store.pending_outbox()[0].payload)
    assert state["reading"]["quality"] == "rejected"
    assert state["reading"]["ln_rmssd"] is None
    assert state["reading"]["quality_reason"]


def test_rr_that_are_not_a_reading_raise_and_store_nothing(store: Store) -> None:
    with pytest.raises(InputError, match="seconds"):
        process_recording(
            store,
            _recording(NOW.date(), [0.8, 0.82, 0.79] * 50),
            settings=ReadinessSettings(),
            outbox=state_outbox(TOPICS, published_at=NOW),
        )
    assert store.readings("alice") == []
    assert store.pending_outbox() == []


def test_segments_after_a_reconnect_are_never_differenced_across(store: Store) -> None:
    first = _clean_rr(seed=5)
    # After a reconnect the heart has slowed: a 250 ms level jump between the runs.
    second = [rr + 250.0 for rr in _clean_rr(seed=6)]
    recording = _recording(NOW.date(), first + second)
    joined = process_recording(
        store,
        recording,
        settings=ReadinessSettings(),
        outbox=state_outbox(TOPICS, published_at=NOW),
    )
    segmented = process_recording(
        store,
        dataclasses.replace(
            recording,
            measured_at=recording.measured_at + dt.timedelta(minutes=5),
            segment_starts=(0, len(first)),
        ),
        settings=ReadinessSettings(),
        outbox=state_outbox(TOPICS, published_at=NOW),
    )
    diffs = np.concatenate([np.diff(first), np.diff(second)])
    assert segmented.hrv.artifacts.total == 0
    assert segmented.hrv.rmssd_ms == pytest.approx(math.sqrt(np.mean(diffs**2)))
    assert joined.hrv.rmssd_ms != pytest.approx(segmented.hrv.rmssd_ms)


def test_without_an_outbox_nothing_is_queued(store: Store) -> None:
    """Home Assistant measuring itself stores the reading but has no MQTT outbox."""
    processed = process_recording(
        store, _recording(NOW.date(), _clean_rr(seed=3)), settings=ReadinessSettings()
    )
    assert processed.stored.user == "alice"
    assert len(store.readings("alice")) == 1
    assert store.pending_outbox() == []


def test_pipeline_imports_without_the_collector_extra() -> None:
    """Home Assistant installs only numpy + pydantic: the pipeline must not need aiomqtt."""
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in {'aiomqtt', 'paho', 'bleak', 'yaml'}:\n"
        "            raise ImportError(name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import hrv_readiness.pipeline, hrv_readiness.ble.session, hrv_readiness.store.export\n"
        "from hrv_readiness.mqtt import Topics, StatePayload\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_an_uncertain_reading_gets_a_number_and_a_verdict(store: Store) -> None:
    """RMSSD ±7.7 % with its corrections: stored with its number, never refused for it."""
    real = np.load(Path(__file__).resolve().parents[2] / "data" / "SampleNNISeriesLong.npy")
    rr = real[1000:1300].astype(float)
    for i in range(3, rr.size - 3, 30):  # 10 premature beats with compensatory pauses
        shift = 0.33 * rr[i]
        rr[i] -= shift
        rr[i + 1] += shift
    processed = process_recording(
        store,
        _recording(NOW.date(), rr.tolist()),
        settings=ReadinessSettings(),
        outbox=state_outbox(TOPICS, published_at=NOW),
    )
    assert processed.hrv.quality.level == "acceptable"
    assert processed.stored.ln_rmssd is not None
    assert "±" in processed.stored.quality_reason


def _noisy_rr() -> list[float]:
    real = np.load(Path(__file__).resolve().parents[2] / "data" / "SampleNNISeriesLong.npy")
    rr = real[:300].astype(float)
    for i in range(3, rr.size - 3, 6):  # bigeminy-like: far above the artifact limit
        shift = 0.33 * rr[i]
        rr[i] -= shift
        rr[i + 1] += shift
    return rr.tolist()


def test_a_refused_live_reading_says_what_the_person_can_do(store: Store) -> None:
    processed = process_recording(
        store,
        _recording(NOW.date(), _noisy_rr()),
        settings=ReadinessSettings(),
        outbox=state_outbox(TOPICS, published_at=NOW),
    )
    assert processed.hrv.quality.level == "rejected"
    assert "above the 5 % limit" in processed.stored.quality_reason
    assert "moisten the strap and measure again" in processed.stored.quality_reason


def test_a_refused_file_is_not_told_to_moisten_a_strap(store: Store) -> None:
    recording = dataclasses.replace(_recording(NOW.date(), _noisy_rr()), strap_name=None)
    processed = process_recording(
        store,
        recording,
        settings=ReadinessSettings(),
        outbox=state_outbox(TOPICS, published_at=NOW),
    )
    assert processed.hrv.quality.level == "rejected"
    assert "above the 5 % limit" in processed.stored.quality_reason
    assert "strap" not in processed.stored.quality_reason


def test_the_breathing_rate_is_stored_published_and_assessed(store: Store) -> None:
    """Issue 26: the engine's breathing rate travels to the store, the state and the model."""
    settings = ReadinessSettings()
    first = NOW.date() - dt.timedelta(days=settings.min_history_readings)
    for offset in range(settings.min_history_readings + 1):
        day = first + dt.timedelta(days=offset)
        scenario = RrScenario(
            target_rmssd_ms=55.0, ectopic_rate=0.0, breathing_rate_hz=0.25, seed=offset
        )
        processed = process_recording(
            store,
            _recording(day, synthesize_rr_ms(scenario).tolist()),
            settings=settings,
            outbox=state_outbox(TOPICS, published_at=NOW),
        )
    assert processed.hrv.breathing_rate_per_min == pytest.approx(15.0, abs=1.0)
    assert processed.stored.breathing_rate_per_min == processed.hrv.breathing_rate_per_min
    assert processed.stored.breathing_quality == "good"
    state = json.loads(store.pending_outbox()[-1].payload)
    # The contract's own JSON Schema (v1.4) accepts what the daemon queued.
    schema = json.loads((SCHEMA_DIR / "state.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(state)
    assert state["reading"]["breathing_rate_per_min"] == pytest.approx(
        processed.hrv.breathing_rate_per_min, abs=0.05
    )
    assert state["readiness"]["illness"] is None
    assert processed.readiness is not None
    assert processed.readiness.baselines.breathing_today_per_min == pytest.approx(
        processed.hrv.breathing_rate_per_min
    )
    assert processed.readiness.baselines.breathing_upper_per_min is not None
    assert store.readings("alice")[-1].breathing_rate_per_min == pytest.approx(
        processed.hrv.breathing_rate_per_min
    )


def test_possible_illness_from_the_strap_alone_survives_recomputation(store: Store) -> None:
    """Issue 26: breathing rate and resting HR up on the last morning read as possible
    illness when measured, and every recomputation of the history (which reads the
    stored breathing rates) decides the same; a questionnaire saying "ill" then makes an
    earlier morning a reported illness."""
    from hrv_readiness.store.verdicts import reassess  # noqa: PLC0415

    settings = ReadinessSettings()
    first = NOW.date() - dt.timedelta(days=20)
    for offset in range(21):
        day = first + dt.timedelta(days=offset)
        sick = offset == 20
        scenario = RrScenario(
            resting_hr_bpm=63.0 if sick else 55.0,
            target_rmssd_ms=55.0,
            ectopic_rate=0.0,
            breathing_rate_hz=0.33 if sick else 0.25,
            seed=offset,
        )
        processed = process_recording(
            store,
            _recording(day, synthesize_rr_ms(scenario).tolist()),
            settings=settings,
            outbox=state_outbox(TOPICS, published_at=NOW),
        )
    assert processed.readiness is not None
    assert (processed.readiness.status, processed.readiness.illness) == ("rest", "possible")
    assert {r.code for r in processed.readiness.reasons} >= {"possible_illness", "rhr_up"}
    assert reassess(store, "alice", since=None, settings=settings) == 0
    assert store.readings("alice")[-1].readiness == processed.readiness

    from hrv_readiness.readiness import WellnessEntry  # noqa: PLC0415

    ill_day = first + dt.timedelta(days=16)
    store.add_wellness(
        WellnessEntry(
            user="alice",
            date=ill_day,
            soreness=2,
            energy=4,
            sleep_quality=6,
            stress=3,
            ill="mild",
        )
    )
    assert reassess(store, "alice", since=ill_day, settings=settings) >= 1
    verdict = next(r.readiness for r in store.readings("alice") if r.date == ill_day)
    assert verdict is not None
    assert verdict.illness == "reported"
    assert verdict.status in {"caution", "rest"}
