"""A writer SIGKILLed at random moments loses nothing it acknowledged.

The writer (kill_writer.py) prints ``<id> <measured_at>`` only after ``add_reading``
has returned, i.e. after COMMIT. Each round kills it at a random point — usually in
the middle of a transaction, since it writes continuously — then the next round
reopens the same file (recovering the WAL). At the end every acknowledged reading
must be present with its outbox message, and ``PRAGMA integrity_check`` must be ok.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hrv_readiness.store import Store

REPO = Path(__file__).resolve().parents[3]
ROUNDS = 12


def _parse(line: str) -> tuple[int, str]:
    row_id, stamp = line.split()
    return int(row_id), stamp


def _kill_and_drain(process: subprocess.Popen[str]) -> tuple[str, str]:
    """SIGKILL, then read what is left through the same text wrappers readline() used.

    (``communicate()`` would read the raw pipes and lose what the wrappers buffered.)
    """
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.stdout is not None
    assert process.stderr is not None
    with process.stdout, process.stderr:
        return process.stdout.read(), process.stderr.read()


def _complete_lines(text: str) -> list[tuple[int, str]]:
    """Acknowledgements in ``text``; a line the kill cut short is none."""
    return [_parse(line) for line in text.splitlines(keepends=True) if line.endswith("\n")]


def _run_round(db: Path, round_number: int, rng: random.Random) -> list[tuple[int, str]]:
    env = {**os.environ, "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}"}
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.library.store.kill_writer", str(db), str(round_number)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    acknowledged: list[tuple[int, str]] = []
    try:
        assert process.stdout is not None
        wanted = rng.randint(1, 40)
        while len(acknowledged) < wanted:
            line = process.stdout.readline()
            if not line.endswith("\n"):
                break  # the writer died; a partial line is no acknowledgement
            acknowledged.append(_parse(line))
        # Let it run on for a random fraction of a transaction or a few, then kill.
        time.sleep(rng.uniform(0.0, 0.02))
        out, err = _kill_and_drain(process)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
        for pipe in (process.stdout, process.stderr):
            if pipe is not None:
                pipe.close()
    assert process.returncode == -signal.SIGKILL, err
    acknowledged.extend(_complete_lines(out))  # acknowledged before the kill, read after it
    assert acknowledged, f"round {round_number}: the writer acknowledged nothing: {err}"
    return acknowledged


@pytest.mark.slow
def test_killing_a_writer_loses_nothing_acknowledged(tmp_path: Path) -> None:
    db = tmp_path / "hrv.sqlite3"
    rng = random.Random(20260522)
    acknowledged: list[tuple[int, str]] = []
    for round_number in range(ROUNDS):
        acknowledged.extend(_run_round(db, round_number, rng))

    with Store.open(db) as store:
        assert store.integrity_check() == ["ok"]
        stored = {r.measured_at for r in store.readings("alice")}
        acked = {dt.datetime.fromisoformat(stamp) for _, stamp in acknowledged}
        missing = acked - stored
        assert not missing, f"{len(missing)} acknowledged readings lost"
        # Each reading was committed together with its outbox message.
        assert len(store.pending_outbox(limit=1_000_000)) == len(stored)
        ids = [row_id for row_id, _ in acknowledged]
        assert len(set(ids)) == len(ids)
        rows = store._conn.execute("SELECT COUNT(*) FROM readings").fetchone()[0]
        assert rows == len(stored)
        assert len(stored) >= len(acked)


@pytest.mark.slow
def test_two_processes_writing_at_once_both_keep_everything(tmp_path: Path) -> None:
    # The daemon and a `hrv-collector log` share the file: WAL + busy timeout serialise them.
    db = tmp_path / "hrv.sqlite3"
    Store.open(db).close()  # migrate once, so neither writer races the schema
    env = {**os.environ, "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}"}
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.library.store.kill_writer", str(db), str(100 + n)],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(2)
    ]
    acknowledged: list[tuple[int, str]] = []
    try:
        for process in processes:
            assert process.stdout is not None
            for _ in range(60):
                line = process.stdout.readline()
                assert line.endswith("\n"), process.stderr.read() if process.stderr else ""
                acknowledged.append(_parse(line))
    finally:
        for process in processes:
            out, _ = _kill_and_drain(process)
            acknowledged.extend(_complete_lines(out))
    with Store.open(db) as store:
        assert store.integrity_check() == ["ok"]
        stored = {r.measured_at for r in store.readings("alice")}
    acked = {dt.datetime.fromisoformat(stamp) for _, stamp in acknowledged}
    assert acked <= stored
    assert {stamp.date() for stamp in acked} == {
        dt.date(2026, 1, 1) + dt.timedelta(days=100),
        dt.date(2026, 1, 1) + dt.timedelta(days=101),
    }
