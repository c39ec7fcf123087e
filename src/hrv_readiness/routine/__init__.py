"""One person's morning routine, shared by the collector daemon and Home Assistant.

:class:`MorningRoutine` owns the morning window, when to measure and retry, the
throttled progress, the outcome and the person's commands; it tells a
:class:`RoutineSink` what happened as typed events (:mod:`.events`).
"""

from __future__ import annotations

from hrv_readiness.routine.events import (
    MeasurementOutcome,
    MeasurementStatus,
    Outcome,
    Phase,
    RoutineEvent,
    RoutineSink,
    StandUpCue,
    StateCause,
    StateChanged,
)
from hrv_readiness.routine.routine import (
    PROGRESS_INTERVAL_S,
    RETRY_AFTER,
    MorningRoutine,
    RoutineSettings,
    run_inline,
)
from hrv_readiness.routine.window import MorningWindow

__all__ = [
    "PROGRESS_INTERVAL_S",
    "RETRY_AFTER",
    "MeasurementOutcome",
    "MeasurementStatus",
    "MorningRoutine",
    "MorningWindow",
    "Outcome",
    "Phase",
    "RoutineEvent",
    "RoutineSettings",
    "RoutineSink",
    "StandUpCue",
    "StateCause",
    "StateChanged",
    "run_inline",
]
