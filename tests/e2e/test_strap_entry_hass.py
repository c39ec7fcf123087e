"""A real ``hass`` starts with a strap entry: no blocking call, and the strap is measured.

Home Assistant 2026.11 runs as a process (in the Debian sid root under ``make test``)
with its own ``bluetooth`` integration on the fake BlueZ (tests/support/fakebluez, a
process of its own on a private D-Bus; the only stand-in is the radio) and one strap
entry of this integration, as the two discovery flows leave them. Home Assistant
installs the library from a local index holding the built wheel, as on a user's
machine. The strap advertises inside the morning window, so the integration measures
it by itself.

What a user would see and Home Assistant's own checks are asserted: the entries load;
Home Assistant logs no "Detected blocking call" (its check of the event loop, active in
a real ``hass`` only) by this integration — issue 23 saw four ``import_module`` ones at
every start when the library was imported inside ``async_setup_entry`` — and no error
of ours; the morning's reading reaches the entities (REST API) with the values of the
beats the strap sent.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from support.mosquitto import free_port  # noqa: E402

from e2e.hass_process import (  # noqa: E402
    HassProcess,
    built_wheel,
    strap_entries,
    uninstall_library,
    write_config_entries,
    write_local_index,
)
from hrv_readiness.simulation import RrScenario, synthesize_rr_ms  # noqa: E402
from hrv_readiness.store import Store  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Iterator

#: The fake BlueZ's adapter (hci0) and the strap it serves.
ADAPTER = "00:1A:7D:DA:71:13"
STRAP = "A0:9E:1A:00:00:E4"
STRAP_NAME = "Polar H10 E2E4"
HR_BPM = 52.0
RMSSD_MS = 70.0
#: Replay speed of the strap: the 60 s recording (after 10 s of settling) takes ~1.2 s.
SPEED = 60
#: Home Assistant's record of a blocking call on its event loop (homeassistant/util/loop.py).
BLOCKING_CALL = "Detected blocking call"
#: A log record starts with its timestamp; tracebacks and continuation lines do not.
RECORD_START = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", re.MULTILINE)


def replayed_rr_ms() -> list[float]:
    """The beats the fake strap sends: ``python -m support.fakebluez``'s first strap."""
    scenario = RrScenario(duration_s=600, resting_hr_bpm=HR_BPM, target_rmssd_ms=RMSSD_MS, seed=0)
    return [float(v) for v in synthesize_rr_ms(scenario)]


@pytest.fixture
def fake_bluez_address() -> Iterator[str]:
    """The fake BlueZ as a process with the strap; yields its D-Bus address."""
    # The library's simulation makes the beats (from src/, whatever this venv holds).
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "tests")])}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "support.fakebluez",
            "--strap",
            f"{STRAP}:{STRAP_NAME}:{HR_BPM:g}:{RMSSD_MS:g}",
            "--speed",
            str(SPEED),
        ],
        cwd=ROOT / "tests",
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline().strip()
    ready = process.stdout.readline().strip()
    try:
        assert first.startswith("DBUS_SYSTEM_BUS_ADDRESS="), first + ready
        assert ready == "ready", ready
        yield first.split("=", 1)[1]
    finally:
        # Closing stdin stops it (and its dbus-daemon).
        try:
            process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


def log_records(log: str) -> list[str]:
    """Home Assistant's log as records, each with its traceback lines."""
    starts = [m.start() for m in RECORD_START.finditer(log)] + [len(log)]
    return [log[a:b] for a, b in itertools.pairwise(starts)]


def window_around(now: dt.datetime) -> tuple[str, str]:
    """A morning window holding ``now`` (Home Assistant's zone is UTC in the config)."""
    start, end = now - dt.timedelta(hours=1), now + dt.timedelta(hours=1)
    return start.strftime("%H:%M:%S"), end.strftime("%H:%M:%S")


def rmssd_ms(rr_ms: list[float]) -> float:
    diffs = [b - a for a, b in itertools.pairwise(rr_ms)]
    return math.sqrt(sum(d * d for d in diffs) / len(diffs))


