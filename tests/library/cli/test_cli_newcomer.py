"""The newcomer's fortnight (issue 25), as a person types it.

Measure this morning, back-fill the 13 mornings before it with ``--date``, then log a
bad questionnaire: this morning's verdict is advice (not ``building_baseline``) and
not "train as planned". Every command refuses a future morning; a mistyped user is
refused with a suggestion; correcting a slip is undoable.

The clock is pinned (``clock.utc_now``, machine zone UTC) to an hour CI often runs at.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from typing import TYPE_CHECKING

import numpy as np
import pytest

from hrv_readiness.cli import main
from hrv_readiness.simulation import RrScenario, synthesize_rr_ms
from hrv_readiness.store import Store

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

TODAY = dt.date(2026, 12, 6)
NOW = dt.datetime(2026, 12, 6, 4, 20, tzinfo=dt.UTC)
TOMORROW = (TODAY + dt.timedelta(days=1)).isoformat()


@pytest.fixture(autouse=True)
def _pinned_clock() -> Iterator[None]:
    """The wall clock at NOW, and the machine's zone UTC, so "today" is TODAY anywhere."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("hrv_readiness.clock.utc_now", lambda: NOW)
        patch.setenv("TZ", "UTC")
        time.tzset()
        yield
    time.tzset()


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _rr_file(tmp_path: Path, day: dt.date) -> Path:
    rr = synthesize_rr_ms(RrScenario(duration_s=150.0, ectopic_rate=0.0, seed=day.toordinal()))
    path = tmp_path / f"{day.isoformat()} 06-30-00.txt"
    path.write_text("\n".join(f"{v:.3f}" for v in rr) + "\n", encoding="utf-8")
    return path


def _today_row(capsys: pytest.CaptureFixture[str], db: Path) -> dict[str, object]:
    code, out, err = _run(capsys, "report", "--db", str(db), "--user", "bob", "--json")
    assert code == 0, err
    (user,) = json.loads(out)["users"]
    (row,) = [row for row in user["rows"] if row["date"] == TODAY.isoformat()]
    return dict(row)


