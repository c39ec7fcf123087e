"""What goes out on a connection, and in which order: the publisher's delivery policy.

* Outbox rows (written by the store in the same transaction as their cause) are
  published with QoS 1, pipelined, and marked sent only after the broker's PUBACK, so
  an outage or a crash loses nothing (at worst a row goes out twice).
* Retained messages are remembered per topic: after every (re)connect the latest of
  each goes out once; one superseded before it could be sent is never sent.
* Events (not retained) made while offline are queued, oldest dropped beyond
  :data:`MAX_QUEUED_EVENTS`, and go out in order after the reconnect.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from hrv_readiness.errors import StoreError
from hrv_readiness.mqtt.messages import OutgoingMessage

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Sequence

    import aiomqtt

_LOGGER = logging.getLogger(__name__)

#: Events produced while offline (command rejections) are kept up to this many.
MAX_QUEUED_EVENTS = 1000
#: Outbox rows fetched and published per round trip.
OUTBOX_BATCH = 100
#: After the store failed to read or mark the outbox, try again this much later.
STORE_RETRY_S = 5.0


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


@dataclass(slots=True)
class _Retained:
    message: OutgoingMessage
    #: Which publication wins when an outbox row and a live message race.
    sequence: int


class Delivery:
    """The messages waiting for a connection, and how they are sent on one."""

    def __init__(
        self,
        outbox: Outbox | None,
        retained: Iterable[OutgoingMessage] = (),
    ) -> None:
        self.outbox = outbox
        self._sequence = 0
        self._retained: dict[str, _Retained] = {}
        #: Retained topics whose remembered message went out on the current connection.
        self._session_sent: set[str] = set()
        self._events: deque[OutgoingMessage] = deque(maxlen=MAX_QUEUED_EVENTS)
        #: Set when there is something to send (new outbox rows, a live message).
        self.wake = asyncio.Event()
        for message in retained:
            self.remember(message)

    def new_session(self) -> None:
        """A new connection: every remembered retained message is due again."""
        self._session_sent = set()

    def remember(self, message: OutgoingMessage) -> None:
        """Keep ``message`` as the latest of its (retained) topic."""
        self._sequence += 1
        self._retained[message.topic] = _Retained(message, self._sequence)
        self._session_sent.discard(message.topic)

    def queue_event(self, message: OutgoingMessage) -> None:
        if len(self._events) == self._events.maxlen:
            _LOGGER.warning(
                "MQTT offline: more than %d events queued, dropping the oldest", MAX_QUEUED_EVENTS
            )
        self._events.append(message)

    def hold(self, message: OutgoingMessage) -> None:
        """Keep a live message for the sender (retained: latest per topic; events: queued)."""
        if message.retain:
            self.remember(message)
        else:
            self.queue_event(message)
        self.wake.set()

    async def send(self, client: aiomqtt.Client, message: OutgoingMessage) -> None:
        """Publish one message and wait for its PUBACK."""
        await client.publish(message.topic, message.payload, qos=message.qos, retain=message.retain)
        if message.retain:
            entry = self._retained.get(message.topic)
            if entry is not None and entry.message.payload == message.payload:
                self._session_sent.add(message.topic)

    async def send_all(self, client: aiomqtt.Client, messages: Sequence[OutgoingMessage]) -> None:
        """Publish a batch pipelined (in order on the wire), wait for every PUBACK."""
        if not messages:
            return
        results = await asyncio.gather(
            *(self.send(client, message) for message in messages), return_exceptions=True
        )
        for result in results:
            if isinstance(result, BaseException):
                raise result

    async def drain(self, client: aiomqtt.Client, *, fresh: Sequence[OutgoingMessage] = ()) -> None:
        """Outbox rows, then retained messages not yet sent this session, then events.

        ``fresh`` are retained messages rebuilt just now (the state as of now, at the
        start of a session): they replace what is remembered, and pending outbox rows
        of their topics are older by definition, so those are marked sent unsent.
        """
        if self.outbox is not None:
            try:
                await self._drain_outbox(client, self.outbox, {m.topic for m in fresh})
            except StoreError as err:
                # The link stays up (status, commands, live messages); the rows wait.
                _LOGGER.error(  # noqa: TRY400 - the store error says it all
                    "MQTT outbox not readable, retrying in %g s: %s", STORE_RETRY_S, err
                )
                asyncio.get_running_loop().call_later(STORE_RETRY_S, self.wake.set)
        for message in fresh:
            self.remember(message)
        latest = [
            entry.message
            for topic, entry in sorted(self._retained.items(), key=lambda item: item[1].sequence)
            if topic not in self._session_sent
        ]
        await self.send_all(client, latest)
        while self._events:
            message = self._events[0]
            await self.send(client, message)
            self._events.popleft()

    async def drain_forever(self, client: aiomqtt.Client) -> None:
        while True:
            await self.wake.wait()
            self.wake.clear()
            await self.drain(client)

    async def _drain_outbox(
        self, client: aiomqtt.Client, outbox: Outbox, superseded: Collection[str] = ()
    ) -> None:
        while True:
            rows = list(outbox.pending_outbox(OUTBOX_BATCH))
            if not rows:
                return
            messages = [
                OutgoingMessage(row.topic, bytes(row.payload), row.qos, row.retain)
                for row in rows
                if not (row.retain and row.topic in superseded)
            ]
            for message in messages:
                if message.retain:
                    self.remember(message)
            await self.send_all(client, messages)
            # Only now: a row is forgotten after the broker acknowledged it.
            outbox.mark_sent([row.id for row in rows if row.id is not None])
