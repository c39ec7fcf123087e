"""Realistic synthetic RR series for the demo, the simulated strap and tests."""

from __future__ import annotations

from hrv_readiness.simulation.rr import RrScenario, synthesize_rr_ms

__all__ = ["RrScenario", "synthesize_rr_ms"]
