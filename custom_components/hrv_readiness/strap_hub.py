"""A strap Home Assistant measures itself, through its own Bluetooth, for one person.

This is the ``runtime_data`` of a strap entry. It runs the library's measurement
session on :class:`~.strap_source.HaStrapSource` and hands the recording to the same
pipeline the collector uses (HRV engine, readiness model, SQLite history in Home
Assistant's config directory), then shows the result through the shared user data
of :class:`~.hub.HrvHub`, exactly as a collector's state message would be shown.

* Morning: an advertisement of the strap inside the morning window starts the day's
  measurement (once a day; a failed attempt is retried after ``MORNING_RETRY_AFTER``).
* "Start measurement" (button, or the measure command) measures now.
* The link is closed as soon as the recording ends (the session closes it), which
  frees the adapter's or proxy's connection slot.
* A measurement that ends without a reading leaves a clear measurement state with its
  reason and raises a repair issue (:mod:`.faults`); a complete one clears it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from homeassistant.components import bluetooth
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.util import dt as dt_util

from hrv_readiness.ble.models import MeasurementSettings, SessionEvent, SessionState
from hrv_readiness.ble.session import run_measurement
from hrv_readiness.errors import HrvError
from hrv_readiness.mqtt.commands import (
    InvalidCommandError,
    MeasureCommand,
    TrainingCommand,
    WellnessCommand,
    parse_command,
)
from hrv_readiness.mqtt.state import state_payload
from hrv_readiness.mqtt.topics import Topics
from hrv_readiness.pipeline import RecordingInput, process_recording
from hrv_readiness.readiness import ReadinessSettings
from hrv_readiness.store import Store
from hrv_readiness.store.changes import record_training, record_wellness
from hrv_readiness.store.verdicts import current_verdict, reassess

from . import issues
from .const import (
    CONF_ADDRESS,
    CONF_DURATION,
    CONF_STRAP_NAME,
    CONF_USER_ID,
    CONF_USER_NAME,
    CONF_WINDOW_END,
    CONF_WINDOW_START,
    DEFAULT_BASE_TOPIC,
    DEFAULT_DURATION_S,
    DEFAULT_WINDOW_END,
    DEFAULT_WINDOW_START,
    DOMAIN,
    EVENT_COLLECTOR,
    LOGGER,
    MORNING_RETRY_AFTER,
    STALE_CHECK_INTERVAL,
    STORE_FILE,
)
from .faults import StrapFault, classify
from .hub import HrvConfigEntry, HrvHub, UserData
from .models import decode_json, measurement_from_json, state_from_json
from .morning import MorningPlan, MorningWindow
from .strap_source import HaStrapSource

if TYPE_CHECKING:
    from hrv_readiness.ble.models import MeasurementResult, Recording
    from hrv_readiness.pipeline import ProcessedReading
    from hrv_readiness.store import StoredReading

MODEL = "Morning HRV readiness (Home Assistant Bluetooth)"
#: Progress is shown at most this often (every notification would flood the recorder).
PROGRESS_INTERVAL_S = 1.0


def strap_collector_id(address: str) -> str:
    """The id a strap entry's readings carry where a collector's id would be."""
    return "ble_" + address.replace(":", "").lower()


class StrapHub(HrvHub):
    """One strap, one person, measured through Home Assistant's Bluetooth."""

    def __init__(self, hass: HomeAssistant, entry: HrvConfigEntry) -> None:
        super().__init__(hass, entry, strap_collector_id(entry.data[CONF_ADDRESS]))
        self.address: str = entry.data[CONF_ADDRESS]
        self.user_id: str = entry.data[CONF_USER_ID]
        self.user_name: str = entry.data[CONF_USER_NAME]
        options = {**entry.data, **entry.options}
        self.plan = MorningPlan(
            window=MorningWindow.parse(
                options.get(CONF_WINDOW_START, DEFAULT_WINDOW_START),
                options.get(CONF_WINDOW_END, DEFAULT_WINDOW_END),
            ),
            retry_after=MORNING_RETRY_AFTER,
        )
        #: The session's settings; every wait in them is bounded.
        self.session_settings = MeasurementSettings(
            duration_s=float(options.get(CONF_DURATION, DEFAULT_DURATION_S))
        )
        self.readiness_settings = ReadinessSettings()
        self.source = HaStrapSource(
            hass, self.address, entry.data.get(CONF_STRAP_NAME) or self.address
        )
        self.store_path = Path(hass.config.path(STORE_FILE))
        self.last_fault: StrapFault | None = None
        self._store: Store | None = None
        self._task: asyncio.Task[None] | None = None
        self._last_progress_s = 0.0

    # --- what the entities need -----------------------------------------------------

    @property
    def available(self) -> bool:
        """The history is local: the values are always current."""
        return self._store is not None

    @property
    def model(self) -> str:
        return MODEL

    @property
    def measuring(self) -> bool:
        return self._task is not None and not self._task.done()

    def diagnostics(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "window": [self.plan.window.start.isoformat(), self.plan.window.end.isoformat()],
            "measured_on": None if self.plan.measured_on is None else str(self.plan.measured_on),
            "measuring": self.measuring,
            "last_fault": self.last_fault,
            "client_class": self.source.client_class,
        }

    # --- lifecycle -------------------------------------------------------------------

    async def async_start(self) -> None:
        """Open the history, show the last verdict and wait for the strap's mornings."""
        self._store = await self.hass.async_add_executor_job(Store.open, self.store_path)
        self.entry.async_on_unload(self._async_stop)
        latest = await self.hass.async_add_executor_job(self._store.latest_reading, self.user_id)
        user = self.ensure_user(self.user_id, self.user_name)
        if latest is not None:
            self._show_reading(user, latest, live=False)
            if latest.usable:
                self.plan.measured_on = latest.date
        self._set_idle(user)
        self.entry.async_on_unload(
            bluetooth.async_register_callback(
                self.hass,
                self._on_advertisement,
                bluetooth.BluetoothCallbackMatcher(address=self.address, connectable=True),
                bluetooth.BluetoothScanningMode.ACTIVE,
            )
        )
        self.entry.async_on_unload(
            async_track_time_interval(self.hass, self.check_stale_readings, STALE_CHECK_INTERVAL)
        )

    async def _async_stop(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._store is not None:
            store, self._store = self._store, None
            await self.hass.async_add_executor_job(store.close)

    @property
    def store(self) -> Store:
        if self._store is None:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="entry_not_loaded",
                translation_placeholders={"name": self.entry.title},
            )
        return self._store

    # --- the morning -----------------------------------------------------------------

    @callback
    def _on_advertisement(
        self, _info: bluetooth.BluetoothServiceInfoBleak, _change: bluetooth.BluetoothChange
    ) -> None:
        now = dt_util.now()
        if self.measuring or not self.plan.due(now):
            return
        self.plan.attempted_at = now
        LOGGER.info("%s advertises in the morning window: measuring", self.source.description)
        self.start_measurement(requested=False)

    @callback
    def start_measurement(self, *, requested: bool) -> bool:
        """Start a measurement unless one runs; ``False`` when one already runs."""
        if self.measuring:
            return False
        self._task = self.entry.async_create_background_task(
            self.hass, self._async_measure(requested=requested), f"{DOMAIN} {self.address}"
        )
        return True

    async def _async_measure(self, *, requested: bool) -> None:
        user = self.users[self.user_id]
        total_s = self.session_settings.duration_s
        self._fire_collector_event("measurement_started")

        @callback
        def on_event(event: SessionEvent) -> None:
            self._show_progress(user, event, total_s)

        result = await run_measurement(self.source, self.session_settings, on_event=on_event)
        if result.recording is not None:
            await self._async_store(user, result.recording)
            return
        self._show_failure(user, result, requested=requested)

    @callback
    def _show_failure(self, user: UserData, result: MeasurementResult, *, requested: bool) -> None:
        fault = classify(result, self.source.fault)
        self.last_fault = fault
        reason = result.reason or str(result.state)
        LOGGER.log(
            30 if requested or fault is not None else 20,
            "Measurement of %s %s: %s",
            user.name,
            result.state,
            reason,
        )
        if fault is not None:
            issues.create_strap_fault(
                self.hass,
                self.entry.entry_id,
                fault,
                {"strap": self.source.name, "user": user.name, "reason": reason},
            )
        self._fire_collector_event("measurement_failed", reason=reason)

    async def _async_store(self, user: UserData, recording: Recording) -> None:
        now = dt_util.now()
        try:
            processed = await self.hass.async_add_executor_job(self._process, recording, now)
        except HrvError as err:
            LOGGER.warning("Reading of %s not usable: %s", user.name, err)
            self._fire_collector_event("measurement_rejected", reason=str(err))
            return
        self.last_fault = None
        issues.delete_strap_fault(self.hass, self.entry.entry_id)
        if processed.hrv.usable:
            self.plan.measured_on = processed.stored.date
            self._fire_collector_event("measurement_completed")
        else:
            self._fire_collector_event(
                "measurement_rejected", reason=processed.hrv.quality.reason or ""
            )
        self._show_state(user, processed.state.to_bytes(), live=True)

    def _process(self, recording: Recording, now: dt.datetime) -> ProcessedReading:
        """The collector's pipeline, unchanged: analyse, assess, store (executor)."""
        return process_recording(
            self.store,
            RecordingInput(
                user=self.user_id,
                rr_ms=recording.rr_ms,
                measured_at=recording.started_at,
                date=now.date(),
                strap_name=recording.strap_name,
                strap_address=recording.strap_address,
                battery_pct=recording.battery_pct,
                segment_starts=recording.segment_starts,
            ),
            settings=self.readiness_settings,
            topics=None,
            collector_id=self.collector_id,
            published_at=now.astimezone(dt.UTC),
        )

    # --- what the entities show ------------------------------------------------------

    @callback
    def _show_state(self, user: UserData, payload: bytes, *, live: bool) -> None:
        """Parse the collector's own state payload, as a collector entry would."""
        raw = decode_json(payload)
        self.set_state(user, state_from_json(raw), raw, live=live)

    @callback
    def _show_reading(self, user: UserData, reading: StoredReading, *, live: bool) -> None:
        payload = state_payload(
            collector_id=self.collector_id,
            reading=reading,
            readiness=reading.readiness,
            published_at=dt_util.utcnow(),
        )
        self._show_state(user, payload.to_bytes(), live=live)

    @callback
    def _set_idle(self, user: UserData) -> None:
        self._show_measurement(user, {"state": "idle", "progress_pct": 0})

    @callback
    def _show_progress(self, user: UserData, event: SessionEvent, total_s: float) -> None:
        progress = event.progress
        if progress is not None:
            now_s = self.hass.loop.time()
            if now_s - self._last_progress_s < PROGRESS_INTERVAL_S:
                return
            self._last_progress_s = now_s
        state = "connecting" if event.state is SessionState.RECONNECTING else event.state.value
        ended = event.state in {SessionState.ABORTED, SessionState.FAILED}
        self._show_measurement(
            user,
            {
                "state": state,
                "elapsed_s": progress.elapsed_s if progress else 0.0,
                "total_s": progress.total_s if progress else total_s,
                "progress_pct": int(100 * min(progress.elapsed_s / progress.total_s, 1.0))
                if progress and progress.total_s
                else (100 if event.state is SessionState.COMPLETE else 0),
                "heart_rate_bpm": progress.heart_rate_bpm if progress else None,
                "beats": progress.beats if progress else 0,
                "artifacts": progress.artifacts if progress else 0,
                "reason": (event.message or None) if ended else None,
            },
        )

    @callback
    def _show_measurement(self, user: UserData, fields: dict[str, Any]) -> None:
        raw = {"schema_version": 1, **fields, "updated_at": dt_util.utcnow().isoformat()}
        self.set_measurement(user, measurement_from_json(raw), raw)

    @callback
    def _fire_collector_event(self, kind: str, **detail: str) -> None:
        self.hass.bus.async_fire(
            EVENT_COLLECTOR,
            {
                "device_id": self.device_id(self.user_id),
                "collector_id": self.collector_id,
                "user": self.user_id,
                "type": kind,
                "request_id": None,
                "detail": detail,
            },
        )

    # --- commands --------------------------------------------------------------------

    async def async_send_command(self, user_id: str, command: str, payload: dict[str, Any]) -> str:
        """Carry out a command here, validated exactly as the collector validates it."""
        request_id = uuid.uuid4().hex
        topics = Topics(DEFAULT_BASE_TOPIC, self.collector_id)
        try:
            parsed = parse_command(
                topics.command(user_id, command),
                json.dumps({**payload, "request_id": request_id}).encode(),
                topics=topics,
                users=[self.user_id],
                today=dt_util.now().date(),
            )
        except InvalidCommandError as err:
            raise ServiceValidationError(str(err)) from err
        if isinstance(parsed, MeasureCommand):
            self.start_measurement(requested=True)
            return request_id
        if isinstance(parsed, WellnessCommand):
            await self.hass.async_add_executor_job(
                partial(
                    record_wellness,
                    self.store,
                    parsed.entry(),
                    settings=self.readiness_settings,
                    at=dt_util.utcnow(),
                )
            )
        elif isinstance(parsed, TrainingCommand):
            await self.hass.async_add_executor_job(
                partial(
                    record_training, self.store, parsed.entry(), settings=self.readiness_settings
                )
            )
        else:
            await self.hass.async_add_executor_job(
                partial(
                    reassess, self.store, self.user_id, since=None, settings=self.readiness_settings
                )
            )
        await self.async_recompute()
        return request_id

    async def async_recompute(self) -> None:
        """Re-assess the latest usable reading with today's entries (as the collector)."""
        state = await self.hass.async_add_executor_job(self._recomputed_state)
        if state is not None:
            self._show_state(self.users[self.user_id], state, live=True)

    def _recomputed_state(self) -> bytes | None:
        store = self.store
        reading = store.latest_reading(self.user_id)
        if reading is None:
            return None
        readiness = current_verdict(store, self.user_id, self.readiness_settings)
        return state_payload(
            collector_id=self.collector_id,
            reading=reading,
            readiness=readiness,
            published_at=dt_util.utcnow(),
        ).to_bytes()
