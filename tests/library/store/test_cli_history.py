"""The history commands end to end: log, report (table and PNG), export, import."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import numpy as np
import pytest
from PIL import Image

from hrv_readiness.cli import main
from hrv_readiness.store import Store

from .factories import START, story

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "hrv.sqlite3"
    readings, wellness, training = story()
    with Store.open(path) as store:
        for reading in readings:
            store.add_reading(reading)
        for entry in wellness:
            store.add_wellness(entry)
        for session in training:
            store.add_training(session)
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -------------------------------------------------------------------------------- log


def test_log_records_illness_symptoms(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "hrv.sqlite3"
    args = ["log", "--db", str(db), "--user", "alice", "--date", "2026-02-03"]
    feel = ("--soreness", "2", "--energy", "3", "--sleep", "5", "--stress", "4")
    code, out, _ = _run(capsys, *args, *feel, "--ill", "clear")
    assert code == 0
    assert "ill (clear)" in out
    with Store.open(db) as store:
        (entry,) = store.wellness("alice")
    assert entry.ill == "clear"
    code, _, err = _run(capsys, *args, "--ill", "mild")
    assert code != 0
    assert "--ill goes with" in err


def test_log_writes_questionnaire_and_training(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "new" / "hrv.sqlite3"
    args = ["log", "--db", str(db), "--user", "alice", "--date", "2026-02-03"]
    code, out, _ = _run(
        capsys,
        *args,
        *("--soreness", "7", "--energy", "4", "--sleep", "5", "--stress", "6", "--heavy-legs"),
        *("--training", "heavy_compound", "--effort", "9", "--minutes", "75"),
    )
    assert code == 0
    assert "soreness 7, energy 4, sleep 5, stress 6, heavy legs" in out
    assert "heavy compound, effort 9/10, 75 min" in out
    with Store.open(db) as store:
        (entry,) = store.wellness("alice")
        (session,) = store.training("alice")
    assert (entry.soreness, entry.energy, entry.sleep_quality, entry.stress, entry.heavy_legs) == (
        7,
        4,
        5,
        6,
        True,
    )
    assert (session.session_type, session.effort, session.duration_min) == ("heavy_compound", 9, 75)
    # Logging the same morning again replaces the questionnaire and says so.
    code, out, _ = _run(
        capsys, *args, "--soreness", "2", "--energy", "8", "--sleep", "8", "--stress", "1"
    )
    assert code == 0
    assert "replaced" in out
    with Store.open(db) as store:
        assert [w.soreness for w in store.wellness("alice")] == [2]


def test_log_rest_day_needs_no_effort(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys, "log", "--db", str(tmp_path / "h.sqlite3"), "--user", "bob", "--training", "rest"
    )
    assert code == 0
    assert "rest, effort 0/10, 0 min" in out


def test_log_uses_the_data_dir_variable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HRV_READINESS_DATA_DIR", str(tmp_path / "data"))
    code, _, _ = _run(capsys, "log", "--user", "bob", "--training", "rest")
    assert code == 0
    assert (tmp_path / "data" / "hrv.sqlite3").exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--soreness", "3", "--energy", "7"), "missing --sleep, --stress"),
        (("--effort", "5"), "add --training TYPE"),
        (("--training", "intervals", "--effort", "8"), "needs --effort 0-10 and --minutes N"),
        (("--heavy-legs",), "--heavy-legs goes with"),
        ((), "nothing to log"),
    ],
)
def test_log_refuses_incomplete_input_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: tuple[str, ...], message: str
) -> None:
    db = tmp_path / "h.sqlite3"
    code, _, err = _run(capsys, "log", "--db", str(db), "--user", "alice", *extra)
    assert code == 2
    assert message in err
    assert not db.exists()


@pytest.mark.parametrize(
    "extra",
    [
        ("--soreness", "11"),
        ("--energy", "-1"),
        ("--sleep", "7.5"),
        ("--training", "yoga"),
        ("--minutes", "lots"),
        ("--date", "2026-13-01"),
    ],
)
def test_log_rejects_out_of_range_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: tuple[str, ...]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["log", "--db", str(tmp_path / "h.sqlite3"), "--user", "alice", *extra])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"hrv-collector log: {extra[0]}")
    assert len(err.splitlines()) == 1


def test_log_rejects_a_bad_user_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["log", "--db", str(tmp_path / "h.sqlite3"), "--user", "a b", "--training", "rest"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("hrv-collector log: --user: 'a b' is not a user id")
    assert "did you mean a_b?" in err


# ----------------------------------------------------------------------------- report


def test_report_table_shows_the_story(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "report", "--db", str(db), "--until", "2026-02-11", "--days", "60")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "alice: 42 morning(s)"
    assert lines[1].split() == [
        "date",
        "lnRMSSD",
        "7d",
        "mean",
        "SWC",
        "band",
        "RHR",
        "breath",
        "status",
        "fatigue",
        "type",
        "score",
    ]
    body = lines[3:45]
    assert len(body) == 42
    assert lines[45] == ""
    # The latest morning is spelled out: status, every reason, today's advice.
    assert lines[46] == "Latest morning (2026-02-11): ready"
    assert lines[47].startswith("  - 7-day mean lnRMSSD")
    assert lines[-1].startswith("  Today: Train as planned")
    assert body[0].startswith(START.isoformat())
    assert "building baseline" in body[0]
    text = "\n".join(body)
    assert "nervous system" in text
    assert "muscular" in text
    assert "recovered" in text
    assert "*" not in text  # every verdict was stored with its reading


def test_report_days_window(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "report", "--db", str(db), "--until", "2026-02-11", "--days", "7")
    assert code == 0
    assert out.splitlines()[0] == "alice: 7 morning(s)"


def test_report_recomputes_verdicts_missing_from_the_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readings, _, _ = story()
    path = tmp_path / "raw.sqlite3"
    with Store.open(path) as store:
        for reading in readings:
            store.add_reading(reading.model_copy(update={"readiness": None}))
    code, out, _ = _run(capsys, "report", "--db", str(path), "--until", "2026-02-11")
    assert code == 0
    assert "ready*" in out or "caution*" in out
    assert "assessed now with the current settings" in out


def test_report_plot_writes_a_readable_png(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    png = tmp_path / "charts" / "alice.png"
    code, out, _ = _run(
        capsys, "report", "--db", str(db), "--until", "2026-02-11", "--plot", str(png)
    )
    assert code == 0
    assert f"Chart written to {png}" in out
    with Image.open(png) as image:
        assert image.format == "PNG"
        width, height = image.size
        pixels = np.asarray(image.convert("RGB")).reshape(-1, 3)
    assert width >= 1000
    assert height >= 500
    colours = {tuple(int(c) for c in p) for p in pixels[:: max(1, len(pixels) // 200_000)]}
    # The fatigue-type markers are drawn in their documented colours.
    for hex_colour in ("#0072B2", "#E69F00", "#009E73"):
        rgb = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
        assert rgb in colours, hex_colour


def test_report_plot_without_matplotlib_says_what_to_install(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    code, _, err = _run(
        capsys,
        "report",
        "--db",
        str(db),
        "--until",
        "2026-02-11",
        "--plot",
        str(tmp_path / "x.png"),
    )
    assert code == 2
    assert "hrv-readiness[plot]" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--user", "zed"), "--user zed: no history for this user; known users: alice"),
        (("--user", "alicee"), "known users: alice; did you mean alice?"),
        (("--db", "/nonexistent/dir/hrv.sqlite3"), "no history database"),
    ],
)
def test_report_errors(
    db: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str
) -> None:
    args = ["report", "--db", str(db), *argv] if "--db" not in argv else ["report", *argv]
    code, _, err = _run(capsys, *args)
    assert code == 2
    assert message in err


# ---------------------------------------------------------------------- export/import


@pytest.mark.parametrize("suffix", ["json", "csv"])
def test_export_then_import_through_the_cli(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    file = tmp_path / f"history.{suffix}"
    code, out, _ = _run(capsys, "export", "--db", str(db), str(file))
    assert code == 0
    assert f"Exported 126 records to {file} ({suffix})" in out
    copy = tmp_path / "copy.sqlite3"
    code, out, _ = _run(capsys, "import", "--db", str(copy), str(file))
    assert code == 0
    assert "readings: 42 added" in out
    with Store.open(db) as a, Store.open(copy) as b:
        assert a.all_readings() == b.all_readings()
        assert a.all_wellness() == b.all_wellness()
        assert a.all_training() == b.all_training()


def test_import_of_a_broken_file_names_the_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "broken.json"
    file.write_text(
        '{"format": "hrv-readiness-history", "version": 1, "wellness": [{"user": "a"}]}'
    )
    code, _, err = _run(capsys, "import", "--db", str(tmp_path / "h.sqlite3"), str(file))
    assert code == 2
    assert "wellness[0]" in err


@pytest.mark.parametrize(
    ("day", "status", "fatigue_type"),
    [
        ("2026-01-15", "ready", "recovered"),
        ("2026-01-24", "caution", "nervous_system"),
        ("2026-02-07", "caution", "muscular"),
        ("2026-02-11", "ready", "recovered"),
    ],
)
def test_the_story_shows_each_fatigue_type(day: str, status: str, fatigue_type: str) -> None:
    # The worked examples of docs/model.md have their own histories now
    # (python -m hrv_readiness.examples); the story keeps its three chapters.
    readings, _, _ = story()
    (verdict,) = [r.readiness for r in readings if r.date.isoformat() == day]
    assert verdict is not None
    assert (verdict.status, verdict.fatigue_type) == (status, fatigue_type)


def test_report_and_log_follow_the_config_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "data"
    config = tmp_path / "config.yaml"
    config.write_text(
        "users:\n"
        "  - id: alice\n"
        "    strap: {address: 'A0:9E:1A:12:34:56'}\n"
        "    readiness: {soreness_high: 9}\n"
        f"storage: {{data_dir: '{data_dir}'}}\n",
        encoding="utf-8",
    )
    readings, _, _ = story()
    with Store.open(data_dir / "hrv.sqlite3") as store:
        for reading in readings:
            store.add_reading(reading.model_copy(update={"readiness": None}))
    code, _, _ = _run(
        capsys,
        *("log", "--config", str(config), "--user", "alice", "--date", "2026-02-07"),
        *("--soreness", "8", "--energy", "7", "--sleep", "7", "--stress", "3"),
    )
    assert code == 0
    code, out, _ = _run(
        capsys, "report", "--config", str(config), "--until", "2026-02-07", "--days", "1"
    )
    assert code == 0
    # Soreness 8 is below alice's own threshold of 9: recomputed as recovered, not muscular.
    (row,) = [line for line in out.splitlines() if line.startswith("2026-02-07")]
    assert "recovered" in row
    # `log` recomputed and stored that morning's verdict: shown as stored, not recomputed.
    assert "*" not in row
    assert "muscular" not in out
    code, out, _ = _run(
        capsys,
        "report",
        "--db",
        str(data_dir / "hrv.sqlite3"),
        "--until",
        "2026-02-07",
        "--days",
        "1",
    )
    # One verdict per morning: the one stored when `log` recomputed it with alice's
    # settings, whichever settings the report is run with.
    assert "recovered" in out
    assert "muscular" not in out


def test_log_refuses_a_future_morning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "h.sqlite3"
    code, _, err = _run(
        capsys,
        "log",
        "--db",
        str(db),
        "--user",
        "alice",
        "--date",
        "2999-01-01",
        "--training",
        "rest",
    )
    assert code == 2
    assert "in the future" in err
    assert not db.exists()
