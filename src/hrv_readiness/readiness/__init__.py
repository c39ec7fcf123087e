"""Readiness and fatigue type from a person's own HRV history (pure, no I/O).

``assess(...)`` is the one entry point (assess.py). The model, in the order it runs:
baseline.py (the week and the reference, built from normal training), decisions.py
(the rules), score.py (the gauge and its status bands), wording.py (reasons and
advice); reasons.py is the closed set of reason codes and settings.py every threshold.
docs/model.md states each rule with its evidence and a worked example.
"""

from __future__ import annotations

from hrv_readiness.readiness.assess import assess
from hrv_readiness.readiness.errors import (
    AssessmentInputError,
    InvalidRecordError,
    ReadinessInputError,
)
from hrv_readiness.readiness.models import (
    SESSION_TYPES,
    Baselines,
    DailyReading,
    FatigueType,
    OrthostaticBaselines,
    OrthostaticTest,
    Readiness,
    Reason,
    SessionType,
    Status,
    TrainingEntry,
    WellnessEntry,
)
from hrv_readiness.readiness.reasons import REASON_CODES, ReasonCode
from hrv_readiness.readiness.settings import ReadinessSettings

__all__ = [
    "REASON_CODES",
    "SESSION_TYPES",
    "AssessmentInputError",
    "Baselines",
    "DailyReading",
    "FatigueType",
    "InvalidRecordError",
    "OrthostaticBaselines",
    "OrthostaticTest",
    "Readiness",
    "ReadinessInputError",
    "ReadinessSettings",
    "Reason",
    "ReasonCode",
    "SessionType",
    "Status",
    "TrainingEntry",
    "WellnessEntry",
    "assess",
]
