"""The collector's routine sink: a morning routine's events, published over MQTT.

The only place the routine's typed events become the contract's payloads:

* :class:`~hrv_readiness.routine.MeasurementStatus` → retained ``measurement``;
* :class:`~hrv_readiness.routine.MeasurementOutcome` → an ``event``;
* :class:`~hrv_readiness.routine.StandUpCue` → an ``event`` of type ``stand_up`` (v1.6);
* :class:`~hrv_readiness.routine.StateChanged` → the retained ``state`` and then the
  ``history`` (:func:`~hrv_readiness.mqtt.changed.changed_outbox`), queued in the
  store's outbox; a user without a reading (the only one deleted) has both cleared
  (v1.7). The state at start is not queued: the publisher republishes every state and
  history as of now at each connect.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from hrv_readiness.errors import StoreError
from hrv_readiness.mqtt.changed import changed_outbox
from hrv_readiness.mqtt.messages import OutgoingMessage
from hrv_readiness.mqtt.payloads import DetailValue, EventPayload, MeasurementPayload
from hrv_readiness.routine.events import (
    MeasurementOutcome,
    MeasurementStatus,
    StandUpCue,
    StateCause,
    StateChanged,
)

if TYPE_CHECKING:
    from hrv_readiness.mqtt.publisher import Publisher
    from hrv_readiness.mqtt.topics import Topics
    from hrv_readiness.routine.events import RoutineEvent
    from hrv_readiness.store import Store

_LOGGER = logging.getLogger(__name__)


def measurement_payload(status: MeasurementStatus) -> MeasurementPayload:
    return MeasurementPayload(
        state=status.phase.value,  # Phase mirrors the Literal
        elapsed_s=max(status.elapsed_s, 0.0),
        total_s=status.total_s,
        progress_pct=status.progress_pct,
        heart_rate_bpm=status.heart_rate_bpm,
        beats=status.beats,
        artifacts=status.artifacts,
        reason=status.reason,
        updated_at=status.at.astimezone(dt.UTC),
    )


def measurement_message(topics: Topics, status: MeasurementStatus) -> OutgoingMessage:
    """The retained QoS 1 ``measurement`` message of a status."""
    payload = measurement_payload(status)
    return OutgoingMessage(topics.measurement(status.user), payload.to_bytes(), qos=1, retain=True)


def outcome_payload(outcome: MeasurementOutcome) -> EventPayload:
    detail: dict[str, DetailValue] = {}
    if outcome.reason is not None:
        detail["reason"] = outcome.reason
    if outcome.failure is not None:
        detail["failure"] = outcome.failure.value
    return EventPayload(
        type=outcome.outcome.value,  # Outcome mirrors the Literal
        user=outcome.user,
        at=outcome.at.astimezone(dt.UTC),
        detail=detail,
    )


def stand_up_payload(cue: StandUpCue) -> EventPayload:
    """The cue of an orthostatic test as an ``event`` (type ``stand_up``)."""
    return EventPayload(
        type="stand_up",
        user=cue.user,
        at=cue.at.astimezone(dt.UTC),
        detail={"requested": cue.requested},
    )


class MqttSink:
    """Publishes a routine's events through the collector's publisher and outbox."""

    def __init__(self, publisher: Publisher, store: Store, topics: Topics) -> None:
        self._publisher = publisher
        self._store = store
        self._topics = topics

    def emit(self, event: RoutineEvent) -> None:
        if isinstance(event, MeasurementStatus):
            self._publisher.publish_nowait(measurement_message(self._topics, event))
        elif isinstance(event, MeasurementOutcome):
            self._publisher.publish_event_nowait(outcome_payload(event))
        elif isinstance(event, StandUpCue):
            self._publisher.publish_event_nowait(stand_up_payload(event))
        elif event.cause is not StateCause.RESTORED:
            self._queue_state(event)

    def _queue_state(self, event: StateChanged) -> None:
        published_at = event.at.astimezone(dt.UTC)
        try:
            # The history follows every state: a change recomputes past mornings too.
            self._store.enqueue(
                changed_outbox(
                    self._store,
                    self._topics,
                    event.user,
                    reading=event.reading,
                    readiness=event.readiness,
                    published_at=published_at,
                )
            )
        except StoreError as err:
            # The reading is stored; the state goes out at the next connect anyway.
            _LOGGER.error("state of %s not queued: %s", event.user, err)  # noqa: TRY400
            return
        self._publisher.notify_outbox()
