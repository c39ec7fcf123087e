"""The MQTT session loop: connects, publishes, answers commands, survives the broker going away.

The package's other parts: :mod:`~hrv_readiness.mqtt.errors` (errors and their
translation), :mod:`~hrv_readiness.mqtt.transport` (TLS and the paho/aiomqtt
workarounds), :mod:`~hrv_readiness.mqtt.delivery` (what goes out, in which order)
and :mod:`~hrv_readiness.mqtt.oneshot` (connect once, publish, leave).

Why aiomqtt 2.x rather than paho-mqtt directly: aiomqtt drives paho-mqtt 2's socket
callbacks from the asyncio loop itself (add_reader/add_writer), so there is no paho
network thread to synchronise with, every publish is an awaitable that completes on
the broker's PUBACK (exactly what an outbox needs before it marks a row sent), and
connection loss surfaces as one exception type (``MqttError``, or the ``OSError`` of
a socket closed under paho) that :mod:`~hrv_readiness.mqtt.errors` translates once
into :class:`BrokerError` children. It is pinned ``<3`` because aiomqtt 3 drops
paho. Reconnecting is our explicit loop with doubling backoff, as aiomqtt recommends,
with a fresh client per attempt so no half-sent paho state leaks across connections.

A session: subscribe to commands (MQTT 5, retain as published), then ``status``,
``announce``, the discovery configs (when on), the pending outbox, the latest retained
message of every topic it knows (rebuilt by ``refresh_retained`` when given) and the
events queued while offline; see :mod:`~hrv_readiness.mqtt.delivery` for the rules.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from typing import TYPE_CHECKING, Self

import aiomqtt
from paho.mqtt.subscribeoptions import SubscribeOptions

from hrv_readiness import __version__
from hrv_readiness.aio import cancel_and_wait
from hrv_readiness.errors import StoreError
from hrv_readiness.mqtt.commands import (
    Command,
    InvalidCommandError,
    parse_command,
    refusal,
    rejection_event,
)
from hrv_readiness.mqtt.delivery import OUTBOX_BATCH, Delivery
from hrv_readiness.mqtt.discovery import cleanup_message, config_topics, discovery_messages
from hrv_readiness.mqtt.errors import LINK_ERRORS, BrokerUnavailableError, translate_error
from hrv_readiness.mqtt.messages import OutgoingMessage
from hrv_readiness.mqtt.payloads import AnnouncedUser, AnnouncePayload, EventPayload
from hrv_readiness.mqtt.topics import (
    STATUS_OFFLINE,
    STATUS_ONLINE,
    Topics,
    discovery_status_topic,
)
from hrv_readiness.mqtt.transport import AttemptLog, LinkClient, tls_context

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Iterable, Sequence

    from hrv_readiness.errors import BrokerError
    from hrv_readiness.mqtt.delivery import Outbox
    from hrv_readiness.mqtt.settings import MqttSettings

_LOGGER = logging.getLogger(__name__)

#: Valid commands waiting for the daemon; more are refused (``busy``), so a runaway
#: automation on a shared broker cannot queue unbounded work.
MAX_PENDING_COMMANDS = 100
_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _local_today() -> dt.date:
    return dt.datetime.now().astimezone().date()


class Publisher:
    """The collector's MQTT connection.

    Use it as ``async with Publisher(...) as publisher:`` (runs :meth:`run` in the
    background and says ``offline`` on the way out), or run :meth:`run` yourself.
    After ``store.add_reading(...)`` call :meth:`notify_outbox`; for live messages
    (measurement progress, events) call :meth:`publish`; read commands with
    ``async for command in publisher.commands()``.

    ``retained`` seeds the remembered retained messages; ``refresh_retained`` (the
    daemon's "state as of now") is called at the start of every session and its
    messages replace both what is remembered and pending outbox rows of their topics.
    """

    def __init__(
        self,
        settings: MqttSettings,
        *,
        collector_id: str,
        users: Sequence[AnnouncedUser],
        outbox: Outbox | None = None,
        name: str | None = None,
        sw_version: str = __version__,
        retained: Iterable[OutgoingMessage] = (),
        refresh_retained: Callable[[], Iterable[OutgoingMessage]] | None = None,
        now: Callable[[], dt.datetime] = _utc_now,
        today: Callable[[], dt.date] = _local_today,
    ) -> None:
        self.settings = settings
        self.topics = Topics(settings.base_topic, collector_id)
        self.users = tuple(users)
        self._user_ids = frozenset(user.id for user in self.users)
        self._announce = AnnouncePayload(
            collector_id=collector_id,
            name=name or f"HRV Readiness ({collector_id})",
            sw_version=sw_version,
            users=self.users,
            discovery=settings.discovery,
        )
        self._sw_version = sw_version
        self._now = now
        self._today = today
        self._tls = tls_context(settings)
        clear_text = settings.tls is None and settings.host not in _LOOPBACK_HOSTS
        if settings.password is not None and clear_text:
            _LOGGER.warning(
                "mqtt.password goes to %s in clear text; set up mqtt.tls", settings.host
            )
        self._delivery = Delivery(outbox, retained)
        self._refresh_retained = refresh_retained
        self._commands: asyncio.Queue[Command] = asyncio.Queue()
        self._connected = asyncio.Event()
        self._client: aiomqtt.Client | None = None
        self._last_error: BrokerError | None = None
        self._task: asyncio.Task[None] | None = None
        self._attempt_log = AttemptLog()
        #: Successful connections so far (1 + reconnects).
        self.connections = 0

    # --- public API -------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    @property
    def attempt_problem(self) -> str | None:
        """The last warning paho logged about the current or last connection attempt."""
        return self._attempt_log.problem

    @property
    def last_error(self) -> BrokerError | None:
        """Why the last connection attempt or connection failed (``None`` if none)."""
        return self._last_error

    async def __aenter__(self) -> Self:
        self._task = asyncio.create_task(self.run(), name="mqtt-publisher")
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def stop(self) -> None:
        """Stop the connection loop; say ``offline`` first if connected."""
        client = self._client
        if client is not None and self.connected:
            with contextlib.suppress(*LINK_ERRORS):
                await self._delivery.send(client, self._status(STATUS_OFFLINE))
        if self._task is not None:
            await cancel_and_wait([self._task])
            self._task = None

    async def wait_connected(self, timeout_s: float) -> None:
        """Wait until the session is up (status, announce and backlog sent).

        Raises the last :class:`BrokerError` (or :class:`BrokerUnavailableError`) if it
        is not up within ``timeout_s``.
        """
        try:
            async with asyncio.timeout(timeout_s):
                await self._connected.wait()
        except TimeoutError:
            raise self._last_error or BrokerUnavailableError(
                f"no MQTT broker answered at {self.settings.host}:{self.settings.port} "
                f"within {timeout_s:g} s",
                host=self.settings.host,
                port=self.settings.port,
            ) from None

    def notify_outbox(self) -> None:
        """New rows are in the outbox: publish them now (if connected)."""
        self._delivery.wake.set()

    async def publish(self, message: OutgoingMessage) -> None:
        """Publish a live message now, or keep it for the next connection.

        Retained messages (measurement progress) are remembered per topic and only the
        latest goes out after a reconnect; others (events) are queued, oldest dropped
        beyond :data:`MAX_QUEUED_EVENTS`.
        """
        if message.retain:
            self._delivery.remember(message)
        client = self._client
        if client is not None and self.connected:
            try:
                await self._delivery.send(client, message)
            except LINK_ERRORS:
                if not message.retain:
                    self._delivery.queue_event(message)
            return
        if not message.retain:
            self._delivery.queue_event(message)

    def publish_nowait(self, message: OutgoingMessage) -> None:
        """Queue a live message for the sender and return at once (for sync callbacks).

        Same rules as :meth:`publish`. Events go out in the order they were queued;
        retained messages queued faster than they can be sent are coalesced to the
        latest per topic (progress: only the newest matters).
        """
        self._delivery.hold(message)

    async def publish_event(self, event: EventPayload, *, user: str | None = None) -> None:
        """Publish an ``event`` payload on the user's event topic (not retained)."""
        await self.publish(self._event_message(event, user))

    def publish_event_nowait(self, event: EventPayload, *, user: str | None = None) -> None:
        """:meth:`publish_event` without waiting (see :meth:`publish_nowait`)."""
        self.publish_nowait(self._event_message(event, user))

    def _event_message(self, event: EventPayload, user: str | None) -> OutgoingMessage:
        target = user if user is not None else event.user
        topic = (
            self.topics.event(target) if target in self._user_ids else self.topics.collector_event
        )
        return OutgoingMessage(topic, event.to_bytes(), qos=1, retain=False)

    async def commands(self) -> AsyncIterator[Command]:
        """Valid commands for this collector's users, in arrival order."""
        while True:
            yield await self._commands.get()

    def remember(self, message: OutgoingMessage) -> None:
        """Publish ``message`` (retained) after every reconnect, e.g. a state built at start."""
        if not message.retain:
            msg = "only retained messages are republished on reconnect"
            raise ValueError(msg)
        self._delivery.remember(message)

    async def run(self) -> None:
        """Connect, serve, and reconnect with doubling backoff until cancelled."""
        delay = self.settings.reconnect_min_s
        while True:
            session = False
            try:
                async with self._client_for_attempt() as client:
                    session = True
                    self._client = client
                    delay = self.settings.reconnect_min_s
                    await self._serve(client)
            except LINK_ERRORS as err:
                error = translate_error(
                    err, self.settings, was_connected=session, detail=self._attempt_log.problem
                )
                if session:
                    _LOGGER.warning("%s; reconnecting", error)
                elif str(error) != str(self._last_error):
                    # Said once per kind of failure, not on every retry.
                    _LOGGER.warning(
                        "%s; retrying with backoff up to %g s", error, self.settings.reconnect_max_s
                    )
                self._last_error = error
            except Exception:  # a bug must not end publishing for good: log, back off
                _LOGGER.exception("MQTT publisher failed; reconnecting")
            finally:
                self._client = None
                self._connected.clear()
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.settings.reconnect_max_s)

    async def connect_once(self) -> None:
        """One session for one-shot use: connect, send status/announce/backlog, leave.

        Raises a :class:`BrokerError` child if the broker cannot be reached or refuses.
        The collector says ``offline`` before disconnecting (it is not staying).
        """
        try:
            async with self._client_for_attempt() as client:
                self._client = client
                await self._start_session(client)
                self._connected.set()
                await self._delivery.send(client, self._status(STATUS_OFFLINE))
        except LINK_ERRORS as err:
            raise translate_error(err, self.settings, detail=self._attempt_log.problem) from err
        finally:
            self._client = None
            self._connected.clear()

    # --- the session ------------------------------------------------------------------

    def _client_for_attempt(self) -> aiomqtt.Client:
        settings = self.settings
        self._attempt_log = AttemptLog()
        return LinkClient(
            settings.host,
            settings.port,
            username=settings.username,
            password=(
                settings.password.get_secret_value() if settings.password is not None else None
            ),
            identifier=f"hrv_readiness_{self.topics.collector_id}",
            will=aiomqtt.Will(self.topics.status, STATUS_OFFLINE.encode(), qos=1, retain=True),
            # MQTT 5 for retain-as-published: only then does a command published with
            # retain=true (or the clearing of one) arrive marked as retained.
            protocol=aiomqtt.ProtocolVersion.V5,
            clean_start=True,
            keepalive=settings.keepalive_s,
            timeout=settings.timeout_s,
            # The context carries verification and host-name checking (or, with
            # tls.insecure, neither); paho reads check_hostname from it.
            tls_context=self._tls,
            logger=self._attempt_log,
        )

    async def _serve(self, client: aiomqtt.Client) -> None:
        self.connections += 1
        await self._start_session(client)
        self._last_error = None
        self._connected.set()
        _LOGGER.info("MQTT connected to %s:%d", self.settings.host, self.settings.port)
        readers = [
            asyncio.create_task(self._read_messages(client)),
            asyncio.create_task(self._delivery.drain_forever(client)),
        ]
        try:
            done, _ = await asyncio.wait(readers, return_when=asyncio.FIRST_EXCEPTION)
        finally:
            await cancel_and_wait(readers)
        for task in done:
            task.result()  # re-raise the MqttError that ended the session

    async def _start_session(self, client: aiomqtt.Client) -> None:
        # A whole outbox batch is in flight at once on purpose (pipelined QoS 1).
        client.pending_calls_threshold = 2 * OUTBOX_BATCH
        self._delivery.new_session()
        # Subscribe first so no command sent right after "online" is missed.
        await client.subscribe(
            self.topics.command_subscription,
            options=SubscribeOptions(qos=1, retainAsPublished=True),
        )
        prefix = self.settings.discovery_prefix
        if self.settings.discovery:
            await client.subscribe(discovery_status_topic(prefix), qos=1)
        else:
            # Only to clear configs an earlier discovery-on run left (retained).
            for topic in self._config_topics:
                await client.subscribe(topic, qos=1)
        send = self._delivery.send
        await send(client, self._status(STATUS_ONLINE))
        await send(
            client,
            OutgoingMessage(self.topics.announce, self._announce.to_bytes(), qos=1, retain=True),
        )
        await self._send_discovery(client)
        await self._delivery.drain(client, fresh=self._fresh_retained())

    def _fresh_retained(self) -> list[OutgoingMessage]:
        """The retained messages rebuilt for this session (see ``refresh_retained``)."""
        if self._refresh_retained is None:
            return []
        try:
            return list(self._refresh_retained())
        except StoreError as err:
            # What is remembered goes out instead; the link must not wait for the store.
            _LOGGER.error("cannot rebuild the retained state: %s", err)  # noqa: TRY400
            return []

    @property
    def _config_topics(self) -> list[str]:
        return config_topics(self.topics, self.users, prefix=self.settings.discovery_prefix)

    async def _send_discovery(self, client: aiomqtt.Client) -> None:
        if not self.settings.discovery:
            return  # leftovers are cleared as their retained configs arrive
        batch = discovery_messages(
            self.topics,
            self.users,
            prefix=self.settings.discovery_prefix,
            sw_version=self._sw_version,
        )
        await self._delivery.send_all(client, batch)

    async def _read_messages(self, client: aiomqtt.Client) -> None:
        status_topic = discovery_status_topic(self.settings.discovery_prefix)
        async for message in client.messages:
            topic = message.topic.value
            payload = message.payload if isinstance(message.payload, bytes) else b""
            if topic == status_topic:
                if payload.strip() == STATUS_ONLINE.encode() and self.settings.discovery:
                    _LOGGER.info("Home Assistant is back online: re-announcing discovery")
                    await self._send_discovery(client)
                continue
            if not self.settings.discovery and topic in self._config_topics:
                cleanup = cleanup_message(topic, payload, known=self._config_topics)
                if cleanup is not None:
                    _LOGGER.info("mqtt.discovery is off: removing the discovery config %s", topic)
                    await self._delivery.send(client, cleanup)
                continue
            try:
                await self._handle_command(topic, payload, retained=message.retain)
            except LINK_ERRORS:
                raise
            except Exception:  # a bad message must never take the link down
                _LOGGER.exception("MQTT message on %s could not be handled", topic)

    async def _handle_command(self, topic: str, payload: bytes, *, retained: bool) -> None:
        if retained and not payload:
            # ``mosquitto_pub -r -n``: a retained command being cleared, not a command.
            _LOGGER.debug("retained message on %s cleared", topic)
            return
        try:
            command = parse_command(
                topic,
                payload,
                topics=self.topics,
                users=self._user_ids,
                today=self._today(),
                retained=retained,
            )
        except InvalidCommandError as err:
            _LOGGER.warning("MQTT command on %s rejected (%s): %s", topic, err.code, err)
            await self.publish_event(rejection_event(err, at=self._now()), user=err.user)
            return
        if self._commands.qsize() >= MAX_PENDING_COMMANDS:
            busy = refusal(
                command,
                f"{MAX_PENDING_COMMANDS} commands are already waiting; try again later",
                "busy",
            )
            _LOGGER.warning("MQTT command on %s rejected (busy)", topic)
            await self.publish_event(rejection_event(busy, at=self._now()), user=command.user)
            return
        self._commands.put_nowait(command)

    # --- sending ----------------------------------------------------------------------

    def _status(self, status: str) -> OutgoingMessage:
        return OutgoingMessage(self.topics.status, status.encode(), qos=1, retain=True)
