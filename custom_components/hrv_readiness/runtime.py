"""One collector on the broker: its MQTT subscriptions, availability and commands.

This is the ``runtime_data`` of a collector entry. It owns every subscription (made
once in ``async_start``, dropped on unload), parses what arrives into the shared user
data of :class:`~.hub.HrvHub` (which creates devices and tells entities through the
dispatcher), and removes the devices of users the collector no longer announces.
Holding messages until the announce is :mod:`.retained`'s job; repair issues are
:mod:`.issues`'.
"""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING, Any, TypeVar

from homeassistant.components import mqtt
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.event import async_call_later, async_track_time_interval

from hrv_readiness.mqtt.consume import (
    PayloadError,
    decode,
    parse_announce,
    parse_measurement,
    parse_state,
)

from . import issues
from .const import (
    CONF_BASE_TOPIC,
    CONF_COLLECTOR_ID,
    DOMAIN,
    EVENT_COLLECTOR,
    LOGGER,
    OFFLINE_ISSUE_AFTER,
    STALE_CHECK_INTERVAL,
    STATUS_OFFLINE,
    STATUS_ONLINE,
    TRIGGER_STAND_UP,
)
from .hub import HrvConfigEntry, HrvHub, UserData
from .retained import AnnounceGate

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from homeassistant.components.mqtt import ReceiveMessage

    from hrv_readiness.mqtt.payloads import AnnouncePayload, HistoryPayload, StatePayload

    #: A payload about one user of one collector.
    UserPayload = StatePayload | HistoryPayload

__all__ = ["HrvConfigEntry", "HrvRuntime", "UserData"]

_P = TypeVar("_P")


