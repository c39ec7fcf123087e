"""The morning measurement as an explicit state machine.

``await run_measurement(source, settings, on_event=...) -> MeasurementResult``

States (:class:`~hrv_readiness.ble.models.SessionState`)::

    waiting_for_strap -> connecting -> waiting_for_contact -> settling -> recording
        -> complete | aborted (reason) | failed (reason)
    any connected state --link lost--> reconnecting -> connecting -> ...

* waiting_for_strap: scan until the strap advertises (``strap_wait_s``); an
  unavailable adapter is waited out (``adapter_wait_s``).
* connecting: one attempt is bounded by ``connect_timeout_s``; a busy strap or a
  failed connect is retried up to ``max_reconnects`` times, but a connect that times
  out twice in a row ends the session (a hung Connect does not come back).
* Once connected, the session is pinned to that strap's address: a reconnect never
  continues on another strap that matches the same pattern.
* waiting_for_contact: notifications without skin contact are discarded (they do
  not count towards the unit check either); none for ``contact_timeout_s`` aborts.
  A strap without contact detection counts as contact.
* settling: the first ``settle_s`` seconds of RR (summed RR) are discarded.
* recording: RR are kept until their sum reaches ``duration_s``. A progress event
  follows every notification (elapsed/total, HR, beats, artifacts so far). If the
  reading would then be refused or its RMSSD uncertain, it is extended by up to
  ``max_extension_s`` and the cleanest ``duration_s`` window is kept
  (:mod:`hrv_readiness.ble.extension`); the recording says which window.
* an orthostatic test (``orthostatic=`` a protocol, docs/model.md) records the whole
  protocol instead (``total_s``) and, once the recorded RR reach ``cue_at_s``, marks
  the next interval as the first one standing and emits one event with
  ``stand_up=True``: the cue. A restarted recording (a long link loss) starts the
  protocol, cue included, again.
* A link loss (disconnect callback, or the notification watchdog: no notification
  for ``watchdog_s``, which is how a stall or a bluetoothd exit shows) reconnects.
  Back within ``short_drop_s`` while recording: the recording continues with a new
  segment. Longer, or before recording: it restarts at waiting_for_contact. At
  most ``max_reconnects`` link losses, then failed.
* Every wait is bounded; ``session_timeout_s`` caps the whole session as a last
  resort, so the session always ends in complete, aborted or failed.

RR checks: RR outside ``min_rr_ms``-``max_rr_ms`` (273-2000 ms) are dropped and
counted; a strap sending RR in ms instead of 1/1024 s is caught by comparing its HR
field with its RR (``60000 / RR`` is then 2.4 % above HR) and its values are
rescaled. The timeline is the sum of RR, never packet arrival; timeouts use the
event loop's monotonic clock.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from hrv_readiness.ble.errors import (
    AdapterUnavailableError,
    HeartRateParseError,
    StrapBusyError,
    StrapConnectionError,
    StrapFailure,
    StrapNotFoundError,
    failure_of,
)
from hrv_readiness.ble.extension import Extension, describe_choice
from hrv_readiness.ble.models import (
    DiscoveredStrap,
    HeartRateMeasurement,
    MeasurementResult,
    MeasurementSettings,
    Progress,
    Recording,
    SessionEvent,
    SessionState,
    StrapInfo,
)
from hrv_readiness.ble.parser import RR_UNITS_PER_SECOND, parse_heart_rate_measurement
from hrv_readiness.errors import InputError, StrapError
from hrv_readiness.hrv import analyze

if TYPE_CHECKING:
    from hrv_readiness.ble.source import StrapLink, StrapSource
    from hrv_readiness.hrv import OrthostaticProtocol

_LOGGER = logging.getLogger(__name__)

EventCallback = Callable[[SessionEvent], None]

#: HR-field x mean RR / 60000 is ~1.0 for 1/1024 s and 1000/1024 = 0.977 for ms. A
#: ratio far outside both means the HR field is not derived from the RR (averaged,
#: stale, or junk): then it proves nothing and the spec's unit is kept.
_MS_UNIT_RATIO_RANGE = (0.962, 0.988)
_MS_UNIT_MIN_PACKETS = 5
#: A connect timing out this often in a row ends the session (it is not coming back).
_MAX_CONNECT_TIMEOUTS = 2
#: Time allowed to close a link (bluetoothd may be gone and never answer).
_CLOSE_TIMEOUT_S = 5.0

BUSY_HINT = "strap busy — is a phone app connected to it? Close the app and try again"


#: The live artifact count is recounted after this many new beats (about 10 s).
_RECOUNT_BEATS = 10


class _SessionEndedError(Exception):
    """Internal: ends the session with a final state and reason."""

    def __init__(
        self, state: SessionState, reason: str, failure: StrapFailure | None = None
    ) -> None:
        super().__init__(reason)
        self.state = state
        self.reason = reason
        self.failure = failure

    def code(self) -> StrapFailure | None:
        """Its own code, else that of the strap error that ended it (``raise … from``)."""
        if self.failure is not None:
            return self.failure
        cause = self.__cause__
        if isinstance(cause, TimeoutError) or isinstance(
            getattr(cause, "__cause__", None), TimeoutError
        ):
            return StrapFailure.NOT_CONNECTABLE  # a connect that never returns: out of reach
        return None if cause is None else failure_of(cause)


class _LinkLostError(Exception):
    """Internal: the link dropped or went silent."""


_DISCONNECTED = object()


@dataclass
class _UnitDetector:
    """Decides whether the strap sends RR in 1/1024 s (conforming) or in ms."""

    ratio_sum: float = 0.0
    packets: int = 0

    def add(self, measurement: HeartRateMeasurement) -> None:
        if measurement.heart_rate_bpm <= 0 or not measurement.rr_intervals_ms:
            return
        mean_rr = sum(measurement.rr_intervals_ms) / len(measurement.rr_intervals_ms)
        self.ratio_sum += measurement.heart_rate_bpm * mean_rr / 60_000.0
        self.packets += 1

    @property
    def scale(self) -> float:
        """Factor turning parsed RR into true ms (1.0, or 1.024 for an ms strap)."""
        if self.packets < _MS_UNIT_MIN_PACKETS:
            return 1.0
        low, high = _MS_UNIT_RATIO_RANGE
        if low <= self.ratio_sum / self.packets < high:
            return RR_UNITS_PER_SECOND / 1000.0
        return 1.0


@dataclass
class _Recorder:
    """RR kept while recording, split into segments at every gap."""

    settings: MeasurementSettings
    units: _UnitDetector
    #: Parsed RR (before unit rescaling) with the segment each belongs to.
    rr_parsed: list[float] = field(default_factory=list)
    segments: list[int] = field(default_factory=list)
    segment: int = 0
    started_at: datetime | None = None
    #: Orthostatic test: how many parsed RR came before the cue to stand.
    stand_mark: int | None = None
    #: The live artifact count and how many parsed RR it was counted on (-1: none yet).
    counted: tuple[int, int] = (-1, 0)

    def clear(self) -> None:
        self.rr_parsed.clear()
        self.segments.clear()
        self.segment += 1
        self.started_at = None
        self.stand_mark = None
        self.counted = (-1, 0)

    def break_segment(self) -> None:
        self.segment += 1

    def add(self, rr: float) -> None:
        if self.started_at is None:
            self.started_at = datetime.now(UTC)
        self.rr_parsed.append(rr)
        self.segments.append(self.segment)

    @property
    def elapsed_s(self) -> float:
        scale = self.units.scale
        return (
            sum(
                rr * scale
                for rr in self.rr_parsed
                if self.settings.min_rr_ms <= rr * scale <= self.settings.max_rr_ms
            )
            / 1000.0
        )

    def _kept(self) -> tuple[list[float], list[int], int]:
        """The plausible RR (true ms), where their runs start, and how many were dropped."""
        kept, starts, implausible, _ = self._kept_marked()
        return kept, starts, implausible

    def _kept_marked(self) -> tuple[list[float], list[int], int, int | None]:
        """As :meth:`_kept`, plus the stand mark as an index into the kept RR."""
        scale = self.units.scale
        kept: list[float] = []
        starts: list[int] = []
        implausible = 0
        stand_index: int | None = None
        previous_segment: int | None = None
        for index, (rr, segment) in enumerate(zip(self.rr_parsed, self.segments, strict=True)):
            if index == self.stand_mark:
                stand_index = len(kept)
            value = rr * scale
            if not self.settings.min_rr_ms <= value <= self.settings.max_rr_ms:
                implausible += 1
                previous_segment = None  # the next kept RR starts a new run
                continue
            if segment != previous_segment:
                starts.append(len(kept))
            previous_segment = segment
            kept.append(value)
        return kept, starts, implausible, stand_index

    def artifacts(self, *, final: bool = False) -> int:
        """Artifacts so far, counted as the finished reading's will be.

        The HRV engine's own detection on the RR recorded so far (the same call the
        finished recording gets), so the live counter ends on the final count
        (implausible intervals are dropped and reported apart). Too few beats yet: 0.
        It is recounted every ``_RECOUNT_BEATS`` new beats and for the ``final``
        report, not on every notification: a full analysis per packet would stall
        the event loop the session runs on (Home Assistant's).
        """
        seen, count = self.counted
        if not final and seen >= 0 and len(self.rr_parsed) - seen < _RECOUNT_BEATS:
            return count
        kept, starts, _ = self._kept()
        try:
            count = analyze(kept, segment_starts=tuple(starts) or (0,)).artifacts.total
        except InputError:
            count = 0
        self.counted = (len(self.rr_parsed), count)
        return count

    def kept(self) -> tuple[list[float], list[int]]:
        """The plausible RR so far (true ms) and where their runs start."""
        kept, starts, _ = self._kept()
        return kept, starts or [0]

    def build(self, info: StrapInfo, reconnects: int, extension: Extension) -> Recording:
        scale = self.units.scale
        kept, starts, implausible, stand_index = self._kept_marked()
        recorded_s = sum(kept) / 1000.0
        window_start_s, window = 0.0, ""
        try:
            choice = extension.choose(kept, starts or [0])
        except InputError:
            choice = None  # too few beats for any window: the whole recording goes on
        if choice is not None and not choice.whole_recording:
            picked = choice.window
            kept = kept[picked.start : picked.stop]
            starts = list(picked.segment_starts)
            window_start_s = picked.start_s
        if choice is not None:
            window = describe_choice(choice, recorded_s)
        return Recording(
            rr_ms=tuple(kept),
            started_at=self.started_at or datetime.now(UTC),
            duration_s=sum(kept) / 1000.0,
            strap_name=info.name,
            strap_address=info.address,
            battery_pct=info.battery_pct,
            body_sensor_location=info.body_sensor_location,
            reconnects=reconnects,
            segment_starts=tuple(starts) or (0,),
            implausible_rr=implausible,
            rr_unit="ms" if scale != 1.0 else "1/1024 s",
            stand_index=stand_index
            if stand_index is not None and stand_index < len(kept)
            else None,
            recorded_s=recorded_s,
            window_start_s=window_start_s,
            window=window,
        )


class _Session:
    def __init__(
        self,
        source: StrapSource,
        settings: MeasurementSettings,
        on_event: EventCallback | None,
        orthostatic: OrthostaticProtocol | None = None,
    ) -> None:
        self.source = source
        self.settings = settings
        self.on_event = on_event
        #: Recorded length: the whole orthostatic protocol, else ``duration_s``.
        self.total_s = orthostatic.total_s if orthostatic is not None else settings.duration_s
        #: Recorded seconds at which the person is told to stand (orthostatic test).
        self.cue_at_s = orthostatic.cue_at_s if orthostatic is not None else None
        #: A plain reading may be extended; an orthostatic test records its protocol.
        self.extendable = orthostatic is None
        self.events: list[SessionEvent] = []
        self.state = SessionState.WAITING_FOR_STRAP
        self.loop = asyncio.get_running_loop()
        self.queue: asyncio.Queue[object] = asyncio.Queue()
        self.units = _UnitDetector()
        self.recorder = _Recorder(settings=settings, units=self.units)
        self.extension = self.new_extension()
        self.link_losses = 0
        self.info: StrapInfo | None = None
        #: The strap of this measurement once connected: reconnects go to it only.
        self.pinned_address: str | None = None
        self.settled_ms = 0.0
        self.resume_recording = False
        self.contact_wait_start = 0.0
        self.last_rr_at = 0.0

    # -- events -------------------------------------------------------------
    def emit(
        self,
        state: SessionState,
        message: str = "",
        progress: Progress | None = None,
        *,
        stand_up: bool = False,
    ) -> None:
        if progress is None:
            self.state = state
        event = SessionEvent(state=state, message=message, progress=progress, stand_up=stand_up)
        self.events.append(event)
        _LOGGER.debug("session event %s", event)
        if self.on_event is not None:
            self.on_event(event)

    def end(
        self, state: SessionState, reason: str, failure: StrapFailure | None = None
    ) -> _SessionEndedError:
        return _SessionEndedError(state, reason, failure)

    # -- connecting ---------------------------------------------------------
    async def acquire(self, state: SessionState) -> StrapLink:
        """Find and connect to the strap, waiting out adapter and strap absence."""
        self.emit(state, f"looking for {self.source.description}")
        strap_deadline = self.loop.time() + self.settings.strap_wait_s
        adapter_deadline: float | None = None
        connect_failures = 0
        timeouts_in_a_row = 0
        while True:
            try:
                strap = await self.find(strap_deadline)
                adapter_deadline = None
                # It is there: failing to connect is counted, not held against the wait.
                strap_deadline = self.loop.time() + self.settings.strap_wait_s
                link = await self.connect(strap)
            except AdapterUnavailableError as err:
                now = self.loop.time()
                if adapter_deadline is None:
                    adapter_deadline = now + self.settings.adapter_wait_s
                    self.emit(self.state, f"{err}; waiting for it")
                if now >= adapter_deadline:
                    raise self.end(
                        SessionState.FAILED,
                        f"{err} (waited {self.settings.adapter_wait_s:g} s)",
                    ) from err
                # Looking for the strap starts over once the adapter is back.
                strap_deadline = now + self.settings.strap_wait_s
                await asyncio.sleep(self.settings.retry_delay_s)
                continue
            except (StrapBusyError, StrapConnectionError, StrapNotFoundError, TimeoutError) as err:
                # Not found here means it went away between the scan and the connect.
                connect_failures += 1
                timed_out = isinstance(err, TimeoutError) or isinstance(err.__cause__, TimeoutError)
                timeouts_in_a_row = timeouts_in_a_row + 1 if timed_out else 0
                reason = self.connect_failure(err, strap)
                if timeouts_in_a_row >= _MAX_CONNECT_TIMEOUTS:
                    # A Connect that never returns does not return on the sixth try either.
                    raise self.end(
                        SessionState.FAILED,
                        f"{reason}, {timeouts_in_a_row} times in a row — move the strap closer,"
                        " wake it (moisten the electrodes) or restart Bluetooth",
                    ) from err
                if connect_failures > self.settings.max_reconnects:
                    raise self.end(
                        SessionState.FAILED,
                        f"could not connect after {connect_failures} attempts: {reason}",
                    ) from err
                message = BUSY_HINT if isinstance(err, StrapBusyError) else f"retrying: {reason}"
                self.emit(self.state, message)
                await asyncio.sleep(self.settings.retry_delay_s)
                continue
            self.pinned_address = link.info.address
            return link

    def connect_failure(self, err: Exception, strap: DiscoveredStrap) -> str:
        """Why a connect failed, in words (never an empty reason)."""
        if isinstance(err, StrapBusyError):
            return BUSY_HINT
        if isinstance(err, TimeoutError) or isinstance(err.__cause__, TimeoutError):
            return (
                f"{strap.name} ({strap.address}) did not answer within"
                f" {self.settings.connect_timeout_s:g} s"
            )
        return str(err) or type(err).__name__

    async def find(self, deadline: float) -> DiscoveredStrap:
        """The strap, once it advertises; after the first connect only that same strap.

        A household's straps may all match the user's pattern: a reconnect must never
        continue on another person's strap and mix two people's beats in one reading.
        """
        while True:
            remaining = deadline - self.loop.time()
            try:
                strap = await self.source.find(max(0.1, min(self.settings.scan_s, remaining)))
            except StrapNotFoundError as err:
                if self.loop.time() >= deadline:
                    wanted = (
                        f"strap {self.pinned_address} (measured so far)"
                        if self.pinned_address
                        else self.source.description
                    )
                    raise self.end(
                        SessionState.FAILED,
                        f"{wanted} not found within"
                        f" {self.settings.strap_wait_s:g} s — is it worn, in range and not"
                        " held by a phone app?",
                    ) from err
                continue
            if self.pinned_address is None or strap.address == self.pinned_address:
                return strap
            _LOGGER.debug(
                "ignoring %s (%s): this measurement is on %s",
                strap.name,
                strap.address,
                self.pinned_address,
            )
            if self.loop.time() >= deadline:
                raise self.end(
                    SessionState.FAILED,
                    f"strap {self.pinned_address} (measured so far) not found within"
                    f" {self.settings.strap_wait_s:g} s; only other straps are in range",
                )
            await asyncio.sleep(min(self.settings.retry_delay_s, 0.2))

    async def connect(self, strap: DiscoveredStrap) -> StrapLink:
        self.emit(SessionState.CONNECTING, f"connecting to {strap.name} ({strap.address})")
        # A fresh queue per link: nothing from a dead link leaks into the next one.
        queue: asyncio.Queue[object] = asyncio.Queue()
        self.queue = queue
        # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation.
        async with asyncio.timeout(self.settings.connect_timeout_s):
            link = await self.source.connect(
                strap,
                queue.put_nowait,
                lambda: queue.put_nowait(_DISCONNECTED),
            )
        self.info = link.info
        return link

    async def close(self, link: StrapLink) -> None:
        try:
            async with asyncio.timeout(_CLOSE_TIMEOUT_S):
                await link.close()
        except Exception:  # a dead link may fail any way, even time out
            _LOGGER.debug("closing the strap link failed", exc_info=True)

    # -- receiving ----------------------------------------------------------
    async def next_measurement(self) -> HeartRateMeasurement:
        while True:
            try:
                async with asyncio.timeout(self.settings.watchdog_s):
                    item = await self.queue.get()
            except TimeoutError as err:
                msg = f"no notification for {self.settings.watchdog_s:g} s"
                raise _LinkLostError(msg) from err
            if item is _DISCONNECTED:
                raise _LinkLostError("strap disconnected")
            assert isinstance(item, bytes | bytearray)  # noqa: S101 - queue holds only these
            try:
                return parse_heart_rate_measurement(bytes(item))
            except HeartRateParseError as err:
                _LOGGER.warning("ignoring a bad notification: %s", err)

    async def run(self) -> Recording:
        link = await self.acquire(SessionState.WAITING_FOR_STRAP)
        try:
            while True:
                try:
                    await self.record_on(link)
                    assert self.info is not None  # noqa: S101 - set by connect()
                    return self.recorder.build(self.info, self.link_losses, self.extension)
                except _LinkLostError as err:
                    await self.close(link)
                    link = await self.reconnect(str(err))
        finally:
            await self.close(link)

    async def reconnect(self, why: str) -> StrapLink:
        lost_at = self.loop.time()
        was_recording = self.state is SessionState.RECORDING
        self.link_losses += 1
        if self.link_losses > self.settings.max_reconnects:
            raise self.end(
                SessionState.FAILED,
                f"link to the strap lost {self.link_losses} times (last: {why})",
                StrapFailure.LINK_LOST,
            )
        self.emit(SessionState.RECONNECTING, f"link lost ({why}), reconnecting")
        link = await self.acquire(SessionState.RECONNECTING)
        gap_s = self.loop.time() - lost_at
        if was_recording and gap_s <= self.settings.short_drop_s:
            self.recorder.break_segment()
            self.resume_recording = True
            self.emit(SessionState.WAITING_FOR_CONTACT, f"back after {gap_s:.1f} s, continuing")
        else:
            self.resume_recording = False
            if was_recording:
                self.emit(
                    SessionState.WAITING_FOR_CONTACT,
                    f"back after {gap_s:.1f} s, restarting the recording",
                )
            self.recorder.clear()
        return link

    async def record_on(self, link: StrapLink) -> None:
        """Take notifications from ``link`` until the recording is complete."""
        del link  # notifications arrive through the queue
        if not self.resume_recording:
            self.emit(SessionState.WAITING_FOR_CONTACT, "waiting for skin contact")
        self.contact_wait_start = self.loop.time()
        self.last_rr_at = self.loop.time()
        while True:
            measurement = await self.next_measurement()
            now = self.loop.time()
            if measurement.sensor_contact is False:
                self.lose_contact(now)
                continue
            # Only packets with contact tell the unit: without it the HR field is stale
            # or zero and the RR junk, and seconds of them would outvote the real ones.
            self.units.add(measurement)
            self.check_rr_flow(measurement, now)
            if self.state is SessionState.WAITING_FOR_CONTACT:
                self.gain_contact()
            self.consume(measurement.rr_intervals_ms)
            if self.state is SessionState.RECORDING and self.report(measurement):
                return

    def lose_contact(self, now: float) -> None:
        settings = self.settings
        if self.state in (SessionState.SETTLING, SessionState.RECORDING):
            if self.state is SessionState.RECORDING:
                self.resume_recording = True
                self.recorder.break_segment()
            self.emit(SessionState.WAITING_FOR_CONTACT, "skin contact lost")
            self.contact_wait_start = now
        if now - self.contact_wait_start > settings.contact_timeout_s:
            raise self.end(
                SessionState.ABORTED,
                f"no skin contact for {settings.contact_timeout_s:g} s — moisten the"
                " strap's electrodes and put it on snugly",
                StrapFailure.NO_CONTACT,
            )

    def check_rr_flow(self, measurement: HeartRateMeasurement, now: float) -> None:
        """Fail a strap that sends heart rate with contact but never any RR."""
        if measurement.rr_intervals_ms:
            self.last_rr_at = now
        elif now - self.last_rr_at > self.settings.watchdog_s * 3:
            raise self.end(
                SessionState.FAILED,
                f"the strap sends heart rate but no RR intervals for"
                f" {now - self.last_rr_at:.0f} s; this strap cannot measure HRV",
            )

    def gain_contact(self) -> None:
        if self.resume_recording:
            self.resume_recording = False
            self.emit(SessionState.RECORDING, "skin contact, recording continues")
        elif self.settings.settle_s == 0.0:
            self.start_recording()
        else:
            self.settled_ms = 0.0
            self.emit(SessionState.SETTLING, f"settling for {self.settings.settle_s:g} s")

    def new_extension(self) -> Extension:
        return Extension(
            self.settings,
            planned_s=self.total_s,
            max_extension_s=self.settings.max_extension_s if self.extendable else 0.0,
        )

    def start_recording(self) -> None:
        self.recorder.clear()
        self.extension = self.new_extension()
        self.emit(SessionState.RECORDING, f"recording {self.total_s:g} s")

    def consume(self, rr_intervals_ms: tuple[float, ...]) -> None:
        for rr in rr_intervals_ms:
            if self.state is SessionState.SETTLING:
                self.settled_ms += rr
                if self.settled_ms >= self.settings.settle_s * 1000.0:
                    self.start_recording()
                continue
            self.recorder.add(rr)
            elapsed_s = self.recorder.elapsed_s
            if (
                self.cue_at_s is not None
                and self.recorder.stand_mark is None
                and elapsed_s >= self.cue_at_s
            ):
                # The beats that follow are the first ones after the cue.
                self.recorder.stand_mark = len(self.recorder.rr_parsed)
                self.emit(SessionState.RECORDING, "stand up now", stand_up=True)
            # Every beat of the packet: the recording may go on past its planned end
            # (the extension), and a beat left out there would be a gap inside it.

    def report(self, measurement: HeartRateMeasurement) -> bool:
        """Emit a progress event; return True when the recording is complete.

        At the planned length the :class:`Extension` decides whether to record longer
        (the reading would be refused or uncertain); it says why, once, as a state
        message, and every progress event carries it while the extension lasts.
        """
        elapsed_s = self.recorder.elapsed_s
        was_extending = self.extension.active
        done = elapsed_s >= self.total_s and self.extension.complete(*self.recorder.kept())
        if self.extension.active and not was_extending:
            self.emit(SessionState.RECORDING, self.extension.why)
        total_s = self.extension.target_s
        self.emit(
            SessionState.RECORDING,
            progress=Progress(
                elapsed_s=min(elapsed_s, total_s),
                total_s=total_s,
                heart_rate_bpm=measurement.heart_rate_bpm,
                beats=len(self.recorder.rr_parsed),
                artifacts=self.recorder.artifacts(final=done),
                extending=self.extension.why if self.extension.active else "",
            ),
        )
        return done


async def run_measurement(
    source: StrapSource,
    settings: MeasurementSettings | None = None,
    *,
    on_event: EventCallback | None = None,
    session_timeout_s: float | None = None,
    orthostatic: OrthostaticProtocol | None = None,
) -> MeasurementResult:
    """Run one morning measurement on ``source`` and return how it ended.

    Never raises for strap, adapter or link problems: they end the session as
    ``aborted`` or ``failed`` with a reason. ``session_timeout_s`` (default: a bound
    derived from the settings) caps the whole session. ``orthostatic``: record an
    orthostatic test of that protocol, with its cue to stand (module docstring).
    """
    settings = settings or MeasurementSettings()
    session = _Session(source, settings, on_event, orthostatic)
    cap_s = (
        session_timeout_s
        if session_timeout_s is not None
        else _default_cap_s(settings, session.total_s)
    )
    try:
        async with asyncio.timeout(cap_s):
            recording = await session.run()
    except _SessionEndedError as ended:
        session.emit(ended.state, ended.reason)
        return MeasurementResult(
            state=ended.state,
            reason=ended.reason,
            failure=ended.code(),
            events=tuple(session.events),
        )
    except StrapError as err:  # a source error the state machine has no rule for
        _LOGGER.warning("measurement failed: %r", err)
        session.emit(SessionState.FAILED, str(err))
        return MeasurementResult(
            state=SessionState.FAILED,
            reason=str(err),
            failure=failure_of(err),
            events=tuple(session.events),
        )
    except TimeoutError:
        reason = f"measurement did not finish within {cap_s:g} s"
        session.emit(SessionState.FAILED, reason)
        return MeasurementResult(
            state=SessionState.FAILED, reason=reason, events=tuple(session.events)
        )
    message = f"recorded {recording.duration_s:.0f} s, {len(recording.rr_ms)} beats"
    if recording.window:
        message = f"recorded {recording.recorded_s:.0f} s; {recording.window}"
    session.emit(SessionState.COMPLETE, message)
    return MeasurementResult(
        state=SessionState.COMPLETE, recording=recording, events=tuple(session.events)
    )


def _default_cap_s(settings: MeasurementSettings, total_s: float) -> float:
    """Return a generous bound on a whole session: every wait, for every allowed attempt."""
    per_link = (
        settings.strap_wait_s
        + settings.adapter_wait_s
        + settings.connect_timeout_s
        + settings.contact_timeout_s
        + settings.watchdog_s * 3
        + _CLOSE_TIMEOUT_S
    )
    recording = (total_s + settings.max_extension_s + settings.settle_s) * 3
    return recording + per_link * (settings.max_reconnects + 2)
