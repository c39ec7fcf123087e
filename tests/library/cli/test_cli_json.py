"""Every --json output validates against its committed JSON Schema; colour only on a terminal."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from typing import TYPE_CHECKING

import jsonschema

from hrv_readiness.cli import main
from hrv_readiness.commands.json_output import SCHEMA_DIR, SCHEMA_MODELS, render, stale
from hrv_readiness.simulation import RrScenario, synthesize_rr_ms

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

CONFIG = """\
mqtt:
  host: localhost
collector:
  id: pi
users:
  - id: alice
    name: Alice
"""


def _json(capsys: pytest.CaptureFixture[str], name: str, *argv: str, code: int = 0) -> object:
    assert main(list(argv)) == code
    out, _ = capsys.readouterr()
    document = json.loads(out)
    schema = json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))
    jsonschema.validate(document, schema)
    return document


def test_committed_schemas_are_the_models() -> None:
    assert stale() == []
    for name in SCHEMA_MODELS:
        jsonschema.Draft202012Validator.check_schema(json.loads(render(name)))


def test_every_json_output_validates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "hrv.sqlite3")
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    measured = _json(
        capsys,
        "measure",
        *("measure", "--simulate", "--speed", "4000", "--duration", "60", "--settle", "0"),
        *("--save", "--user", "alice", "--db", db, "--json"),
    )
    assert measured["state"] == "complete"  # type: ignore[index]
    assert measured["saved"]["readiness"]["status"] == "building_baseline"  # type: ignore[index]
    logged = _json(
        capsys, "log", "log", "--db", db, "--user", "alice", "--training", "rest", "--json"
    )
    assert logged["training"]["session_type"] == "rest"  # type: ignore[index]
    report = _json(capsys, "report", "report", "--db", db, "--json")
    assert report["users"][0]["rows"][0]["status"] == "building_baseline"  # type: ignore[index]
    # The breathing rate (or why none) travels from measure to the stored reading's report row.
    breathing = measured["hrv"]["breathing_rate_per_min"]  # type: ignore[index]
    assert measured["hrv"]["breathing_quality"] is not None  # type: ignore[index]
    assert report["users"][0]["rows"][0]["breathing_per_min"] == breathing  # type: ignore[index]
    rr = tmp_path / "2026-01-17 06-47-13.txt"
    rr.write_text("\n".join(f"{v:.0f}" for v in synthesize_rr_ms(RrScenario(seed=2))))
    bad = tmp_path / "notes.txt"
    bad.write_text("hello\nworld\n")
    imported = _json(
        capsys,
        "import",
        "import",
        str(rr),
        str(bad),
        "--user",
        "alice",
        "--db",
        db,
        "--json",
        code=2,
    )
    assert [f["ok"] for f in imported["files"]] == [True, False]  # type: ignore[index]
    checked = _json(capsys, "run_check", "run", "--config", str(config), "--check", "--json")
    assert checked["users"][0]["id"] == "alice"  # type: ignore[index]
    path = tmp_path / "rr.txt"
    path.write_text("\n".join(f"{v:.0f}" for v in synthesize_rr_ms(RrScenario(seed=4))))
    _json(capsys, "analyze", "analyze", str(path), "--json")


def _report_in_a_terminal(db: str, **env: str) -> str:
    leader, follower = pty.openpty()
    process = subprocess.run(
        [sys.executable, "-m", "hrv_readiness", "report", "--db", db, "--until", "2026-01-17"],
        stdin=follower,
        stdout=follower,
        stderr=subprocess.PIPE,
        env={
            **{k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "FORCE_COLOR"}},
            "COLUMNS": "120",
            **env,
        },
        timeout=60,
        check=True,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.returncode == 0
    return b"".join(chunks).decode()


def test_colour_only_on_a_terminal_and_never_with_no_color(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "hrv.sqlite3")
    assert main(["log", "--db", db, "--user", "alice", "--training", "rest"]) == 0
    rr = tmp_path / "2026-01-17.txt"
    rr.write_text("\n".join(f"{v:.0f}" for v in synthesize_rr_ms(RrScenario(seed=2))))
    assert main(["import", str(rr), "--user", "alice", "--db", db]) == 0
    capsys.readouterr()
    assert main(["report", "--db", db, "--until", "2026-01-17"]) == 0
    piped, _ = capsys.readouterr()
    assert "building baseline" in piped
    assert "\x1b[" not in piped
    coloured = _report_in_a_terminal(db)
    assert "\x1b[" in coloured
    assert "building baseline" in coloured
    plain = _report_in_a_terminal(db, NO_COLOR="1")
    assert "building baseline" in plain
    assert "\x1b[3" not in plain  # no foreground colour (bold/dim may remain)
