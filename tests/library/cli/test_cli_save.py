"""A first reading without the daemon: measure/analyze --save build a baseline to advice."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest

from hrv_readiness.cli import main
from hrv_readiness.simulation import RrScenario, synthesize_rr_ms
from hrv_readiness.store import Store

if TYPE_CHECKING:
    from pathlib import Path


FIRST = dt.date(2026, 3, 1)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_fourteen_simulated_mornings_give_advice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "hrv.sqlite3"
    attempts = 0
    for offset in range(14):
        day = FIRST + dt.timedelta(days=offset)
        for _ in range(3):  # a rejected reading: measure again, as the advice says
            attempts += 1
            code, out, err = _run(
                capsys,
                *("measure", "--simulate", "--speed", "4000", "--settle", "0"),
                *("--save", "--user", "alice", "--date", day.isoformat(), "--db", str(db)),
            )
            assert code == 0, err
            if f"saved: alice's morning of {day}" in out:
                break
            assert f"saved as rejected: alice's morning of {day}" in out
        else:
            pytest.fail(f"three rejected readings in a row on {day}")
    assert "more mornings until advice" not in out
    with Store.open(db) as store:
        readings = [r for r in store.readings("alice") if r.usable]
    assert len(readings) == 14
    assert attempts <= 20  # the simulated mornings are mostly clean
    assert [r.status for r in readings[:13]] == ["building_baseline"] * 13
    assert readings[-1].status in {"ready", "caution", "rest"}
    assert readings[-1].score is not None


def test_fourteen_analyzed_files_give_advice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "hrv.sqlite3"
    for offset in range(14):
        day = FIRST + dt.timedelta(days=offset)
        # Recorded elsewhere without ectopic beats (a rejected file would exit 1).
        scenario = RrScenario(seed=offset, target_rmssd_ms=55.0 + offset % 4, ectopic_rate=0.0)
        path = tmp_path / f"{day}.txt"
        path.write_text("\n".join(f"{v:.1f}" for v in synthesize_rr_ms(scenario)), encoding="utf-8")
        code, out, err = _run(
            capsys,
            "analyze",
            str(path),
            "--save",
            "--user",
            "bob",
            "--date",
            str(day),
            "--db",
            str(db),
        )
        assert code == 0, err
    with Store.open(db) as store:
        last = store.latest_reading("bob")
    assert last is not None
    assert last.date == FIRST + dt.timedelta(days=13)
    assert last.status in {"ready", "caution", "rest"}
    assert "readiness  " in out
    assert "building baseline" not in out


def test_save_without_user_says_which_option_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(
        capsys, "measure", "--simulate", "--save", "--db", str(tmp_path / "h.sqlite3")
    )
    assert code == 2
    assert err.strip() == (
        "hrv-collector measure: --save needs --user NAME: whose history the reading goes into"
    )
    assert not (tmp_path / "h.sqlite3").exists()
