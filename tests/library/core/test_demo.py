"""`hrv-collector demo` end to end: simulated strap → ... → SQLite → a real Mosquitto."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
from support.mosquitto import free_port

from hrv_readiness.readiness import TrainingEntry
from hrv_readiness.store import Store

if TYPE_CHECKING:
    from pathlib import Path

    from support.mosquitto import MosquittoBroker

pytestmark = pytest.mark.broker


def _demo(tmp_path: Path, port: int, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "hrv_readiness",
            "demo",
            "--data-dir",
            str(tmp_path / "data"),
            "--mqtt-port",
            str(port),
            "--speed",
            "200",
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _retained(port: int, topic: str) -> dict[str, object]:
    mosquitto_sub = shutil.which("mosquitto_sub") or "/usr/bin/mosquitto_sub"
    out = subprocess.run(
        [mosquitto_sub, "-h", "127.0.0.1", "-p", str(port), "-t", topic, "-C", "1", "-W", "5"],
        capture_output=True,
        text=True,
        timeout=10,
        check=True,
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def test_first_morning_is_building_baseline_and_published(
    tmp_path: Path, mosquitto: MosquittoBroker
) -> None:
    result = _demo(tmp_path, mosquitto.port, "--days", "1")
    assert result.returncode == 0, result.stderr
    assert "building baseline" in result.stdout
    assert "13 more mornings until advice" in result.stdout
    assert "RMSSD" in result.stdout
    state = _retained(mosquitto.port, "hrv_readiness/demo/alice/state")
    assert state["readiness"]["status"] == "building_baseline"  # type: ignore[index]
    with Store.open(tmp_path / "data" / "hrv-days-1.sqlite3") as store:
        [reading] = store.readings("alice")
        assert state["reading"]["ln_rmssd"] == pytest.approx(reading.ln_rmssd, abs=1e-3)  # type: ignore[index]
        assert store.pending_outbox() == []


def test_household_story_ends_with_advice_for_both(
    tmp_path: Path, mosquitto: MosquittoBroker
) -> None:
    result = _demo(tmp_path, mosquitto.port)
    assert result.returncode == 0, result.stderr
    assert "Alice — this morning" in result.stdout
    assert "Bob — this morning" in result.stdout
    for user in ("alice", "bob"):
        state = _retained(mosquitto.port, f"hrv_readiness/demo/{user}/state")
        assert state["readiness"]["status"] in {"ready", "caution", "rest"}  # type: ignore[index]
        assert state["readiness"]["score"] is not None  # type: ignore[index]


def test_without_a_broker_it_says_so_in_one_line_and_still_shows_the_result(
    tmp_path: Path,
) -> None:
    result = _demo(tmp_path, free_port(), "--days", "1")
    assert result.returncode == 0, result.stderr
    mqtt_lines = [line for line in result.stdout.splitlines() if line.startswith("MQTT:")]
    assert len(mqtt_lines) == 1
    assert "no MQTT broker answered" in mqtt_lines[0]
    assert "readiness  building baseline" in result.stdout
    with Store.open(tmp_path / "data" / "hrv-days-1.sqlite3") as store:
        assert len(store.pending_outbox()) >= 1  # kept for the next time a broker is there


def test_a_short_demo_never_replaces_the_long_one_and_a_rerun_says_so(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "hrv.sqlite3").write_bytes(b"the six-week story")
    port = free_port()
    first = _demo(tmp_path, port, "--days", "1")
    assert first.returncode == 0, first.stderr
    assert (data / "hrv.sqlite3").read_bytes() == b"the six-week story"
    assert "Replacing" not in first.stdout
    again = _demo(tmp_path, port, "--days", "1")
    assert again.returncode == 0, again.stderr
    assert f"Replacing {data / 'hrv-days-1.sqlite3'}, the database of an earlier run" in (
        again.stdout
    )
    with Store.open(data / "hrv-days-1.sqlite3") as store:
        assert len(store.readings("alice")) == 1


def test_a_real_history_in_the_demo_directory_is_left_alone(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Store.open(data / "hrv-days-1.sqlite3") as store:
        store.add_training(
            TrainingEntry(
                user="carol",
                date=dt.date(2026, 1, 1),
                session_type="rest",
                effort=0,
                duration_min=0,
            )
        )
    result = _demo(tmp_path, free_port(), "--days", "1")
    assert result.returncode == 2
    assert "holds users the demo did not make" in result.stderr
    with Store.open(data / "hrv-days-1.sqlite3") as store:
        assert store.users() == ["carol"]
