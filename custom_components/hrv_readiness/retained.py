"""Hold a collector's user messages until its announce has named the users.

The broker replays retained topics in no particular order; a state that came first
would otherwise create the device under the user id ("bob") and the announce would
rename it ("Bob Smith") after its entity ids were made. Held messages are released
when the announce arrives, or after ``ANNOUNCE_GRACE`` for a collector that never
announces.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later

from .const import ANNOUNCE_GRACE

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from homeassistant.components.mqtt import ReceiveMessage

#: Released in this order: a measurement is only kept for a user that exists.
KINDS = ("state", "measurement")


class AnnounceGate:
    """Keeps the last message per (kind, user) until :meth:`open` is called."""

    def __init__(self, hass: HomeAssistant, release: Callable[[str, ReceiveMessage], None]) -> None:
        self._hass = hass
        self._release = release
        self._held: dict[tuple[str, str], ReceiveMessage] = {}
        self._cancel_timer: CALLBACK_TYPE | None = None
        self.is_open = False

    @property
    def holding(self) -> bool:
        """Whether messages are waiting for the announce."""
        return bool(self._held)

    @callback
    def hold(self, kind: str, user_id: str, msg: ReceiveMessage) -> bool:
        """Keep ``msg`` while the gate is closed; ``False`` means handle it now."""
        if self.is_open:
            return False
        self._held[(kind, user_id)] = msg
        if self._cancel_timer is None:
            self._cancel_timer = async_call_later(self._hass, ANNOUNCE_GRACE, self.open)
        return True

    @callback
    def open(self, _now: datetime | None = None) -> None:
        """Let everything through from now on and release what was held."""
        self.is_open = True
        self.cancel()
        held, self._held = self._held, {}
        for kind in KINDS:
            for (held_kind, _), msg in held.items():
                if held_kind == kind:
                    self._release(kind, msg)

    @callback
    def cancel(self) -> None:
        if self._cancel_timer is not None:
            self._cancel_timer()
            self._cancel_timer = None
