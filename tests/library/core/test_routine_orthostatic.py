"""An orthostatic test through the shared morning routine: cue, mark, stored test.

The strap is a simulated one replaying a :class:`LivePerson` who stands up when the
routine's cue reaches the sink (the only mock is the radio); the clock is injected.
The same routine runs the daemon's schedule and Home Assistant's strap mode.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pytest

from hrv_readiness.ble.models import MeasurementSettings
from hrv_readiness.ble.simulated import SimulatedStrap
from hrv_readiness.hrv import analyze_orthostatic
from hrv_readiness.mqtt.sink import stand_up_payload
from hrv_readiness.routine import (
    MeasurementOutcome,
    MeasurementStatus,
    MorningRoutine,
    MorningWindow,
    Outcome,
    RoutineEvent,
    RoutineSettings,
    StandUpCue,
)
from hrv_readiness.simulation import LivePerson, OrthostaticScenario
from hrv_readiness.store import Store

if TYPE_CHECKING:
    from pathlib import Path

TZ = dt.timezone(dt.timedelta(hours=1))
NOW = dt.datetime(2026, 11, 22, 6, 30, tzinfo=TZ)
SESSION = MeasurementSettings(settle_s=0, contact_timeout_s=5, watchdog_s=2, strap_wait_s=0.5)


@dataclass
class StandingSink:
    """Records the events; at the cue the person stands up (as the announcement asks)."""

    person: LivePerson
    stand: bool = True
    events: list[RoutineEvent] = field(default_factory=list)

    def emit(self, event: RoutineEvent) -> None:
        self.events.append(event)
        if isinstance(event, StandUpCue) and self.stand:
            self.person.stand()


def routine_for(
    tmp_path: Path, sink: StandingSink, *, morning_test: str = "reading"
) -> tuple[MorningRoutine, Store]:
    store = Store.open(tmp_path / "hrv.sqlite3")
    routine = MorningRoutine(
        user="alice",
        store=store,
        source=SimulatedStrap(sink.person, speed=400, contact_after_s=0.0),
        sink=sink,
        settings=RoutineSettings(
            window=MorningWindow.parse("05:00:00", "10:00:00"),
            session=SESSION,
            morning_test=morning_test,  # type: ignore[arg-type]
        ),
        now=lambda: NOW,
    )
    return routine, store


async def test_a_requested_test_gives_the_cue_and_stores_the_test(tmp_path: Path) -> None:
    sink = StandingSink(LivePerson(OrthostaticScenario(seed=2)))
    routine, store = routine_for(tmp_path, sink)
    try:
        processed = await routine.measure(orthostatic=True)
        assert processed is not None
        cues = [e for e in sink.events if isinstance(e, StandUpCue)]
        assert len(cues) == 1
        assert cues[0].requested is True
        # The cue comes while recording, after the start and before the end.
        kinds = [type(e).__name__ for e in sink.events]
        assert kinds.index("StandUpCue") > kinds.index("MeasurementOutcome")
        outcomes = [e.outcome for e in sink.events if isinstance(e, MeasurementOutcome)]
        assert outcomes == [Outcome.STARTED, Outcome.COMPLETED]
        statuses = [e for e in sink.events if isinstance(e, MeasurementStatus)]
        assert statuses[-1].total_s == routine.settings.orthostatic.total_s
        [stored] = store.readings("alice")
        assert stored.orthostatic is not None
        assert stored.orthostatic.refusal is None, stored.orthostatic.reason
        assert stored.orthostatic.metrics is not None
        # The stored metrics are those of the stored series, recomputed independently.
        again = analyze_orthostatic(stored.rr_ms, stand_index=stored.orthostatic.stand_index)
        assert again.metrics == stored.orthostatic.metrics
        assert stored.orthostatic.metrics.hr_rise_bpm > 25.0
        # The collector's sink publishes the cue as a v1.6 event.
        payload = stand_up_payload(cues[0]).model_dump(mode="json")
        assert payload["type"] == "stand_up"
        assert payload["user"] == "alice"
    finally:
        store.close()


async def test_the_morning_schedule_can_run_the_test(tmp_path: Path) -> None:
    sink = StandingSink(LivePerson(OrthostaticScenario(seed=3)))
    routine, store = routine_for(tmp_path, sink, morning_test="orthostatic")
    try:
        assert routine.due()
        processed = await routine.run_if_due()
        assert processed is not None
        cues = [e for e in sink.events if isinstance(e, StandUpCue)]
        assert [c.requested for c in cues] == [False]
        assert processed.stored.orthostatic is not None
        assert processed.stored.orthostatic.metrics is not None
        assert not routine.due()  # the morning is measured
    finally:
        store.close()


async def test_no_stand_at_the_cue_is_refused_and_the_lying_reading_counts(
    tmp_path: Path,
) -> None:
    sink = StandingSink(LivePerson(OrthostaticScenario(seed=4)), stand=False)
    routine, store = routine_for(tmp_path, sink)
    try:
        processed = await routine.measure(orthostatic=True)
        assert processed is not None
        assert processed.stored.orthostatic is not None
        assert processed.stored.orthostatic.refusal == "no_stand"
        assert "rose only" in (processed.stored.orthostatic.reason or "")
        assert processed.hrv.usable
        outcomes = [e.outcome for e in sink.events if isinstance(e, MeasurementOutcome)]
        assert outcomes[-1] is Outcome.COMPLETED
    finally:
        store.close()


@pytest.mark.parametrize("orthostatic", [False])
async def test_a_plain_measurement_gives_no_cue(tmp_path: Path, orthostatic: bool) -> None:
    sink = StandingSink(LivePerson(OrthostaticScenario(seed=5)))
    routine, store = routine_for(tmp_path, sink)
    try:
        processed = await routine.measure(orthostatic=orthostatic)
        assert processed is not None
        assert not [e for e in sink.events if isinstance(e, StandUpCue)]
        assert processed.stored.orthostatic is None
    finally:
        store.close()
