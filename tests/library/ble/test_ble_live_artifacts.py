"""The live artifact counter does not re-analyse the whole recording per notification.

Home Assistant runs the session on its event loop: a full analysis on every packet
(several milliseconds on a Pi, growing with the recording) would stall it. The count
is refreshed every few beats and once more at the end, where it equals the reading's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hrv_readiness.ble import MeasurementSettings, SessionEvent, run_measurement
from hrv_readiness.ble import session as session_module
from hrv_readiness.ble.simulated import SimulatedStrap
from hrv_readiness.hrv import analyze
from hrv_readiness.simulation import RrScenario, synthesize_rr_ms

if TYPE_CHECKING:
    import pytest


async def test_the_live_count_is_not_a_full_analysis_per_notification(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scenario = RrScenario(duration_s=200, resting_hr_bpm=60, target_rmssd_ms=50, seed=4)
    rr = [float(v) for v in synthesize_rr_ms(scenario)]
    analyses = 0

    def counted(*args: Any, **kwargs: Any) -> Any:
        nonlocal analyses
        analyses += 1
        return analyze(*args, **kwargs)

    monkeypatch.setattr(session_module, "analyze", counted)
    events: list[SessionEvent] = []
    result = await run_measurement(
        SimulatedStrap(rr, speed=400, contact_after_s=0.0),
        MeasurementSettings(duration_s=60, settle_s=0),
        on_event=events.append,
    )
    assert result.recording is not None
    progress = [e.progress for e in events if e.progress is not None]
    assert len(progress) >= 40  # a notification per second or two of beats
    assert analyses <= len(progress) // 5 + 2
    # At the end the live count is the finished reading's.
    final = analyze(result.recording.rr_ms, segment_starts=result.recording.segment_starts)
    assert progress[-1].artifacts == final.artifacts.total
