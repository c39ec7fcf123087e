"""A fake ``bluetoothd``: ``org.bluez`` on a private bus, with virtual straps and faults.

Unmodified bleak talks to it exactly as it talks to BlueZ (see docs/model.md). The
fake runs in the caller's event loop; faults are plain method calls:

=============================  ===================================================
fault                          call
=============================  ===================================================
link drop (strap walks away)   ``await bluez.drop_link(address, away_s=...)``
``org.bluez.Error.InProgress`` ``bluez.refuse_connects(address, times, error=...)``
strap vanishes (not found)     ``await bluez.vanish(address)`` / ``bluez.reappear``
adapter off / on               ``await bluez.power_off()`` / ``power_on()``
bluetoothd exits / comes back  ``await bluez.exit_bluetoothd()`` / ``restart_bluetoothd()``
notifications stall            ``bluez.stall(address)`` / ``bluez.resume(address)``
no skin contact for N s        ``VirtualStrap(no_contact_s=N)``
RR sent in ms                  ``VirtualStrap(rr_unit="ms")``
several straps at once         ``FakeBluez(bus_address, [strap_a, strap_b])``
=============================  ===================================================

Heart Rate payloads are encoded here with ``struct`` on their own, independently of
the collector's encoder, so the collector's parser is checked against a second
implementation of the spec.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import struct
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Self

from dbus_fast import BusType, DBusError, Variant
from dbus_fast.aio import MessageBus

from support.fakebluez.interfaces import Adapter, Battery, Device, GattCharacteristic, GattService

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

_LOGGER = logging.getLogger(__name__)

BLUEZ_NAME = "org.bluez"
HEART_RATE_SERVICE = "0000180d-0000-1000-8000-00805f9b34fb"
HEART_RATE_MEASUREMENT = "00002a37-0000-1000-8000-00805f9b34fb"
BODY_SENSOR_LOCATION = "00002a38-0000-1000-8000-00805f9b34fb"
HEART_RATE_CONTROL_POINT = "00002a39-0000-1000-8000-00805f9b34fb"
DEVICE_INFORMATION_SERVICE = "0000180a-0000-1000-8000-00805f9b34fb"
MANUFACTURER_NAME = "00002a29-0000-1000-8000-00805f9b34fb"

#: How often a discovering adapter reports each advertising strap (s, real time).
ADVERTISING_INTERVAL_S = 0.1


@dataclass
class VirtualStrap:
    """What a virtual strap is and sends; the fault state lives in the fake."""

    address: str
    rr_ms: Sequence[float]
    name: str = "Polar H10 0000"
    rssi_dbm: int = -60
    battery_pct: int = 80
    #: Body Sensor Location byte (1 = chest).
    body_sensor_location: int = 1
    #: Replay speed: 10 sends 10 s of beats per second.
    speed: float = 1.0
    rr_unit: Literal["1/1024 s", "ms"] = "1/1024 s"
    #: After every connect, the contact bits say "no contact" for this long (strap time).
    no_contact_s: float = 0.0
    #: Beats per notification are gathered for at least this long (like a Polar H10).
    packet_interval_ms: float = 1000.0
    #: Service UUIDs in the advertisement. An H10 whose scan response is not received
    #: (passive scanning, some proxies) shows none, only its name and Polar's id.
    advertised_uuids: tuple[str, ...] = (
        "0000180d-0000-1000-8000-00805f9b34fb",
        "0000180f-0000-1000-8000-00805f9b34fb",
    )
    #: Manufacturer data: Polar's company id (0x006B) with a few bytes, as an H10 sends.
    manufacturer_data: dict[int, bytes] = field(
        default_factory=lambda: {0x006B: b"\x33\x1e\x33\x33"}
    )


def heart_rate_packets(strap: VirtualStrap) -> Iterator[tuple[float, int, list[int]]]:
    """Yield (strap time s, HR bpm, on-air RR values) packets, cycling the series."""
    clock_ms = 0.0
    pending: list[float] = []
    for rr in itertools.cycle(strap.rr_ms):
        clock_ms += rr
        pending.append(rr)
        if sum(pending) < strap.packet_interval_ms and len(pending) < 9:
            continue
        hr = round(60_000.0 * len(pending) / sum(pending))
        if strap.rr_unit == "ms":
            raw = [round(v) for v in pending]
        else:
            raw = [round(v * 1024.0 / 1000.0) for v in pending]
        yield clock_ms / 1000.0, hr, raw
        pending = []


def encode_payload(hr_bpm: int, contact: bool, rr_raw: list[int]) -> bytes:
    """0x2A37 with uint8 HR, contact supported (+detected), RR present."""
    flags = 0x10 | (0x06 if contact else 0x04)
    return struct.pack(f"<BB{len(rr_raw)}H", flags, hr_bpm, *rr_raw)


@dataclass
class _StrapState:
    config: VirtualStrap
    path: str
    packets: Iterator[tuple[float, int, list[int]]]
    exported: bool = False
    known: bool = False
    away_until: float = 0.0
    vanished: bool = False
    refusals: int = 0
    refusal_error: tuple[str, str] = ("org.bluez.Error.InProgress", "In Progress")
    stalled: bool = False
    strap_time_s: float = 0.0
    connected_at_s: float = 0.0
    gatt: list[tuple[str, GattService | GattCharacteristic]] = field(default_factory=list)
    hr_char: GattCharacteristic | None = None
    notify_task: asyncio.Task[None] | None = None
    #: Payloads sent so far, in order (what the collector should have received).
    sent: list[bytes] = field(default_factory=list)
    connects: int = 0
    #: ReadValue calls per characteristic UUID (0x2A37 must never be read).
    reads: dict[str, int] = field(default_factory=dict)
    #: Event-loop times of the central's Disconnect calls, and of the last notification.
    disconnect_calls: list[float] = field(default_factory=list)
    last_notified_at: float | None = None
    device: Device = field(init=False)
    battery: Battery = field(init=False)


class FakeBluez:
    """``bluetoothd`` for tests. ``await FakeBluez(addr, straps).start()``."""

    def __init__(
        self,
        bus_address: str,
        straps: Sequence[VirtualStrap] = (),
        *,
        adapter_address: str = "00:1A:7D:DA:71:13",
        connect_delay_s: float = 0.0,
    ) -> None:
        self.bus_address = bus_address
        self.adapter_path = "/org/bluez/hci0"
        self.adapter = Adapter(self, adapter_address)
        self.connect_delay_s = connect_delay_s
        self.bus: MessageBus | None = None
        self.discovery_filter: dict[str, object] = {}
        self.straps: dict[str, _StrapState] = {}
        self._advertiser: asyncio.Task[None] | None = None
        self._discovery_clients = 0
        for strap in straps:
            self.add_strap(strap)

    # -- lifecycle ------------------------------------------------------------
    async def start(self) -> Self:
        """Connect to the bus, export the adapter and known devices, own ``org.bluez``."""
        bus = await MessageBus(bus_address=self.bus_address, bus_type=BusType.SYSTEM).connect()
        self.bus = bus
        bus.export(self.adapter_path, self.adapter)
        for state in self.straps.values():
            if state.known and not state.vanished:
                self._export_device(state)
        await bus.request_name(BLUEZ_NAME)
        return self

    async def stop(self) -> None:
        """Stop everything; the bus connection goes (the name is released)."""
        await self._stop_tasks()
        if self.bus is not None:
            self.bus.disconnect()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.bus.wait_for_disconnect(), 5)
            self.bus = None
        for state in self.straps.values():
            state.exported = False
            state.gatt.clear()
            state.hr_char = None
            state.device.connected = False
            state.device.services_resolved = False

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def add_strap(self, strap: VirtualStrap) -> None:
        path = f"{self.adapter_path}/dev_{strap.address.replace(':', '_').upper()}"
        state = _StrapState(config=strap, path=path, packets=heart_rate_packets(strap))
        self.straps[strap.address.upper()] = state
        state.device = Device(self, state)
        state.battery = Battery(state)

    def strap(self, address: str) -> _StrapState:
        return self.straps[address.upper()]

    def advertise_anew(self, address: str) -> None:
        """The strap's advertisements change (a counter byte of its manufacturer data).

        Home Assistant's Bluetooth passes an advertisement on to callbacks only when its
        content changed: this makes a strap that keeps advertising heard again.
        """
        state = self.strap(address)
        state.config.manufacturer_data = {
            key: value[:-1] + bytes([(value[-1] + 1) % 256])
            for key, value in state.config.manufacturer_data.items()
        }
        if state.exported:
            state.device.emit_properties_changed(
                {
                    "ManufacturerData": {
                        key: Variant("ay", value)
                        for key, value in state.config.manufacturer_data.items()
                    }
                }
            )

    def replay(self, address: str, rr_ms: Sequence[float]) -> None:
        """A new morning: the next notifications send ``rr_ms`` from its first beat.

        Only between measurements (a connected strap keeps its series).
        """
        state = self.strap(address)
        if state.device.connected:
            msg = f"{address} is connected: replay a series between measurements"
            raise RuntimeError(msg)
        state.config.rr_ms = rr_ms
        state.packets = heart_rate_packets(state.config)
        state.strap_time_s = 0.0

    # -- faults ---------------------------------------------------------------
    async def drop_link(self, address: str, *, away_s: float = 0.0) -> None:
        """Lose the link (Connected -> False); the strap stays silent ``away_s`` seconds."""
        state = self.strap(address)
        state.away_until = asyncio.get_running_loop().time() + away_s
        self._disconnect(state)

    async def leave_connected(self, address: str) -> None:
        """What a collector killed mid-measurement leaves: BlueZ still holds the link.

        The strap is connected (so it no longer advertises) with nobody listening.
        """
        state = self.strap(address)
        self._export_device(state)
        await self.connect(state)

    def refuse_connects(
        self,
        address: str,
        times: int,
        *,
        error: tuple[str, str] = ("org.bluez.Error.InProgress", "In Progress"),
    ) -> None:
        """Answer the next ``times`` Connect calls with ``error`` (name, message)."""
        state = self.strap(address)
        state.refusals = times
        state.refusal_error = error

    async def vanish(self, address: str) -> None:
        """The strap is gone: link dropped, device removed from BlueZ, no adverts."""
        state = self.strap(address)
        state.vanished = True
        self._disconnect(state)
        self._unexport_device(state)

    def reappear(self, address: str) -> None:
        self.strap(address).vanished = False

    async def power_off(self) -> None:
        """Adapter powered off: every link drops, discovery stops, calls say NotReady."""
        self.adapter.powered = False
        self.adapter.emit_properties_changed({"Powered": False})
        for state in self.straps.values():
            self._disconnect(state)
        self._set_discovering(on=False)
        self._discovery_clients = 0

    async def power_on(self) -> None:
        self.adapter.powered = True
        self.adapter.emit_properties_changed({"Powered": True})

    async def exit_bluetoothd(self) -> None:
        """Bluetoothd dies: the name and all objects vanish without a signal."""
        for state in self.straps.values():
            state.known = state.known or state.exported
        self._discovery_clients = 0
        self.adapter.discovering = False
        await self.stop()

    async def restart_bluetoothd(self) -> None:
        """Bluetoothd comes back; known devices reappear disconnected (its cache)."""
        await self.start()

    def inject(self, address: str, payload: bytes) -> None:
        """Send one arbitrary 0x2A37 notification (a broken strap's bytes)."""
        state = self.strap(address)
        if state.hr_char is not None:
            state.hr_char.notify(payload)

    def stall(self, address: str) -> None:
        """Notifications stop; the link stays up."""
        self.strap(address).stalled = True

    def resume(self, address: str) -> None:
        self.strap(address).stalled = False

    # -- what the interfaces call -------------------------------------------
    def check_powered(self) -> None:
        if not self.adapter.powered:
            raise DBusError("org.bluez.Error.NotReady", "Resource Not Ready")

    def check_link(self, state: _StrapState) -> None:
        if not state.device.connected:
            raise DBusError("org.bluez.Error.NotConnected", "Not Connected")

    def start_discovery(self) -> None:
        self.check_powered()
        self._discovery_clients += 1
        self._set_discovering(on=True)
        if self._advertiser is None or self._advertiser.done():
            self._advertiser = asyncio.get_running_loop().create_task(self._advertise())

    def stop_discovery(self) -> None:
        self.check_powered()
        if self._discovery_clients == 0:
            raise DBusError("org.bluez.Error.Failed", "No discovery started")
        self._discovery_clients -= 1
        if self._discovery_clients == 0:
            self._set_discovering(on=False)

    def remove_device(self, path: str) -> None:
        for state in self.straps.values():
            if state.path == path:
                self._disconnect(state)
                self._unexport_device(state)
                state.known = False
                return
        raise DBusError("org.bluez.Error.DoesNotExist", "Does Not Exist")

    async def connect(self, state: _StrapState) -> None:
        self.check_powered()
        if state.refusals > 0:
            state.refusals -= 1
            raise DBusError(*state.refusal_error)
        if state.device.connected:
            raise DBusError("org.bluez.Error.AlreadyConnected", "Already Connected")
        if not self._in_range(state):
            await asyncio.sleep(0.2)
            raise DBusError("org.bluez.Error.Failed", "Page Timeout")
        if self.connect_delay_s:
            await asyncio.sleep(self.connect_delay_s)
        state.connects += 1
        state.connected_at_s = state.strap_time_s
        state.device.connected = True
        state.device.emit_properties_changed({"Connected": True})
        self._export_gatt(state)
        state.device.services_resolved = True
        state.device.emit_properties_changed({"ServicesResolved": True})

    def disconnect(self, state: _StrapState) -> None:
        """The central asked to disconnect (``Device1.Disconnect``)."""
        state.disconnect_calls.append(asyncio.get_running_loop().time())
        self._disconnect(state)

    def start_notifications(self, state: _StrapState) -> None:
        if state.notify_task is None or state.notify_task.done():
            state.notify_task = asyncio.get_running_loop().create_task(self._notify(state))

    def stop_notifications(self, state: _StrapState) -> None:
        if state.notify_task is not None:
            state.notify_task.cancel()
            state.notify_task = None

    # -- internals ----------------------------------------------------------
    def _in_range(self, state: _StrapState) -> bool:
        return not state.vanished and asyncio.get_running_loop().time() >= state.away_until

    def _set_discovering(self, *, on: bool) -> None:
        if self.adapter.discovering != on:
            self.adapter.discovering = on
            self.adapter.emit_properties_changed({"Discovering": on})

    async def _advertise(self) -> None:
        """While discovering, report every advertising strap (RSSI updates)."""
        while self.adapter.discovering and self.bus is not None:
            for state in self.straps.values():
                if state.device.connected or not self._in_range(state):
                    continue
                if not state.exported:
                    self._export_device(state)
                else:
                    # A real adapter reports each advert as an RSSI change.
                    jitter = 1 if state.device.rssi == state.config.rssi_dbm else 0
                    state.device.rssi = state.config.rssi_dbm + jitter
                    state.device.emit_properties_changed({"RSSI": state.device.rssi})
            await asyncio.sleep(ADVERTISING_INTERVAL_S)

    def _export_device(self, state: _StrapState) -> None:
        if state.exported or self.bus is None:
            return
        self.bus.export(state.path, state.device)
        state.exported = True
        state.known = True

    def _unexport_device(self, state: _StrapState) -> None:
        if not state.exported or self.bus is None:
            return
        self.bus.unexport(state.path, state.device)
        state.exported = False

    def _export_gatt(self, state: _StrapState) -> None:
        assert self.bus is not None
        dev = state.path
        hrs = f"{dev}/service000c"
        dis = f"{dev}/service0010"
        hr_char = GattCharacteristic(self, state, HEART_RATE_MEASUREMENT, hrs, ["notify"])
        objects: list[tuple[str, GattService | GattCharacteristic]] = [
            (hrs, GattService(HEART_RATE_SERVICE, dev)),
            (f"{hrs}/char000d", hr_char),
            (
                f"{hrs}/char000e",
                GattCharacteristic(
                    self,
                    state,
                    BODY_SENSOR_LOCATION,
                    hrs,
                    ["read"],
                    value=bytes([state.config.body_sensor_location]),
                ),
            ),
            (
                f"{hrs}/char000f",
                GattCharacteristic(self, state, HEART_RATE_CONTROL_POINT, hrs, ["write"]),
            ),
            (dis, GattService(DEVICE_INFORMATION_SERVICE, dev)),
            (
                f"{dis}/char0011",
                GattCharacteristic(self, state, MANUFACTURER_NAME, dis, ["read"], value=b"Polar"),
            ),
        ]
        for path, interface in objects:
            self.bus.export(path, interface)
        self.bus.export(dev, state.battery)
        state.gatt = objects
        state.hr_char = hr_char

    def _disconnect(self, state: _StrapState) -> None:
        self.stop_notifications(state)
        if not state.device.connected or self.bus is None:
            return
        state.device.connected = False
        state.device.services_resolved = False
        state.device.emit_properties_changed({"Connected": False, "ServicesResolved": False})
        for path, interface in reversed(state.gatt):
            self.bus.unexport(path, interface)
        self.bus.unexport(state.path, state.battery)
        state.gatt = []
        state.hr_char = None

    async def _notify(self, state: _StrapState) -> None:
        config = state.config
        for sent_at_s, hr, raw in state.packets:
            await asyncio.sleep(max(0.0, sent_at_s - state.strap_time_s) / config.speed)
            state.strap_time_s = max(state.strap_time_s, sent_at_s)
            if state.stalled or state.hr_char is None:
                continue  # time goes on, nothing is sent
            contact = state.strap_time_s - state.connected_at_s >= config.no_contact_s
            payload = encode_payload(hr, contact, raw)
            state.sent.append(payload)
            state.last_notified_at = asyncio.get_running_loop().time()
            state.hr_char.notify(payload)

    async def _stop_tasks(self) -> None:
        tasks = [s.notify_task for s in self.straps.values() if s.notify_task is not None]
        if self._advertiser is not None:
            tasks.append(self._advertiser)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for state in self.straps.values():
            state.notify_task = None
        self._advertiser = None
