"""HRV Readiness collector: morning HRV from a chest strap to Home Assistant."""

from __future__ import annotations

__version__ = "0.2.0"
