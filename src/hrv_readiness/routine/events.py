"""What a morning routine tells its sink: typed values, never wire payloads.

A sink turns them into whatever its side shows: the collector's MQTT sink builds the
contract's payloads and publishes them; Home Assistant's sink updates its entities
and fires its events. Both get exactly the same sequence of events.
"""

from __future__ import annotations

import datetime as dt  # noqa: TC003 - dataclass field types
import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from hrv_readiness.ble.errors import StrapFailure
    from hrv_readiness.readiness import Readiness
    from hrv_readiness.store import StoredReading


class Outcome(enum.StrEnum):
    """How a measurement attempt went (the contract's event types of the same name)."""

    STARTED = "measurement_started"
    COMPLETED = "measurement_completed"
    #: A recording was made, but it is no reading (too many artifacts, too short).
    REJECTED = "measurement_rejected"
    #: No recording: the strap was not found, refused, lost or never had contact.
    FAILED = "measurement_failed"


class Phase(enum.StrEnum):
    """The measurement under way, as shown live (the contract's measurement states)."""

    IDLE = "idle"
    WAITING_FOR_STRAP = "waiting_for_strap"
    CONNECTING = "connecting"
    WAITING_FOR_CONTACT = "waiting_for_contact"
    SETTLING = "settling"
    RECORDING = "recording"
    COMPLETE = "complete"
    ABORTED = "aborted"
    FAILED = "failed"


class StateCause(enum.StrEnum):
    """Why the person's state is (re)announced."""

    #: At start: the history as it was left (nothing new happened).
    RESTORED = "restored"
    #: A new reading was stored (usable or rejected).
    MEASURED = "measured"
    #: A questionnaire, a training entry or a recompute changed the verdict.
    RECOMPUTED = "recomputed"


@dataclass(frozen=True, kw_only=True)
class MeasurementStatus:
    """The measurement under way (or its end), throttled while recording."""

    user: str
    phase: Phase
    elapsed_s: float
    total_s: float
    at: dt.datetime
    heart_rate_bpm: int | None = None
    beats: int = 0
    artifacts: int = 0
    #: Why an aborted or failed measurement ended; while recording past its planned
    #: length, why it goes on; when complete after that, which window was analysed.
    reason: str | None = None

    @property
    def progress_pct(self) -> int:
        if self.phase is Phase.COMPLETE:
            return 100
        if self.total_s <= 0:
            return 0
        return int(100 * min(max(self.elapsed_s, 0.0) / self.total_s, 1.0))


@dataclass(frozen=True, kw_only=True)
class MeasurementOutcome:
    """One step of an attempt: started, then completed, rejected or failed."""

    user: str
    outcome: Outcome
    at: dt.datetime
    #: Asked for (button, command) rather than started by the morning window.
    requested: bool
    reason: str | None = None
    #: Why there was no recording, as a code a consumer can act on (``FAILED`` only).
    failure: StrapFailure | None = None


@dataclass(frozen=True, kw_only=True)
class StateChanged:
    """The person's state as of now: the latest reading and the current verdict."""

    user: str
    cause: StateCause
    at: dt.datetime
    #: The latest stored reading (possibly a rejected one); ``None``: no reading any more
    #: (the only one was deleted, the person removed or renamed), "no reading yet".
    reading: StoredReading | None
    #: The latest usable reading assessed with everything stored now (``None``: none yet).
    readiness: Readiness | None


@dataclass(frozen=True, kw_only=True)
class StandUpCue:
    """The cue of an orthostatic test: the person should stand up now (docs/model.md).

    Emitted once per test, when the recorded RR reach the protocol's lying time; a
    sink says it the way its side can (a terminal bell, an MQTT event, Home
    Assistant's ``stand_up`` event for a spoken announcement).
    """

    user: str
    at: dt.datetime
    #: The test was asked for (button, command) rather than started by the schedule.
    requested: bool


RoutineEvent = MeasurementStatus | MeasurementOutcome | StateChanged | StandUpCue


class RoutineSink(Protocol):
    """Where a routine's events go; called on the routine's event loop, must not block."""

    def emit(self, event: RoutineEvent) -> None: ...
