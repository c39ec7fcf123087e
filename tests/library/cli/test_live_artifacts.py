"""The artifact counter shown while recording ends on the count of the finished reading."""

from __future__ import annotations

from hrv_readiness.ble.models import MeasurementSettings, SessionEvent
from hrv_readiness.ble.session import run_measurement
from hrv_readiness.ble.simulated import SimulatedStrap
from hrv_readiness.hrv import analyze
from hrv_readiness.simulation import RrScenario, synthesize_rr_ms


async def test_live_counter_equals_final_count() -> None:
    # Frequent ectopic beats: the old running 20 % rule counted each premature beat
    # and its compensatory pause (live 3, final 1 in the issue).
    rr = synthesize_rr_ms(RrScenario(duration_s=200.0, ectopic_rate=0.03, seed=7)).tolist()
    events: list[SessionEvent] = []
    result = await run_measurement(
        SimulatedStrap(rr, speed=2000.0),
        MeasurementSettings(duration_s=120.0, settle_s=0.0),
        on_event=events.append,
    )
    assert result.recording is not None
    final = analyze(
        result.recording.rr_ms, segment_starts=result.recording.segment_starts
    ).artifacts.total
    live = [e.progress.artifacts for e in events if e.progress is not None]
    assert final > 0
    assert live[-1] == final
