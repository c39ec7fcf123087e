"""The MQTT link: publishes the outbox, answers commands, survives the broker going away.

Why aiomqtt 2.x rather than paho-mqtt directly: aiomqtt drives paho-mqtt 2's socket
callbacks from the asyncio loop itself (add_reader/add_writer), so there is no paho
network thread to synchronise with, every publish is an awaitable that completes on
the broker's PUBACK (exactly what an outbox needs before it marks a row sent), and
connection loss surfaces as one exception type (``MqttError``) that we translate once
into :class:`BrokerError` children here. It is pinned ``<3`` because aiomqtt 3 drops
paho. Reconnecting is our explicit loop with doubling backoff, as aiomqtt recommends,
with a fresh client per attempt so no half-sent paho state leaks across connections.

Delivery: a reading and its ``state`` message are written to SQLite in one
transaction by the store; this module publishes pending outbox rows with QoS 1 and
marks them sent only after the broker acknowledged them, so a broker outage or a
crash loses nothing (at worst a message goes out twice, which retained state and
QoS 1 consumers tolerate). After every (re)connect it republishes ``status``,
``announce``, the discovery configs (when on), the latest retained message of every
topic it knows, the pending outbox and the events queued while offline.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import ssl
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, Self

import aiomqtt
from aiomqtt.exceptions import MqttConnectError
from paho.mqtt.reasoncodes import ReasonCode
from paho.mqtt.subscribeoptions import SubscribeOptions

from hrv_readiness import __version__
from hrv_readiness.aio import cancel_and_wait
from hrv_readiness.errors import BrokerError, ConfigError, StoreError
from hrv_readiness.mqtt.commands import (
    Command,
    InvalidCommandError,
    command_name,
    parse_command,
    rejection_event,
)
from hrv_readiness.mqtt.discovery import cleanup_messages, discovery_messages
from hrv_readiness.mqtt.messages import OutgoingMessage
from hrv_readiness.mqtt.payloads import AnnouncedUser, AnnouncePayload, EventPayload
from hrv_readiness.mqtt.topics import (
    STATUS_OFFLINE,
    STATUS_ONLINE,
    Topics,
    discovery_status_topic,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Iterable, Sequence

    from hrv_readiness.mqtt.settings import MqttSettings

_LOGGER = logging.getLogger(__name__)

#: Events produced while offline (command rejections) are kept up to this many.
MAX_QUEUED_EVENTS = 1000
#: Valid commands waiting for the daemon; more are refused (``busy``), so a runaway
#: automation on a shared broker cannot queue unbounded work.
MAX_PENDING_COMMANDS = 100
#: Outbox rows fetched and published per round trip.
OUTBOX_BATCH = 100
#: After the store failed to read or mark the outbox, try again this much later.
STORE_RETRY_S = 5.0
_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


class BrokerUnavailableError(BrokerError):
    """No broker answered at host:port (down, wrong address, firewall, timeout)."""

    def __init__(self, message: str, *, host: str, port: int) -> None:
        super().__init__(message)
        self.host = host
        self.port = port


class BrokerAuthError(BrokerError):
    """The broker refused our login (user name, password or authorisation)."""

    def __init__(self, message: str, *, host: str, port: int) -> None:
        super().__init__(message)
        self.host = host
        self.port = port


class BrokerTlsError(BrokerError):
    """The TLS handshake failed, usually because the CA does not verify the broker."""

    def __init__(self, message: str, *, host: str, port: int) -> None:
        super().__init__(message)
        self.host = host
        self.port = port


class MqttConfigError(ConfigError):
    """The ``mqtt:`` settings name a file that cannot be used (CA, cert, key)."""


class PendingMessage(Protocol):
    """One outbox row, as the store returns it."""

    @property
    def id(self) -> int | None: ...
    @property
    def topic(self) -> str: ...
    @property
    def payload(self) -> bytes: ...
    @property
    def qos(self) -> int: ...
    @property
    def retain(self) -> bool: ...


class Outbox(Protocol):
    """The two store methods the publisher needs (``hrv_readiness.store.Store`` has them)."""

    def pending_outbox(self, limit: int = ...) -> Sequence[PendingMessage]: ...
    def mark_sent(self, ids: Sequence[int], /) -> None: ...


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _local_today() -> dt.date:
    return dt.datetime.now().astimezone().date()


class _ClosingSSLSocket(ssl.SSLSocket):
    """Closes itself when the handshake fails.

    paho-mqtt 2.2 drops the socket of a failed TLS handshake without closing it, so a
    collector retrying against a broker with the wrong certificate would leak one file
    descriptor per attempt until the garbage collector finds it.
    """

    def do_handshake(self, block: bool = False) -> None:
        try:
            super().do_handshake(block)
        except BaseException:
            self.close()
            raise


def tls_context(settings: MqttSettings) -> ssl.SSLContext | None:
    """The SSL context of ``settings.tls`` (``None`` for plain TCP)."""
    tls = settings.tls
    if tls is None:
        return None
    try:
        context = ssl.create_default_context(
            cafile=str(tls.ca_file) if tls.ca_file is not None else None
        )
        if tls.cert_file is not None and tls.key_file is not None:
            context.load_cert_chain(str(tls.cert_file), str(tls.key_file))
    except (OSError, ssl.SSLError) as err:
        msg = f"mqtt.tls: cannot load certificate files: {err}"
        raise MqttConfigError(msg) from err
    if tls.insecure:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    context.sslsocket_class = _ClosingSSLSocket
    return context


class _AttemptLog(logging.Logger):
    """paho's log for one connection attempt: passed on to ours, the last problem kept.

    Some failures only reach paho's log, not the exception: a broker that wants a
    client certificate accepts the TLS 1.3 handshake, then alerts on the first read,
    and the connect just times out. The kept line makes that error say why.
    """

    def __init__(self) -> None:
        super().__init__("hrv_readiness.mqtt.paho")
        self.parent = logging.getLogger("hrv_readiness.mqtt.paho")
        self.problem: str | None = None

    def handle(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING and "pending publish calls" not in record.msg:
            self.problem = record.getMessage()
        super().handle(record)


def translate_error(
    err: aiomqtt.MqttError | TimeoutError,
    settings: MqttSettings,
    *,
    was_connected: bool = False,
    detail: str | None = None,
) -> BrokerError:
    """One clear :class:`BrokerError` for whatever aiomqtt/paho raised.

    ``detail`` is what paho logged about the attempt, added when the exception itself
    says no more than that an operation timed out.
    """
    host, port = settings.host, settings.port
    text = str(err) or "timed out"
    if detail and (isinstance(err, TimeoutError) or text == "Operation timed out"):
        text = f"{text}: {detail}"
    if isinstance(err, aiomqtt.MqttCodeError) and isinstance(err.rc, ReasonCode | int):
        value = err.rc.value if isinstance(err.rc, ReasonCode) else err.rc
        # MQTT 3.1.1 CONNACK 4/5, MQTT 5 0x86/0x87.
        if isinstance(err, MqttConnectError) and value in {4, 5, 0x86, 0x87}:
            return BrokerAuthError(
                f"MQTT broker at {host}:{port} refused the login ({text}); "
                "check mqtt.username and mqtt.password",
                host=host,
                port=port,
            )
    if "CERTIFICATE_VERIFY_FAILED" in text or "SSL" in text or "TLS" in text:
        return BrokerTlsError(
            f"TLS with the MQTT broker at {host}:{port} failed ({text}); check "
            "mqtt.tls.ca_file (it must verify the broker's certificate, which must name "
            "this host) and mqtt.tls.cert_file/key_file if the broker wants a client "
            "certificate",
            host=host,
            port=port,
        )
    if was_connected:
        return BrokerUnavailableError(
            f"lost the connection to the MQTT broker at {host}:{port} ({text})",
            host=host,
            port=port,
        )
    return BrokerUnavailableError(
        f"no MQTT broker answered at {host}:{port} ({text})", host=host, port=port
    )


@dataclass(slots=True)
class _Retained:
    message: OutgoingMessage
    #: Which publication wins when an outbox row and a live message race.
    sequence: int


class Publisher:
    """The collector's MQTT connection.

    Use it as ``async with Publisher(...) as publisher:`` (runs :meth:`run` in the
    background and says ``offline`` on the way out), or run :meth:`run` yourself.
    After ``store.add_reading(...)`` call :meth:`notify_outbox`; for live messages
    (measurement progress, events) call :meth:`publish`; read commands with
    ``async for command in publisher.commands()``.
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
        now: Callable[[], dt.datetime] = _utc_now,
        today: Callable[[], dt.date] = _local_today,
    ) -> None:
        self.settings = settings
        self.topics = Topics(settings.base_topic, collector_id)
        self.users = tuple(users)
        self._user_ids = frozenset(user.id for user in self.users)
        self._outbox = outbox
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
        self._sequence = 0
        self._retained: dict[str, _Retained] = {}
        #: Retained topics whose remembered message went out on the current connection.
        self._session_sent: set[str] = set()
        for message in retained:
            self._remember(message)
        self._events: deque[OutgoingMessage] = deque(maxlen=MAX_QUEUED_EVENTS)
        self._commands: asyncio.Queue[Command] = asyncio.Queue()
        self._wake = asyncio.Event()
        self._connected = asyncio.Event()
        self._client: aiomqtt.Client | None = None
        self._last_error: BrokerError | None = None
        self._task: asyncio.Task[None] | None = None
        self._attempt_log = _AttemptLog()
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
            with contextlib.suppress(aiomqtt.MqttError, TimeoutError):
                await self._send(client, self._status(STATUS_OFFLINE))
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
        self._wake.set()

    async def publish(self, message: OutgoingMessage) -> None:
        """Publish a live message now, or keep it for the next connection.

        Retained messages (measurement progress) are remembered per topic and only the
        latest goes out after a reconnect; others (events) are queued, oldest dropped
        beyond :data:`MAX_QUEUED_EVENTS`.
        """
        if message.retain:
            self._remember(message)
        client = self._client
        if client is not None and self.connected:
            try:
                await self._send(client, message)
            except aiomqtt.MqttError:
                if not message.retain:
                    self._queue_event(message)
            return
        if not message.retain:
            self._queue_event(message)

    def publish_nowait(self, message: OutgoingMessage) -> None:
        """Queue a live message for the sender and return at once (for sync callbacks).

        Same rules as :meth:`publish`. Events go out in the order they were queued;
        retained messages queued faster than they can be sent are coalesced to the
        latest per topic (progress: only the newest matters).
        """
        if message.retain:
            self._remember(message)
        else:
            self._queue_event(message)
        self._wake.set()

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

    def _queue_event(self, message: OutgoingMessage) -> None:
        if len(self._events) == self._events.maxlen:
            _LOGGER.warning(
                "MQTT offline: more than %d events queued, dropping the oldest", MAX_QUEUED_EVENTS
            )
        self._events.append(message)

    async def commands(self) -> AsyncIterator[Command]:
        """Valid commands for this collector's users, in arrival order."""
        while True:
            yield await self._commands.get()

    def remember(self, message: OutgoingMessage) -> None:
        """Publish ``message`` (retained) after every reconnect, e.g. a state built at start."""
        if not message.retain:
            msg = "only retained messages are republished on reconnect"
            raise ValueError(msg)
        self._remember(message)

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
            except aiomqtt.MqttError as err:
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
                await self._send(client, self._status(STATUS_OFFLINE))
        except (aiomqtt.MqttError, TimeoutError) as err:
            raise translate_error(err, self.settings, detail=self._attempt_log.problem) from err
        finally:
            self._client = None
            self._connected.clear()

    # --- the session ------------------------------------------------------------------

    def _client_for_attempt(self) -> aiomqtt.Client:
        settings = self.settings
        self._attempt_log = _AttemptLog()
        return aiomqtt.Client(
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
            asyncio.create_task(self._drain_forever(client)),
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
        self._session_sent = set()
        # Subscribe first so no command sent right after "online" is missed.
        await client.subscribe(
            self.topics.command_subscription,
            options=SubscribeOptions(qos=1, retainAsPublished=True),
        )
        prefix = self.settings.discovery_prefix
        if self.settings.discovery:
            await client.subscribe(discovery_status_topic(prefix), qos=1)
        await self._send(client, self._status(STATUS_ONLINE))
        await self._send(
            client,
            OutgoingMessage(self.topics.announce, self._announce.to_bytes(), qos=1, retain=True),
        )
        await self._send_discovery(client)
        await self._drain(client)

    async def _send_discovery(self, client: aiomqtt.Client) -> None:
        prefix = self.settings.discovery_prefix
        if self.settings.discovery:
            batch = discovery_messages(
                self.topics, self.users, prefix=prefix, sw_version=self._sw_version
            )
        else:
            batch = cleanup_messages(self.topics, self.users, prefix=prefix)
        await self._send_all(client, batch)

    async def _drain_forever(self, client: aiomqtt.Client) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            await self._drain(client)

    async def _drain(self, client: aiomqtt.Client) -> None:
        """Outbox rows, then retained messages not yet sent this session, then events."""
        if self._outbox is not None:
            try:
                await self._drain_outbox(client, self._outbox)
            except StoreError as err:
                # The link stays up (status, commands, live messages); the rows wait.
                _LOGGER.error(  # noqa: TRY400 - the store error says it all
                    "MQTT outbox not readable, retrying in %g s: %s", STORE_RETRY_S, err
                )
                asyncio.get_running_loop().call_later(STORE_RETRY_S, self._wake.set)
        latest = [
            entry.message
            for topic, entry in sorted(self._retained.items(), key=lambda item: item[1].sequence)
            if topic not in self._session_sent
        ]
        await self._send_all(client, latest)
        while self._events:
            message = self._events[0]
            await self._send(client, message)
            self._events.popleft()

    async def _drain_outbox(self, client: aiomqtt.Client, outbox: Outbox) -> None:
        while True:
            rows = list(outbox.pending_outbox(OUTBOX_BATCH))
            if not rows:
                return
            messages = [
                OutgoingMessage(row.topic, bytes(row.payload), row.qos, row.retain) for row in rows
            ]
            for message in messages:
                if message.retain:
                    self._remember(message)
            await self._send_all(client, messages)
            # Only now: a row is forgotten after the broker acknowledged it.
            outbox.mark_sent([row.id for row in rows if row.id is not None])

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
            try:
                await self._handle_command(topic, payload, retained=message.retain)
            except aiomqtt.MqttError:
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
            busy = InvalidCommandError(
                f"{MAX_PENDING_COMMANDS} commands are already waiting; try again later",
                code="busy",
                user=command.user,
                command=command_name(command),
                request_id=command.request_id,
            )
            _LOGGER.warning("MQTT command on %s rejected (busy)", topic)
            await self.publish_event(rejection_event(busy, at=self._now()), user=command.user)
            return
        self._commands.put_nowait(command)

    # --- sending ----------------------------------------------------------------------

    def _status(self, status: str) -> OutgoingMessage:
        return OutgoingMessage(self.topics.status, status.encode(), qos=1, retain=True)

    def _remember(self, message: OutgoingMessage) -> None:
        self._sequence += 1
        self._retained[message.topic] = _Retained(message, self._sequence)
        self._session_sent.discard(message.topic)

    async def _send(self, client: aiomqtt.Client, message: OutgoingMessage) -> None:
        await client.publish(message.topic, message.payload, qos=message.qos, retain=message.retain)
        if message.retain:
            entry = self._retained.get(message.topic)
            if entry is not None and entry.message.payload == message.payload:
                self._session_sent.add(message.topic)

    async def _send_all(self, client: aiomqtt.Client, messages: Sequence[OutgoingMessage]) -> None:
        """Publish a batch pipelined (in order on the wire), wait for every PUBACK."""
        if not messages:
            return
        results = await asyncio.gather(
            *(self._send(client, message) for message in messages), return_exceptions=True
        )
        for result in results:
            if isinstance(result, BaseException):
                raise result


async def publish_pending(
    settings: MqttSettings,
    collector_id: str,
    users: Sequence[AnnouncedUser],
    store: Outbox | None,
    *,
    timeout_s: float = 3.0,
    retained: Iterable[OutgoingMessage] = (),
) -> int:
    """Connect once, publish status, announce, ``retained`` and the pending outbox, leave.

    For one-shot use (``make demo``, ``hrv-collector publish``). Returns how many outbox
    rows were published. Raises :class:`BrokerUnavailableError` ("no MQTT broker answered
    at localhost:1883 ...") if nothing answers within ``timeout_s``, and the other
    :class:`BrokerError` children for a refused login or a failed TLS handshake.
    """
    counter = _CountingOutbox(store) if store is not None else None
    publisher = Publisher(
        settings.model_copy(update={"timeout_s": min(settings.timeout_s, timeout_s)}),
        collector_id=collector_id,
        users=users,
        outbox=counter,
        retained=retained,
    )
    try:
        async with asyncio.timeout(timeout_s):
            await publisher.connect_once()
    except TimeoutError:
        raise translate_error(
            TimeoutError(f"no answer within {timeout_s:g} s"),
            settings,
            detail=publisher.attempt_problem,
        ) from None
    return counter.sent if counter is not None else 0


class _CountingOutbox:
    def __init__(self, store: Outbox) -> None:
        self._store = store
        self.sent = 0

    def pending_outbox(self, limit: int = OUTBOX_BATCH) -> Sequence[PendingMessage]:
        return self._store.pending_outbox(limit)

    def mark_sent(self, ids: Sequence[int], /) -> None:
        self._store.mark_sent(ids)
        self.sent += len(ids)
