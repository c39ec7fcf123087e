"""Resident memory and CPU of the daemon, idle and while measuring.

Runs ``hrv-collector run`` as its own process with two users configured against a
real Mosquitto and the fake BlueZ (unmodified bleak on a private D-Bus), samples
``/proc/<pid>`` and prints a table. The peer measured in the same run is the floor
any such daemon pays: a bare Python process that imports the same libraries
(bleak, aiomqtt, numpy, pydantic) and sleeps on an asyncio loop.

    make bench-footprint            # or: .venv/bin/python benchmarks/footprint.py [--idle-s 60]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from support.fakebluez import DBusDaemon, FakeBluez, VirtualStrap  # noqa: E402
from support.mosquitto import MosquittoBroker  # noqa: E402

from hrv_readiness.simulation import RrScenario, synthesize_rr_ms  # noqa: E402

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
PEER = "import asyncio, bleak, aiomqtt, numpy, pydantic, yaml\nasyncio.run(asyncio.sleep(3600))\n"


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def _rss_mb(pid: int) -> float:
    pages = int(Path(f"/proc/{pid}/statm").read_text(encoding="ascii").split()[1])
    return pages * PAGE_KB / 1024.0


async def _sample(pid: int, seconds: float) -> tuple[float, float, float]:
    """(mean RSS MB, peak RSS MB, CPU % of one core) over ``seconds``."""
    cpu0, t0 = _cpu_s(pid), time.monotonic()
    rss: list[float] = []
    while time.monotonic() - t0 < seconds:
        rss.append(_rss_mb(pid))
        await asyncio.sleep(0.5)
    cpu_pct = 100.0 * (_cpu_s(pid) - cpu0) / (time.monotonic() - t0)
    return sum(rss) / len(rss), max(rss), cpu_pct


def _measurement_state(port: int, user: str) -> str:
    """The retained measurement state, to show the sample really covered a recording."""
    out = subprocess.run(
        [
            "mosquitto_sub",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-C",
            "1",
            "-W",
            "3",
            "-t",
            f"hrv_readiness/bench/{user}/measurement",
        ],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return str(yaml.safe_load(out)["state"]) if out else "unknown"


def _measurement_state(port: int, user: str) -> str:
    """The retained measurement state, to show the sample really covered a recording."""
    topic = f"hrv_readiness/bench/{user}/measurement"
    out = subprocess.run(
        ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-C", "1", "-W", "3", "-t", topic],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return str(yaml.safe_load(out)["state"]) if out else "unknown"


def _rr(seed: int) -> list[float]:
    scenario = RrScenario(duration_s=400, target_rmssd_ms=55, seed=seed, ectopic_rate=0.0)
    return [float(v) for v in synthesize_rr_ms(scenario)]


def _config(tmp: Path, port: int, *, automatic: bool) -> Path:
    data = {
        "collector": {"id": "bench"},
        "users": [
            {"id": "alice", "strap": {"address": "A0:9E:1A:00:00:A1"}},
            {"id": "bob", "strap": {"address": "A0:9E:1A:00:00:B2"}},
        ],
        "measurement": {
            "automatic": automatic,
            "morning_window": {"start": "00:00", "end": "23:59"},
            "duration_s": 120,
        },
        "mqtt": {"host": "127.0.0.1", "port": port},
        "storage": {"data_dir": str(tmp / "data")},
        "logging": {"level": "WARNING"},
    }
    path = tmp / f"config-{automatic}.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


async def main(idle_s: float, measuring_s: float) -> None:
    rows: list[tuple[str, float, float, float]] = []
    with (
        tempfile.TemporaryDirectory() as tmpdir,
        MosquittoBroker() as broker,
        DBusDaemon() as dbus,
    ):
        tmp = Path(tmpdir)
        env = {**os.environ, "DBUS_SYSTEM_BUS_ADDRESS": dbus.address}
        bluez = FakeBluez(dbus.address)
        await bluez.start()
        # Real time: a strap sends about one notification per second, as a Polar H10 does.
        bluez.add_strap(VirtualStrap(address="A0:9E:1A:00:00:A1", rr_ms=_rr(1), speed=1.0))
        bluez.add_strap(VirtualStrap(address="A0:9E:1A:00:00:B2", rr_ms=_rr(2), speed=1.0))
        try:
            peer = subprocess.Popen([sys.executable, "-c", PEER])
            await asyncio.sleep(3)
            rows.append(("peer: python + same imports, idle", *await _sample(peer.pid, idle_s)))
            peer.terminate()
            peer.wait()

            command = [sys.executable, "-m", "hrv_readiness", "run", "--config"]
            idle = subprocess.Popen(
                [*command, str(_config(tmp, broker.port, automatic=False))], env=env
            )
            await asyncio.sleep(5)
            rows.append(("daemon, 2 users, idle", *await _sample(idle.pid, idle_s)))
            idle.terminate()
            idle.wait()

            busy = subprocess.Popen(
                [*command, str(_config(tmp, broker.port, automatic=True))], env=env
            )
            await asyncio.sleep(15)  # scan, connect, contact, settling
            rows.append(("daemon, 2 users, both measuring", *await _sample(busy.pid, measuring_s)))
            states = [_measurement_state(broker.port, user) for user in ("alice", "bob")]
            print(f"measurement states at the end of sampling: {states}")
            busy.terminate()
            busy.wait()
        finally:
            await bluez.stop()

    print(f"\nFootprint (Python {sys.version.split()[0]}, {os.cpu_count()} cores)")
    print(f"{'process':<38} {'RSS mean MB':>11} {'RSS peak MB':>11} {'CPU % core':>10}")
    for name, mean, peak, cpu in rows:
        print(f"{name:<38} {mean:>11.1f} {peak:>11.1f} {cpu:>10.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--idle-s", type=float, default=60.0)
    parser.add_argument("--measuring-s", type=float, default=60.0)
    args = parser.parse_args()
    asyncio.run(main(args.idle_s, args.measuring_s))
