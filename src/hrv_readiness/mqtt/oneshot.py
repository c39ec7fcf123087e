"""One-shot publishing: connect once, publish what is pending, leave.

For ``make demo`` and ``hrv-collector publish``: the same session start as the
daemon's (status, announce, discovery, retained, outbox), then ``offline``.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from hrv_readiness.mqtt.delivery import OUTBOX_BATCH
from hrv_readiness.mqtt.errors import translate_error
from hrv_readiness.mqtt.publisher import Publisher

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from hrv_readiness.mqtt.delivery import Outbox, PendingMessage
    from hrv_readiness.mqtt.messages import OutgoingMessage
    from hrv_readiness.mqtt.payloads import AnnouncedUser
    from hrv_readiness.mqtt.settings import MqttSettings


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
