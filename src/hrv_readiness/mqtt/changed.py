"""What goes out after a person's history changed: the state as of now, then the history.

The one place both are built for the outbox, so the retained ``history`` is republished
whenever the ``state`` is: after a reading, a questionnaire, a training entry, a
back-fill or import, a deletion, rename, removal or undo — whether the daemon's routine
made the change (:class:`~hrv_readiness.mqtt.sink.MqttSink`) or ``hrv-collector`` did on
the daemon's database (``queue_state``). The history carries every morning's verdict
as the store now holds it (recomputed from the changed morning on), so a consumer that
imports it (Home Assistant's long-term statistics) replaces a changed morning's score.
A user left without readings gets both cleared (empty retained payloads, v1.7).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hrv_readiness.mqtt.history import user_history_message
from hrv_readiness.mqtt.state import (
    cleared_state_message,
    outbox_message,
    state_message,
    state_payload,
)

if TYPE_CHECKING:
    import datetime as dt

    from hrv_readiness.mqtt.topics import Topics
    from hrv_readiness.readiness import Readiness
    from hrv_readiness.store import OutboxMessage, Store, StoredReading


def changed_outbox(
    store: Store,
    topics: Topics,
    user: str,
    *,
    reading: StoredReading | None,
    readiness: Readiness | None,
    published_at: dt.datetime,
) -> list[OutboxMessage]:
    """``user``'s state (``reading`` ``None``: cleared) and history, in that order.

    The history follows the state on the wire, so a chart never runs ahead of it.
    """
    if reading is None:
        state = cleared_state_message(topics, user)
    else:
        payload = state_payload(
            collector_id=topics.collector_id,
            reading=reading,
            readiness=readiness,
            published_at=published_at,
        )
        state = state_message(topics, payload)
    history = user_history_message(store, topics, user, published_at=published_at)
    return [outbox_message(message, created_at=published_at) for message in (state, history)]
