"""import: other apps' daily summaries and RR files; one clear line per bad file."""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

from hrv_readiness.cli import main
from hrv_readiness.simulation import RrScenario, synthesize_rr_ms
from hrv_readiness.store import Store

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

FIRST = dt.date(2026, 4, 1)


def _summary(path: Path, header: str, row: str, days: int = 20) -> Path:
    lines = [header]
    for offset in range(days):
        day = FIRST + dt.timedelta(days=offset)
        rmssd = 55.0 + 4.0 * math.sin(offset)
        lines.append(row.format(day=day, rmssd=rmssd, hr=56 + offset % 3))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_summary_history_skips_the_baseline_wait(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "hrv.sqlite3"
    hrv4t = _summary(
        tmp_path / "hrv4training.csv",
        "date,HR,AVNN,SDNN,rMSSD,pNN50,LF,HF",
        "{day},{hr},1050,60,{rmssd:.1f},30,900,1200",
    )
    code = main(["import", str(hrv4t), "--user", "alice", "--db", str(db)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert f"20 morning(s) of alice from {FIRST} to {FIRST + dt.timedelta(days=19)}" in out
    # The next morning measured here already gets advice.
    today = FIRST + dt.timedelta(days=20)
    code = main(
        [
            "measure",
            "--simulate",
            "--speed",
            "4000",
            "--duration",
            "60",
            "--settle",
            "0",
            "--save",
            "--user",
            "alice",
            "--date",
            str(today),
            "--db",
            str(db),
        ]
    )
    assert code == 0
    with Store.open(db) as store:
        last = store.latest_reading("alice")
    assert last is not None
    assert last.status in {"ready", "caution", "rest"}
    # Importing the same file again adds nothing.
    assert main(["import", str(hrv4t), "--user", "alice", "--db", str(db)]) == 0
    assert "0 morning(s) of alice" in capsys.readouterr().out


def test_elite_hrv_style_summary_with_semicolons(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "hrv.sqlite3"
    elite = _summary(
        tmp_path / "elite.csv",
        "Date Time Start;Readiness;HR;RMSSD;ln(RMSSD)",
        "{day} 06:45:00;7;{hr};{rmssd:.1f};4.0",
        days=3,
    )
    assert main(["import", str(elite), "--user", "bob", "--db", str(db)]) == 0
    capsys.readouterr()
    with Store.open(db) as store:
        readings = store.readings("bob")
    assert [r.date for r in readings] == [FIRST + dt.timedelta(days=i) for i in range(3)]
    assert readings[0].rmssd_ms is not None
    assert readings[0].ln_rmssd == math.log(readings[0].rmssd_ms)


def test_each_bad_file_gets_one_line_and_the_good_ones_are_imported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "hrv.sqlite3"
    good = _summary(tmp_path / "good.csv", "date,HR,rMSSD", "{day},{hr},{rmssd:.1f}", days=2)
    broken = tmp_path / "broken.csv"
    broken.write_text("date,HR,rMSSD\n2026-04-01,57,fast\n", encoding="utf-8")
    words = tmp_path / "notes.txt"
    words.write_text("slept badly\n", encoding="utf-8")
    missing = tmp_path / "missing.txt"
    code = main(
        [
            "import",
            str(good),
            str(broken),
            str(words),
            str(missing),
            "--user",
            "alice",
            "--db",
            str(db),
        ]
    )
    out, err = capsys.readouterr()
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(f"hrv-collector import: {broken}: line 2:")
    assert lines[1].startswith(f"hrv-collector import: {words}:")
    assert lines[2] == f"hrv-collector import: {missing}: no such file"
    assert "2 morning(s) of alice" in out


def test_rr_or_summary_files_need_a_user(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = _summary(tmp_path / "good.csv", "date,HR,rMSSD", "{day},{hr},{rmssd:.1f}", days=2)
    code = main(["import", str(good), "--db", str(tmp_path / "hrv.sqlite3")])
    _, err = capsys.readouterr()
    assert code == 2
    assert "give --user NAME" in err


def test_an_rr_file_imported_twice_is_skipped_the_second_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "hrv.sqlite3"
    rr = tmp_path / "2026-01-17 06-47-13.txt"  # Elite HRV names its RR exports so
    rr.write_text("\n".join(f"{v:.0f}" for v in synthesize_rr_ms(RrScenario(seed=9))))
    assert main(["import", str(rr), "--user", "alice", "--db", str(db)]) == 0
    assert "alice's morning of 2026-01-17" in capsys.readouterr().out
    assert main(["import", str(rr), "--user", "alice", "--db", str(db)]) == 0
    assert "already there (skipped)" in capsys.readouterr().out
    with Store.open(db) as store:
        assert len(store.readings("alice")) == 1
