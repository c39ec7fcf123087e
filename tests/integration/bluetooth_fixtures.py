"""Home Assistant's real Bluetooth stack on a fake BlueZ (fixtures of the strap tests).

What runs for real: Home Assistant's ``bluetooth`` and ``bluetooth_adapters``
integrations, habluetooth (manager, ``HaScanner`` in active mode, the
``HaBleakClientWrapper`` it installs as ``bleak_retry_connector``'s client class),
bluetooth-adapters' Linux adapter discovery, bleak 0.22's BlueZ D-Bus backend and
bleak-retry-connector, all talking D-Bus to the fake ``org.bluez`` of
tests/support/fakebluez on a private ``dbus-daemon``.

What is replaced, and why (read in habluetooth 3.37 / bluetooth-adapters 0.21):

* pytest-homeassistant-custom-component patches ``LinuxAdapters.refresh`` and
  ``LinuxAdapters.adapters`` for the whole session (a canned ``hci0``). The fixture
  puts the unmodified class back (loaded afresh from the installed file), so the
  adapter really is found over D-Bus. Its kernel half, ``get_adapters_from_hci``
  (an ``AF_BLUETOOTH`` HCI socket ioctl), runs too and finds nothing here, which it
  handles itself; the sysfs USB/UART lookup likewise finds no device.
* ``bluetooth_auto_recovery.recover_adapter`` (habluetooth calls it when a scanner
  cannot start or a ``00:00:00:00:00:00`` adapter appears) resets the adapter
  through the kernel's Bluetooth management socket and USB: it cannot run without a
  kernel adapter. It is replaced by a recorder that refuses (returns ``False``); the
  tests assert it was never needed.

One constant is shortened, not replaced: bleak-retry-connector waits
``BLEAK_DBUS_BACKOFF_TIME`` (0.25 s) after every D-Bus error before its next attempt,
for BlueZ to tidy up. The fake answers at once, so the tests wait 0.01 s; the same
attempts are made and the same error ends them (a refused strap is tried nine times
for "no connection slot" twice per measurement: 4.5 s of waiting before). Its longer
backoffs (4 s when no adapter or proxy can reach the strap) are left as they are:
what a gone strap looks like to the session depends on them. Likewise the library's
hosted strap source asks Home Assistant every 0.05 s instead of every 0.5 s whether
an adapter that can connect hears the strap (a dictionary lookup).
"""

from __future__ import annotations

import gc
import importlib.util
import warnings
from typing import TYPE_CHECKING, Any

import bleak_retry_connector
import bluetooth_adapters.systems.linux as linux_adapters
import habluetooth.util
import pytest
import pytest_socket
from homeassistant.config_entries import ConfigEntryState
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.setup import async_setup_component
from support.fakebluez import DBusDaemon, FakeBluez

from hrv_readiness.ble import hosted

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import HomeAssistant


def _unpatched_linux_adapters() -> type:
    """bluetooth-adapters' ``LinuxAdapters`` as installed, without the harness's patch."""
    spec = importlib.util.spec_from_file_location(
        "bluetooth_adapters.systems._unpatched_linux", linux_adapters.__file__
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.LinuxAdapters  # type: ignore[no-any-return]


@pytest.fixture
def dbus_sockets(socket_enabled: None) -> Iterator[None]:
    """D-Bus is a Unix socket; the harness allows only TCP to 127.0.0.1 by default."""
    pytest_socket.socket_allow_hosts(["127.0.0.1"], allow_unix_socket=True)
    yield
    pytest_socket.socket_allow_hosts(["127.0.0.1"])


@pytest.fixture
async def fake_bluez(
    dbus_sockets: None, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[FakeBluez]:
    """A fake BlueZ with no straps yet (``fake_bluez.add_strap``) on a private bus."""
    with DBusDaemon() as daemon:
        monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", daemon.address)
        fake = FakeBluez(daemon.address)
        await fake.start()
        yield fake
        await fake.stop()


@pytest.fixture
def adapter_recoveries(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """Calls of the kernel-only adapter recovery (see the module docstring)."""
    calls: list[tuple[Any, ...]] = []

    async def recover_adapter(*args: Any) -> bool:
        calls.append(args)
        return False

    monkeypatch.setattr(habluetooth.util, "recover_adapter", recover_adapter)
    return calls


@pytest.fixture
async def real_bluetooth(
    hass: HomeAssistant,
    fake_bluez: FakeBluez,
    adapter_recoveries: list[tuple[Any, ...]],
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[ConfigEntry]:
    """Home Assistant's bluetooth integration, its adapter added the way a user adds it."""
    monkeypatch.setattr(linux_adapters, "LinuxAdapters", _unpatched_linux_adapters())
    # Read by bleak_retry_connector.calculate_backoff_time at each failed attempt.
    monkeypatch.setattr(bleak_retry_connector, "BLEAK_DBUS_BACKOFF_TIME", 0.01)
    monkeypatch.setattr(hosted, "FIND_POLL_S", 0.05)  # read by HostedStrapSource.find
    await _check_bluez_version_on_this_loop()
    assert await async_setup_component(hass, "bluetooth", {})
    await hass.async_block_till_done()
    # The adapter is discovered over D-Bus and offered; the user confirms it.
    [flow] = [f for f in hass.config_entries.flow.async_progress() if f["handler"] == "bluetooth"]
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    [entry] = hass.config_entries.async_entries("bluetooth")
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert entry.unique_id == fake_bluez.adapter.address
    yield entry
    for other in hass.config_entries.async_entries():
        if other.state is ConfigEntryState.LOADED and other.domain != "bluetooth":
            await hass.config_entries.async_unload(other.entry_id)
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    await _close_bleak_bus()
    _collect_dropped_dbus_sockets()
    assert adapter_recoveries == []


def _collect_dropped_dbus_sockets() -> None:
    """Collect the D-Bus sockets dbus-fast 2.43 leaves unclosed (see pytest.ini) now."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


async def _check_bluez_version_on_this_loop() -> None:
    """Run bleak's one-time BlueZ version check now, on this test's event loop.

    bleak 0.22 keeps the check's ``asyncio.Event`` on a class for the whole process. A
    test that ends while a connect is inside the check (an unload mid-connect) leaves
    it unset and bound to that test's closed loop, and every later connect in the
    process fails with "bound to a different event loop". One process runs one loop
    in Home Assistant; here each test has its own, so an unfinished check is dropped.
    """
    from bleak.backends.bluezdbus.version import BlueZFeatures  # noqa: PLC0415

    event = BlueZFeatures._check_bluez_event
    if event is not None and not event.is_set():
        BlueZFeatures._check_bluez_event = None
    await BlueZFeatures.check_bluez_version()


async def _close_bleak_bus() -> None:
    """bleak keeps one BlueZ D-Bus connection per event loop; close this test's."""
    from bleak.backends.bluezdbus import manager  # noqa: PLC0415 - bleak's internals

    bluez = await manager.get_global_bluez_manager()
    bus = getattr(bluez, "_bus", None)
    if bus is not None:
        bus.disconnect()
        await bus.wait_for_disconnect()
