"""When a strap entry measures by itself: once a day, inside the person's morning window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import date


@dataclass(frozen=True)
class MorningWindow:
    """``start``-``end`` in local time; an ``end`` before ``start`` spans midnight."""

    start: time
    end: time

    @classmethod
    def parse(cls, start: str, end: str) -> MorningWindow:
        return cls(time.fromisoformat(start), time.fromisoformat(end))

    def contains(self, now: datetime) -> bool:
        clock = now.time().replace(tzinfo=None)
        if self.start <= self.end:
            return self.start <= clock < self.end
        return clock >= self.start or clock < self.end


@dataclass
class MorningPlan:
    """Decides whether an advertisement of the strap should start a measurement."""

    window: MorningWindow
    retry_after: timedelta
    #: The local day of the last usable reading.
    measured_on: date | None = None
    #: When the last automatic attempt started (a failed one is retried later).
    attempted_at: datetime | None = None

    def due(self, now: datetime) -> bool:
        if not self.window.contains(now) or self.measured_on == now.date():
            return False
        return self.attempted_at is None or now - self.attempted_at >= self.retry_after
