"""The long-lived collector: several users, their straps, MQTT commands, one process.

``hrv-collector run --config FILE`` starts :class:`Daemon`. It is the only part of the
collector that sees the whole config; everything it does goes through the same
pieces the CLI uses:

* one *user loop* per user: inside the morning window it looks for the user's strap
  and measures it (``hrv_readiness.ble.session.run_measurement``) once per day — a strap
  that appears with skin contact is measured, a strap that is not there is looked
  for again after ``poll_interval_s``. A rejected reading (too many artifacts) does
  not count: the user is asked to measure again and the loop keeps trying. A
  ``measure`` command measures now, inside or outside the window.
* one *command loop*: ``measure``, ``wellness``, ``training`` and ``recompute`` from
  MQTT (already validated by ``hrv_readiness.mqtt.commands``; invalid ones were answered
  with ``command_rejected`` there). Wellness and training entries are stored and the
  user's state is recomputed. A store error (locked, read-only, damaged file) rejects
  that one command (``store_unavailable``); the daemon and every other user carry on.
* the ``state`` of every user is the state *as of now* (``pipeline.current_state``),
  rebuilt at every (re)connect, exactly what a ``recompute`` publishes; the retained
  ``measurement`` says ``idle`` at start and at shutdown.
* the :class:`~hrv_readiness.mqtt.publisher.Publisher` drains the store's outbox, so a
  reading is stored before it is published and survives a broker outage.

Shutdown (SIGTERM/SIGINT): a running measurement is abandoned (nothing of it is
stored: a reading is written in one transaction only once it is complete), a write in
progress finishes (writes are synchronous SQLite transactions the loop never
interrupts), the collector says ``offline`` and the database is closed.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hrv_readiness.aio import cancel_and_wait
from hrv_readiness.ble.models import Progress, Recording, SessionEvent, SessionState
from hrv_readiness.ble.session import run_measurement
from hrv_readiness.errors import HrvError, StoreError
from hrv_readiness.mqtt.commands import (
    InvalidCommandError,
    MeasureCommand,
    RecomputeCommand,
    TrainingCommand,
    WellnessCommand,
    accepted_event,
    command_name,
    rejection_event,
)
from hrv_readiness.mqtt.history import history_messages
from hrv_readiness.mqtt.messages import OutgoingMessage
from hrv_readiness.mqtt.payloads import (
    AnnouncedUser,
    EventPayload,
    MeasurementPayload,
    StatePayload,
)
from hrv_readiness.mqtt.publisher import Publisher
from hrv_readiness.mqtt.state import state_message
from hrv_readiness.mqtt.topics import Topics
from hrv_readiness.pipeline import RecordingInput, current_state, process_recording
from hrv_readiness.store import OutboxMessage, Store
from hrv_readiness.store.changes import record_training, record_wellness
from hrv_readiness.store.verdicts import reassess

if TYPE_CHECKING:
    from collections.abc import Callable

    from hrv_readiness.ble.source import StrapSource
    from hrv_readiness.config import Config, UserSection
    from hrv_readiness.mqtt.commands import Command
    from hrv_readiness.pipeline import ProcessedReading

_LOGGER = logging.getLogger(__name__)

#: Progress is published at most this often (retained topic; HA shows it live).
_PROGRESS_INTERVAL_S = 2.0


def strap_source_for(user: UserSection) -> StrapSource:
    """The bleak strap of a configured user (imported here: bleak only when measuring)."""
    from hrv_readiness.ble.strap import BleakStrapSource  # noqa: PLC0415 - keep bleak lazy

    strap = user.strap
    if strap is None:
        msg = f"user {user.id!r} has no strap in the config"
        raise HrvError(msg)
    return BleakStrapSource(address=strap.address, name=strap.name_pattern)


@dataclass
class _UserRuntime:
    user: UserSection
    source: StrapSource
    measure_now: asyncio.Event = field(default_factory=asyncio.Event)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    last_progress_s: float = 0.0
    #: The latest progress of the measurement under way (None before recording).
    last_progress: Progress | None = None


class Daemon:
    """Everything ``hrv-collector run`` does, with the clock and straps injectable."""

    def __init__(
        self,
        config: Config,
        *,
        source_factory: Callable[[UserSection], StrapSource] = strap_source_for,
        now: Callable[[], dt.datetime] | None = None,
        poll_interval_s: float = 30.0,
    ) -> None:
        self.config = config
        # The household's clock (collector.timezone, else the machine's) dates mornings.
        self._now = now or config.collector.now
        self._poll_interval_s = poll_interval_s
        self._users = {
            user.id: _UserRuntime(user=user, source=source_factory(user)) for user in config.users
        }
        self._store: Store | None = None
        self._publisher: Publisher | None = None
        self.readings_stored = 0

    # --- lifecycle --------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Run until ``stop`` is set, then shut down cleanly."""
        path = self.config.storage.database_path
        _LOGGER.info("opening history database %s", path)
        with Store.open(path) as store:
            self._store = store
            publisher = Publisher(
                self.config.mqtt,
                collector_id=self.config.collector.id,
                users=[AnnouncedUser(id=u.id, name=u.display_name) for u in self.config.users],
                outbox=store,
                name=self.config.collector.display_name,
                # Rebuilt at every (re)connect: the state as of now, whoever wrote last.
                refresh_retained=lambda: self._latest_states(store),
                now=lambda: self._now().astimezone(dt.UTC),
                today=lambda: self._now().date(),
            )
            self._publisher = publisher
            # Nothing is being measured yet, whatever a killed collector left retained.
            for user_id in self._users:
                publisher.publish_nowait(self._idle_message(user_id))
            async with publisher, asyncio.TaskGroup() as tasks:
                workers = [
                    tasks.create_task(self._user_loop(runtime), name=f"user-{user_id}")
                    for user_id, runtime in self._users.items()
                ]
                workers.append(tasks.create_task(self._command_loop(), name="commands"))
                _LOGGER.info(
                    "collector %s running for %s",
                    self.config.collector.id,
                    ", ".join(self._users),
                )
                await stop.wait()
                _LOGGER.info("shutting down")
                await cancel_and_wait(workers)
                # A measurement cut short by the shutdown is not going on any more.
                for user_id in self._users:
                    with contextlib.suppress(HrvError):
                        await publisher.publish(self._idle_message(user_id))
            self._publisher = None
            self._store = None
        _LOGGER.info("stopped; database closed")

    def _latest_states(self, store: Store) -> list[OutgoingMessage]:
        """The state of every user as of now (recomputed), republished after each reconnect.

        Not the verdict stored at measurement time: a wellness or training entry made
        since then has changed it, and the state must say what a ``recompute`` says.
        """
        messages = []
        for user_id in self._users:
            payload = self._current_state(store, user_id)
            if payload is not None:
                messages.append(state_message(self._topics, payload))
        # The mornings before, for charts (retained; after the states on the wire).
        messages.extend(
            history_messages(
                store,
                self._topics,
                list(self._users),
                published_at=self._now().astimezone(dt.UTC),
            )
        )
        return messages

    def _current_state(self, store: Store, user_id: str) -> StatePayload | None:
        return current_state(
            store,
            user=user_id,
            settings=self.config.readiness_for(user_id),
            topics=self._topics,
            published_at=self._now().astimezone(dt.UTC),
        )

    @property
    def _topics(self) -> Topics:
        return Topics(self.config.mqtt.base_topic, self.config.collector.id)

    # --- the morning --------------------------------------------------------------------

    def _in_morning_window(self, now: dt.datetime) -> bool:
        window = self.config.measurement.morning_window
        return window.start <= now.time().replace(tzinfo=None) < window.end

    def _measured_today(self, user_id: str, today: dt.date) -> bool:
        assert self._store is not None  # noqa: S101 - set by run()
        return any(r.usable for r in self._store.readings(user_id, since=today))

    def _due(self, user_id: str) -> bool:
        """True when the morning routine should measure ``user_id`` now."""
        now = self._now()
        return (
            self.config.measurement.automatic
            and self._in_morning_window(now)
            and not self._measured_today(user_id, now.date())
        )

    async def _user_loop(self, runtime: _UserRuntime) -> None:
        user_id = runtime.user.id
        while True:
            requested = runtime.measure_now.is_set()
            try:
                automatic = self._due(user_id)
            except StoreError as err:
                # Not knowing whether today is measured is no reason to stop: ask again.
                _LOGGER.error("%s: %s; trying again later", user_id, err)  # noqa: TRY400
                automatic = False
            if requested or automatic:
                runtime.measure_now.clear()
                await self.measure(user_id, requested=requested)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._poll_interval_s):
                    await runtime.measure_now.wait()

    async def measure(self, user_id: str, *, requested: bool = False) -> ProcessedReading | None:
        """One measurement of ``user_id``'s strap, stored and published; None if none."""
        runtime = self._users[user_id]
        async with runtime.lock:
            return await self._measure_locked(runtime, requested=requested)

    async def _measure_locked(
        self, runtime: _UserRuntime, *, requested: bool
    ) -> ProcessedReading | None:
        user_id = runtime.user.id
        settings = self.config.measurement.session_settings()
        _LOGGER.info("measuring %s (%s)", user_id, "requested" if requested else "morning window")

        def on_event(event: SessionEvent) -> None:
            self._publish_progress(runtime, event, settings.duration_s)

        runtime.last_progress = None
        runtime.last_progress_s = 0.0
        self._publish_event(user_id, "measurement_started")
        result = await run_measurement(runtime.source, settings, on_event=on_event)
        if result.recording is not None:
            self._publish_complete(runtime, result.recording)
        if result.recording is None:
            level = logging.WARNING if requested else logging.INFO
            _LOGGER.log(level, "measurement of %s %s: %s", user_id, result.state, result.reason)
            if requested or result.state is SessionState.FAILED:
                self._publish_event(
                    user_id, "measurement_failed", reason=result.reason or str(result.state)
                )
            return None
        return self._store_recording(user_id, result.recording)

    def _store_recording(self, user_id: str, recording: Recording) -> ProcessedReading | None:
        assert self._store is not None  # noqa: S101
        try:
            processed = process_recording(
                self._store,
                RecordingInput(
                    user=user_id,
                    rr_ms=recording.rr_ms,
                    measured_at=recording.started_at,
                    # The daemon's clock decides which morning this is (injectable).
                    date=self._now().date(),
                    strap_name=recording.strap_name,
                    strap_address=recording.strap_address,
                    battery_pct=recording.battery_pct,
                    segment_starts=recording.segment_starts,
                ),
                settings=self.config.readiness_for(user_id),
                topics=self._topics,
                published_at=self._now().astimezone(dt.UTC),
                artifact_reject_pct=self.config.measurement.artifact_reject_pct,
                max_uncertainty_pct=self.config.measurement.max_uncertainty_pct,
            )
        except StoreError as err:
            _LOGGER.error("reading of %s could not be stored: %s", user_id, err)  # noqa: TRY400
            self._publish_event(
                user_id, "measurement_failed", reason=f"the reading could not be stored: {err}"
            )
            return None
        except HrvError as err:
            _LOGGER.warning("reading of %s not usable: %s", user_id, err)
            self._publish_event(user_id, "measurement_rejected", reason=str(err))
            return None
        self.readings_stored += 1
        if self._publisher is not None:
            self._publisher.notify_outbox()
            # Sent after the outbox (the new state), so a chart never runs ahead of it.
            for message in history_messages(
                self._store,
                self._topics,
                [user_id],
                published_at=self._now().astimezone(dt.UTC),
            ):
                self._publisher.publish_nowait(message)
        if processed.hrv.usable:
            readiness = processed.readiness
            _LOGGER.info(
                "%s: lnRMSSD %.2f, resting HR %.0f bpm → %s (%s)",
                user_id,
                processed.hrv.ln_rmssd,
                processed.hrv.mean_hr_bpm,
                readiness.status if readiness else "no verdict",
                readiness.fatigue_type if readiness else "-",
            )
            self._publish_event(user_id, "measurement_completed")
        else:
            _LOGGER.warning("%s: reading rejected: %s", user_id, processed.hrv.quality.reason)
            self._publish_event(
                user_id, "measurement_rejected", reason=processed.hrv.quality.reason or ""
            )
        return processed

    def _publish_progress(self, runtime: _UserRuntime, event: SessionEvent, total_s: float) -> None:
        if self._publisher is None or event.state is SessionState.COMPLETE:
            return  # complete: published with the recording's numbers by _measure_locked
        loop = asyncio.get_running_loop()
        progress = event.progress
        if progress is not None:
            runtime.last_progress = progress
            if loop.time() - runtime.last_progress_s < _PROGRESS_INTERVAL_S:
                return
            runtime.last_progress_s = loop.time()
        # A state change keeps the numbers recorded so far (0 before recording).
        shown = progress or runtime.last_progress
        ended = event.state in {SessionState.ABORTED, SessionState.FAILED}
        message = self._measurement_message(
            runtime.user.id,
            "connecting" if event.state is SessionState.RECONNECTING else event.state.value,
            elapsed_s=shown.elapsed_s if shown else 0.0,
            total_s=shown.total_s if shown else total_s,
            heart_rate_bpm=shown.heart_rate_bpm if shown else None,
            beats=shown.beats if shown else 0,
            artifacts=shown.artifacts if shown else 0,
            reason=(event.message or None) if ended else None,
        )
        self._publisher.publish_nowait(message)

    def _publish_complete(self, runtime: _UserRuntime, recording: Recording) -> None:
        last = runtime.last_progress
        if self._publisher is None:
            return
        message = self._measurement_message(
            runtime.user.id,
            "complete",
            elapsed_s=recording.duration_s,
            total_s=self.config.measurement.duration_s,
            heart_rate_bpm=last.heart_rate_bpm if last else None,
            beats=len(recording.rr_ms),
            artifacts=last.artifacts if last else 0,
        )
        self._publisher.publish_nowait(message)

    def _idle_message(self, user_id: str) -> OutgoingMessage:
        return self._measurement_message(
            user_id, "idle", elapsed_s=0.0, total_s=self.config.measurement.duration_s
        )

    def _measurement_message(
        self,
        user_id: str,
        state: str,
        *,
        elapsed_s: float,
        total_s: float,
        heart_rate_bpm: int | None = None,
        beats: int = 0,
        artifacts: int = 0,
        reason: str | None = None,
    ) -> OutgoingMessage:
        if state == "complete":
            progress_pct = 100
        elif total_s > 0:
            progress_pct = int(100 * min(elapsed_s / total_s, 1.0))
        else:
            progress_pct = 0
        payload = MeasurementPayload(
            state=state,  # type: ignore[arg-type]
            elapsed_s=max(elapsed_s, 0.0),
            total_s=total_s,
            progress_pct=progress_pct,
            heart_rate_bpm=heart_rate_bpm,
            beats=beats,
            artifacts=artifacts,
            reason=reason,
            updated_at=self._now().astimezone(dt.UTC),
        )
        return OutgoingMessage(
            self._topics.measurement(user_id), payload.to_bytes(), qos=1, retain=True
        )

    def _publish_event(self, user_id: str, kind: str, **detail: str) -> None:
        publisher = self._publisher
        if publisher is None:
            return
        event = EventPayload(
            type=kind,  # type: ignore[arg-type]
            user=user_id,
            at=self._now().astimezone(dt.UTC),
            detail=dict(detail),
        )
        publisher.publish_event_nowait(event)

    # --- commands -----------------------------------------------------------------------

    async def _command_loop(self) -> None:
        assert self._publisher is not None  # noqa: S101
        async for command in self._publisher.commands():
            try:
                await self.handle(command)
            except Exception:  # one command must never stop the others (or the daemon)
                _LOGGER.exception("command %s for %s failed", type(command).__name__, command.user)

    async def handle(self, command: Command) -> None:
        """Act on one validated command and answer it (accepted, or rejected with why)."""
        assert self._store is not None  # noqa: S101
        publisher = self._publisher
        try:
            self._act_on(command)
        except StoreError as err:
            _LOGGER.error(  # noqa: TRY400 - the store error says it all
                "command %s for %s not carried out: %s", type(command).__name__, command.user, err
            )
            if publisher is not None:
                refused = InvalidCommandError(
                    f"not carried out, nothing changed: {err}",
                    code="store_unavailable",
                    user=command.user,
                    command=command_name(command),
                    request_id=command.request_id,
                )
                await publisher.publish_event(
                    rejection_event(refused, at=self._now().astimezone(dt.UTC)),
                    user=command.user,
                )
            return
        _LOGGER.info("command %s for %s accepted", type(command).__name__, command.user)
        if publisher is not None:
            await publisher.publish_event(
                accepted_event(command, at=self._now().astimezone(dt.UTC)), user=command.user
            )

    def _act_on(self, command: Command) -> None:
        assert self._store is not None  # noqa: S101
        if isinstance(command, MeasureCommand):
            runtime = self._users[command.user]
            # A measurement already under way answers the request; do not queue a second.
            if not runtime.lock.locked():
                runtime.measure_now.set()
        elif isinstance(command, WellnessCommand):
            record_wellness(
                self._store,
                command.entry(),
                settings=self.config.readiness_for(command.user),
                at=self._now().astimezone(dt.UTC),
            )
            self.recompute(command.user)
        elif isinstance(command, TrainingCommand):
            record_training(
                self._store, command.entry(), settings=self.config.readiness_for(command.user)
            )
            self.recompute(command.user)
        elif isinstance(command, RecomputeCommand):
            reassess(
                self._store,
                command.user,
                since=None,
                settings=self.config.readiness_for(command.user),
            )
            self.recompute(command.user)

    def recompute(self, user_id: str) -> bool:
        """Re-assess the user's latest usable reading with today's entries; queue its state."""
        store = self._store
        assert store is not None  # noqa: S101
        payload = self._current_state(store, user_id)
        if payload is None:
            return False
        message = state_message(self._topics, payload)
        store.enqueue(
            [
                OutboxMessage(
                    topic=message.topic,
                    payload=message.payload,
                    qos=1,
                    retain=True,
                    created_at=payload.published_at,
                )
            ]
        )
        if self._publisher is not None:
            self._publisher.notify_outbox()
        return True
