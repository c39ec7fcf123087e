"""What every entity reads: one config entry's users, however their readings arrive.

Two kinds of entry feed the same entity layer:

* a collector on the Raspberry Pi, over MQTT (:mod:`.runtime`);
* a strap Home Assistant measures itself through its own Bluetooth (:mod:`.strap_hub`).

Both keep a :class:`UserData` per user and tell entities about changes with Home
Assistant's dispatcher (signals below), so sensors, events, device triggers and
services are the same whichever way the reading came.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.dispatcher import async_dispatcher_send

from . import issues
from .const import DOMAIN, EVENT_READING, LOGGER
from .devices import entry_device, link_via
from .events import reading_events

if TYPE_CHECKING:
    from hrv_readiness.mqtt.payloads import MeasurementPayload, StatePayload

HrvConfigEntry: TypeAlias = ConfigEntry["HrvHub"]

MANUFACTURER = "HRV Readiness"
MODEL = "Morning HRV readiness"


def signal_user_added(entry_id: str) -> str:
    """Dispatcher signal: ``(user_id)`` appeared on this entry; platforms add entities."""
    return f"{DOMAIN}_{entry_id}_user_added"


def signal_user_updated(entry_id: str, user_id: str) -> str:
    """Dispatcher signal: something about the user (or availability) changed."""
    return f"{DOMAIN}_{entry_id}_{user_id}_updated"


def signal_collector_updated(entry_id: str) -> str:
    """Dispatcher signal: something on this entry changed (the collector's own entities)."""
    return f"{DOMAIN}_{entry_id}_updated"


def signal_reading_event(entry_id: str, user_id: str) -> str:
    """Dispatcher signal: ``(event_type, data)`` of a live reading event of the user."""
    return f"{DOMAIN}_{entry_id}_{user_id}_event"


@dataclass
class UserData:
    """What is known about one user: the last state and measurement."""

    user_id: str
    name: str
    state: StatePayload | None = None
    measurement: MeasurementPayload | None = None
    #: Summaries for diagnostics besides state and measurement (the history import).
    raw: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: The state of the newest reading seen so far: events compare with it, and a
    #: reading older than it (a demo re-run, an import) is no news.
    newest: StatePayload | None = None


class HrvHub(ABC):
    """One config entry's users, their devices, and the signals entities listen to."""

    def __init__(self, hass: HomeAssistant, entry: HrvConfigEntry, collector_id: str) -> None:
        self.hass = hass
        self.entry = entry
        #: Where readings come from: the collector's id, or ``ble_<address>`` for a strap.
        self.collector_id = collector_id
        self.users: dict[str, UserData] = {}

    # --- what the entities need -----------------------------------------------------

    @property
    @abstractmethod
    def available(self) -> bool:
        """Whether the values are current."""

    @abstractmethod
    async def async_send_command(self, user_id: str, command: str, payload: dict[str, Any]) -> str:
        """Carry out one command of the contract's vocabulary for ``user_id``."""

    @property
    def sw_version(self) -> str | None:
        """The software that made the readings (shown on every device)."""
        return None

    @property
    def model(self) -> str:
        return MODEL

    @property
    def via_device(self) -> tuple[str, str] | None:
        """The device every user's device hangs off (the collector's), if any."""
        return None

    @callback
    def served_users(self) -> list[str]:
        """The user ids a history can be renamed to from here (and the entry's own)."""
        return list(self.users)

    @abstractmethod
    def diagnostics(self) -> dict[str, Any]:
        """What diagnostics show besides the users (redacted by the caller)."""

    # --- devices ---------------------------------------------------------------------

    def device_key(self, user_id: str) -> str:
        return f"{self.collector_id}_{user_id}"

    @callback
    def device_id(self, user_id: str) -> str | None:
        device = entry_device(self.hass, self.entry.entry_id, (DOMAIN, self.device_key(user_id)))
        return None if device is None else device.id

    @callback
    def user_for_device(self, device: dr.DeviceEntry) -> str | None:
        """The user id behind one of this entry's devices."""
        prefix = f"{self.collector_id}_"
        for domain, key in device.identifiers:
            if domain == DOMAIN and key.startswith(prefix):
                return key[len(prefix) :]
        return None

    @callback
    def ensure_user(
        self, user_id: str, name: str | None = None, *, refresh: bool = False
    ) -> UserData:
        """The user's data; creates, renames or (``refresh``) updates the user's device."""
        user = self.users.get(user_id)
        created = user is None
        if user is None:
            user = self.users[user_id] = UserData(user_id=user_id, name=name or user_id)
        elif (name is None or name == user.name) and not refresh:
            return user
        elif name is not None:
            user.name = name
        device = dr.async_get(self.hass).async_get_or_create(
            config_entry_id=self.entry.entry_id,
            identifiers={(DOMAIN, self.device_key(user_id))},
            manufacturer=MANUFACTURER,
            model=self.model,
            name=user.name,
            sw_version=self.sw_version,
        )
        via = (
            None
            if self.via_device is None
            else entry_device(self.hass, self.entry.entry_id, self.via_device)
        )
        link_via(self.hass, device, via)
        if created:
            async_dispatcher_send(self.hass, signal_user_added(self.entry.entry_id), user_id)
        return user

    @callback
    def forget_user(self, user_id: str) -> None:
        """Drop a user this entry no longer serves (its device is removed by the caller)."""
        self.users.pop(user_id, None)
        issues.delete_no_reading(self.hass, self.collector_id, user_id)

    # --- updates ---------------------------------------------------------------------

    @callback
    def notify(self, user_id: str | None = None) -> None:
        """Tell the entities of one user (or of all) to write their state."""
        entry_id = self.entry.entry_id
        for uid in list(self.users) if user_id is None else [user_id]:
            async_dispatcher_send(self.hass, signal_user_updated(entry_id, uid))
        async_dispatcher_send(self.hass, signal_collector_updated(entry_id))

    @callback
    def set_state(self, user: UserData, state: StatePayload, *, live: bool) -> None:
        """A new state of ``user``; ``live`` (not a replay) fires the reading events.

        Only the newest reading is news: a state about an older reading than one already
        seen (a demo re-run, an import) is shown but fires nothing.
        """
        previous = user.newest
        user.state = state
        if _older(state, previous):
            live = False
        else:
            user.newest = state
        if live:
            base = {
                "device_id": self.device_id(user.user_id),
                "collector_id": self.collector_id,
                "user": user.user_id,
            }
            for data in reading_events(base, previous, state):
                self.fire(user.user_id, data)
        self.update_no_reading_issue(user)
        self.notify(user.user_id)

    @callback
    def clear_state(self, user: UserData) -> None:
        """``user`` has no reading (any more): the readiness entities show unknown.

        The newest reading seen is kept, so putting the same reading back (undo) is no
        news and fires nothing.
        """
        user.state = None
        self.notify(user.user_id)

    @callback
    def set_measurement(self, user: UserData, measurement: MeasurementPayload) -> None:
        user.measurement = measurement
        self.notify(user.user_id)

    @callback
    def fire(self, user_id: str, data: dict[str, Any]) -> None:
        """One reading event: on the bus (device triggers) and to the user's event entity."""
        LOGGER.debug("%s: %s", user_id, data["type"])
        self.hass.bus.async_fire(EVENT_READING, data)
        async_dispatcher_send(
            self.hass, signal_reading_event(self.entry.entry_id, user_id), data["type"], data
        )

    @callback
    def update_no_reading_issue(self, user: UserData) -> None:
        reading = None if user.state is None else user.state.reading
        if reading is not None:
            issues.update_no_reading(
                self.hass, self.collector_id, user.user_id, user.name, reading.measured_at
            )

    @callback
    def check_stale_readings(self, _now: object = None) -> None:
        for user in list(self.users.values()):
            self.update_no_reading_issue(user)


def _older(state: StatePayload, than: StatePayload | None) -> bool:
    """True when ``state`` is about a reading older than the one of ``than``."""
    if than is None:
        return False
    return state.reading.measured_at < than.reading.measured_at
