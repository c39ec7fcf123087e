"""Errors of the HRV engine, all children of the project's :class:`InputError` family.

Each carries the data a caller needs (the offending index and value, the median that
gave the unit away) besides a message a person understands.
"""

from __future__ import annotations

from hrv_readiness.errors import InputError, InsufficientDataError, ReadingRejectedError

__all__ = [
    "EmptySeriesError",
    "ImplausibleIntervalError",
    "InsufficientDataError",
    "InvalidOptionError",
    "LooksLikeSecondsError",
    "NonFiniteError",
    "NotNumericError",
    "ReadingRejectedError",
]


class EmptySeriesError(InputError):
    """No RR intervals were given."""


class NotNumericError(InputError):
    """The RR intervals are not a flat sequence of real numbers."""


class NonFiniteError(InputError):
    """An RR interval is NaN or infinite."""

    def __init__(self, message: str, *, index: int) -> None:
        super().__init__(message)
        self.index = index


class ImplausibleIntervalError(InputError):
    """An RR interval is zero, negative or outside the physiological range."""

    def __init__(self, message: str, *, index: int, value_ms: float) -> None:
        super().__init__(message)
        self.index = index
        self.value_ms = value_ms


class LooksLikeSecondsError(ImplausibleIntervalError):
    """The values look like seconds (or another unit), not milliseconds."""

    def __init__(self, message: str, *, median: float) -> None:
        super().__init__(message, index=0, value_ms=median)
        self.median = median


class InvalidOptionError(InputError):
    """A keyword option of :func:`hrv_readiness.hrv.analyze` is out of range."""
