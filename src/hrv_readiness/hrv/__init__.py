"""The HRV engine: pure numpy, no I/O.

``analyze(rr_ms) -> HrvResult`` validates RR intervals, finds artifacts by the
Lipponen–Tarvainen beat classification, corrects them at the level of R peaks with
gap-aware successive differences, and computes time-domain and Poincaré metrics and the
breathing rate (respiratory sinus arrhythmia), or rejects the reading with a reason.
``analyze_orthostatic`` does the same for the two windows of an orthostatic test and
adds the heart-rate response to standing.
"""

from __future__ import annotations

from hrv_readiness.hrv.analyze import (
    DEFAULT_ARTIFACT_REJECT_PCT,
    DEFAULT_MAX_UNCERTAINTY_PCT,
    analyze,
)
from hrv_readiness.hrv.errors import (
    EmptySeriesError,
    ImplausibleIntervalError,
    InsufficientDataError,
    InvalidOptionError,
    LooksLikeSecondsError,
    NonFiniteError,
    NotNumericError,
)
from hrv_readiness.hrv.models import (
    ArtifactCounts,
    BreathingQuality,
    HrvResult,
    Quality,
    QualityLevel,
)
from hrv_readiness.hrv.orthostatic import (
    OrthostaticMetrics,
    OrthostaticProtocol,
    OrthostaticRefusal,
    OrthostaticResult,
    analyze_orthostatic,
)
from hrv_readiness.hrv.respiration import BreathingEstimate, estimate_breathing_rate

__all__ = [
    "DEFAULT_ARTIFACT_REJECT_PCT",
    "DEFAULT_MAX_UNCERTAINTY_PCT",
    "ArtifactCounts",
    "BreathingEstimate",
    "BreathingQuality",
    "EmptySeriesError",
    "HrvResult",
    "ImplausibleIntervalError",
    "InsufficientDataError",
    "InvalidOptionError",
    "LooksLikeSecondsError",
    "NonFiniteError",
    "NotNumericError",
    "OrthostaticMetrics",
    "OrthostaticProtocol",
    "OrthostaticRefusal",
    "OrthostaticResult",
    "Quality",
    "QualityLevel",
    "analyze",
    "analyze_orthostatic",
    "estimate_breathing_rate",
]