def sent_slice(recorded: list[float], sent: list[float]) -> list[float]:
    """The run of ``sent`` beats the recording holds (sent in 1/1024 s units)."""
    step_ms = 1000.0 / 1024.0
    first = recorded[0]
    for start in range(len(sent) - len(recorded) + 1):
        if abs(sent[start] - first) <= step_ms:
            run = sent[start : start + len(recorded)]
            if all(abs(a - b) <= step_ms for a, b in zip(run, recorded, strict=True)):
                return run
    msg = "the recorded beats are not a run of the beats the strap sent"
    raise AssertionError(msg)


def test_hass_starts_with_a_strap_entry_without_blocking_calls(
    tmp_path: Path, fake_bluez_address: str
) -> None:
    started = time.monotonic()
    config = tmp_path / "config"
    http_port = free_port()
    write_config_entries(
        config,
        http_port=http_port,
        entries=strap_entries(
            adapter=ADAPTER,
            strap=STRAP,
            strap_name=STRAP_NAME,
            user="Alice",
            window=window_around(dt.datetime.now(dt.UTC)),
        ),
    )
    # Home Assistant installs the library itself (test_install_from_index.py).
    uninstall_library()
    index_url = write_local_index(tmp_path / "index", built_wheel())
    hass = HassProcess(
        config,
        http_port,
        index_url=index_url,
        extra_env={"DBUS_SYSTEM_BUS_ADDRESS": fake_bluez_address},
    )
    try:
        hass.wait_started()
        hass.onboard()
        for domain in ("bluetooth", "hrv_readiness"):
            hass.wait_for(
                lambda domain=domain: (
                    hass.entry_state(domain) not in {"not_loaded", "setup_in_progress"}
                ),
                f"the {domain} entry set up",
                timeout_s=30,
            )
            assert hass.entry_state(domain) == "loaded", hass.log()[-3000:]
        # Advertising in the morning window: the day's measurement runs by itself.
        hass.wait_for(
            lambda: hass.state("sensor.alice_rmssd") not in {None, "unknown", "unavailable"},
            "the morning's reading",
            timeout_s=30,
        )
        states = {
            name: hass.state(f"sensor.alice_{name}")
            for name in ("rmssd", "lnrmssd", "resting_heart_rate", "reading_quality")
        }
        measurement = hass.state("sensor.alice_measurement")
    finally:
        hass.stop()
    log = hass.log()
    print(f"wall time: {time.monotonic() - started:.1f} s")

    blocking = [r for r in log_records(log) if BLOCKING_CALL in r]
    ours = [r for r in blocking if "hrv_readiness" in r]
    assert ours == [], "".join(ours)
    errors = [r for r in log_records(log) if " ERROR " in r and "hrv_readiness" in r]
    assert errors == [], "".join(errors)

    # The entities show the reading stored in the history file, made of the beats the
    # strap sent.
    with Store.open(config / "hrv_readiness.sqlite3") as store:
        reading = store.latest_reading("alice")
    assert reading is not None
    assert states["reading_quality"] == reading.quality != "rejected", (states, measurement)
    assert reading.rmssd_ms is not None
    assert reading.ln_rmssd is not None
    assert reading.mean_hr_bpm is not None
    assert float(states["rmssd"] or 0) == pytest.approx(reading.rmssd_ms, abs=0.05)
    assert float(states["lnrmssd"] or 0) == pytest.approx(reading.ln_rmssd, abs=0.005)
    assert float(states["resting_heart_rate"] or 0) == pytest.approx(reading.mean_hr_bpm, abs=0.5)
    recorded = list(reading.rr_ms)
    sent = sent_slice(recorded, replayed_rr_ms())
    assert rmssd_ms(recorded) == pytest.approx(rmssd_ms(sent), rel=0.005)
    assert reading.rmssd_ms == pytest.approx(RMSSD_MS, rel=0.3)
