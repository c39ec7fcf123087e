"""Realistic synthetic RR series for the demo, the simulated strap and tests."""

from __future__ import annotations

from hrv_readiness.simulation.orthostatic import (
    LivePerson,
    OrthostaticScenario,
    synthesize_orthostatic_rr_ms,
)
from hrv_readiness.simulation.rr import RrScenario, synthesize_rr_ms

__all__ = [
    "LivePerson",
    "OrthostaticScenario",
    "RrScenario",
    "synthesize_orthostatic_rr_ms",
    "synthesize_rr_ms",
]
