"""Fixtures of the BLE tests: a private dbus-daemon per test and the fake BlueZ on it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parents[2]
if str(TESTS_DIR) not in sys.path:
    sys.path.append(str(TESTS_DIR))

from support.fakebluez import DBusDaemon, FakeBluez, VirtualStrap  # noqa: E402

from hrv_readiness.simulation import RrScenario, synthesize_rr_ms  # noqa: E402


def rr_series(seed: int, *, hr: float = 58.0, rmssd: float = 60.0) -> list[float]:
    scenario = RrScenario(
        duration_s=300, resting_hr_bpm=hr, target_rmssd_ms=rmssd, seed=seed, ectopic_rate=0.0
    )
    return [float(v) for v in synthesize_rr_ms(scenario)]


@pytest.fixture
def dbus_daemon(monkeypatch):
    with DBusDaemon() as daemon:
        monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", daemon.address)
        yield daemon


@pytest.fixture
async def bluez(dbus_daemon):
    """A running fake BlueZ with no straps yet; add them with ``bluez.add_strap``."""
    fake = FakeBluez(dbus_daemon.address)
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
def strap_a() -> VirtualStrap:
    return VirtualStrap(
        address="A0:9E:1A:00:00:0A", rr_ms=rr_series(1), name="Polar H10 AAAA", speed=60
    )
