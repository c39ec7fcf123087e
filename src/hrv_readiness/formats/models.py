"""What a reader returns: RR intervals of one recording, or an app's daily readings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt


@dataclass(frozen=True, slots=True)
class RrRecording:
    """RR intervals (ms) of one recording, and what the file says about it.

    ``day``/``started_at`` come from the file's content (a ``.hrm`` ``Date``, a
    timestamp column) when it has them; ``None`` lets the caller fall back to the
    file name or its modification time.
    """

    rr_ms: tuple[float, ...]
    app: str
    day: dt.date | None = None
    started_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class DailyReading:
    """One morning of another app's daily export (``time`` when the app wrote it)."""

    day: dt.date
    time: dt.time | None
    rmssd_ms: float
    hr_bpm: float


@dataclass(frozen=True, slots=True)
class DailySummary:
    """The mornings of a daily export, one per date, oldest first."""

    app: str
    readings: tuple[DailyReading, ...]
    rows: int
