"""The morning window: when a person's day is measured by itself (one definition).

``start``-``end`` in local time; an ``end`` before ``start`` spans midnight (a night
shift's "morning" from 22:00 to 06:00 is one window, opened the evening before).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hrv_readiness.errors import ConfigError


@dataclass(frozen=True)
class MorningWindow:
    """Local clock times; ``end`` before ``start`` means the window spans midnight."""

    start: dt.time
    end: dt.time

    def __post_init__(self) -> None:
        if self.start == self.end:
            msg = f"the morning window starts and ends at {self.start:%H:%M}: it has no length"
            raise ConfigError(msg)

    @classmethod
    def parse(cls, start: str, end: str) -> MorningWindow:
        """From ``"HH:MM"`` strings (what a config entry or YAML file holds)."""
        try:
            return cls(dt.time.fromisoformat(start), dt.time.fromisoformat(end))
        except ValueError as err:
            msg = f"a morning window needs times like '05:30', not {start!r}-{end!r}"
            raise ConfigError(msg) from err

    @property
    def spans_midnight(self) -> bool:
        return self.end < self.start

    def opened_at(self, now: dt.datetime) -> dt.datetime | None:
        """When the window ``now`` falls in opened (in ``now``'s zone); ``None`` outside it."""
        clock = now.time().replace(tzinfo=None)
        day = now.date()
        if not self.spans_midnight:
            if not self.start <= clock < self.end:
                return None
        elif clock < self.end:
            day -= dt.timedelta(days=1)  # opened yesterday evening
        elif clock < self.start:
            return None
        return dt.datetime.combine(day, self.start, tzinfo=now.tzinfo)

    def contains(self, now: dt.datetime) -> bool:
        return self.opened_at(now) is not None
