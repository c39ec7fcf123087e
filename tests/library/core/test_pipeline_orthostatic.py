"""An orthostatic test through the pipeline: stored, assessed, exported, published.

The supine window is the morning reading; the test's metrics or its refusal are kept
with it (schema migration 3), survive export/import, and reach the v1.3 state payload.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

import jsonschema
import pytest
from rich.console import Console

from hrv_readiness.hrv import OrthostaticProtocol, analyze_orthostatic
from hrv_readiness.mqtt.state import state_payload
from hrv_readiness.mqtt.topics import Topics
from hrv_readiness.pipeline import ProcessedReading, RecordingInput, process_recording
from hrv_readiness.readiness import ReadinessSettings
from hrv_readiness.report.plot import UserChart, render_plot
from hrv_readiness.report.rows import report_rows
from hrv_readiness.report.table import render_table
from hrv_readiness.simulation.orthostatic import (
    OrthostaticScenario,
    synthesize_orthostatic_rr_ms,
)
from hrv_readiness.store import Store
from hrv_readiness.store.export import export_history, import_history
from hrv_readiness.store.history import orthostatic_history
from hrv_readiness.store.schema import MIGRATIONS

if TYPE_CHECKING:
    from collections.abc import Iterator

    from hrv_readiness.mqtt.payloads import StatePayload

TOPICS = Topics(base="hrv_readiness", collector_id="test")
DAY = dt.date(2026, 11, 22)
SCHEMA = json.loads(
    (Path(__file__).resolve().parents[3] / "src/hrv_readiness/mqtt/schemas/state.json").read_text(
        encoding="utf-8"
    )
)


def _test_recording(day: dt.date, scenario: OrthostaticScenario) -> RecordingInput:
    rr, stand_index = synthesize_orthostatic_rr_ms(scenario)
    return RecordingInput(
        user="alice",
        rr_ms=rr.tolist(),
        measured_at=dt.datetime.combine(day, dt.time(6, 30), tzinfo=dt.UTC),
        date=day,
        orthostatic=OrthostaticProtocol(),
        stand_index=stand_index,
    )


def _process(
    store: Store, recording: RecordingInput, settings: ReadinessSettings | None = None
) -> ProcessedReading:
    return process_recording(
        store,
        recording,
        settings=settings or ReadinessSettings(min_history_readings=3),
    )


def _state(processed: ProcessedReading) -> StatePayload:
    """The state payload the collector publishes with a reading."""
    return state_payload(
        collector_id=TOPICS.collector_id,
        reading=processed.stored,
        readiness=processed.readiness,
        published_at=processed.stored.measured_at,
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "hrv.sqlite3") as opened:
        yield opened


def test_the_supine_window_is_the_reading_and_the_test_is_kept(store: Store) -> None:
    recording = _test_recording(DAY, OrthostaticScenario(seed=1))
    processed = _process(store, recording)
    expected = analyze_orthostatic(recording.rr_ms, stand_index=recording.stand_index)
    assert expected.metrics is not None
    assert expected.supine is not None
    [stored] = store.readings("alice")
    assert stored.rr_ms == pytest.approx(tuple(recording.rr_ms), abs=0.5)
    assert stored.ln_rmssd == pytest.approx(expected.supine.ln_rmssd)
    assert stored.mean_hr_bpm == pytest.approx(expected.supine.mean_hr_bpm)
    assert stored.orthostatic is not None
    assert stored.orthostatic.stand_index == recording.stand_index
    assert stored.orthostatic.metrics == expected.metrics
    state = _state(processed).model_dump(mode="json")
    jsonschema.validate(state, SCHEMA)
    assert state["reading"]["orthostatic"]["hr_rise_bpm"] == pytest.approx(
        expected.metrics.hr_rise_bpm, abs=0.05
    )
    assert state["reading"]["orthostatic"]["refusal"] is None
    # The first test: the verdict says how many more before the standing half is judged.
    assert processed.readiness is not None
    assert processed.readiness.orthostatic is not None
    assert processed.readiness.orthostatic.tests_needed == 6


def test_a_refused_test_keeps_the_lying_reading(store: Store) -> None:
    processed = _process(store, _test_recording(DAY, OrthostaticScenario(stood=False, seed=2)))
    [stored] = store.readings("alice")
    assert stored.usable
    assert stored.orthostatic is not None
    assert stored.orthostatic.refusal == "no_stand"
    assert stored.orthostatic.metrics is None
    assert orthostatic_history([stored]) == []
    state = _state(processed).model_dump(mode="json")
    jsonschema.validate(state, SCHEMA)
    assert state["reading"]["orthostatic"]["refusal"] == "no_stand"
    assert state["reading"]["orthostatic"]["hr_rise_bpm"] is None
    assert state["readiness"]["orthostatic"] is None


def test_stored_tests_build_the_baseline_and_o1_fires(store: Store) -> None:
    """Eight ordinary tests, then one with a raised response: nervous system."""
    start = DAY - dt.timedelta(days=10)
    for k in range(9):
        _process(
            store, _test_recording(start + dt.timedelta(days=k), OrthostaticScenario(seed=20 + k))
        )
    raised = OrthostaticScenario(seed=30, peak_hr_bpm=115.0)
    processed = _process(store, _test_recording(DAY, raised))
    assert processed.readiness is not None
    assert processed.readiness.orthostatic is not None
    assert processed.readiness.orthostatic.tests_in_baseline == 9
    codes = {r.code for r in processed.readiness.reasons}
    assert "orthostatic_response_raised" in codes
    assert processed.readiness.fatigue_type in {"nervous_system", "combined"}
    assert _state(processed).readiness.orthostatic is not None
    assert _state(processed).readiness.orthostatic.hr_rise_normal_high_bpm is not None


@pytest.mark.parametrize("suffix", ["json", "csv"])
def test_export_and_import_keep_the_test(store: Store, tmp_path: Path, suffix: str) -> None:
    _process(store, _test_recording(DAY, OrthostaticScenario(seed=1)))
    _process(store, _test_recording(DAY + dt.timedelta(days=1), OrthostaticScenario(stood=False)))
    path = tmp_path / f"history.{suffix}"
    export_history(store, path, fmt=suffix)  # type: ignore[arg-type]
    with Store.open(tmp_path / "copy.sqlite3") as copy:
        import_history(copy, path)
        assert [r.orthostatic for r in copy.readings("alice")] == [
            r.orthostatic for r in store.readings("alice")
        ]


def test_a_version_2_database_migrates_and_keeps_its_readings(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    for migration in MIGRATIONS[:2]:
        conn.executescript(migration)
    conn.execute(
        "INSERT INTO readings (user, measured_at, date, duration_s, rr, artifact_pct, quality) "
        "VALUES ('alice', '2026-11-20T06:30:00.000000+00:00', '2026-11-20', 1.0, ?, 0, 'rejected')",
        (b"\x02" + b"\x00" * 6 + b"\xf0\x3f",),
    )
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    with Store.open(path) as store:
        assert store.schema_version() == len(MIGRATIONS)
        [old] = store.readings("alice")
        assert old.orthostatic is None


def test_the_report_and_the_chart_show_the_test(store: Store, tmp_path: Path) -> None:
    _process(store, _test_recording(DAY, OrthostaticScenario(seed=1)))
    _process(store, _test_recording(DAY + dt.timedelta(days=1), OrthostaticScenario(stood=False)))
    rows = report_rows(
        readings=store.readings("alice"),
        wellness=[],
        training=[],
        settings=ReadinessSettings(),
        since=DAY,
        until=DAY + dt.timedelta(days=1),
    )
    tested, refused = rows
    assert tested.orthostatic_hr_rise_bpm is not None
    assert tested.orthostatic_hr_rise_bpm > 20.0
    assert refused.orthostatic_refusal == "no_stand"
    console = Console(width=140, record=True, color_system=None)
    console.print(render_table("alice", rows))
    text = console.export_text()
    assert "HR rise" in text
    assert f"{tested.orthostatic_hr_rise_bpm:.0f}" in text
    assert "no stand" in text
    pytest.importorskip("matplotlib")
    path = tmp_path / "chart.png"
    render_plot([UserChart(name="Alice", rows=rows)], path)
    assert path.stat().st_size > 0
