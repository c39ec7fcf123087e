r"""HRV4Training's "export data" CSV: one row per calendar day.

The file is ``MyMeasurements_Android.csv`` on Android, ``yyyy_M_d_myMeasurements.csv``
on iOS.

Recognised by its columns: ``HRV4T_Recovery_Points`` or ``timestamp_measurement``
besides ``HR`` and ``rMSSD``. Traps, each from a real export:

* Android (2017, 2020): dates written **year-day-month** (``2020-29-03``), decided
  from the whole column (:mod:`.dates`); a ``time`` column (``07:39``; empty or
  ``01:00`` on days without a reading); spaces after some commas of the header; a
  blank line (or a lone ``\\r``) after the header; CRLF; every row longer than the
  header (a trailing comma, sometimes three unnamed values).
* iOS (2018): **bare CR** line endings; ``date`` = ``2018-05-18 12:01:00 a. m. +0000``
  and ``timestamp_measurement`` = ``2018-05-18 7:33:16 a. m. +0000`` (12-hour clock,
  Spanish-style ``a. m.``/``p. m.``, local time labelled ``+0000``); ``-`` for
  every value and ``test_duration`` 0 on days without a reading.
* iOS (2017, trimmed in a spreadsheet): only ``timestamp_measurement`` holds the date.
* Days without a reading hold ``0.0`` (Android) or ``-`` (iOS) and are skipped.
* Evening readings (21:37) are kept: they are the app's reading of that date.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hrv_readiness.formats.daily_summary import Columns, collect, find

if TYPE_CHECKING:
    from hrv_readiness.formats.models import DailySummary

APP = "HRV4Training"


def columns(header: list[str]) -> Columns | None:
    """The columns of an HRV4Training export, or ``None`` if ``header`` is not one."""
    if find(header, "hrv4trecoverypoints", "timestampmeasurement") is None:
        return None
    rmssd, hr = find(header, "rmssd"), find(header, "hr")
    stamp = find(header, "timestampmeasurement")
    date = find(header, "date")
    day = date if date is not None else stamp
    if day is None or rmssd is None or hr is None:
        return None
    return Columns(date=day, rmssd=rmssd, hr=hr, time=find(header, "time"), stamp=stamp)


def read(
    rows: list[tuple[int, list[str]]], cols: Columns, *, source: str, date_order: str | None
) -> DailySummary:
    return collect(
        rows, cols, app=APP, source=source, date_order=date_order, year_first=("ymd", "ydm")
    )
