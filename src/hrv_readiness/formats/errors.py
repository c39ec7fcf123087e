"""Errors of the readers of other apps' files, all children of :class:`InputError`.

A reader says what is wrong with the *file* (its format, or what it holds), never
what is wrong with the heart: a file whose readings are fine but then rejected by
the HRV engine is not a format error.
"""

from __future__ import annotations

from hrv_readiness.errors import InputError

__all__ = [
    "AmbiguousDatesError",
    "FormatError",
    "NotAMorningReadingError",
    "RrFileError",
    "SummaryFileError",
]


class FormatError(InputError):
    """A file could not be read as any export this project knows."""


class RrFileError(FormatError):
    """An RR file could not be read or holds no RR column this reader knows."""


class SummaryFileError(FormatError):
    """A file that looked like a daily summary export could not be read."""


class AmbiguousDatesError(SummaryFileError):
    """Every date of the file reads in two day-month orders; the user must choose."""

    def __init__(self, message: str, *, orders: tuple[str, ...]) -> None:
        super().__init__(message)
        self.orders = orders


class NotAMorningReadingError(FormatError):
    """The file is read, but what it holds is not a morning reading (said in the message).

    ``app`` names the app or device that wrote it, when the file shows it.
    """

    def __init__(self, message: str, *, app: str | None = None) -> None:
        super().__init__(message)
        self.app = app
