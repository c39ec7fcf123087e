"""Errors are one line, name the option as typed, and suggest the fix."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from hrv_readiness.cli import main
from hrv_readiness.commands.history_options import local_today
from hrv_readiness.mqtt.commands import InvalidCommandError, parse_command
from hrv_readiness.mqtt.topics import Topics
from hrv_readiness.readiness.models import default_training_date
from hrv_readiness.store import Store

if TYPE_CHECKING:
    import datetime as dt
    from pathlib import Path

CONFIG = """\
mqtt:
  host: localhost
collector:
  id: pi
users:
  - id: alice
    name: Alice
  - id: bob
    name: Bob
"""


def _err(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    try:
        code = main(list(argv))
    except SystemExit as exit_:
        code = exit_.code  # type: ignore[assignment]
    _, err = capsys.readouterr()
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err  # no argparse usage block
    assert "usage:" not in err
    return lines[0]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["mesure"], "unknown command 'mesure'; did you mean measure?"),
        (
            ["log", "--user", "alice", "--minuts", "30"],
            "unknown option --minuts; did you mean --minutes?",
        ),
        (["log", "--user", "alice", "--training", "interval"], "did you mean intervals?"),
        (["log", "--soreness", "3"], "--user is required"),
        (["report", "--days", "0"], "--days: expected 1 to 3660 days, got 0"),
        (["log", "--user", "Alice", "--soreness", "1"], "did you mean alice?"),
    ],
)
def test_argument_errors_are_one_line_with_a_suggestion(
    capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    assert expected in _err(capsys, *argv)


def test_user_id_error_has_no_pydantic_words(capsys: pytest.CaptureFixture[str]) -> None:
    line = _err(capsys, "log", "--user", "Alice", "--soreness", "1")
    assert line.startswith("hrv-collector log: --user:")
    assert "String should match pattern" not in line


def test_measure_option_error_names_the_option_not_the_field(
    capsys: pytest.CaptureFixture[str],
) -> None:
    line = _err(capsys, "measure", "--simulate", "--duration", "30")
    assert line == "hrv-collector measure: --duration 30: must be at least 60"
    assert "duration_s" not in line


def test_log_rejects_a_user_not_in_the_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    db = tmp_path / "hrv.sqlite3"
    line = _err(
        capsys,
        "log",
        "--config",
        str(config),
        "--db",
        str(db),
        "--user",
        "carol",
        "--training",
        "rest",
    )
    assert "--user carol: not a user in" in line
    assert "(users: alice, bob)" in line
    line = _err(
        capsys,
        "log",
        "--config",
        str(config),
        "--db",
        str(db),
        "--user",
        "alicee",
        "--training",
        "rest",
    )
    assert line.endswith("did you mean alice?")
    assert not db.exists()


def _mqtt_training(minutes: int, today: dt.date) -> object:
    topics = Topics(base="hrv_readiness", collector_id="pi")
    payload = f'{{"session_type": "endurance", "effort": 5, "duration_min": {minutes}}}'
    return parse_command(
        topics.command("alice", "training"),
        payload.encode(),
        topics=topics,
        users=["alice"],
        today=today,
    )


def test_minutes_bound_is_the_same_on_the_cli_and_over_mqtt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "hrv.sqlite3"
    today = local_today()
    _mqtt_training(600, today)
    with pytest.raises(InvalidCommandError):
        _mqtt_training(601, today)
    base = ["log", "--db", str(db), "--user", "alice", "--training", "endurance", "--effort", "5"]
    assert main([*base, "--minutes", "600"]) == 0
    capsys.readouterr()
    assert "expected 0 to 600 minutes, got 601" in _err(capsys, *base, "--minutes", "601")


def test_training_defaults_to_the_same_day_on_the_cli_and_over_mqtt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "hrv.sqlite3"
    today = local_today()
    command = _mqtt_training(60, today)
    code = main(
        [
            "log",
            "--db",
            str(db),
            "--user",
            "alice",
            "--training",
            "endurance",
            "--effort",
            "5",
            "--minutes",
            "60",
        ]
    )
    assert code == 0
    out, _ = capsys.readouterr()
    with Store.open(db) as store:
        (entry,) = store.training("alice")
    assert entry.date == command.date == default_training_date(today)  # type: ignore[attr-defined]
    assert entry.date.isoformat() in out
