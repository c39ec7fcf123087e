"""A strap Home Assistant measures itself, through its own Bluetooth, for one person.

This is the ``runtime_data`` of a strap entry. The person's morning is the library's
:class:`~hrv_readiness.routine.MorningRoutine`, the very object the collector daemon
runs: the morning window, when to measure and retry, the measurement session on the
library's hosted strap source (:mod:`.strap_source`), the pipeline (HRV engine,
readiness model, SQLite history in Home Assistant's config directory) and the
commands. Its typed events come back through :class:`HaSink` and update the shared
user data of :class:`~.hub.HrvHub`, exactly as a collector's messages would.

* Morning: an advertisement of the strap inside the morning window wakes the routine,
  which measures once a day; an attempt without a reading is tried again after the
  routine's retry delay (a timer: Home Assistant passes on only changed advertisements).
* "Start measurement" (button, or the measure command) measures now.
* The link is closed as soon as the recording ends (the session closes it), which
  frees the adapter's or proxy's connection slot.
* A measurement that ends without a reading leaves a clear measurement state with its
  reason and raises the repair issue of its failure code (:mod:`.faults`); the next
  recording clears it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from homeassistant.components import bluetooth
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import (
    ConfigEntryNotReady,
    HomeAssistantError,
    ServiceValidationError,
)
from homeassistant.helpers.event import (
    async_call_later,
    async_track_time_change,
    async_track_time_interval,
)
from homeassistant.util import dt as dt_util

from hrv_readiness.ble.models import MeasurementSettings
from hrv_readiness.errors import HrvError
from hrv_readiness.mqtt.commands import (
    DeleteCommand,
    InvalidCommandError,
    MeasureCommand,
    RecomputeCommand,
    RemoveCommand,
    RenameCommand,
    TrainingCommand,
    UndoCommand,
    WellnessCommand,
    accepted_event,
    command_from_fields,
)
from hrv_readiness.mqtt.history import history_payload
from hrv_readiness.mqtt.payloads import HISTORY_DAYS
from hrv_readiness.mqtt.sink import measurement_payload, outcome_payload
from hrv_readiness.mqtt.state import state_payload
from hrv_readiness.readiness import ReadinessSettings
from hrv_readiness.routine import (
    MeasurementOutcome,
    MeasurementStatus,
    MorningRoutine,
    MorningWindow,
    Outcome,
    RoutineSettings,
    StandUpCue,
    StateCause,
    StateChanged,
)
from hrv_readiness.store import Store
from hrv_readiness.store.changes import HistoryChangeError

from . import issues
from .const import (
    CONF_ADDRESS,
    CONF_DURATION,
    CONF_STRAP_NAME,
    CONF_USER_ID,
    CONF_USER_NAME,
    CONF_WINDOW_END,
    CONF_WINDOW_START,
    DEFAULT_DURATION_S,
    DEFAULT_WINDOW_END,
    DEFAULT_WINDOW_START,
    DOMAIN,
    EVENT_COLLECTOR,
    LOGGER,
    STALE_CHECK_INTERVAL,
    STORE_FILE,
    TRIGGER_STAND_UP,
    TUNABLE_THRESHOLDS,
)
from .faults import StrapFault, fault_of
from .hub import HrvConfigEntry, HrvHub, UserData
from .statistics import async_import_history
from .strap_source import ha_strap_source

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine

    from hrv_readiness.mqtt.commands import Command
    from hrv_readiness.mqtt.payloads import EventPayload, HistoryPayload
    from hrv_readiness.routine import RoutineEvent

MODEL = "Morning HRV readiness (Home Assistant Bluetooth)"


def strap_collector_id(address: str) -> str:
    """The id a strap entry's readings carry where a collector's id would be."""
    return "ble_" + address.replace(":", "").lower()


class HaSink:
    """A routine's events shown by Home Assistant: entities, events, repair issues."""

    def __init__(self, hub: StrapHub) -> None:
        self._hub = hub

    @callback
    def emit(self, event: RoutineEvent) -> None:
        hub = self._hub
        user = hub.users[event.user]
        if isinstance(event, MeasurementStatus):
            hub.set_measurement(user, measurement_payload(event))
        elif isinstance(event, MeasurementOutcome):
            hub.show_outcome(user, event)
        elif isinstance(event, StandUpCue):
            hub.show_stand_up(user)
        else:
            hub.show_state(user, event)


