"""Which dates a morning may carry: one rule for every path into the history (pure).

``log``, ``measure``/``analyze --save``, ``import``, the MQTT commands and Home
Assistant's actions all check a morning's date here, against the person's local
"today" that the caller (the I/O edge, which owns the clock) passes in:

* no morning in the future — a reading or questionnaire of tomorrow is a typo, and a
  future reading would be published as the current state and never be superseded;
* none older than :data:`MAX_BACKDATE_DAYS` where a person types the date — older
  dates are typos too (a year mistyped), and a baseline is built from the last 60 days
  anyway;
* a date that a recording app wrote into an imported file is history, however old
  (a 2008 Polar ProTrainer file is a real morning), down to :data:`EARLIEST_MORNING`:
  older than that is a device clock that was never set.

A back-filled or imported reading keeps a time of day (:func:`morning_at`), so each
morning stays its own row in Home Assistant's hourly statistics.
"""

from __future__ import annotations

import datetime as dt

from hrv_readiness.readiness.errors import ReadinessInputError

#: The oldest morning any path accepts, in days before today (ten years).
MAX_BACKDATE_DAYS = 3650
#: The oldest morning an imported file may carry (a date a recording app wrote).
EARLIEST_MORNING = dt.date(2000, 1, 1)
#: The local time of day given to a back-filled reading when none is known (README).
DEFAULT_MORNING_TIME = dt.time(7, 0)


class MorningDateError(ReadinessInputError):
    """A date that cannot be a morning of the history (future, or implausibly old)."""

    def __init__(self, message: str, *, date: dt.date, today: dt.date) -> None:
        super().__init__(message)
        self.date = date
        self.today = today


def check_morning(
    day: dt.date, *, today: dt.date, max_backdate_days: int | None = MAX_BACKDATE_DAYS
) -> dt.date:
    """``day`` if it can be a morning of the history on ``today``; else MorningDateError.

    ``max_backdate_days=None`` is for dates recorded in an imported file: only
    :data:`EARLIEST_MORNING` bounds them.
    """
    if day > today:
        msg = f"{day} is in the future (today is {today}): only mornings that happened"
        raise MorningDateError(msg, date=day, today=today)
    if max_backdate_days is not None and (today - day).days > max_backdate_days:
        msg = (
            f"{day} is more than {max_backdate_days} days before today ({today}): "
            "is the year right?"
        )
        raise MorningDateError(msg, date=day, today=today)
    if day < EARLIEST_MORNING:
        msg = f"{day} is before {EARLIEST_MORNING}: is the recording device's clock set?"
        raise MorningDateError(msg, date=day, today=today)
    return day


def morning_at(day: dt.date, at: dt.datetime) -> dt.datetime:
    """When a reading of the morning ``day`` was taken, given the moment ``at`` it was.

    ``at`` on ``day`` itself is returned as it is; for a back-filled morning, its time
    of day (in its own zone) is moved to ``day``. When no time is known, callers pass
    :data:`DEFAULT_MORNING_TIME` on ``day`` in the person's zone. ``at`` must carry a
    time zone.
    """
    if at.tzinfo is None:
        msg = f"a reading's time must carry a time zone, got {at.isoformat()}"
        raise ValueError(msg)
    if at.date() == day:
        return at
    return at.replace(year=day.year, month=day.month, day=day.day)
