"""Fixtures for the Home Assistant integration tests.

Every test that needs MQTT gets its own real Mosquitto (tests/support/mosquitto.py)
and Home Assistant's real MQTT integration connected to it; the collector's side is
played by an aiomqtt client with the collector's Last Will (or, in the acceptance
test, by the collector's own publisher). Nothing about MQTT is mocked.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import paho.mqtt.client as paho
import pytest
from homeassistant.components.mqtt import client as mqtt_client
from homeassistant.config_entries import ConfigEntryState
from pytest_homeassistant_custom_component.common import MockConfigEntry

ROOT = Path(__file__).resolve().parents[2]
for path in (ROOT, ROOT / "tests"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from hrv_helpers import CONNECTIVITY, FakeCollector, hrv_entry, state_of, wait_for  # noqa: E402
from support.mosquitto import MosquittoBroker  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from homeassistant.core import HomeAssistant


#: Home Assistant's real Bluetooth on a fake BlueZ (the strap tests).
pytest_plugins = ["bluetooth_fixtures"]

#: What ``import custom_components.hrv_readiness`` imports in a fresh interpreter
#: (test_imports.py): the module names containing "hrv_readiness", one per line.
IMPORT_PROBE_CODE = (
    "import sys, custom_components.hrv_readiness\n"
    "print('\\n'.join(m for m in sys.modules if 'hrv_readiness' in m))\n"
)
IMPORT_PROBE = pytest.StashKey[subprocess.Popen[str]]()
#: The test that reads the probe.
IMPORT_PROBE_TEST = "test_importing_the_integration_imports_what_a_strap_entry_runs"


def start_import_probe() -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", IMPORT_PROBE_CODE],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the import probe as soon as its test is selected.

    A fresh interpreter importing Home Assistant and the integration takes ~3 s of
    one core; started here it runs beside the tests that come before its own.
    """
    if any(item.name == IMPORT_PROBE_TEST for item in session.items):
        session.config.stash[IMPORT_PROBE] = start_import_probe()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """A probe whose test did not run (``-x``, interrupted) is not left behind."""
    probe = session.config.stash.get(IMPORT_PROBE, None)
    if probe is not None and probe.returncode is None:
        probe.kill()
        probe.communicate()


@pytest.fixture
def integration_imports(request: pytest.FixtureRequest) -> set[str]:
    """The modules a fresh interpreter has after importing the integration."""
    probe = request.config.stash.get(IMPORT_PROBE, None) or start_import_probe()
    out, err = probe.communicate(timeout=120)
    assert probe.returncode == 0, err
    return set(out.split())


#: How Home Assistant reports deprecated use by an integration (helpers/frame.py and
#: deprecation helpers log it rather than raising Python warnings).
DEPRECATION_MARKERS = ("deprecated", "detected that custom integration", "detected code that")


class _WarningRecords(logging.Handler):
    """Keeps the records of WARNING and above that reach the root logger."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def no_home_assistant_deprecations() -> Iterator[None]:
    """Fail any test during which Home Assistant logs a deprecation about our code.

    A handler of its own at WARNING, not ``caplog``: the harness's ``caplog`` turns
    every logger to DEBUG, and formatting and keeping every debug line of MQTT, D-Bus
    and the recorder cost about a tenth of the suite's time. Tests that read debug
    lines ask for ``caplog`` themselves.
    """
    handler = _WarningRecords()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
    reports = [
        record.getMessage()
        for record in handler.records
        if any(marker in record.getMessage().lower() for marker in DEPRECATION_MARKERS)
    ]
    assert not reports, reports


@pytest.fixture(autouse=True, scope="session")
def quiet_sql() -> None:
    """The harness sets SQLAlchemy's engine logger to INFO: every statement the
    recorder runs would be formatted and printed. No test reads them."""
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)


@pytest.fixture(autouse=True, scope="session")
def frozen_import_heap() -> Iterator[None]:
    """Leave what the imports made out of every garbage collection of the run.

    The harness collects garbage after each module and the strap fixture after each
    strap test, so that what a test left unclosed warns in that test; each full
    collection walked the whole heap of Home Assistant, numpy and pydantic, about
    0.3 s, a sixth of the suite's time. ``gc.freeze`` after a collection, before the
    first test, moves only what is alive now (modules, classes, caches) to the
    permanent generation: every object a test creates is still collected as before.
    """
    gc.collect()
    gc.freeze()
    yield
    gc.unfreeze()


@pytest.fixture(autouse=True)
async def enable_event_loop_debug() -> None:
    """The harness's asyncio debug mode, only when ``HRV_TEST_ASYNCIO_DEBUG=1``.

    Debug mode records the creating stack of every future, task and callback (the C
    future takes the whole stack with its source lines), which is about a quarter of
    the suite's CPU time. What it checks besides, callbacks scheduled from another
    thread, Home Assistant checks itself in its own APIs, and the integration only
    leaves the loop through ``async_add_executor_job``. Set the variable to run with
    it (e.g. to see where a never-awaited coroutine was created). Async and without
    the ``event_loop`` fixture, which the harness of HA 2026.x no longer has.
    """
    asyncio.get_running_loop().set_debug(os.environ.get("HRV_TEST_ASYNCIO_DEBUG") == "1")


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom_components.hrv_readiness."""


