"""Realistic synthetic RR series for the demo, the simulated strap and tests."""

from __future__ import annotations

from collector.simulation.rr import RrScenario, synthesize_rr_ms

__all__ = ["RrScenario", "synthesize_rr_ms"]
