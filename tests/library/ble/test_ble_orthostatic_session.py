"""The measurement session of an orthostatic test: the whole protocol, one cue, a mark.

A simulated strap replays a :class:`LivePerson` who stands up when the session's cue
arrives, so the RR change at the cue as they would on a person.
"""

from __future__ import annotations

import pytest

from hrv_readiness.ble import MeasurementSettings, SessionEvent, SessionState, run_measurement
from hrv_readiness.ble.simulated import SimulatedStrap
from hrv_readiness.hrv import OrthostaticProtocol, analyze_orthostatic
from hrv_readiness.simulation import LivePerson, OrthostaticScenario

PROTOCOL = OrthostaticProtocol()
SETTINGS = MeasurementSettings(settle_s=5.0, strap_wait_s=5.0, adapter_wait_s=5.0)


async def measure_test(
    person: LivePerson,
    *,
    stand: bool = True,
    settings: MeasurementSettings = SETTINGS,
    **strap: object,
) -> tuple[list[SessionEvent], object]:
    events: list[SessionEvent] = []

    def on_event(event: SessionEvent) -> None:
        events.append(event)
        if event.stand_up and stand:
            person.stand()

    source = SimulatedStrap(person, speed=400, **strap)  # type: ignore[arg-type]
    result = await run_measurement(source, settings, on_event=on_event, orthostatic=PROTOCOL)
    return events, result


async def test_the_protocol_is_recorded_with_one_cue_at_its_time() -> None:
    person = LivePerson(OrthostaticScenario(seed=3))
    events, result = await measure_test(person)
    assert result.state is SessionState.COMPLETE  # type: ignore[attr-defined]
    recording = result.recording  # type: ignore[attr-defined]
    cues = [e for e in events if e.stand_up]
    assert len(cues) == 1
    assert cues[0].message == "stand up now"
    # The cue comes when the recorded RR reach the protocol's lying time.
    assert recording.stand_index is not None
    lying_s = sum(recording.rr_ms[: recording.stand_index]) / 1000.0
    assert lying_s == pytest.approx(PROTOCOL.cue_at_s, abs=2.0)
    assert recording.duration_s == pytest.approx(PROTOCOL.total_s, abs=2.0)
    progress = [e.progress for e in events if e.progress is not None]
    assert progress[-1].total_s == PROTOCOL.total_s
    # The strap's beats changed within a packet of the cue: the metrics see the stand.
    result_ = analyze_orthostatic(
        recording.rr_ms, stand_index=recording.stand_index, segment_starts=recording.segment_starts
    )
    assert result_.refusal is None, result_.reason
    assert result_.metrics is not None
    assert result_.metrics.hr_rise_bpm > 25.0


async def test_no_stand_after_the_cue_is_refused_with_the_reason() -> None:
    person = LivePerson(OrthostaticScenario(seed=4))
    _, result = await measure_test(person, stand=False)
    recording = result.recording  # type: ignore[attr-defined]
    verdict = analyze_orthostatic(recording.rr_ms, stand_index=recording.stand_index)
    assert verdict.refusal == "no_stand"
    assert verdict.reason is not None


async def test_a_plain_reading_has_no_cue_and_no_mark() -> None:
    person = LivePerson(OrthostaticScenario(seed=5))
    events: list[SessionEvent] = []
    result = await run_measurement(
        SimulatedStrap(person, speed=400), SETTINGS, on_event=events.append
    )
    assert result.recording is not None
    assert result.recording.stand_index is None
    assert not [e for e in events if e.stand_up]
    assert result.recording.duration_s == pytest.approx(SETTINGS.duration_s, abs=2.0)


async def test_a_short_link_loss_while_standing_keeps_the_mark() -> None:
    """A drop after the cue: the recording continues in a new run, the mark stays."""
    person = LivePerson(OrthostaticScenario(seed=6))
    # Strap time: contact after 2 s, settle 5 s, lying 180 s: a 3 s drop at 250 s.
    events, result = await measure_test(person, drops=[(250.0, 3.0)])
    recording = result.recording  # type: ignore[attr-defined]
    assert result.state is SessionState.COMPLETE  # type: ignore[attr-defined]
    assert len([e for e in events if e.stand_up]) == 1
    assert len(recording.segment_starts) >= 2
    assert recording.stand_index is not None
    assert recording.stand_index < recording.segment_starts[-1]


async def test_a_short_link_loss_while_lying_continues_before_the_cue() -> None:
    """A drop in the lying phase: a new run, the cue still once, the test still judged."""
    person = LivePerson(OrthostaticScenario(seed=7))
    # Strap time: contact at 2 s, settle 5 s: a 3 s drop at 100 s is in the lying part.
    events, result = await measure_test(person, drops=[(100.0, 3.0)])
    recording = result.recording  # type: ignore[attr-defined]
    assert result.state is SessionState.COMPLETE  # type: ignore[attr-defined]
    assert len([e for e in events if e.stand_up]) == 1
    assert len(recording.segment_starts) >= 2
    assert recording.stand_index is not None
    assert recording.segment_starts[1] < recording.stand_index
    verdict = analyze_orthostatic(
        recording.rr_ms, stand_index=recording.stand_index, segment_starts=recording.segment_starts
    )
    assert verdict.refusal is None, verdict.reason
    assert verdict.supine is not None
    assert verdict.supine.usable


async def test_a_long_link_loss_while_standing_restarts_the_protocol() -> None:
    """As for a plain reading: a drop longer than short_drop_s restarts the recording,
    the cue included (the person lies down again when told the test restarts)."""
    person = LivePerson(OrthostaticScenario(seed=9))
    # At 400x a 40 s drop is 0.1 s of the loop's time: "long" is set below it here.
    events, result = await measure_test(
        person,
        drops=[(250.0, 40.0)],
        stand=False,
        settings=SETTINGS.model_copy(update={"short_drop_s": 0.02}),
    )
    assert result.state is SessionState.COMPLETE  # type: ignore[attr-defined]
    restarts = [e for e in events if "restarting the recording" in e.message]
    assert len(restarts) == 1
    # One cue before the drop, one in the restarted protocol.
    assert len([e for e in events if e.stand_up]) == 2
    recording = result.recording  # type: ignore[attr-defined]
    assert recording.stand_index is not None
    assert sum(recording.rr_ms[: recording.stand_index]) / 1000.0 == pytest.approx(
        PROTOCOL.cue_at_s, abs=2.0
    )