class StrapHub(HrvHub):
    """One strap, one person, measured through Home Assistant's Bluetooth."""

    def __init__(self, hass: HomeAssistant, entry: HrvConfigEntry) -> None:
        super().__init__(hass, entry, strap_collector_id(entry.data[CONF_ADDRESS]))
        self.address: str = entry.data[CONF_ADDRESS]
        self.user_id: str = entry.data[CONF_USER_ID]
        self.user_name: str = entry.data[CONF_USER_NAME]
        options = {**entry.data, **entry.options}
        self.settings = RoutineSettings(
            window=MorningWindow.parse(
                options.get(CONF_WINDOW_START, DEFAULT_WINDOW_START),
                options.get(CONF_WINDOW_END, DEFAULT_WINDOW_END),
            ),
            # Every wait of the session is bounded.
            session=MeasurementSettings(
                duration_s=float(options.get(CONF_DURATION, DEFAULT_DURATION_S))
            ),
            readiness=ReadinessSettings.model_validate(
                {key: options[key] for key in TUNABLE_THRESHOLDS if key in options}
            ),
        )
        self.source = ha_strap_source(
            hass, self.address, entry.data.get(CONF_STRAP_NAME) or self.address
        )
        self.store_path = Path(hass.config.path(STORE_FILE))
        self.last_fault: StrapFault | None = None
        self._store: Store | None = None
        self._routine: MorningRoutine | None = None
        self._tasks: set[asyncio.Task[object]] = set()
        #: Advertisements of the strap handled so far (diagnostics; tests wait on it).
        self.advertisements_seen = 0
        #: How Home Assistant scans for the strap now (active only in the morning window).
        self.scanning_mode: bluetooth.BluetoothScanningMode | None = None
        self._unlisten: Callable[[], None] | None = None
        #: Asks the routine again after a morning attempt that gave no reading.
        self._retry_timer: Callable[[], None] | None = None

    # --- what the entities need -----------------------------------------------------

    @property
    def available(self) -> bool:
        """The history is local: the values are always current."""
        return self._store is not None

    @property
    def model(self) -> str:
        return MODEL

    @property
    def routine(self) -> MorningRoutine:
        if self._routine is None:
            raise self._not_loaded()
        return self._routine

    @property
    def measuring(self) -> bool:
        return self._routine is not None and self._routine.measuring

    def diagnostics(self) -> dict[str, Any]:
        window = self.settings.window
        routine = self._routine
        measured_at = None if routine is None else routine.measured_at
        return {
            "address": self.address,
            "window": [window.start.isoformat(), window.end.isoformat()],
            "measured_at": None if measured_at is None else measured_at.isoformat(),
            "measuring": self.measuring,
            "last_fault": self.last_fault,
            "client_class": self.source.connected_with,
        }

    # --- lifecycle -------------------------------------------------------------------

    async def async_start(self) -> None:
        """Open the history, show the last verdict and wait for the strap's mornings."""
        try:
            self._store = await self.hass.async_add_executor_job(Store.open, self.store_path)
        except HrvError as err:
            raise ConfigEntryNotReady(
                translation_domain=DOMAIN,
                translation_key="store_unavailable",
                translation_placeholders={"path": str(self.store_path), "error": str(err)},
            ) from err
        self.entry.async_on_unload(self._async_stop)
        self.ensure_user(self.user_id, self.user_name)
        self._routine = MorningRoutine(
            user=self.user_id,
            store=self._store,
            source=self.source,
            sink=HaSink(self),
            settings=self.settings,
            now=dt_util.now,
            monotonic=self.hass.loop.time,
            run_blocking=self.hass.async_add_executor_job,
        )
        await self._routine.start()
        self._listen(dt_util.now())
        window = self.settings.window
        for edge in (window.start, window.end):
            self.entry.async_on_unload(
                async_track_time_change(
                    self.hass, self._listen, hour=edge.hour, minute=edge.minute, second=edge.second
                )
            )
        self.entry.async_on_unload(self._stop_listening)
        self.entry.async_on_unload(self._cancel_retry)
        self.entry.async_on_unload(
            async_track_time_interval(self.hass, self.check_stale_readings, STALE_CHECK_INTERVAL)
        )

    @callback
    def _listen(self, now: dt.datetime) -> None:
        """Listen for the strap: scanning actively in the morning window, passively outside.

        Passive scanning hears the strap's advertisements without asking every device
        for a scan response all day (Home Assistant's adapters and proxies share it).
        """
        mode = (
            bluetooth.BluetoothScanningMode.ACTIVE
            if self.settings.window.contains(dt_util.as_local(now))
            else bluetooth.BluetoothScanningMode.PASSIVE
        )
        if mode is self.scanning_mode:
            return
        self._stop_listening()
        self.scanning_mode = mode
        self._unlisten = bluetooth.async_register_callback(
            self.hass,
            self._on_advertisement,
            bluetooth.BluetoothCallbackMatcher(address=self.address, connectable=True),
            mode,
        )

    @callback
    def _stop_listening(self) -> None:
        if self._unlisten is not None:
            self._unlisten()
            self._unlisten = None
            self.scanning_mode = None

    async def _async_stop(self) -> None:
        self._routine = None
        # A measurement under way is abandoned before its history closes.
        tasks, self._tasks = self._tasks, set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._store is not None:
            store, self._store = self._store, None
            await self.hass.async_add_executor_job(store.close)

    @property
    def store(self) -> Store:
        if self._store is None:
            raise self._not_loaded()
        return self._store

    def _not_loaded(self) -> HomeAssistantError:
        """What an action on this entry raises while its store is closed."""
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="entry_not_loaded",
            translation_placeholders={"name": self.entry.title},
        )

    def use_session_settings(self, session: MeasurementSettings) -> None:
        """Measure with other session settings from now on (tests, the options flow)."""
        self.settings = replace(self.settings, session=session)
        if self._routine is not None:
            self._routine.settings = self.settings

    # --- the morning -----------------------------------------------------------------

    @callback
    def _on_advertisement(
        self, _info: bluetooth.BluetoothServiceInfoBleak, _change: bluetooth.BluetoothChange
    ) -> None:
        self.advertisements_seen += 1
        routine = self._routine
        if routine is None or routine.measuring or not routine.due():
            return
        LOGGER.info("%s advertises in the morning window: measuring", self.source.description)
        self._run(self._morning(routine), "morning")

    async def _morning(self, routine: MorningRoutine) -> None:
        """The day's measurement; one that gives no reading is tried again when due.

        Home Assistant passes an advertisement on only when its content changed, so a
        strap that stays in range is not heard again: a timer asks the routine again
        after its retry delay, as the daemon's poll does.
        """
        await routine.run_if_due()
        retry_after = self.settings.retry_after
        if self._routine is routine and routine.due(dt_util.now() + retry_after):
            self._cancel_retry()
            self._retry_timer = async_call_later(self.hass, retry_after, self._retry)

    @callback
    def _retry(self, _now: dt.datetime) -> None:
        self._retry_timer = None
        routine = self._routine
        if routine is None or routine.measuring or not routine.due():
            return
        if (
            bluetooth.async_ble_device_from_address(self.hass, self.address, connectable=True)
            is None
        ):
            return  # out of range: its next advertisement is news again
        LOGGER.info("%s: trying the morning's measurement again", self.source.description)
        self._run(self._morning(routine), "retry")

    @callback
    def _cancel_retry(self) -> None:
        if self._retry_timer is not None:
            self._retry_timer()
            self._retry_timer = None

    @callback
    def start_measurement(self, *, requested: bool = True, orthostatic: bool = False) -> bool:
        """Start a measurement unless one runs; ``False`` when one already runs.

        ``orthostatic``: an orthostatic test, whose cue fires the ``stand_up`` event.
        """
        del requested  # always asked for here; the morning goes through the routine
        routine = self.routine
        if routine.measuring:
            return False
        self._run(routine.measure(orthostatic=orthostatic), "requested")
        return True

    @callback
    def _run(self, measurement: Coroutine[Any, Any, object], why: str) -> None:
        task = self.entry.async_create_background_task(
            self.hass, measurement, f"{DOMAIN} {self.address} {why}"
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --- what the entities show ------------------------------------------------------

    @callback
    def show_stand_up(self, user: UserData) -> None:
        """The cue of an orthostatic test: ``hrv_readiness_event`` of type ``stand_up``."""
        self.fire(
            user.user_id,
            {
                "type": TRIGGER_STAND_UP,
                "device_id": self.device_id(user.user_id),
                "collector_id": self.collector_id,
                "user": user.user_id,
            },
        )

    @callback
    def show_state(self, user: UserData, event: StateChanged) -> None:
        """The routine's state of the person, shown as a collector's state would be.

        The history's mornings go to long-term statistics with every state (at start
        and after each change), as a collector entry imports the collector's history.
        """
        self._import_history(user)
        if event.reading is None:
            self.clear_state(user)
            return
        payload = state_payload(
            collector_id=self.collector_id,
            reading=event.reading,
            readiness=event.readiness,
            published_at=event.at.astimezone(dt.UTC),
        )
        self.set_state(user, payload, live=event.cause is not StateCause.RESTORED)

    @callback
    def _import_history(self, user: UserData) -> None:
        if "recorder" not in self.hass.config.components:
            return
        self.entry.async_create_background_task(
            self.hass,
            self._async_import_history(user),
            f"{DOMAIN} history of {user.user_id}",
        )

    async def _async_import_history(self, user: UserData) -> None:
        try:
            history = await self.hass.async_add_executor_job(self._history_of, user.user_id)
        except (HrvError, HomeAssistantError) as err:  # the store failed or was closed
            LOGGER.debug("History of %s not imported: %s", user.user_id, err)
            return
        if history.points:
            async_import_history(self.hass, history, user.name)

    def _history_of(self, user_id: str) -> HistoryPayload:
        """The person's last mornings with the verdicts the history now stores."""
        store = self.store
        latest = store.latest_reading(user_id)
        since = None if latest is None else latest.date - dt.timedelta(days=HISTORY_DAYS - 1)
        return history_payload(
            collector_id=self.collector_id,
            user=user_id,
            readings=[] if latest is None else store.readings(user_id, since=since),
            published_at=dt_util.utcnow(),
        )

    @callback
    def show_outcome(self, user: UserData, event: MeasurementOutcome) -> None:
        if event.outcome is Outcome.FAILED:
            fault = fault_of(event.failure)
            self.last_fault = fault
            reason = event.reason or ""
            issues.create_strap_fault(
                self.hass,
                self.entry.entry_id,
                fault,
                {"strap": self.source.name, "user": user.name, "reason": reason},
            )
        elif event.outcome in {Outcome.COMPLETED, Outcome.REJECTED}:
            # A recording was made: the strap and the radio work.
            self.last_fault = None
            issues.delete_strap_fault(self.hass, self.entry.entry_id)
        self._fire_collector_event(user.user_id, outcome_payload(event))

    @callback
    def _fire_collector_event(self, user_id: str, event: EventPayload) -> None:
        """``hrv_readiness_collector_event`` as a collector entry fires the same event.

        The library's event (outcome, command answer) is the one the collector
        publishes, passed on typed: ``type``, ``request_id`` and ``detail`` as is.
        """
        self.hass.bus.async_fire(
            EVENT_COLLECTOR,
            {
                "device_id": self.device_id(user_id),
                "collector_id": self.collector_id,
                "user": user_id,
                "type": event.type,
                "request_id": event.request_id,
                "detail": dict(event.detail),
            },
        )

    # --- commands --------------------------------------------------------------------

    async def async_send_command(self, user_id: str, command: str, payload: dict[str, Any]) -> str:
        """Carry out a command here, validated exactly as the collector validates it."""
        request_id = uuid.uuid4().hex
        try:
            parsed = command_from_fields(
                user_id,
                command,
                {**payload, "request_id": request_id},
                users=self.served_users(),
                today=dt_util.now().date(),
            )
        except InvalidCommandError as err:
            raise ServiceValidationError(str(err)) from err
        # Answered as the collector answers: once carried out, a measure command before
        # its measurement says it started.
        accepted = accepted_event(parsed, at=dt_util.now().astimezone(dt.UTC))
        if isinstance(parsed, MeasureCommand):
            self._fire_collector_event(user_id, accepted)
            self.start_measurement(orthostatic=parsed.orthostatic)
            return request_id
        try:
            await self._act_on(parsed)
        except HistoryChangeError as err:
            # Nothing to delete or undo, a name taken: the library's reason, nothing changed.
            raise ServiceValidationError(str(err)) from err
        self._fire_collector_event(user_id, accepted)
        return request_id

    async def _act_on(self, parsed: Command) -> None:
        routine = self.routine
        if isinstance(parsed, WellnessCommand):
            await routine.add_wellness(parsed.entry())
        elif isinstance(parsed, TrainingCommand):
            await routine.add_training(parsed.entry())
        elif isinstance(parsed, DeleteCommand):
            await routine.delete_entry(parsed.date, parsed.entry)
        elif isinstance(parsed, UndoCommand | RenameCommand | RemoveCommand):
            await self._change_person(parsed)
        elif isinstance(parsed, RecomputeCommand):
            await routine.recompute()

    async def _change_person(self, parsed: UndoCommand | RenameCommand | RemoveCommand) -> None:
        """Undo, rename, remove: changes that may move a history between strap entries."""
        routine = self.routine
        if isinstance(parsed, RemoveCommand):
            await routine.remove()
        elif isinstance(parsed, RenameCommand):
            await routine.rename(parsed.to)
            for other in self._other_hubs():
                if other.user_id == parsed.to:
                    # The new owner's verdicts, with its own settings, and its state.
                    await other.routine.recompute()
        else:
            await routine.undo()
            # An undone rename gives a history back from (or to) another strap's person.
            for other in self._other_hubs():
                await other.routine.refresh()

    @callback
    def _other_hubs(self) -> list[StrapHub]:
        """The other loaded strap entries (their people share this history file)."""
        hubs: list[StrapHub] = []
        for entry in self.hass.config_entries.async_entries(DOMAIN):
            hub = getattr(entry, "runtime_data", None)
            if isinstance(hub, StrapHub) and hub is not self and hub._routine is not None:  # noqa: SLF001
                hubs.append(hub)
        return hubs

    @callback
    def served_users(self) -> list[str]:
        """This entry's person and those of the other strap entries (rename targets)."""
        return [self.user_id, *(hub.user_id for hub in self._other_hubs())]

    async def async_recompute(self) -> None:
        """Re-assess the latest usable reading with today's entries (as the collector)."""
        await self.routine.recompute()
