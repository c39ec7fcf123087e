"""One person's morning, owned once for the collector daemon and Home Assistant.

A :class:`MorningRoutine` decides when the person is measured (inside the morning
window, once a day, a failed attempt retried after ``retry_after``), runs the
measurement session on a strap source, throttles its progress, stores and assesses
the recording through :func:`hrv_readiness.pipeline.process_recording`, carries out
the person's commands (measure, wellness, training, recompute, and the corrections:
delete, undo, rename, remove) and tells a
:class:`~hrv_readiness.routine.events.RoutineSink` what happened, as typed events.

Who calls it:

* the collector daemon wakes it every few seconds (``run_if_due``) and on a
  ``measure`` command; its sink publishes the events over MQTT;
* Home Assistant wakes it when the strap advertises; its sink updates the entities.

Store work runs through ``run_blocking`` (inline in the daemon, Home Assistant's
executor there): the routine never blocks its event loop with SQLite. The wall clock
(``now``, local and aware) and the progress clock (``monotonic``) are injected.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Literal, TypeVar

from hrv_readiness.ble.models import MeasurementSettings, SessionState
from hrv_readiness.ble.session import run_measurement
from hrv_readiness.errors import HrvError, StoreError
from hrv_readiness.hrv import (
    DEFAULT_ARTIFACT_REJECT_PCT,
    OrthostaticProtocol,
)
from hrv_readiness.pipeline import RecordingInput, current_state, process_recording
from hrv_readiness.readiness import ReadinessSettings
from hrv_readiness.routine.events import (
    MeasurementOutcome,
    MeasurementStatus,
    Outcome,
    Phase,
    StandUpCue,
    StateCause,
    StateChanged,
)
from hrv_readiness.store.changes import (
    delete_entry,
    record_training,
    record_wellness,
    remove_user,
    rename_user,
    undo_last,
)
from hrv_readiness.store.verdicts import reassess

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from hrv_readiness.ble.errors import StrapFailure
    from hrv_readiness.ble.models import Progress, Recording, SessionEvent
    from hrv_readiness.ble.source import StrapSource
    from hrv_readiness.pipeline import CurrentState, ProcessedReading
    from hrv_readiness.readiness import TrainingEntry, WellnessEntry
    from hrv_readiness.routine.events import RoutineEvent, RoutineSink
    from hrv_readiness.routine.window import MorningWindow
    from hrv_readiness.store import Store

_LOGGER = logging.getLogger(__name__)

_T = TypeVar("_T")

#: A failed automatic attempt is tried again after this long (inside the window).
RETRY_AFTER = dt.timedelta(minutes=2)
#: Progress is shown at most this often (every notification would flood MQTT and
#: Home Assistant's recorder); state changes are always shown.
PROGRESS_INTERVAL_S = 2.0


async def run_inline(call: Callable[[], _T]) -> _T:
    """Run store work on the caller's loop (the daemon's SQLite writes are short)."""
    return call()


@dataclass(frozen=True, kw_only=True)
class RoutineSettings:
    """Everything a routine needs to know about the person's morning."""

    window: MorningWindow
    #: Measure by itself inside the window (``False``: only when asked).
    automatic: bool = True
    session: MeasurementSettings = field(default_factory=MeasurementSettings)
    readiness: ReadinessSettings = field(default_factory=ReadinessSettings)
    artifact_reject_pct: float = DEFAULT_ARTIFACT_REJECT_PCT
    retry_after: dt.timedelta = RETRY_AFTER
    progress_interval_s: float = PROGRESS_INTERVAL_S
    #: The orthostatic test's phases (docs/model.md).
    orthostatic: OrthostaticProtocol = field(default_factory=OrthostaticProtocol)
    #: What the morning window measures: the plain reading, or an orthostatic test
    #: (whose lying part is the morning reading).
    morning_test: Literal["reading", "orthostatic"] = "reading"


def _loop_time() -> float:
    return asyncio.get_running_loop().time()


