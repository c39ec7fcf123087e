"""``hrv-collector analyze FILE [--json]`` through the real entry point."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from hrv_readiness.cli import main

DATA = Path(__file__).parents[2] / "data"
SHORT = np.load(DATA / "SampleNNISeriesShort.npy")
FIELDS = {
    "rmssd_ms",
    "ln_rmssd",
    "sdnn_ms",
    "pnn50_pct",
    "mean_rr_ms",
    "mean_hr_bpm",
    "sd1_ms",
    "sd2_ms",
    "rmssd_uncertainty_pct",
    "breathing_rate_per_min",
    "breathing_quality",
    "beats",
    "artifacts",
    "quality",
    "nn_ms",
    "lf_power_ms2",
    "hf_power_ms2",
    "lf_hf_ratio",
    "dfa_alpha1",
}


@pytest.fixture
def rr_file(tmp_path: Path) -> Path:
    path = tmp_path / "nsrdb.txt"
    path.write_text("\n".join(str(int(v)) for v in SHORT) + "\n", encoding="utf-8")
    return path


def test_json_prints_exactly_the_result_fields(rr_file: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["analyze", str(rr_file), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert set(payload) == FIELDS
    assert set(payload["artifacts"]) == {"ectopic", "missed", "extra", "long_short", "artifact_pct"}
    assert set(payload["quality"]) == {"level", "reason"}
    assert payload["beats"] == len(payload["nn_ms"])
    assert payload["quality"]["level"] == "good"
    assert 90.0 < payload["rmssd_ms"] < 102.0


def test_text_report(rr_file: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["analyze", str(rr_file)]) == 0
    out = capsys.readouterr().out
    assert "quality       good" in out
    assert "RMSSD" in out
    assert "mean HR" in out
    assert "HF power" not in out


def test_frequency_flag(rr_file: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["analyze", str(rr_file), "--frequency", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    # docs/model.md: peers put this series' HF power between 2,330 and 5,337 ms².
    assert 2330.0 < payload["hf_power_ms2"] < 5337.0
    assert 0.5 < payload["dfa_alpha1"] < 1.5


def test_rejected_reading_exits_1_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    rr = SHORT.astype(float)[:120].copy()
    for i in range(5, 115, 9):  # 13 ectopic beats in 120: 11 %
        rr[i] -= 0.35 * rr[i]
        rr[i + 1] += 0.35 * SHORT[i]
    path = tmp_path / "noisy.csv"
    path.write_text("rr_ms\n" + "\n".join(f"{v:.1f}" for v in rr), encoding="utf-8")
    assert main(["analyze", str(path), "--json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["quality"]["level"] == "rejected"
    assert "above the 5 % limit" in payload["quality"]["reason"]
    assert payload["rmssd_ms"] is None


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(str(int(v)) for v in SHORT)))
    assert main(["analyze", "-", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["beats"] > 300


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("0.8\n0.81\n" * 20, "look like seconds"),
        ("time,hr\n1,60\n", "no RR column"),
        ("800\n" * 5, "too few"),
    ],
)
def test_bad_files_exit_2_with_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
):
    path = tmp_path / "bad.txt"
    path.write_text(content, encoding="utf-8")
    assert main(["analyze", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("hrv-collector analyze: ")
    assert message in err
    assert "Traceback" not in err


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["analyze", str(tmp_path / "nope.txt")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_console_entry_point_runs(rr_file: Path):
    done = subprocess.run(
        [sys.executable, "-m", "hrv_readiness", "analyze", str(rr_file), "--json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["quality"]["level"] == "good"
