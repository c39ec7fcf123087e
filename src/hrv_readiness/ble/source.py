"""The strap source abstraction the measurement session consumes.

Both the bleak strap (:class:`hrv_readiness.ble.strap.BleakStrapSource`) and the
simulated strap (:class:`hrv_readiness.ble.simulated.SimulatedStrap`) implement it, so the
same session code runs for a real radio, the fake BlueZ and the demo.

A source finds a strap, then connects to it. A connection (a :class:`StrapLink`)
delivers raw 0x2A37 payloads to ``on_notification`` and calls ``on_disconnect`` at
most once when the link drops. Errors are the strap family of
:mod:`hrv_readiness.ble.errors`: ``AdapterUnavailableError``, ``StrapNotFoundError``,
``StrapBusyError``, ``StrapConnectionError``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from hrv_readiness.ble.models import DiscoveredStrap, StrapInfo

NotificationCallback = Callable[[bytes], None]
DisconnectCallback = Callable[[], None]


class StrapLink(Protocol):
    """An open connection to a strap with Heart Rate notifications running."""

    @property
    def info(self) -> StrapInfo: ...

    async def close(self) -> None:
        """Stop notifications and disconnect; safe to call twice or after a drop."""


class StrapSource(Protocol):
    """Where a measurement gets its strap from."""

    @property
    def description(self) -> str:
        """What the source looks for, for messages ("strap AA:BB:...", "any strap")."""

    async def find(self, timeout_s: float) -> DiscoveredStrap:
        """Scan until the strap advertises; raise StrapNotFoundError after ``timeout_s``."""

    async def connect(
        self,
        strap: DiscoveredStrap,
        on_notification: NotificationCallback,
        on_disconnect: DisconnectCallback,
    ) -> StrapLink:
        """Connect, read battery and body sensor location, and subscribe to 0x2A37."""