@pytest.fixture(autouse=True)
def config_dir(hass: HomeAssistant, tmp_path: Path) -> Path:
    """A private config directory (the blueprint is installed into it)."""
    hass.config.config_dir = str(tmp_path)
    return tmp_path


@pytest.fixture
def broker(socket_enabled: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[MosquittoBroker]:
    """A real Mosquitto on a free loopback port, for this test only.

    Every MQTT client of the test (Home Assistant's, the fake collector's, the
    collector's own publisher: all paho) sends without Nagle's algorithm, as the
    broker does (``set_tcp_nodelay``). Otherwise a packet written right after one the
    other side does not answer (a PUBACK) waits for the peer's delayed TCP ACK, 40 ms
    on Linux, several times in every test; nothing the tests check depends on it.
    """
    create = paho.Client._create_socket_connection

    def create_without_nagle(client: paho.Client) -> socket.socket:
        sock = create(client)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    monkeypatch.setattr(paho.Client, "_create_socket_connection", create_without_nagle)
    with MosquittoBroker() as running:
        yield running


@pytest.fixture
async def mqtt_entry(
    hass: HomeAssistant,
    broker: MosquittoBroker,
    mock_hass_config: None,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[MockConfigEntry]:
    """Home Assistant's real MQTT integration, connected to the test's broker.

    HA batches subscriptions for 0.1-0.5 s to spare real brokers and retries a lost
    broker every 10 s; the tests shorten those waits (only the waits) so a hundred
    tests do not spend minutes waiting.
    """
    for name in ("INITIAL_SUBSCRIBE_COOLDOWN", "SUBSCRIBE_COOLDOWN", "UNSUBSCRIBE_COOLDOWN"):
        monkeypatch.setattr(mqtt_client, name, 0.01)
    monkeypatch.setattr(mqtt_client, "RECONNECT_INTERVAL_SECONDS", 0.2)
    entry = MockConfigEntry(domain="mqtt", data={"broker": broker.host, "port": broker.port})
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    yield entry
    # Unload while the broker still runs (it stops before the hass fixture's own
    # teardown): first what uses MQTT, then MQTT itself.
    for other in hass.config_entries.async_entries():
        if other.domain != "mqtt" and other.state is ConfigEntryState.LOADED:
            await hass.config_entries.async_unload(other.entry_id)
    if entry.state is ConfigEntryState.LOADED:
        await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


@pytest.fixture
async def collector(
    mqtt_entry: MockConfigEntry, broker: MosquittoBroker
) -> AsyncIterator[FakeCollector]:
    """A collector on the broker, online and announcing Alice."""
    async with FakeCollector(broker) as fake:
        await fake.online()
        await fake.announce()
        yield fake


@pytest.fixture
async def setup_entry(hass: HomeAssistant, collector: FakeCollector) -> MockConfigEntry:
    """The integration set up for the fake collector, with Alice's state received."""
    await collector.state()
    entry = hrv_entry()
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await wait_for(hass, lambda: state_of(hass, "sensor.alice_readiness_score") == "72")
    await wait_for(hass, lambda: state_of(hass, CONNECTIVITY) == "on")
    return entry
