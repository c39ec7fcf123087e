"""Daily summaries (one row per morning: date, rMSSD in ms, HR in bpm), any app.

The generic reader for a table whose header names a date column (``date``,
``Date Time Start``, ``timestamp`` ...), an rMSSD column in ms (``rMSSD``,
``RMSSD``, ``rmssd (ms)`` ...) and a heart-rate column (``HR``, ``Resting HR`` ...);
the apps with their own module (:mod:`.hrv4training`, :mod:`.elite_hrv`) use
:func:`collect` too. An ``ln(RMSSD)`` column alone is not used: apps differ in
whether and how they scale it, and Elite HRV's ``HRV`` column is a 0-100 score.

Traps shared by the apps: dates whose day-month order is decided from the whole
column (:mod:`.dates`); a row for every calendar day with ``0.0``, ``-`` or an empty
cell on days without a reading (skipped, never read as 0 ms); rows longer than the
header (a trailing comma, unnamed extra values) are fine; two rows of one date keep
the last (the app's latest reading that morning).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hrv_readiness.formats.dates import decide_order, parse_stamp
from hrv_readiness.formats.errors import SummaryFileError
from hrv_readiness.formats.models import DailyReading, DailySummary
from hrv_readiness.formats.text import cell, measurement, normalise

if TYPE_CHECKING:
    import datetime as dt

_DATE_COLUMNS = ("date", "datetimestart", "datetime", "timestamp", "day")
_TIME_COLUMNS = ("time",)
_RMSSD_COLUMNS = ("rmssd", "rmssdms", "hrvrmssd")
_HR_COLUMNS = ("hr", "hrbpm", "restinghr", "rhr", "heartrate", "avghr", "restingheartrate")


@dataclass(frozen=True, slots=True)
class Columns:
    """Where a summary keeps each value (``time``/``stamp``: optional time columns)."""

    date: int
    rmssd: int
    hr: int
    time: int | None = None
    stamp: int | None = None


def find(header: list[str], *candidates: str) -> int | None:
    """The index of the first of ``candidates`` (normalised names) in ``header``."""
    names = [normalise(name) for name in header]
    for candidate in candidates:
        if candidate in names:
            return names.index(candidate)
    return None


def summary_columns(header: list[str]) -> Columns | None:
    """The columns of a generic daily summary, or ``None`` if the header is not one."""
    date = find(header, *_DATE_COLUMNS)
    time = find(header, *_TIME_COLUMNS)
    if date is None and time is not None:
        date, time = time, None  # a lone "time" column holds the date and time
    rmssd, hr = find(header, *_RMSSD_COLUMNS), find(header, *_HR_COLUMNS)
    if date is None or rmssd is None or hr is None:
        return None
    return Columns(date=date, rmssd=rmssd, hr=hr, time=time)


def collect(
    rows: list[tuple[int, list[str]]],
    columns: Columns,
    *,
    app: str,
    source: str,
    date_order: str | None,
    keep: tuple[int, frozenset[str]] | None = None,
    year_first: tuple[str, ...] = ("ymd",),
) -> DailySummary:
    """The mornings of ``rows``; ``keep`` = (column, normalised values) filters rows."""
    dated = [(number, row) for number, row in rows if cell(row, columns.date)]
    order = decide_order(
        [(number, cell(row, columns.date)) for number, row in dated],
        source=source,
        forced=date_order,
        year_first=year_first,
    )
    readings: dict[dt.date, DailyReading] = {}
    for number, row in dated:
        if keep is not None and normalise(cell(row, keep[0])) not in keep[1]:
            continue
        try:
            rmssd = measurement(cell(row, columns.rmssd), "rMSSD")
            if rmssd is None:
                continue  # a day without a reading
            hr = measurement(cell(row, columns.hr), "HR")
            if hr is None:
                msg = "an rMSSD without a heart rate"
                raise ValueError(msg)  # noqa: TRY301 - reported with the line below
            stamp = parse_stamp(cell(row, columns.date), order)
            clock = stamp.time
            if columns.stamp is not None and cell(row, columns.stamp):
                clock = parse_stamp(cell(row, columns.stamp), order).time or clock
            elif columns.time is not None and cell(row, columns.time):
                clock = parse_stamp(f"2000-01-01 {cell(row, columns.time)}", "ymd").time
        except ValueError as err:
            msg = f"{source}: line {number}: {err}"
            raise SummaryFileError(msg) from err
        readings[stamp.day] = DailyReading(day=stamp.day, time=clock, rmssd_ms=rmssd, hr_bpm=hr)
    if not readings:
        msg = f"{source}: {app}: {len(rows)} rows but not one with an rMSSD reading"
        raise SummaryFileError(msg)
    ordered = sorted(readings.values(), key=lambda reading: reading.day)
    return DailySummary(app=app, readings=tuple(ordered), rows=len(rows))
