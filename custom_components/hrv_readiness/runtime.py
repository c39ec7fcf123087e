"""One collector on the broker: its MQTT subscriptions, users, availability and events.

This is the integration's ``runtime_data``. It owns every subscription (made once in
``async_start``, dropped on unload), keeps the latest parsed payload per user, tells
entities when something changed, creates one device per user (dynamic devices) and
removes the devices of users the collector no longer announces (stale devices).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

from homeassistant.components import mqtt
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_call_later, async_track_time_interval
from homeassistant.util.dt import utcnow

from .const import (
    ANNOUNCE_GRACE,
    COLLECTOR_LISTENER,
    CONF_BASE_TOPIC,
    CONF_COLLECTOR_ID,
    DOMAIN,
    EVENT_COLLECTOR,
    EVENT_READING,
    LOGGER,
    LOW_RECOVERY_STATUSES,
    NO_READING_ISSUE_AFTER,
    OFFLINE_ISSUE_AFTER,
    STALE_CHECK_INTERVAL,
    STATUS_OFFLINE,
    STATUS_ONLINE,
    TRIGGER_FATIGUE_TYPE_CHANGED,
    TRIGGER_NEW_READING,
    TRIGGER_READINESS_LOW,
)
from .models import (
    Announce,
    Measurement,
    PayloadError,
    UserState,
    decode_json,
    measurement_from_json,
    parse_announce,
    state_from_json,
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from homeassistant.components.mqtt import ReceiveMessage

HrvConfigEntry: TypeAlias = ConfigEntry["HrvRuntime"]

MANUFACTURER = "HRV Readiness"
MODEL = "Morning HRV readiness"


@dataclass
class UserData:
    """What the collector last said about one user."""

    user_id: str
    name: str
    state: UserState | None = None
    measurement: Measurement | None = None
    #: The decoded payloads as received, for diagnostics.
    raw: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: The state of the newest reading seen so far: events compare with it, and a
    #: reading older than it (a demo re-run, an import) is no news.
    newest: UserState | None = None


class HrvRuntime:
    """The live view of one collector, fed by MQTT."""

    def __init__(self, hass: HomeAssistant, entry: HrvConfigEntry) -> None:
        self.hass = hass
        self.entry = entry
        self.collector_id: str = entry.data[CONF_COLLECTOR_ID]
        self.base_topic: str = entry.data[CONF_BASE_TOPIC]
        #: The collector's own status topic (``None`` until it is received).
        self.online: bool | None = None
        #: Whether Home Assistant's MQTT client is connected to the broker.
        self.broker_connected = False
        self.announce: Announce | None = None
        self.users: dict[str, UserData] = {}
        self._listeners: dict[str, list[CALLBACK_TYPE]] = {}
        self._user_callbacks: list[Callable[[str], None]] = []
        self._event_listeners: dict[str, list[Callable[[str, dict[str, Any]], None]]] = {}
        self._cancel_offline_issue: CALLBACK_TYPE | None = None
        #: User messages received before the first announce (see ``_hold``).
        self._held: dict[tuple[str, str], ReceiveMessage] = {}
        self._cancel_grace: CALLBACK_TYPE | None = None
        self._grace_over = False

    # --- topics ----------------------------------------------------------------------

    @property
    def topic_prefix(self) -> str:
        return f"{self.base_topic}/{self.collector_id}"

    def command_topic(self, user_id: str, command: str) -> str:
        return f"{self.topic_prefix}/{user_id}/command/{command}"

    # --- lifecycle -------------------------------------------------------------------

    @property
    def available(self) -> bool:
        """Values are current: HA is on the broker and the collector says it is online."""
        return self.broker_connected and self.online is True

    async def async_start(self) -> None:
        """Subscribe to the collector's topics; the subscriptions end with the entry."""
        self.broker_connected = mqtt.is_connected(self.hass)
        self.entry.async_on_unload(
            mqtt.async_subscribe_connection_status(self.hass, self._on_broker_connection)
        )
        subscriptions: tuple[tuple[str, Callable[[ReceiveMessage], None]], ...] = (
            ("status", self._on_status),
            ("announce", self._on_announce),
            ("+/state", self._on_state),
            ("+/measurement", self._on_measurement),
            ("+/event", self._on_event),
            # Events that belong to no configured user (contract v1.1).
            ("event", self._on_event),
        )
        for suffix, handler in subscriptions:
            self.entry.async_on_unload(
                await mqtt.async_subscribe(
                    self.hass, f"{self.topic_prefix}/{suffix}", handler, qos=1
                )
            )
        self.entry.async_on_unload(
            async_track_time_interval(self.hass, self._check_stale_readings, STALE_CHECK_INTERVAL)
        )
        self.entry.async_on_unload(self._cancel_offline_timer)
        self.entry.async_on_unload(self._cancel_grace_timer)

    # --- listeners -------------------------------------------------------------------

    @callback
    def async_add_listener(self, user_id: str, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call ``update`` whenever something about ``user_id`` (or availability) changes."""
        listeners = self._listeners.setdefault(user_id, [])
        listeners.append(update)

        @callback
        def remove() -> None:
            listeners.remove(update)

        return remove

    @callback
    def async_add_event_listener(
        self, user_id: str, on_event: Callable[[str, dict[str, Any]], None]
    ) -> CALLBACK_TYPE:
        """Call ``on_event(type, data)`` for every reading event of ``user_id``."""
        listeners = self._event_listeners.setdefault(user_id, [])
        listeners.append(on_event)

        @callback
        def remove() -> None:
            listeners.remove(on_event)

        return remove

    @callback
    def async_add_user_callback(self, add_user: Callable[[str], None]) -> CALLBACK_TYPE:
        """Call ``add_user`` for every user that appears.

        Platforms register before :meth:`async_start` subscribes, so they see every user.
        """
        self._user_callbacks.append(add_user)

        @callback
        def remove() -> None:
            self._user_callbacks.remove(add_user)

        return remove

    @callback
    def _notify(self, user_id: str | None = None) -> None:
        user_ids = list(self._listeners) if user_id is None else [user_id, COLLECTOR_LISTENER]
        for uid in user_ids:
            for update in list(self._listeners.get(uid, ())):
                update()

    # --- devices ---------------------------------------------------------------------

    def device_key(self, user_id: str) -> str:
        return f"{self.collector_id}_{user_id}"

    @callback
    def device_id(self, user_id: str) -> str | None:
        device = dr.async_get(self.hass).async_get_device(
            identifiers={(DOMAIN, self.device_key(user_id))}
        )
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
    def _ensure_user(
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
        dr.async_get(self.hass).async_get_or_create(
            config_entry_id=self.entry.entry_id,
            identifiers={(DOMAIN, self.device_key(user_id))},
            manufacturer=MANUFACTURER,
            model=MODEL,
            name=user.name,
            sw_version=None if self.announce is None else self.announce.sw_version,
            via_device=(DOMAIN, self.collector_id),
        )
        if created:
            for add_user in list(self._user_callbacks):
                add_user(user_id)
        return user

    @callback
    def _remove_stale_users(self, announce: Announce) -> None:
        announced = {user.id for user in announce.users}
        registry = dr.async_get(self.hass)
        for device in dr.async_entries_for_config_entry(registry, self.entry.entry_id):
            user_id = self.user_for_device(device)
            if user_id is not None and user_id not in announced:
                LOGGER.info(
                    "Removing %s: collector %s no longer serves user %s",
                    device.name,
                    self.collector_id,
                    user_id,
                )
                self.users.pop(user_id, None)
                self._listeners.pop(user_id, None)
                self._event_listeners.pop(user_id, None)
                ir.async_delete_issue(self.hass, DOMAIN, self._no_reading_issue_id(user_id))
                registry.async_update_device(device.id, remove_config_entry_id=self.entry.entry_id)

    # --- message handlers ------------------------------------------------------------

    def _user_from_topic(self, topic: str) -> str:
        return topic[len(self.topic_prefix) + 1 :].split("/", 1)[0]

    @callback
    def _on_broker_connection(self, connected: bool) -> None:
        """Without the broker nothing is current; on reconnect HA resubscribes (retained)."""
        if connected == self.broker_connected:
            return
        self.broker_connected = connected
        if connected:
            LOGGER.info("HRV Readiness collector %s: MQTT broker is back", self.collector_id)
        else:
            LOGGER.info(
                "HRV Readiness collector %s is unavailable: lost the MQTT broker",
                self.collector_id,
            )
        self._notify()

    @callback
    def _on_status(self, msg: ReceiveMessage) -> None:
        payload = _text(msg.payload).strip()
        if payload == STATUS_ONLINE:
            self._set_online(online=True)
        elif payload == STATUS_OFFLINE:
            self._set_online(online=False)
        elif payload:
            LOGGER.warning(
                "Ignoring status %r on %s: expected %s or %s",
                payload,
                msg.topic,
                STATUS_ONLINE,
                STATUS_OFFLINE,
            )

    @callback
    def _set_online(self, *, online: bool) -> None:
        previous = self.online
        if online == previous:
            return
        self.online = online
        if online:
            self._cancel_offline_timer()
            ir.async_delete_issue(self.hass, DOMAIN, self._offline_issue_id)
            if previous is False:
                LOGGER.info("HRV Readiness collector %s is back online", self.collector_id)
        else:
            LOGGER.info("HRV Readiness collector %s is offline", self.collector_id)
            self._cancel_offline_timer()
            self._cancel_offline_issue = async_call_later(
                self.hass, OFFLINE_ISSUE_AFTER, self._raise_offline_issue
            )
        self._notify()

    @property
    def _offline_issue_id(self) -> str:
        return f"collector_offline_{self.collector_id}"

    def _no_reading_issue_id(self, user_id: str) -> str:
        return f"no_reading_{self.collector_id}_{user_id}"

    @callback
    def _cancel_offline_timer(self) -> None:
        if self._cancel_offline_issue is not None:
            self._cancel_offline_issue()
            self._cancel_offline_issue = None

    @callback
    def _raise_offline_issue(self, _now: datetime) -> None:
        self._cancel_offline_issue = None
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            self._offline_issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key="collector_offline",
            translation_placeholders={
                "collector": self.collector_id,
                "hours": str(int(OFFLINE_ISSUE_AFTER.total_seconds() // 3600)),
            },
        )

    @callback
    def _hold(self, kind: str, msg: ReceiveMessage) -> bool:
        """Keep a user message until the announce has named the users.

        The broker replays retained topics in no particular order; a state that came
        first would otherwise create the device under the user id ("bob") and the
        announce would rename it ("Bob Smith") after its entity ids were made. Held
        messages are handled when the announce arrives, or after ``ANNOUNCE_GRACE``
        for a collector that never announces.
        """
        if self.announce is not None or self._grace_over:
            return False
        self._held[(kind, self._user_from_topic(msg.topic))] = msg
        if self._cancel_grace is None:
            self._cancel_grace = async_call_later(self.hass, ANNOUNCE_GRACE, self._end_grace)
        return True

    @callback
    def _end_grace(self, _now: datetime | None = None) -> None:
        self._grace_over = True
        self._cancel_grace_timer()
        held, self._held = self._held, {}
        # States first: a measurement is only kept for a user that exists.
        for kind in ("state", "measurement"):
            for (held_kind, _), msg in held.items():
                if held_kind == kind:
                    (self._on_state if kind == "state" else self._on_measurement)(msg)

    @callback
    def _cancel_grace_timer(self) -> None:
        if self._cancel_grace is not None:
            self._cancel_grace()
            self._cancel_grace = None

    @callback
    def _on_announce(self, msg: ReceiveMessage) -> None:
        if not msg.payload:
            return
        try:
            announce = parse_announce(msg.payload)
        except PayloadError as err:
            LOGGER.warning("Ignoring announce on %s: %s", msg.topic, err)
            return
        previous, self.announce = self.announce, announce
        # A collector update changes every device's software version.
        refresh = previous is not None and previous.sw_version != announce.sw_version
        self._check_discovery_conflict(announce)
        for user in announce.users:
            self._ensure_user(user.id, user.name, refresh=refresh)
        self._remove_stale_users(announce)
        self._notify()
        self._end_grace()

    @callback
    def _check_discovery_conflict(self, announce: Announce) -> None:
        issue_id = f"duplicate_discovery_{self.collector_id}"
        if announce.discovery:
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                issue_id,
                is_fixable=False,
                severity=ir.IssueSeverity.WARNING,
                translation_key="duplicate_discovery",
                translation_placeholders={"collector": self.collector_id},
            )
        else:
            ir.async_delete_issue(self.hass, DOMAIN, issue_id)

    @callback
    def _on_state(self, msg: ReceiveMessage) -> None:
        if not msg.payload or self._hold("state", msg):
            return
        user_id = self._user_from_topic(msg.topic)
        try:
            raw = decode_json(msg.payload)
            state = state_from_json(raw)
        except PayloadError as err:
            LOGGER.warning("Ignoring state on %s: %s", msg.topic, err)
            return
        if state.user != user_id or state.collector_id != self.collector_id:
            LOGGER.warning(
                "Ignoring state on %s: it is about %s/%s",
                msg.topic,
                state.collector_id,
                state.user,
            )
            return
        if self.announce is not None and all(u.id != user_id for u in self.announce.users):
            LOGGER.debug("Ignoring state of %s: not in the collector's announce", user_id)
            return
        user = self._ensure_user(user_id)
        previous = user.newest
        user.state = state
        user.raw["state"] = raw
        if not _older(state, previous):
            user.newest = state
            if not msg.retain:
                self._fire_reading_events(user, previous, state)
        self._update_no_reading_issue(user)
        self._notify(user_id)

    @callback
    def _fire_reading_events(
        self, user: UserData, previous: UserState | None, state: UserState
    ) -> None:
        """Fire bus events for a live (not retained) state message.

        A retained message is what the broker replays on (re)subscribe, e.g. when Home
        Assistant restarts: it is not news, so it never fires an event.
        """
        device_id = self.device_id(user.user_id)
        base = {
            "device_id": device_id,
            "collector_id": self.collector_id,
            "user": user.user_id,
        }
        readiness = state.readiness
        details = {
            "score": None if readiness is None else readiness.score,
            "status": None if readiness is None else readiness.status,
            "fatigue_type": None if readiness is None else readiness.fatigue_type,
            "measured_at": None if state.reading is None else state.reading.measured_at.isoformat(),
        }
        new_reading = state.reading is not None and (
            previous is None
            or previous.reading is None
            or previous.reading.measured_at != state.reading.measured_at
        )
        if new_reading:
            self._fire(user.user_id, {**base, "type": TRIGGER_NEW_READING, **details})
            if readiness is not None and readiness.status in LOW_RECOVERY_STATUSES:
                self._fire(user.user_id, {**base, "type": TRIGGER_READINESS_LOW, **details})
        old_fatigue = (
            None
            if previous is None or previous.readiness is None
            else previous.readiness.fatigue_type
        )
        if readiness is not None and old_fatigue not in (None, readiness.fatigue_type):
            self._fire(
                user.user_id,
                {
                    **base,
                    "type": TRIGGER_FATIGUE_TYPE_CHANGED,
                    **details,
                    "previous_fatigue_type": old_fatigue,
                },
            )

    @callback
    def _fire(self, user_id: str, data: dict[str, Any]) -> None:
        """One reading event: on the bus (device triggers) and to the user's event entity."""
        self.hass.bus.async_fire(EVENT_READING, data)
        for on_event in list(self._event_listeners.get(user_id, ())):
            on_event(data["type"], data)

    @callback
    def _on_measurement(self, msg: ReceiveMessage) -> None:
        if not msg.payload or self._hold("measurement", msg):
            return
        user_id = self._user_from_topic(msg.topic)
        if user_id not in self.users:
            return
        try:
            raw = decode_json(msg.payload)
            measurement = measurement_from_json(raw)
        except PayloadError as err:
            LOGGER.warning("Ignoring measurement on %s: %s", msg.topic, err)
            return
        user = self.users[user_id]
        user.measurement = measurement
        user.raw["measurement"] = raw
        self._notify(user_id)

    @callback
    def _on_event(self, msg: ReceiveMessage) -> None:
        """Pass the collector's events on to the bus; log rejected commands."""
        try:
            data = decode_json(msg.payload)
        except PayloadError as err:
            LOGGER.warning("Ignoring event on %s: %s", msg.topic, err)
            return
        if msg.topic == f"{self.topic_prefix}/event":
            # No configured user: the payload names the user segment of the command.
            user_id = data.get("user") if isinstance(data.get("user"), str) else None
            device_id = None
        else:
            user_id = self._user_from_topic(msg.topic)
            device_id = self.device_id(user_id)
        event_type = data.get("type")
        raw_detail = data.get("detail")
        detail: dict[str, Any] = raw_detail if isinstance(raw_detail, dict) else {}
        if event_type == "command_rejected":
            LOGGER.warning(
                "Collector %s rejected a command for %s: %s",
                self.collector_id,
                user_id,
                detail.get("reason") or detail.get("code"),
            )
        self.hass.bus.async_fire(
            EVENT_COLLECTOR,
            {
                "device_id": device_id,
                "collector_id": self.collector_id,
                "user": user_id,
                "type": event_type,
                "request_id": data.get("request_id"),
                "detail": detail,
            },
        )

    # --- repairs: no morning reading -------------------------------------------------

    @callback
    def _check_stale_readings(self, _now: datetime | None = None) -> None:
        for user in list(self.users.values()):
            self._update_no_reading_issue(user)

    @callback
    def _update_no_reading_issue(self, user: UserData) -> None:
        issue_id = self._no_reading_issue_id(user.user_id)
        reading = None if user.state is None else user.state.reading
        if reading is None:
            return
        if utcnow() - reading.measured_at >= NO_READING_ISSUE_AFTER:
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                issue_id,
                is_fixable=False,
                severity=ir.IssueSeverity.WARNING,
                translation_key="no_reading",
                translation_placeholders={
                    "user": user.name,
                    "days": str(NO_READING_ISSUE_AFTER.days),
                    "last": reading.measured_at.isoformat(),
                },
            )
        else:
            ir.async_delete_issue(self.hass, DOMAIN, issue_id)

    # --- commands --------------------------------------------------------------------

    async def async_send_command(self, user_id: str, command: str, payload: dict[str, Any]) -> str:
        """Publish a command for ``user_id``; returns the ``request_id`` sent with it."""
        if not self.available:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="collector_offline",
                translation_placeholders={"collector": self.collector_id},
            )
        request_id = uuid.uuid4().hex
        await mqtt.async_publish(
            self.hass,
            self.command_topic(user_id, command),
            json.dumps({**payload, "request_id": request_id}),
            qos=1,
            retain=False,
        )
        return request_id


def _text(payload: str | bytes | bytearray) -> str:
    if isinstance(payload, str):
        return payload
    return bytes(payload).decode("utf-8", errors="replace")


def _older(state: UserState, than: UserState | None) -> bool:
    """True when ``state`` is about a reading older than the one of ``than``."""
    if than is None or than.reading is None or state.reading is None:
        return False
    return state.reading.measured_at < than.reading.measured_at