@pytest.fixture
def fortnight(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """Bob measures this morning, then back-fills the 13 mornings before it."""
    db = tmp_path / "hrv.sqlite3"
    code, _, err = _run(
        capsys,
        *("measure", "--simulate", "--speed", "500", "--duration", "60"),
        *("--save", "--user", "bob", "--db", str(db)),
    )
    assert code == 0, err
    assert _today_row(capsys, db)["status"] == "building_baseline"
    for back in range(13, 0, -1):
        day = TODAY - dt.timedelta(days=back)
        code, _, err = _run(
            capsys,
            *("analyze", str(_rr_file(tmp_path, day)), "--save"),
            *("--user", "bob", "--date", day.isoformat(), "--db", str(db)),
        )
        assert code == 0, err
    return db


def test_back_fill_then_a_bad_questionnaire_changes_this_mornings_verdict(
    fortnight: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Back-filling recomputed this morning: 14 readings, advice now.
    row = _today_row(capsys, fortnight)
    assert row["status"] != "building_baseline"
    code, out, err = _run(
        capsys,
        *("log", "--user", "bob", "--db", str(fortnight)),
        *("--soreness", "10", "--energy", "1", "--sleep", "1", "--stress", "10", "--heavy-legs"),
    )
    assert code == 0, err
    assert f"bob {TODAY}: now caution" in out  # the recomputed verdict is shown
    row = _today_row(capsys, fortnight)
    assert row["status"] not in {"building_baseline", "ready"}
    assert row["fatigue_type"] in {"combined", "nervous_system"}
    assert "train as planned" not in str(row["advice"]).lower()
    assert "train, but" not in str(row["advice"]).lower()


def test_back_filled_mornings_keep_a_time_of_day_each(fortnight: Path) -> None:
    with Store.open(fortnight) as store:
        readings = store.readings("bob")
    assert [r.date for r in readings] == sorted(r.date for r in readings)
    assert all(r.measured_at.astimezone().date() == r.date for r in readings[:-1])
    assert len({r.measured_at for r in readings}) == len(readings) == 14


@pytest.mark.parametrize(
    "argv",
    [
        ("log", "--user", "bob", "--date", TOMORROW, "--training", "rest"),
        ("measure", "--simulate", "--save", "--user", "bob", "--date", TOMORROW),
        ("analyze", "RR", "--save", "--user", "bob", "--date", TOMORROW),
        ("import", "RR_TOMORROW", "--user", "bob"),
        ("delete", "--user", "bob", "--date", TOMORROW, "--reading"),
        ("log", "--user", "bob", "--date", "1999-01-01", "--training", "rest"),
    ],
    ids=["log", "measure", "analyze", "import", "delete", "log-1999"],
)
def test_every_command_refuses_a_morning_that_cannot_be(
    argv: tuple[str, ...], fortnight: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(fortnight) as store:
        before = (len(store.readings("bob")), len(store.wellness("bob")), store.training("bob"))
    rr = str(_rr_file(tmp_path, TODAY - dt.timedelta(days=20)))
    future = str(_rr_file(tmp_path, TODAY + dt.timedelta(days=1)))
    args = [{"RR": rr, "RR_TOMORROW": future}.get(a, a) for a in argv]
    code, out, err = _run(capsys, *args, "--db", str(fortnight))
    assert code == 2, out
    assert "in the future" in err + out or "is the year right?" in err + out
    with Store.open(fortnight) as store:
        after = (len(store.readings("bob")), len(store.wellness("bob")), store.training("bob"))
    assert after == before


def test_an_old_recording_imports_but_a_typed_old_date_does_not(
    fortnight: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A date a recording app wrote (a 2008 file) is history; typed, it is a typo."""
    old = dt.date(2008, 1, 25)
    code, out, err = _run(
        capsys, "import", str(_rr_file(tmp_path, old)), "--user", "bob", "--db", str(fortnight)
    )
    assert code == 0, err
    with Store.open(fortnight) as store:
        assert old in {r.date for r in store.readings("bob")}
    code, out, err = _run(
        capsys, "log", "--user", "bob", "--date", old.isoformat(), "--training", "rest",
        "--db", str(fortnight),
    )  # fmt: skip
    assert code == 2
    assert "is the year right?" in err + out
    broken_clock = _rr_file(tmp_path, dt.date(1999, 12, 31))
    code, out, err = _run(
        capsys, "import", str(broken_clock), "--user", "bob", "--db", str(fortnight)
    )
    assert code == 2
    assert "is the recording device's clock set?" in err + out


@pytest.mark.parametrize("command", ["log", "measure", "analyze", "import"])
def test_a_mistyped_user_is_refused_with_a_suggestion(
    command: str, fortnight: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = {
        "log": ["log", "--soreness", "1", "--energy", "7", "--sleep", "7", "--stress", "2"],
        "measure": ["measure", "--simulate", "--save"],
        "analyze": ["analyze", str(_rr_file(tmp_path, TODAY)), "--save"],
        "import": ["import", str(_rr_file(tmp_path, TODAY - dt.timedelta(days=20)))],
    }[command]
    code, _, err = _run(capsys, *argv, "--user", "bbo", "--db", str(fortnight))
    assert code == 2
    assert "did you mean bob?" in err
    assert "--new-user" in err
    with Store.open(fortnight) as store:
        assert store.users() == ["bob"]
    code, _, err = _run(capsys, *argv, "--user", "bbo", "--new-user", "--db", str(fortnight))
    assert code == 0, err


def test_a_slip_is_deleted_and_undone(fortnight: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = ("log", "--user", "bob", "--db", str(fortnight), "--training", "intervals")
    code, out, _ = _run(capsys, *log, "--effort", "8", "--minutes", "45")
    assert code == 0
    code, out, _ = _run(capsys, *log, "--effort", "8", "--minutes", "45")
    assert "already logged: not added twice" in out
    yesterday = (TODAY - dt.timedelta(days=1)).isoformat()
    with Store.open(fortnight) as store:
        assert len(store.training("bob")) == 1
    code, out, _ = _run(
        capsys,
        *("delete", "--user", "bob", "--date", yesterday, "--training", "--db", str(fortnight)),
    )
    assert code == 0
    assert "hrv-collector undo" in out
    with Store.open(fortnight) as store:
        assert store.training("bob") == []
    code, out, _ = _run(capsys, "undo", "--db", str(fortnight))
    assert code == 0
    with Store.open(fortnight) as store:
        assert len(store.training("bob")) == 1
    code, _, err = _run(capsys, "undo", "--db", str(fortnight))
    assert code == 2
    assert "nothing to undo" in err


def test_rename_and_remove_a_person_are_undoable(
    fortnight: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ("--db", str(fortnight))

    def queued_states() -> dict[str, bytes]:
        """The last state queued for MQTT per topic (empty: "no reading yet")."""
        with Store.open(fortnight) as store:
            return {m.topic.split("/")[2]: m.payload for m in store.pending_outbox(10_000)}

    assert _run(capsys, "rename", "--user", "bob", "--to", "robert", *db)[0] == 0
    with Store.open(fortnight) as store:
        assert store.users() == ["robert"]
    assert queued_states()["bob"] == b""  # the old id's retained state is cleared
    assert queued_states()["robert"] != b""
    assert _run(capsys, "undo", *db)[0] == 0
    assert queued_states()["robert"] == b""
    assert _run(capsys, "delete", "--user", "bob", "--everything", *db)[0] == 0
    with Store.open(fortnight) as store:
        assert store.users() == []
    assert queued_states()["bob"] == b""
    assert _run(capsys, "undo", *db)[0] == 0
    with Store.open(fortnight) as store:
        assert store.users() == ["bob"]
        assert len(store.readings("bob")) == 14
    assert _today_row(capsys, fortnight)["status"] != "building_baseline"


def test_report_says_why_a_morning_was_rejected(
    fortnight: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    day = TODAY - dt.timedelta(days=20)
    rr = synthesize_rr_ms(RrScenario(duration_s=150.0, ectopic_rate=0.0, seed=3))
    noisy = [v * (2.0 if i % 6 == 0 else 1.0) for i, v in enumerate(rr)]  # missed beats
    path = tmp_path / f"{day.isoformat()} 06-30-00.txt"
    path.write_text("\n".join(f"{v:.3f}" for v in noisy) + "\n", encoding="utf-8")
    code, _, _ = _run(
        capsys,
        *("analyze", str(path), "--save", "--user", "bob", "--date", day.isoformat()),
        *("--db", str(fortnight)),
    )
    assert code == 1  # rejected: the same exit status as measure gives a rejected reading
    code, out, _ = _run(capsys, "report", "--db", str(fortnight), "--user", "bob")
    assert code == 0
    (note,) = [line for line in out.splitlines() if line.startswith(f"{day} rejected: ")]
    assert len(note) > len(f"{day} rejected: ") + 10  # the reason itself


def test_two_rr_files_without_a_date_are_two_readings_and_a_repeat_is_skipped(
    fortnight: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """RR files without a date in their name or content are dated by their modification
    day; the second of one morning was skipped as a duplicate of the first.
    """
    files = []
    for seed in (11, 12):
        rr = synthesize_rr_ms(RrScenario(duration_s=150.0, ectopic_rate=0.0, seed=seed))
        path = tmp_path / f"recording-{seed}.txt"
        path.write_text("\n".join(f"{v:.3f}" for v in rr) + "\n", encoding="utf-8")
        os.utime(path, (NOW.timestamp(), NOW.timestamp()))  # modified this morning
        files.append(str(path))
    db = ("--db", str(fortnight))
    code, out, err = _run(capsys, "import", *files, "--user", "bob", *db)
    assert code == 0, err
    assert "skipped" not in out
    with Store.open(fortnight) as store:
        today = [r for r in store.readings("bob") if r.date == TODAY]
    assert len(today) == 3  # this morning's measurement and the two files
    code, out, _ = _run(capsys, "import", *files, "--user", "bob", *db)
    assert code == 0
    assert out.count("skipped") == 2  # importing the same files again adds nothing


@pytest.mark.parametrize("noisy", [False, True], ids=["usable", "rejected"])
def test_measure_and_analyze_exit_alike_for_the_same_beats(
    noisy: bool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    rr = synthesize_rr_ms(RrScenario(duration_s=200.0, ectopic_rate=0.0, seed=5))
    if noisy:
        # Ectopic beats every fifth: early then late, each a plausible interval on its own.
        phase = np.arange(rr.size) % 5
        rr = rr * np.select([phase == 0, phase == 1], [0.65, 1.35], 1.0)
    monkeypatch.setattr("hrv_readiness.commands.measure.synthesize_rr_ms", lambda _s: rr)
    path = tmp_path / "beats.txt"
    path.write_text("\n".join(f"{v:.3f}" for v in rr) + "\n", encoding="utf-8")
    measured, _, _ = _run(
        capsys, "measure", "--simulate", "--speed", "500", "--duration", "60", "--settle", "0"
    )
    analysed, _, _ = _run(capsys, "analyze", str(path))
    assert measured == analysed == (1 if noisy else 0)