class HrvRuntime(HrvHub):
    """The live view of one collector, fed by MQTT."""

    def __init__(self, hass: HomeAssistant, entry: HrvConfigEntry) -> None:
        super().__init__(hass, entry, entry.data[CONF_COLLECTOR_ID])
        self.base_topic: str = entry.data[CONF_BASE_TOPIC]
        #: The collector's own status topic (``None`` until it is received).
        self.online: bool | None = None
        #: Whether Home Assistant's MQTT client is connected to the broker.
        self.broker_connected = False
        self.announce: AnnouncePayload | None = None
        self._cancel_offline_issue: CALLBACK_TYPE | None = None
        self._gate = AnnounceGate(hass, self._release)

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

    @property
    def sw_version(self) -> str | None:
        return None if self.announce is None else self.announce.sw_version

    @property
    def via_device(self) -> tuple[str, str] | None:
        """Every user's device hangs off the collector's own device (collector.py)."""
        return (DOMAIN, self.collector_id)

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
            async_track_time_interval(self.hass, self.check_stale_readings, STALE_CHECK_INTERVAL)
        )
        self.entry.async_on_unload(self._cancel_offline_timer)
        self.entry.async_on_unload(self._gate.cancel)

    def diagnostics(self) -> dict[str, Any]:
        return {"online": self.online, "base_topic": self.base_topic}

    # --- devices ---------------------------------------------------------------------

    @callback
    def _remove_stale_users(self, announce: AnnouncePayload) -> None:
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
                self.forget_user(user_id)
                registry.async_remove_device(device.id)

    # --- message handlers ------------------------------------------------------------

    def user_from_topic(self, topic: str) -> str:
        """The user segment of one of this collector's per-user topics."""
        return topic[len(self.topic_prefix) + 1 :].split("/", 1)[0]

    def is_about(self, user_id: str, kind: str, topic: str, payload: UserPayload) -> bool:
        """Whether ``payload`` on ``user_id``'s ``topic`` is about them here; logs why not."""
        if payload.user == user_id and payload.collector_id == self.collector_id:
            return True
        LOGGER.warning(
            "Ignoring %s on %s: it is about %s/%s",
            kind,
            topic,
            payload.collector_id,
            payload.user,
        )
        return False

    @callback
    def _admit(self, kind: str, msg: ReceiveMessage) -> str | None:
        """The user of ``msg`` to handle now (``None``: held until the announce)."""
        user_id = self.user_from_topic(msg.topic)
        return None if self._gate.hold(kind, user_id, msg) else user_id

    @callback
    def _release(self, kind: str, msg: ReceiveMessage) -> None:
        (self._on_state if kind == "state" else self._on_measurement)(msg)

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
        self.notify()

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
        self._cancel_offline_timer()
        if online:
            issues.delete_offline(self.hass, self.collector_id)
            if previous is False:
                LOGGER.info("HRV Readiness collector %s is back online", self.collector_id)
        else:
            LOGGER.info("HRV Readiness collector %s is offline", self.collector_id)
            self._cancel_offline_issue = async_call_later(
                self.hass, OFFLINE_ISSUE_AFTER, self._raise_offline_issue
            )
        self.notify()

    @callback
    def _cancel_offline_timer(self) -> None:
        if self._cancel_offline_issue is not None:
            self._cancel_offline_issue()
            self._cancel_offline_issue = None

    @callback
    def _raise_offline_issue(self, _now: datetime) -> None:
        self._cancel_offline_issue = None
        issues.create_offline(self.hass, self.collector_id)

    @callback
    def _on_announce(self, msg: ReceiveMessage) -> None:
        if not msg.payload:
            return
        if (announce := parsed(parse_announce, "announce", msg.topic, msg.payload)) is None:
            return
        previous, self.announce = self.announce, announce
        # A collector update changes every device's software version.
        refresh = previous is not None and previous.sw_version != announce.sw_version
        issues.update_duplicate_discovery(self.hass, self.collector_id, active=announce.discovery)
        for user in announce.users:
            self.ensure_user(user.id, user.name, refresh=refresh)
        self._remove_stale_users(announce)
        self.notify()
        self._gate.open()

    @callback
    def _on_state(self, msg: ReceiveMessage) -> None:
        if (user_id := self._admit("state", msg)) is None:
            return
        if not msg.payload:
            # v1.7: an emptied retained state: the user has no reading (any more).
            if (user := self.users.get(user_id)) is not None:
                self.clear_state(user)
            return
        if (state := parsed(parse_state, "state", msg.topic, msg.payload)) is None:
            return
        if not self.is_about(user_id, "state", msg.topic, state):
            return
        if self.announce is not None and all(u.id != user_id for u in self.announce.users):
            LOGGER.debug("Ignoring state of %s: not in the collector's announce", user_id)
            return
        # A retained message is what the broker replays on (re)subscribe, e.g. when Home
        # Assistant restarts: it is not news, so it never fires an event.
        self.set_state(self.ensure_user(user_id), state, live=not msg.retain)

    @callback
    def _on_measurement(self, msg: ReceiveMessage) -> None:
        if not msg.payload or (user_id := self._admit("measurement", msg)) is None:
            return
        if user_id not in self.users:
            return
        measurement = parsed(parse_measurement, "measurement", msg.topic, msg.payload)
        if measurement is None:
            return
        self.set_measurement(self.users[user_id], measurement)

    @callback
    def _on_event(self, msg: ReceiveMessage) -> None:
        """Pass the collector's events on to the bus; log rejected commands."""
        if (data := parsed(decode, "event", msg.topic, msg.payload)) is None:
            return
        if msg.topic == f"{self.topic_prefix}/event":
            # No configured user: the payload names the user segment of the command.
            user_id = data.get("user") if isinstance(data.get("user"), str) else None
            device_id = None
        else:
            user_id = self.user_from_topic(msg.topic)
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
        if event_type == TRIGGER_STAND_UP and user_id in self.users:
            # The cue of an orthostatic test: the same event as in Bluetooth mode, so
            # the "stand up now" blueprint and device trigger work with a collector too.
            self.fire(
                user_id,
                {
                    "type": TRIGGER_STAND_UP,
                    "device_id": device_id,
                    "collector_id": self.collector_id,
                    "user": user_id,
                },
            )

    # --- commands --------------------------------------------------------------------

    @callback
    def served_users(self) -> list[str]:
        """The users the collector serves (its announce), else those seen so far."""
        if self.announce is not None:
            return [user.id for user in self.announce.users]
        return list(self.users)

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


def parsed(
    parse: Callable[[str | bytes | bytearray], _P],
    kind: str,
    topic: str,
    payload: str | bytes | bytearray,
) -> _P | None:
    """``parse(payload)``, or ``None`` with a warning when the payload is malformed."""
    try:
        return parse(payload)
    except PayloadError as err:
        LOGGER.warning("Ignoring %s on %s: %s", kind, topic, err)
        return None


def _text(payload: str | bytes | bytearray) -> str:
    if isinstance(payload, str):
        return payload
    return bytes(payload).decode("utf-8", errors="replace")
