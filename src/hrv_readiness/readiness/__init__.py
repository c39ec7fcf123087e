"""Readiness and fatigue type from a person's own HRV history (pure, no I/O).

``assess(...)`` is the one entry point; see docs/model.md for the rules and their
evidence.
"""

from __future__ import annotations

from hrv_readiness.readiness.models import (
    SESSION_TYPES,
    Baselines,
    DailyReading,
    FatigueType,
    Readiness,
    Reason,
    SessionType,
    Status,
    TrainingEntry,
    WellnessEntry,
)
from hrv_readiness.readiness.rules import AssessmentInputError, assess
from hrv_readiness.readiness.settings import ReadinessSettings

__all__ = [
    "SESSION_TYPES",
    "AssessmentInputError",
    "Baselines",
    "DailyReading",
    "FatigueType",
    "Readiness",
    "ReadinessSettings",
    "Reason",
    "SessionType",
    "Status",
    "TrainingEntry",
    "WellnessEntry",
    "assess",
]
