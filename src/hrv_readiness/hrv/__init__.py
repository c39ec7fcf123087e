"""The HRV engine: pure numpy, no I/O.

``analyze(rr_ms) -> HrvResult`` validates RR intervals, finds artifacts by the
Lipponen–Tarvainen beat classification, corrects them at the level of R peaks with
gap-aware successive differences, and computes time-domain and Poincaré metrics, or
rejects the reading with a reason.
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
    RrFileError,
)
from hrv_readiness.hrv.models import ArtifactCounts, HrvResult, Quality, QualityLevel

__all__ = [
    "DEFAULT_ARTIFACT_REJECT_PCT",
    "DEFAULT_MAX_UNCERTAINTY_PCT",
    "ArtifactCounts",
    "EmptySeriesError",
    "HrvResult",
    "ImplausibleIntervalError",
    "InsufficientDataError",
    "InvalidOptionError",
    "LooksLikeSecondsError",
    "NonFiniteError",
    "NotNumericError",
    "Quality",
    "QualityLevel",
    "RrFileError",
    "analyze",
]
