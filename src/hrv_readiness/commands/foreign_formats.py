"""Daily HRV summaries exported by other apps (HRV4Training, Elite HRV), as readings.

Neither app publishes a specification of its CSV export, so a file is recognised by
its header, not by its name: one row per morning with a date column (``date``,
``Date Time Start``, ``timestamp`` ...), an rMSSD column in ms (``rMSSD``,
``RMSSD``, ``rmssd (ms)`` ...) and a heart-rate column in bpm (``HR``,
``Resting HR``, ``heart rate`` ...); other columns are ignored. An ``ln(RMSSD)``
column alone is not used: apps differ in whether and how they scale it.

Each row becomes a stored reading without RR intervals (``source`` names the app)
and without a verdict: the report assesses it against the history before it, so an
imported history gives advice from the first morning measured here. RR files
(one interval per line, e.g. the Elite HRV RR ``.txt`` export) are read by
:mod:`hrv_readiness.hrv.io` instead.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hrv_readiness.errors import InputError
from hrv_readiness.store import StoredReading

if TYPE_CHECKING:
    from pathlib import Path

_DATE_COLUMNS = ("date", "datetimestart", "datetime", "timestamp", "time", "day")
_RMSSD_COLUMNS = ("rmssd", "rmssdms", "hrvrmssd")
_HR_COLUMNS = ("hr", "hrbpm", "restinghr", "rhr", "heartrate", "avghr", "restingheartrate")
_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y", "%m/%d/%Y")
_MORNING = dt.time(7, 0)


class SummaryFileError(InputError):
    """A file that looked like a daily summary export could not be read."""


@dataclass(frozen=True, slots=True)
class SummaryColumns:
    date: int
    rmssd: int
    hr: int


def _normalise(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def summary_columns(header: list[str]) -> SummaryColumns | None:
    """The columns of a daily summary export, or ``None`` if the header is not one."""
    names = [_normalise(name) for name in header]

    def find(candidates: tuple[str, ...]) -> int | None:
        for candidate in candidates:
            if candidate in names:
                return names.index(candidate)
        return None

    date, rmssd, hr = find(_DATE_COLUMNS), find(_RMSSD_COLUMNS), find(_HR_COLUMNS)
    if date is None or rmssd is None or hr is None:
        return None
    return SummaryColumns(date=date, rmssd=rmssd, hr=hr)


def looks_like_summary(text: str) -> bool:
    first = next(iter(text.lstrip("\ufeff").splitlines()), "")
    return summary_columns(next(csv.reader([first], delimiter=_delimiter(first)), [])) is not None


def _delimiter(line: str) -> str:
    return max(",;\t", key=line.count)


def _date(cell: str) -> dt.date:
    text = cell.strip().strip('"')
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    msg = f"{text!r} is not a date"
    raise ValueError(msg)


def _number(cell: str) -> float:
    value = float(cell.strip().strip('"').replace(",", "."))
    if not math.isfinite(value) or value <= 0:
        msg = f"{cell!r} is not a positive number"
        raise ValueError(msg)
    return value


def read_summary(path: Path, text: str, *, user: str, source: str) -> list[StoredReading]:
    """Readings of a daily summary export; :class:`SummaryFileError` names the bad line."""
    lines = text.lstrip("\ufeff").splitlines()
    rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=_delimiter(lines[0])))
    columns = summary_columns(rows[0])
    if columns is None:  # pragma: no cover - callers check looks_like_summary first
        msg = f"{path}: not a daily HRV summary (needs date, rMSSD and HR columns)"
        raise SummaryFileError(msg)
    readings: dict[dt.date, StoredReading] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            day = _date(row[columns.date])
            rmssd = _number(row[columns.rmssd])
            hr = _number(row[columns.hr])
        except (ValueError, IndexError) as err:
            msg = f"{path}: line {number}: {err}"
            raise SummaryFileError(msg) from err
        readings[day] = StoredReading(  # the last row of a morning counts
            user=user,
            measured_at=dt.datetime.combine(day, _MORNING).astimezone(),
            date=day,
            duration_s=0.0,
            rr_ms=(),
            rmssd_ms=rmssd,
            ln_rmssd=math.log(rmssd),
            mean_hr_bpm=hr,
            quality="acceptable",
            quality_reason=f"imported daily summary ({source})",
            source=source,
        )
    if not readings:
        msg = f"{path}: the summary has a header but no mornings"
        raise SummaryFileError(msg)
    return [readings[day] for day in sorted(readings)]


_DATE_IN_NAME = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")


def date_of_rr_file(path: Path) -> dt.date:
    """The morning of an RR file: a date in its name, else the day it was last modified.

    Elite HRV names its RR exports by date and time, e.g. ``2026-01-17 06-47-13.txt``.
    """
    if match := _DATE_IN_NAME.search(path.name):
        try:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    return dt.datetime.fromtimestamp(path.stat().st_mtime).astimezone().date()
