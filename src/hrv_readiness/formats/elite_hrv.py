"""Elite HRV's CSV export of readings (web dashboard, ``ElitHRV_Export - <date>.csv``).

Header ``Member,Date,Datetime,Type,HRV,lnRmssd,Rmssd,...,HR,Rolling Avg HR``. Traps:

* ``HRV`` is Elite HRV's 0-100 score, **not** rMSSD in ms (57 against ``Rmssd``
  40.87): the ``Rmssd`` column is read, never ``HRV``;
* a UTF-8 byte-order mark and CRLF; empty ``Score``/``Indication``/``Balance`` cells;
* ``Type`` tells morning readiness readings from other kinds (open readings,
  breathing sessions): only readiness rows are mornings, the others are skipped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hrv_readiness.formats.daily_summary import Columns, collect, find
from hrv_readiness.formats.errors import NotAMorningReadingError

if TYPE_CHECKING:
    from hrv_readiness.formats.models import DailySummary
from hrv_readiness.formats.text import cell, normalise

APP = "Elite HRV"
_MORNING_TYPES = frozenset({"readiness", "morningreadiness"})


def columns(header: list[str]) -> tuple[Columns, int] | None:
    """The columns of an Elite HRV export and its ``Type`` column, or ``None``."""
    rmssd, ln_rmssd, kind = find(header, "rmssd"), find(header, "lnrmssd"), find(header, "type")
    date, hr = find(header, "date"), find(header, "hr")
    if rmssd is None or ln_rmssd is None or kind is None or date is None or hr is None:
        return None
    return Columns(date=date, rmssd=rmssd, hr=hr, stamp=find(header, "datetime")), kind


def read(
    rows: list[tuple[int, list[str]]],
    cols: tuple[Columns, int],
    *,
    source: str,
    date_order: str | None,
) -> DailySummary:
    columns_, kind = cols
    kinds = {cell(row, kind) for _, row in rows}
    if rows and not any(normalise(name) in _MORNING_TYPES for name in kinds):
        msg = (
            f"{source}: an Elite HRV export without morning readiness readings "
            f"(Type: {', '.join(sorted(kinds))}): only those are mornings"
        )
        raise NotAMorningReadingError(msg, app=APP)
    return collect(
        rows,
        columns_,
        app=APP,
        source=source,
        date_order=date_order,
        keep=(kind, _MORNING_TYPES),
    )