class MorningRoutine:
    """One person's morning: when to measure, the measurement, the verdict, the commands."""

    def __init__(
        self,
        *,
        user: str,
        store: Store,
        source: StrapSource,
        sink: RoutineSink,
        settings: RoutineSettings,
        now: Callable[[], dt.datetime],
        monotonic: Callable[[], float] = _loop_time,
        run_blocking: Callable[[Callable[[], object]], Awaitable[object]] = run_inline,
    ) -> None:
        self.user = user
        self.settings = settings
        self.source = source
        self._store = store
        self._sink = sink
        self._now = now
        self._monotonic = monotonic
        self._run_blocking = run_blocking
        self._lock = asyncio.Lock()
        #: When the latest usable reading was measured (the day's morning is done).
        self.measured_at: dt.datetime | None = None
        #: When the latest automatic attempt started (a failed one is retried later).
        self.attempted_at: dt.datetime | None = None
        self._last_progress: Progress | None = None
        self._last_shown_s: float | None = None
        #: The orthostatic protocol of the measurement under way (None: a plain reading).
        self._protocol: OrthostaticProtocol | None = None
        self._requested = False

    # --- when -------------------------------------------------------------------------

    @property
    def measuring(self) -> bool:
        return self._lock.locked()

    def due(self, now: dt.datetime | None = None) -> bool:
        """True when the morning window wants a measurement now."""
        now = self._now() if now is None else now
        opened = self.settings.window.opened_at(now)
        if not self.settings.automatic or opened is None:
            return False
        if self.measured_at is not None and self.measured_at >= opened:
            return False
        attempted = self.attempted_at
        return (
            attempted is None or attempted < opened or now - attempted >= self.settings.retry_after
        )

    # --- lifecycle --------------------------------------------------------------------

    async def start(self) -> None:
        """Say nothing is being measured and show the state the history was left in."""
        state = await self._blocking(self._current_state)
        self.measured_at = await self._blocking(self._latest_usable_at)
        self._emit(self.idle_status())
        if state is not None:
            self._emit_state(state, StateCause.RESTORED)

    async def run_if_due(self) -> ProcessedReading | None:
        """Measure now if the morning wants it (and nothing is being measured)."""
        now = self._now()
        if self.measuring or not self.due(now):
            return None
        self.attempted_at = now
        _LOGGER.info("measuring %s (morning window)", self.user)
        return await self._measure(
            requested=False, orthostatic=self.settings.morning_test == "orthostatic"
        )

    async def measure(self, *, orthostatic: bool = False) -> ProcessedReading | None:
        """Measure now, asked for; ``None`` when one already runs or there is no reading.

        ``orthostatic``: an orthostatic test (lying, the cue, standing) instead of the
        plain reading; its lying part is the morning reading.
        """
        if self.measuring:
            return None
        _LOGGER.info(
            "measuring %s (requested%s)", self.user, ", orthostatic" if orthostatic else ""
        )
        return await self._measure(requested=True, orthostatic=orthostatic)

    # --- commands ---------------------------------------------------------------------

    async def add_wellness(self, entry: WellnessEntry) -> None:
        """Store a questionnaire, recompute the verdicts it changes, show the state.

        Raises ``StoreError`` when the history cannot be written (nothing changed).
        """
        at = self._now().astimezone(dt.UTC)
        await self._blocking(
            partial(record_wellness, self._store, entry, settings=self.settings.readiness, at=at)
        )
        await self._show_current()

    async def add_training(self, entry: TrainingEntry) -> None:
        """Store a training entry, recompute the verdicts it changes, show the state."""
        await self._blocking(
            partial(record_training, self._store, entry, settings=self.settings.readiness)
        )
        await self._show_current()

    async def delete_entry(self, day: dt.date, entry: str) -> None:
        """Move the morning's ``entry`` to the trash, recompute from it, show the state.

        Raises ``HistoryChangeError`` when there is nothing to delete (nothing changed).
        """
        at = self._now().astimezone(dt.UTC)
        await self._blocking(
            partial(
                delete_entry,
                self._store,
                self.user,
                day=day,
                entry=entry,
                settings=self.settings.readiness,
                at=at,
            )
        )
        await self._show_current()

    async def undo(self) -> None:
        """Put back the person's last change kept in the trash, recompute, show the state.

        Raises ``HistoryChangeError`` when there is nothing to undo.
        """
        readiness = self.settings.readiness
        await self._blocking(
            partial(undo_last, self._store, settings_of=lambda _user: readiness, user=self.user)
        )
        await self._show_current()

    async def rename(self, to: str) -> None:
        """Give the person's whole history to ``to`` (who has none); show "no reading yet".

        The routine of ``to`` shows it once asked (:meth:`recompute`), with its own
        settings. Raises ``HistoryChangeError`` (``NameTakenError``: ``to`` has a
        history); nothing is changed then.
        """
        at = self._now().astimezone(dt.UTC)
        await self._blocking(
            partial(
                rename_user, self._store, self.user, to, settings=self.settings.readiness, at=at
            )
        )
        await self._show_current()

    async def remove(self) -> None:
        """Move the person's whole history to the trash; show "no reading yet".

        Raises ``HistoryChangeError`` when there is no history (nothing changed).
        """
        at = self._now().astimezone(dt.UTC)
        await self._blocking(partial(remove_user, self._store, self.user, at=at))
        await self._show_current()

    async def refresh(self) -> bool:
        """Show the state the history gives now (another person's change touched it)."""
        return await self._show_current()

    async def recompute(self) -> bool:
        """Recompute every stored verdict and show the state as of now.

        ``False`` when the person has no reading yet (nothing to show).
        """
        await self._blocking(
            partial(reassess, self._store, self.user, since=None, settings=self.settings.readiness)
        )
        return await self._show_current()

    async def _show_current(self) -> bool:
        """Show the state the history now gives; ``False`` when it has no reading.

        Without a reading (the only one deleted, the history renamed or removed) the
        state shown is "no reading yet", so no view keeps showing what is gone.
        """
        state = await self._blocking(self._current_state)
        if state is None:
            self._emit(
                StateChanged(
                    user=self.user,
                    cause=StateCause.RECOMPUTED,
                    at=self._now(),
                    reading=None,
                    readiness=None,
                )
            )
            return False
        self._emit_state(state, StateCause.RECOMPUTED)
        return True

    # --- the measurement --------------------------------------------------------------

    async def _measure(self, *, requested: bool, orthostatic: bool) -> ProcessedReading | None:
        async with self._lock:
            self._last_progress = None
            self._last_shown_s = None
            self._protocol = self.settings.orthostatic if orthostatic else None
            self._requested = requested
            self._outcome(Outcome.STARTED, requested=requested)
            result = await run_measurement(
                self.source,
                self.settings.session,
                on_event=self._on_session_event,
                orthostatic=self._protocol,
            )
            if result.recording is None:
                reason = result.reason or str(result.state)
                _LOGGER.log(
                    logging.WARNING if requested else logging.INFO,
                    "measurement of %s %s: %s",
                    self.user,
                    result.state,
                    reason,
                )
                self._outcome(
                    Outcome.FAILED, requested=requested, reason=reason, failure=result.failure
                )
                return None
            self._emit_complete(result.recording)
            return await self._store_recording(result.recording, requested=requested)

    def _on_session_event(self, event: SessionEvent) -> None:
        if event.state is SessionState.COMPLETE:
            return  # shown with the recording's numbers once it is in hand
        if event.stand_up:
            _LOGGER.info("%s: stand up now (orthostatic test)", self.user)
            self._emit(StandUpCue(user=self.user, at=self._now(), requested=self._requested))
            return
        progress = event.progress
        if progress is not None:
            # Throttled, except when it starts saying why the recording goes on.
            news = progress.extending != (self._last_progress or progress).extending
            self._last_progress = progress
            now_s = self._monotonic()
            last = self._last_shown_s
            if last is not None and now_s - last < self.settings.progress_interval_s and not news:
                return
            self._last_shown_s = now_s
        # A state change keeps the numbers recorded so far (none before recording).
        shown = progress or self._last_progress
        ended = event.state in {SessionState.ABORTED, SessionState.FAILED}
        phase = Phase.CONNECTING if event.state is SessionState.RECONNECTING else Phase(event.state)
        self._emit(
            MeasurementStatus(
                user=self.user,
                phase=phase,
                elapsed_s=shown.elapsed_s if shown else 0.0,
                total_s=shown.total_s if shown else self._total_s(),
                at=self._now(),
                heart_rate_bpm=shown.heart_rate_bpm if shown else None,
                beats=shown.beats if shown else 0,
                artifacts=shown.artifacts if shown else 0,
                # Ended: why; recording past its planned length: why it goes on.
                reason=(event.message or None) if ended else ((shown and shown.extending) or None),
            )
        )

    def _emit_complete(self, recording: Recording) -> None:
        last = self._last_progress
        self._emit(
            MeasurementStatus(
                user=self.user,
                phase=Phase.COMPLETE,
                elapsed_s=recording.duration_s,
                total_s=self._total_s(),
                at=self._now(),
                heart_rate_bpm=last.heart_rate_bpm if last else None,
                beats=len(recording.rr_ms),
                artifacts=last.artifacts if last else 0,
                # Extended: which window of the longer recording was analysed.
                reason=recording.window or None,
            )
        )

    async def _store_recording(
        self, recording: Recording, *, requested: bool
    ) -> ProcessedReading | None:
        # The routine's clock decides which morning this is (injectable).
        recording_input = RecordingInput.of(
            recording, user=self.user, date=self._now().date(), orthostatic=self._protocol
        )
        try:
            processed: ProcessedReading = await self._blocking(
                partial(
                    process_recording,
                    self._store,
                    recording_input,
                    settings=self.settings.readiness,
                    artifact_reject_pct=self.settings.artifact_reject_pct,
                )
            )
        except StoreError as err:
            _LOGGER.error("reading of %s could not be stored: %s", self.user, err)  # noqa: TRY400
            self._outcome(
                Outcome.FAILED,
                requested=requested,
                reason=f"the reading could not be stored: {err}",
            )
            return None
        except HrvError as err:
            _LOGGER.warning("reading of %s not usable: %s", self.user, err)
            self._outcome(Outcome.REJECTED, requested=requested, reason=str(err))
            return None
        self._emit(
            StateChanged(
                user=self.user,
                cause=StateCause.MEASURED,
                at=self._now(),
                reading=processed.stored,
                readiness=processed.readiness,
            )
        )
        if processed.hrv.usable:
            # The routine's clock (not the strap's timestamps) decides the morning.
            self.measured_at = self._now()
            readiness = processed.readiness
            _LOGGER.info(
                "%s: lnRMSSD %.2f, resting HR %.0f bpm → %s (%s)",
                self.user,
                processed.hrv.ln_rmssd,
                processed.hrv.mean_hr_bpm,
                readiness.status if readiness else "no verdict",
                readiness.fatigue_type if readiness else "-",
            )
            self._outcome(Outcome.COMPLETED, requested=requested)
        else:
            reason = processed.hrv.quality.reason or ""
            _LOGGER.warning("%s: reading rejected: %s", self.user, reason)
            self._outcome(Outcome.REJECTED, requested=requested, reason=reason)
        return processed

    # --- helpers ----------------------------------------------------------------------

    def _total_s(self) -> float:
        """Recorded length of the measurement under way (the whole orthostatic protocol)."""
        if self._protocol is not None:
            return self._protocol.total_s
        return self.settings.session.duration_s

    async def _blocking(self, call: Callable[[], _T]) -> _T:
        return await self._run_blocking(call)  # type: ignore[return-value]

    def _current_state(self) -> CurrentState | None:
        return current_state(self._store, user=self.user, settings=self.settings.readiness)

    def _latest_usable_at(self) -> dt.datetime | None:
        latest = next((r for r in reversed(self._store.readings(self.user)) if r.usable), None)
        return None if latest is None else latest.measured_at

    def _status(self, phase: Phase) -> MeasurementStatus:
        return MeasurementStatus(
            user=self.user,
            phase=phase,
            elapsed_s=0.0,
            total_s=self.settings.session.duration_s,
            at=self._now(),
        )

    def idle_status(self) -> MeasurementStatus:
        """Nothing is being measured (what a sink shows at start and at shutdown)."""
        return self._status(Phase.IDLE)

    def _emit_state(self, state: CurrentState, cause: StateCause) -> None:
        self._emit(
            StateChanged(
                user=self.user,
                cause=cause,
                at=self._now(),
                reading=state.reading,
                readiness=state.readiness,
            )
        )

    def _outcome(
        self,
        outcome: Outcome,
        *,
        requested: bool,
        reason: str | None = None,
        failure: StrapFailure | None = None,
    ) -> None:
        self._emit(
            MeasurementOutcome(
                user=self.user,
                outcome=outcome,
                at=self._now(),
                requested=requested,
                reason=reason,
                failure=failure,
            )
        )

    def _emit(self, event: RoutineEvent) -> None:
        self._sink.emit(event)
