"""The long-lived collector: several users, their straps, MQTT commands, one process.

``hrv-collector run --config FILE`` starts :class:`Daemon`. It is the only part of the
collector that sees the whole config; everything it does goes through the same
pieces the CLI uses:

* one *user loop* per user, around the user's
  :class:`~hrv_readiness.routine.MorningRoutine` (the same object Home Assistant's
  Bluetooth mode runs): the routine decides whether the morning wants a measurement
  (inside the window, once a day, a failed attempt retried after ``RETRY_AFTER``) and
  measures the user's strap; the loop only wakes it every ``poll_interval_s`` (and then
  sends what the command line queued in the outbox meanwhile). A
  rejected reading (too many artifacts) does not count: the user is asked to measure
  again. A ``measure`` command measures now, inside or outside the window. The
  routine's typed events are published by :class:`~hrv_readiness.mqtt.sink.MqttSink`.
* one *command loop*: ``measure``, ``wellness``, ``training``, ``recompute`` and the
  corrections (``delete``, ``undo``, ``rename``, ``remove``) from MQTT (already
  validated by ``hrv_readiness.mqtt.commands``; invalid ones were answered
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
from hrv_readiness.errors import HrvError, StoreError
from hrv_readiness.mqtt.commands import (
    DeleteCommand,
    InvalidCommandError,
    MeasureCommand,
    RecomputeCommand,
    RejectionCode,
    RemoveCommand,
    RenameCommand,
    TrainingCommand,
    UndoCommand,
    WellnessCommand,
    accepted_event,
    refusal,
    rejection_event,
)
from hrv_readiness.mqtt.history import history_messages
from hrv_readiness.mqtt.payloads import AnnouncedUser
from hrv_readiness.mqtt.publisher import Publisher
from hrv_readiness.mqtt.sink import MqttSink, measurement_message
from hrv_readiness.mqtt.state import cleared_state_message, state_message, state_payload
from hrv_readiness.mqtt.topics import Topics
from hrv_readiness.pipeline import current_state
from hrv_readiness.routine import MorningRoutine, RoutineSettings
from hrv_readiness.store import Store
from hrv_readiness.store.changes import HistoryChangeError, NameTakenError
from hrv_readiness.store.verdicts import reassess

if TYPE_CHECKING:
    from collections.abc import Callable

    from hrv_readiness.ble.source import StrapSource
    from hrv_readiness.config import Config, UserSection
    from hrv_readiness.mqtt.commands import Command
    from hrv_readiness.mqtt.messages import OutgoingMessage
    from hrv_readiness.pipeline import ProcessedReading

_LOGGER = logging.getLogger(__name__)


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
    routine: MorningRoutine
    measure_now: asyncio.Event = field(default_factory=asyncio.Event)
    #: The requested measurement is an orthostatic test.
    measure_orthostatic: bool = False


class Daemon:
    """Everything ``hrv-collector run`` does, with the clock and straps injectable.

    Each user's morning is a :class:`~hrv_readiness.routine.MorningRoutine` whose
    events an :class:`~hrv_readiness.mqtt.sink.MqttSink` publishes; the daemon wakes
    the routines every ``poll_interval_s`` (they decide whether the morning wants a
    measurement) and hands them the MQTT commands.
    """

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
        self._sources = {user.id: source_factory(user) for user in config.users}
        self._users: dict[str, _UserRuntime] = {}
        self._store: Store | None = None
        self._publisher: Publisher | None = None
        self.readings_stored = 0
        #: How often the user loops have asked their routines (tests wait on it).
        self.polls = 0

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
            sink = MqttSink(publisher, store, self._topics)
            self._users = {
                user.id: _UserRuntime(self._routine(user, store, sink))
                for user in self.config.users
            }
            # The stored verdicts follow this config's readiness settings (they may have
            # changed since the history was written), so `report` and the state agree.
            for user in self.config.users:
                changed = await asyncio.to_thread(
                    reassess,
                    store,
                    user.id,
                    since=None,
                    settings=self.config.readiness_for(user.id),
                )
                if changed:
                    _LOGGER.info("%s: %d stored verdict(s) recomputed", user.id, changed)
            # Nothing is being measured yet, whatever a killed collector left retained.
            for runtime in self._users.values():
                await runtime.routine.start()
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
                for runtime in self._users.values():
                    with contextlib.suppress(HrvError):
                        idle = runtime.routine.idle_status()
                        await publisher.publish(measurement_message(self._topics, idle))
            self._publisher = None
            self._store = None
        _LOGGER.info("stopped; database closed")

    def _routine(self, user: UserSection, store: Store, sink: MqttSink) -> MorningRoutine:
        measurement = self.config.measurement
        return MorningRoutine(
            user=user.id,
            store=store,
            source=self._sources[user.id],
            sink=sink,
            settings=RoutineSettings(
                window=measurement.morning_window.window(),
                automatic=measurement.automatic,
                session=measurement.session_settings(),
                readiness=self.config.readiness_for(user.id),
                artifact_reject_pct=measurement.artifact_reject_pct,
                orthostatic=measurement.orthostatic,
                morning_test=measurement.morning_test,
            ),
            now=self._now,
        )

    def _latest_states(self, store: Store) -> list[OutgoingMessage]:
        """The state of every user as of now (recomputed), republished after each reconnect.

        Not the verdict stored at measurement time: a wellness or training entry made
        since then has changed it, and the state must say what a ``recompute`` says.
        """
        published_at = self._now().astimezone(dt.UTC)
        messages = []
        for user in self.config.users:
            state = current_state(store, user=user.id, settings=self.config.readiness_for(user.id))
            if state is None:
                # No reading (any more): nothing retained may show one that is gone.
                messages.append(cleared_state_message(self._topics, user.id))
            else:
                payload = state_payload(
                    collector_id=self.config.collector.id,
                    reading=state.reading,
                    readiness=state.readiness,
                    published_at=published_at,
                )
                messages.append(state_message(self._topics, payload))
        # The mornings before, for charts (retained; after the states on the wire).
        messages.extend(
            history_messages(
                store,
                self._topics,
                [user.id for user in self.config.users],
                published_at=published_at,
            )
        )
        return messages

    @property
    def _topics(self) -> Topics:
        return Topics(self.config.mqtt.base_topic, self.config.collector.id)

    # --- the morning --------------------------------------------------------------------

    async def _user_loop(self, runtime: _UserRuntime) -> None:
        routine = runtime.routine
        while True:
            requested = runtime.measure_now.is_set()
            runtime.measure_now.clear()
            orthostatic, runtime.measure_orthostatic = runtime.measure_orthostatic, False
            try:
                processed = await (
                    routine.measure(orthostatic=orthostatic) if requested else routine.run_if_due()
                )
            except StoreError as err:
                # Not knowing whether today is measured is no reason to stop: ask again.
                _LOGGER.error("%s: %s; trying again later", routine.user, err)  # noqa: TRY400
            else:
                if processed is not None:
                    self.readings_stored += 1
            self.polls += 1
            if self._publisher is not None:
                # What the command line queued on this database (`log`, `delete`, an
                # import...) goes out at the next poll, not only at the next reading.
                self._publisher.notify_outbox()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._poll_interval_s):
                    await runtime.measure_now.wait()

    async def measure(self, user_id: str, *, orthostatic: bool = False) -> ProcessedReading | None:
        """One measurement of ``user_id``'s strap, stored and published; None if none."""
        processed = await self._users[user_id].routine.measure(orthostatic=orthostatic)
        if processed is not None:
            self.readings_stored += 1
        return processed

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
        error: InvalidCommandError | None = None
        try:
            await self._act_on(command)
        except HistoryChangeError as err:
            _LOGGER.warning("command %s for %s: %s", type(command).__name__, command.user, err)
            code: RejectionCode = (
                "name_taken" if isinstance(err, NameTakenError) else "nothing_to_change"
            )
            error = refusal(command, str(err), code)
        except StoreError as err:
            _LOGGER.error(  # noqa: TRY400 - the store error says it all
                "command %s for %s not carried out: %s", type(command).__name__, command.user, err
            )
            message = f"not carried out, nothing changed: {err}"
            error = refusal(command, message, "store_unavailable")
        else:
            _LOGGER.info("command %s for %s accepted", type(command).__name__, command.user)
        if self._publisher is None:
            return
        at = self._now().astimezone(dt.UTC)
        answer = accepted_event(command, at=at) if error is None else rejection_event(error, at=at)
        await self._publisher.publish_event(answer, user=command.user)

    async def _refresh_others(self, user: str) -> None:
        for other, runtime in self._users.items():
            if other != user:
                await runtime.routine.refresh()

    async def _act_on(self, command: Command) -> None:
        runtime = self._users[command.user]
        routine = runtime.routine
        if isinstance(command, MeasureCommand):
            # A measurement already under way answers the request; do not queue a second.
            if not routine.measuring:
                runtime.measure_orthostatic = command.orthostatic
                runtime.measure_now.set()
        elif isinstance(command, WellnessCommand):
            await routine.add_wellness(command.entry())
        elif isinstance(command, TrainingCommand):
            await routine.add_training(command.entry())
        elif isinstance(command, DeleteCommand):
            await routine.delete_entry(command.date, command.entry)
        elif isinstance(command, UndoCommand):
            await routine.undo()
            # An undone rename gives a history back from (or to) another person.
            await self._refresh_others(command.user)
        elif isinstance(command, RenameCommand):
            await routine.rename(command.to)
            # The new owner's verdicts, with the new owner's settings, and its state.
            await self._users[command.to].routine.recompute()
        elif isinstance(command, RemoveCommand):
            await routine.remove()
        elif isinstance(command, RecomputeCommand):
            await routine.recompute()
