"""A simulated strap that emits real 0x2A37 payloads into the measurement session.

Used by the demo and by tests of the session logic that need no D-Bus. It behaves
like a Polar H10 as far as the session can tell: about one notification per second
with the RR of the beats in that second (at most 9, the MTU-23 limit), an HR field,
contact bits (no contact for the first ``contact_after_s`` seconds after every
connect), battery and body sensor location. ``speed`` > 1 replays faster than real
time (60 turns a 2-minute recording into 2 seconds).

Faults for tests: ``drops`` (link losses at given strap times), ``rr_unit="ms"``
(a strap sending ms instead of 1/1024 s), ``busy_attempts`` (connection refusals),
``connect_errors`` (any strap error on the next connects), ``stall_after_s``
(notifications stop, link stays up).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import math
from collections.abc import Iterable, Sequence, Sized
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from hrv_readiness.ble.errors import StrapBusyError
from hrv_readiness.ble.models import DiscoveredStrap, StrapInfo
from hrv_readiness.ble.parser import encode_heart_rate_measurement, rr_ms_to_raw

if TYPE_CHECKING:
    from collections.abc import Iterator

    from hrv_readiness.ble.source import DisconnectCallback, NotificationCallback

#: Beats per notification at the default ATT MTU of 23 bytes.
MAX_RR_PER_PACKET = 9


def packets_from_rr(
    rr_ms: Sequence[float] | Iterable[float],
    *,
    contact_after_s: float = 0.0,
    rr_unit: Literal["1/1024 s", "ms"] = "1/1024 s",
    packet_interval_ms: float = 1000.0,
) -> Iterator[tuple[float, bytes]]:
    """Yield (strap time in s at which it is sent, 0x2A37 payload) for an RR series.

    A packet goes out once at least ``packet_interval_ms`` of beats has gathered (or
    9 beats), like real straps. Before ``contact_after_s`` the contact bits say "no
    contact". A series is cycled forever; a live source (an iterable that is no
    sequence, e.g. :class:`hrv_readiness.simulation.LivePerson`) is read as it goes.
    """
    if isinstance(rr_ms, Sized) and len(rr_ms) == 0:
        raise ValueError("rr_ms must not be empty")
    clock_ms = 0.0
    pending: list[float] = []
    pending_ms = 0.0
    beats = itertools.cycle(rr_ms) if isinstance(rr_ms, Sequence) else iter(rr_ms)
    for rr in beats:
        clock_ms += rr
        pending.append(rr)
        pending_ms += rr
        if pending_ms < packet_interval_ms and len(pending) < MAX_RR_PER_PACKET:
            continue
        contact = clock_ms / 1000.0 >= contact_after_s
        hr = max(1, round(60_000.0 * len(pending) / pending_ms))
        raw = tuple(round(v) if rr_unit == "ms" else rr_ms_to_raw(v) for v in pending)
        yield (
            clock_ms / 1000.0,
            encode_heart_rate_measurement(heart_rate_bpm=hr, sensor_contact=contact, rr_raw=raw),
        )
        pending = []
        pending_ms = 0.0


@dataclass
class _SimulatedLink:
    info: StrapInfo
    task: asyncio.Task[None] | None = None

    async def close(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
            self.task = None


class SimulatedStrap:
    """A virtual chest strap implementing :class:`hrv_readiness.ble.source.StrapSource`."""

    def __init__(
        self,
        rr_ms: Sequence[float] | Iterable[float],
        *,
        speed: float = 1.0,
        name: str = "Simulated H10",
        address: str = "SI:MU:LA:TE:D0:01",
        contact_after_s: float = 2.0,
        battery_pct: int | None = 87,
        body_sensor_location: str | None = "chest",
        rr_unit: Literal["1/1024 s", "ms"] = "1/1024 s",
        drops: Sequence[tuple[float, float]] = (),
        busy_attempts: int = 0,
        connect_errors: Sequence[Exception] = (),
        stall_after_s: float | None = None,
    ) -> None:
        if speed <= 0 or not math.isfinite(speed):
            raise ValueError(f"speed must be a positive number, got {speed}")
        if isinstance(rr_ms, Sequence):
            if len(rr_ms) == 0:
                raise ValueError("rr_ms must not be empty")
            rr_ms = tuple(float(v) for v in rr_ms)
        #: The RR series, or a live source read as the strap goes (a LivePerson).
        self.rr_ms = rr_ms
        self.speed = speed
        self.name = name
        self.address = address
        self.contact_after_s = contact_after_s
        self.battery_pct = battery_pct
        self.body_sensor_location = body_sensor_location
        self.rr_unit: Literal["1/1024 s", "ms"] = rr_unit
        #: (strap time s since the first connect, length s) of each link loss, in order.
        self._drops = sorted(drops)
        self._busy_left = busy_attempts
        #: Raised by the next connects, in order (after the busy refusals).
        self._connect_errors = list(connect_errors)
        self.stall_after_s = stall_after_s
        #: Position in the RR series, kept across connections (time goes on).
        self._packets = packets_from_rr(self.rr_ms, rr_unit=rr_unit)
        self._strap_time_s = 0.0
        self._down_until_s = 0.0
        self.connects = 0

    @property
    def description(self) -> str:
        return f"simulated strap {self.name}"

    async def find(self, timeout_s: float) -> DiscoveredStrap:
        del timeout_s
        if self._down_until_s > self._strap_time_s:
            # The strap is out of range for the rest of the drop; time passes.
            await asyncio.sleep((self._down_until_s - self._strap_time_s) / self.speed)
            self._strap_time_s = self._down_until_s
        return DiscoveredStrap(name=self.name, address=self.address, rssi_dbm=-60)

    async def connect(
        self,
        strap: DiscoveredStrap,
        on_notification: NotificationCallback,
        on_disconnect: DisconnectCallback,
    ) -> _SimulatedLink:
        del strap
        if self._busy_left > 0:
            self._busy_left -= 1
            raise StrapBusyError("strap refused the connection (busy)", address=self.address)
        if self._connect_errors:
            raise self._connect_errors.pop(0)
        self.connects += 1
        link = _SimulatedLink(
            info=StrapInfo(
                name=self.name,
                address=self.address,
                battery_pct=self.battery_pct,
                body_sensor_location=self.body_sensor_location,
            )
        )
        link.task = asyncio.create_task(self._emit(on_notification, on_disconnect))
        return link

    async def _emit(
        self, on_notification: NotificationCallback, on_disconnect: DisconnectCallback
    ) -> None:
        connected_at = self._strap_time_s
        for sent_at_s, payload in self._packets:
            # The packet iterator keeps its own clock from the first connect.
            wait_s = max(0.0, sent_at_s - self._strap_time_s)
            await asyncio.sleep(wait_s / self.speed)
            self._strap_time_s = max(self._strap_time_s, sent_at_s)
            if self._drops and self._strap_time_s >= self._drops[0][0]:
                start_s, length_s = self._drops.pop(0)
                self._down_until_s = start_s + length_s
                on_disconnect()
                return
            if self.stall_after_s is not None and self._strap_time_s >= self.stall_after_s:
                await asyncio.Event().wait()  # silent forever, link still "up"
            in_contact = self._strap_time_s - connected_at >= self.contact_after_s
            on_notification(payload if in_contact else _without_contact(payload))


def _without_contact(payload: bytes) -> bytes:
    """Return the same payload with the contact bits saying "supported, no contact"."""
    return bytes([(payload[0] & ~0x06) | 0x04]) + payload[1:]
