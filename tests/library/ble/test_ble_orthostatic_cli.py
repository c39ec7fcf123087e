"""``hrv-collector measure --orthostatic`` as a real process against the fake BlueZ.

The virtual strap replays a :class:`LivePerson`; the test reads the process's output
as a person would hear it and makes the person stand when "STAND UP NOW" appears, so
the strap's RR change at the cue. The test's numbers are then recomputed
independently (naive loops) from the RR the process stored, which are checked to be
the strap's own replayed series.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import os
import statistics
import sys
from pathlib import Path

import pytest
from support.fakebluez import VirtualStrap

from hrv_readiness.ble.parser import parse_heart_rate_measurement
from hrv_readiness.hrv import OrthostaticProtocol
from hrv_readiness.simulation import LivePerson, OrthostaticScenario
from hrv_readiness.store import Store

REPO = Path(__file__).resolve().parents[3]
BOUND_S = 90.0
PROTOCOL = OrthostaticProtocol()


def _ends(rr: list[float]) -> list[float]:
    return [t / 1000.0 for t in itertools.accumulate(rr)]


def _window(rr: list[float], from_s: float, to_s: float) -> list[float]:
    return [v for v, t in zip(rr, _ends(rr), strict=True) if from_s <= t < to_s]


def _rmssd(rr: list[float]) -> float:
    diffs = [b - a for a, b in itertools.pairwise(rr)]
    return math.sqrt(sum(d * d for d in diffs) / len(diffs))


def _hr(rr: list[float]) -> float:
    return 60000.0 / (sum(rr) / len(rr))


def independent(rr: list[float], stand_index: int) -> dict[str, float]:
    cue_s = sum(rr[:stand_index]) / 1000.0
    supine = _window(rr, cue_s - PROTOCOL.supine_window_s, cue_s)
    start = cue_s + PROTOCOL.standing_settle_s
    standing = _window(rr, start, start + PROTOCOL.standing_window_s)
    ends = _ends(rr)
    inside = [i for i, t in enumerate(ends) if cue_s < t <= cue_s + PROTOCOL.peak_window_s]
    width = PROTOCOL.peak_beats
    peak_rr = min(
        statistics.median(rr[i] for i in inside[k : k + width])
        for k in range(len(inside) - width + 1)
    )
    return {
        "supine_hr_bpm": _hr(supine),
        "supine_rmssd_ms": _rmssd(supine),
        "standing_hr_bpm": _hr(standing),
        "standing_rmssd_ms": _rmssd(standing),
        "peak_hr_bpm": 60000.0 / peak_rr,
        "hr_rise_bpm": 60000.0 / peak_rr - _hr(supine),
    }


async def measure_standing_up(
    bluez: object, person: LivePerson, *args: str, stand: bool = True
) -> tuple[int, str, str]:
    env = {**os.environ, "DBUS_SYSTEM_BUS_ADDRESS": bluez.bus_address}  # type: ignore[attr-defined]
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "hrv_readiness",
        "measure",
        "--orthostatic",
        *args,
        cwd=REPO,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    lines: list[str] = []

    async def read() -> None:
        assert process.stdout is not None
        async for raw in process.stdout:
            line = raw.decode()
            lines.append(line)
            if "STAND UP NOW" in line and stand:
                person.stand()  # as a person hearing the cue would

    try:
        results = await asyncio.wait_for(
            asyncio.gather(read(), process.stderr.read(), process.wait()), BOUND_S
        )
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    err = results[1].decode()
    assert process.returncode is not None
    return process.returncode, "".join(lines), err


pytestmark = pytest.mark.bluez


async def test_measure_orthostatic_cues_and_measures_the_stand(bluez, tmp_path: Path) -> None:
    person = LivePerson(OrthostaticScenario(seed=14))
    strap = VirtualStrap(
        address="A0:9E:1A:00:00:27",
        rr_ms=person,
        name="Polar H10 ORTHO",
        speed=30,  # type: ignore[arg-type]
    )
    bluez.add_strap(strap)
    db = tmp_path / "hrv.sqlite3"
    code, out, err = await measure_standing_up(
        bluez,
        person,
        "--user",
        "anna",
        "--new-user",
        "--address",
        strap.address,
        "--settle",
        "2",
        "--save",
        "--db",
        str(db),
    )
    assert code == 0, err
    assert "Traceback" not in err
    # The countdown, then the cue once, with the terminal bell, then standing.
    assert "lying, stand up in" in out
    assert out.count("STAND UP NOW") == 1
    assert "\a" in out
    before, after = out.split("STAND UP NOW")
    assert "standing" in after
    assert "standing" not in before.replace("stand still", "")
    assert "response: peak HR" in out
    with Store.open(db) as store:
        [stored] = store.readings("anna")
    test = stored.orthostatic
    assert test is not None
    assert test.metrics is not None, test.reason
    assert test.stand_index is not None
    rr = list(stored.rr_ms)
    # The cue came when the recorded RR reached the protocol's lying time.
    assert sum(rr[: test.stand_index]) / 1000.0 == pytest.approx(PROTOCOL.cue_at_s, abs=2.0)
    # The stored RR are the strap's replayed beats, in the order it sent them.
    on_air = [
        v
        for payload in bluez.strap(strap.address).sent
        for v in parse_heart_rate_measurement(payload).rr_intervals_ms
    ]
    starts = [i for i, v in enumerate(on_air) if v == pytest.approx(rr[0])]
    assert any(on_air[i : i + len(rr)] == pytest.approx(rr) for i in starts)
    ref = independent(rr, test.stand_index)
    m = test.metrics
    for name in ("supine_hr_bpm", "standing_hr_bpm", "peak_hr_bpm", "hr_rise_bpm"):
        assert getattr(m, name) == pytest.approx(ref[name], abs=2.0), name
    for name in ("supine_rmssd_ms", "standing_rmssd_ms"):
        assert getattr(m, name) == pytest.approx(ref[name], rel=0.05), name
    # The person really stood at the cue: the strap's standing level shows.
    assert m.hr_rise_bpm > 25.0
    assert m.standing_hr_bpm == pytest.approx(person.scenario.standing_hr_bpm, abs=4.0)


async def test_measure_orthostatic_without_a_stand_is_refused(bluez, tmp_path: Path) -> None:
    person = LivePerson(OrthostaticScenario(seed=13))
    strap = VirtualStrap(
        address="A0:9E:1A:00:00:28",
        rr_ms=person,
        name="Polar H10 LIE",
        speed=30,  # type: ignore[arg-type]
    )
    bluez.add_strap(strap)
    code, out, err = await measure_standing_up(
        bluez, person, "--address", strap.address, "--settle", "2", stand=False
    )
    # The lying part is a usable morning reading; the test itself is refused.
    assert code == 0, err
    assert "STAND UP NOW" in out
    assert "standing: refused (no_stand): the heart rate rose only" in out
