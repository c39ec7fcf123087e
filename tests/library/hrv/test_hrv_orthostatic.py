"""Orthostatic metrics against a naive, independent computation from the same RR."""

from __future__ import annotations

import itertools
import math
import statistics

import numpy as np
import pytest
from pydantic import ValidationError

from hrv_readiness.hrv import InvalidOptionError
from hrv_readiness.hrv.orthostatic import OrthostaticProtocol, analyze_orthostatic
from hrv_readiness.simulation.orthostatic import (
    LivePerson,
    OrthostaticScenario,
    synthesize_orthostatic_rr_ms,
)

PROTOCOL = OrthostaticProtocol()


def naive_window(rr: list[float], from_s: float, to_s: float) -> list[float]:
    """Beats whose end falls in [from_s, to_s), by walking the series."""
    out, t = [], 0.0
    for value in rr:
        t += value / 1000.0
        if from_s <= t < to_s:
            out.append(value)
    return out


def naive_rmssd(rr: list[float]) -> float:
    diffs = [b - a for a, b in itertools.pairwise(rr)]
    return math.sqrt(sum(d * d for d in diffs) / len(diffs))


def naive_hr(rr: list[float]) -> float:
    return 60000.0 / (sum(rr) / len(rr))


def naive_peak(rr: list[float], cue_s: float, window_s: float, beats: int) -> tuple[float, float]:
    ends, t = [], 0.0
    for value in rr:
        t += value / 1000.0
        ends.append(t)
    inside = [i for i, e in enumerate(ends) if cue_s < e <= cue_s + window_s]
    best, when = math.inf, 0.0
    for k in range(len(inside) - beats + 1):
        run = [rr[i] for i in inside[k : k + beats]]
        median = statistics.median(run)
        if median < best:
            best, when = median, ends[inside[k + beats // 2]] - cue_s
    return 60000.0 / best, when


def independent(rr: list[float], stand_index: int) -> dict[str, float]:
    cue_s = sum(rr[:stand_index]) / 1000.0
    supine = naive_window(rr, cue_s - PROTOCOL.supine_window_s, cue_s)
    start = cue_s + PROTOCOL.standing_settle_s
    standing = naive_window(rr, start, start + PROTOCOL.standing_window_s)
    peak, when = naive_peak(rr, cue_s, PROTOCOL.peak_window_s, PROTOCOL.peak_beats)
    return {
        "supine_rmssd_ms": naive_rmssd(supine),
        "supine_hr_bpm": naive_hr(supine),
        "standing_rmssd_ms": naive_rmssd(standing),
        "standing_hr_bpm": naive_hr(standing),
        "peak_hr_bpm": peak,
        "time_to_peak_s": when,
        "hr_rise_bpm": peak - naive_hr(supine),
    }


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_metrics_match_an_independent_computation(seed: int) -> None:
    scenario = OrthostaticScenario(seed=seed)
    rr, stand_index = synthesize_orthostatic_rr_ms(scenario)
    result = analyze_orthostatic(rr, stand_index=stand_index)
    assert result.refusal is None, result.reason
    m = result.metrics
    assert m is not None
    ref = independent(rr.tolist(), stand_index)
    for name in ("supine_hr_bpm", "standing_hr_bpm", "peak_hr_bpm", "hr_rise_bpm"):
        assert getattr(m, name) == pytest.approx(ref[name], abs=2.0), name
    for name in ("supine_rmssd_ms", "standing_rmssd_ms"):
        assert getattr(m, name) == pytest.approx(ref[name], rel=0.05), name
    assert m.time_to_peak_s == pytest.approx(ref["time_to_peak_s"], abs=1.5)
    assert m.supine_ln_rmssd == pytest.approx(math.log(m.supine_rmssd_ms))
    assert m.standing_ln_rmssd == pytest.approx(math.log(m.standing_rmssd_ms))
    assert m.rmssd_ratio == pytest.approx(m.standing_rmssd_ms / m.supine_rmssd_ms)
    assert m.hr_ratio == pytest.approx(m.standing_hr_bpm / m.supine_hr_bpm)
    assert m.standing_hr_rise_bpm == pytest.approx(m.standing_hr_bpm - m.supine_hr_bpm)


def test_metrics_find_the_simulated_person() -> None:
    """The numbers the simulation was built with come back (a second, physical check)."""
    scenario = OrthostaticScenario(seed=5)
    rr, stand_index = synthesize_orthostatic_rr_ms(scenario)
    m = analyze_orthostatic(rr, stand_index=stand_index).metrics
    assert m is not None
    assert m.supine_hr_bpm == pytest.approx(scenario.supine_hr_bpm, abs=2.0)
    assert m.standing_hr_bpm == pytest.approx(scenario.standing_hr_bpm, abs=2.0)
    assert m.peak_hr_bpm == pytest.approx(scenario.peak_hr_bpm, abs=5.0)
    assert m.time_to_peak_s == pytest.approx(scenario.peak_after_s, abs=3.0)
    assert m.supine_rmssd_ms == pytest.approx(scenario.supine_rmssd_ms, rel=0.2)
    assert m.standing_rmssd_ms < m.supine_rmssd_ms


def test_no_stand_is_refused_with_the_reason() -> None:
    rr, stand_index = synthesize_orthostatic_rr_ms(OrthostaticScenario(stood=False, seed=2))
    result = analyze_orthostatic(rr, stand_index=stand_index)
    assert result.refusal == "no_stand"
    assert result.metrics is None
    assert result.reason is not None
    assert "rose only" in result.reason
    # The lying part is still a morning reading.
    assert result.supine is not None
    assert result.supine.usable


def test_a_missing_cue_is_refused_and_keeps_the_lying_reading() -> None:
    rr, _ = synthesize_orthostatic_rr_ms(OrthostaticScenario(seed=3))
    result = analyze_orthostatic(rr[:200], stand_index=None)
    assert result.refusal == "no_cue"
    assert result.supine is not None
    assert result.supine.usable


def test_a_short_standing_phase_is_refused() -> None:
    rr, stand_index = synthesize_orthostatic_rr_ms(OrthostaticScenario(seed=4))
    cut = stand_index + 80  # about 1 min of standing: the window is never filled
    result = analyze_orthostatic(rr[:cut], stand_index=stand_index)
    assert result.refusal == "standing_short"
    assert result.reason is not None
    assert "stay standing" in result.reason


def test_an_early_cue_is_refused() -> None:
    rr, _ = synthesize_orthostatic_rr_ms(OrthostaticScenario(seed=4))
    result = analyze_orthostatic(rr, stand_index=60)  # about 1 min lying
    assert result.refusal == "supine_short"


def test_contact_lost_while_standing_up_is_refused_not_crashed() -> None:
    """Beats lost in the first seconds after the cue: one run ends, another starts."""
    rr, stand_index = synthesize_orthostatic_rr_ms(OrthostaticScenario(seed=6))
    ends = np.cumsum(rr) / 1000.0
    cue_s = ends[stand_index - 1]
    lost = (ends > cue_s) & (ends <= cue_s + 40.0)
    kept = rr[~lost]
    result = analyze_orthostatic(kept, stand_index=stand_index, segment_starts=(0, stand_index))
    assert result.refusal == "standing_short"
    assert result.reason is not None
    assert "contact" in result.reason


def test_contact_lost_while_lying_keeps_the_runs_apart() -> None:
    """A short contact loss in the supine window: no difference across the gap."""
    rr, stand_index = synthesize_orthostatic_rr_ms(OrthostaticScenario(seed=7))
    gap_at = stand_index - 40
    kept = np.concatenate([rr[: gap_at - 5], rr[gap_at:]])
    result = analyze_orthostatic(kept, stand_index=stand_index - 5, segment_starts=(0, gap_at - 5))
    assert result.refusal is None, result.reason
    assert result.supine is not None
    assert result.supine.usable


@pytest.mark.parametrize("bad", [0, -1, 10_000, True])
def test_a_stand_index_outside_the_series_is_an_input_error(bad: int) -> None:
    rr, _ = synthesize_orthostatic_rr_ms(OrthostaticScenario())
    with pytest.raises(InvalidOptionError, match="stand_index"):
        analyze_orthostatic(rr, stand_index=bad)


def test_protocol_defaults_and_consistency() -> None:
    assert PROTOCOL.cue_at_s == 180.0
    assert PROTOCOL.total_s == 360.0  # Bourdillon et al. 2017: 1+2 min lying, 1+2 standing
    with pytest.raises(ValidationError, match="peak_window_s"):
        OrthostaticProtocol(standing_settle_s=20.0, peak_window_s=30.0)


def test_a_live_person_stands_when_told() -> None:
    """The live source a virtual strap replays: its RR change at the moment of the cue."""
    person = LivePerson(OrthostaticScenario(seed=8))
    beats = iter(person)
    rr = [next(beats) for _ in range(230)]  # about 4 min lying (longer than the protocol)
    person.stand()
    rr += [next(beats) for _ in range(400)]  # more than the 3 min standing
    assert person.first_standing_beat == 230
    result = analyze_orthostatic(rr, stand_index=230)
    assert result.refusal is None, result.reason
    assert result.metrics is not None
    assert result.metrics.hr_rise_bpm == pytest.approx(independent(rr, 230)["hr_rise_bpm"], abs=2.0)
    assert result.metrics.hr_rise_bpm > 30.0
