"""A simulated orthostatic test: a lying series, a stand, a standing series.

Lying is :func:`hrv_readiness.simulation.rr.synthesize_rr_ms` at the resting heart rate.
Standing is the same model at the standing heart rate with less beat-to-beat
variation (the vagal withdrawal of standing: Schmitt et al. 2015 report standing HF
power well below supine), plus the initial response to an active stand: a heart-rate
bump that peaks about 12 s after standing up and is gone by about 30 s (Borst et al.
1982, Am J Physiol 243:H676; Sprangers et al. 1991). ``stood=False`` leaves the person
lying after the cue (a refused test).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from hrv_readiness.simulation.rr import RrScenario, synthesize_rr_ms

if TYPE_CHECKING:
    from collections.abc import Iterator


@dataclass(frozen=True, kw_only=True)
class OrthostaticScenario:
    """The simulated person's test (times in seconds of RR, rates in bpm)."""

    supine_s: float = 180.0
    standing_s: float = 180.0
    supine_hr_bpm: float = 55.0
    supine_rmssd_ms: float = 55.0
    standing_hr_bpm: float = 75.0
    standing_rmssd_ms: float = 25.0
    peak_hr_bpm: float = 95.0
    peak_after_s: float = 12.0
    peak_width_s: float = 5.0
    stood: bool = True
    seed: int = 0


def standing_bump_bpm(scenario: OrthostaticScenario, after_cue_s: float) -> float:
    """Heart rate added to the standing level ``after_cue_s`` after the stand."""
    extra = scenario.peak_hr_bpm - scenario.standing_hr_bpm
    return extra * math.exp(-(((after_cue_s - scenario.peak_after_s) / scenario.peak_width_s) ** 2))


def _lying_rr_ms(
    scenario: OrthostaticScenario, duration_s: float, *, seed: int
) -> npt.NDArray[np.float64]:
    """RR of the person lying still: the supine heart rate and RMSSD."""
    return synthesize_rr_ms(
        RrScenario(
            duration_s=duration_s,
            resting_hr_bpm=scenario.supine_hr_bpm,
            target_rmssd_ms=scenario.supine_rmssd_ms,
            ectopic_rate=0.0,
            seed=seed,
        )
    )


def synthesize_orthostatic_rr_ms(
    scenario: OrthostaticScenario,
) -> tuple[npt.NDArray[np.float64], int]:
    """RR of the whole test and ``stand_index``, the first interval after the cue."""
    supine = _lying_rr_ms(scenario, scenario.supine_s, seed=scenario.seed)
    supine = supine[np.cumsum(supine) <= scenario.supine_s * 1000.0]
    if not scenario.stood:
        after = _lying_rr_ms(scenario, scenario.standing_s, seed=scenario.seed + 1)
        return np.concatenate([supine, after]), int(supine.size)
    standing = synthesize_rr_ms(
        RrScenario(
            duration_s=scenario.standing_s + 10.0,
            resting_hr_bpm=scenario.standing_hr_bpm,
            target_rmssd_ms=scenario.standing_rmssd_ms,
            mayer_wave_amplitude_ms=8.0,
            ectopic_rate=0.0,
            seed=scenario.seed + 1,
        )
    )
    out: list[float] = []
    elapsed_s = 0.0
    for rr in standing:
        bpm = 60_000.0 / float(rr) + standing_bump_bpm(scenario, elapsed_s)
        value = 60_000.0 / bpm
        out.append(value)
        elapsed_s += value / 1000.0
        if elapsed_s >= scenario.standing_s:
            break
    return np.concatenate([supine, np.asarray(out)]), int(supine.size)


class LivePerson:
    """A person lying on a strap who stands up when told: RR beat by beat, live.

    Iterating gives RR (ms) forever: the supine series (cycled) until :meth:`stand`
    is called, then the standing series with the initial response counted from the
    first beat after the call. A virtual strap replays it, so its RR change at the
    moment the test gives the cue — whenever that is.
    """

    def __init__(self, scenario: OrthostaticScenario | None = None) -> None:
        self.scenario = scenario or OrthostaticScenario()
        lying = dataclasses.replace(self.scenario, stood=False)
        rr, stand_index = synthesize_orthostatic_rr_ms(lying)
        self._supine = rr[:stand_index]
        standing, stand_index = synthesize_orthostatic_rr_ms(self.scenario)
        self._standing = standing[stand_index:]
        self.stood = False
        #: Beats given so far (the index of the first standing beat, once standing).
        self.beats = 0
        self.first_standing_beat: int | None = None

    def stand(self) -> None:
        """The person stands up now: the next beat is the first one standing."""
        self.stood = True

    def __iter__(self) -> Iterator[float]:
        k = 0
        while not self.stood:
            self.beats += 1
            yield float(self._supine[k % self._supine.size])
            k += 1
        self.first_standing_beat = self.beats
        standing = self._standing.tolist()
        # The initial response once; then standing still, cycled.
        after_transient = int(np.searchsorted(np.cumsum(self._standing), 60_000.0))
        for rr in itertools.chain(standing, itertools.cycle(standing[after_transient:])):
            self.beats += 1
            yield rr
