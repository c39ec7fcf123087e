"""Dates and times as apps write them, the day-month order decided from the whole column.

Traps, each seen in a real export:

* **Year-day-month.** HRV4Training for Android writes ``2020-29-03`` (29 March). In
  one real export 20 of 48 dates (``2020-05-08``) are *also* valid year-month-day
  dates, so reading row by row silently moves a reading by months. The order is
  therefore decided once per file: the one order under which every date of the
  column parses wins; if several do, a daily export keeps the one whose dates are
  in order (increasing or, as WHOOP writes, newest first), then the one giving a
  row per calendar day; if still more than one fits, the file is refused with both
  readings of an example and the ``--date-order`` option that settles it.
* **12-hour clocks with localized am/pm.** HRV4Training for iOS (Spanish locale,
  2018): ``2018-05-18 7:33:16 a. m. +0000`` (``a. m.``/``p. m.``, the hour without a
  leading zero; ``12:01:00 a. m.`` is one minute past midnight).
* **Offsets that are not offsets.** HRV4Training appends ``+0000`` to the phone's
  local wall-clock time (a 07:33 reading is written ``7:33:16 a. m. +0000`` by a
  phone in Spain). The date and time are taken as written; the offset is ignored,
  so a reading never moves to another day.
* **Epoch timestamps** (HRV Logger: ``1675889398023``, ms since 1970) are not dates
  of a daily summary; :func:`epoch_ms` reads them where a format says so.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass

from hrv_readiness.formats.errors import AmbiguousDatesError, SummaryFileError

#: The day-month orders, as ``--date-order`` spells them.
DATE_ORDERS = ("ymd", "ydm", "dmy", "mdy")
_ORDER_NAMES = {
    "ymd": "year-month-day",
    "ydm": "year-day-month",
    "dmy": "day/month/year",
    "mdy": "month/day/year",
}
_STAMP = re.compile(
    r"""^(?P<a>\d{1,4})[-/.](?P<b>\d{1,2})[-/.](?P<c>\d{1,4})
    (?:[ T]+(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:[.,]\d+)?)?
       \s*(?P<ampm>[ap]\.?\s?m\.?)?
       \s*(?P<tz>Z|(?:UTC|GMT)?\s?[+-]\d{1,2}(?::?\d{2})?)?)?$""",
    re.VERBOSE | re.IGNORECASE,
)
_EPOCH = re.compile(r"^\d{9,13}$")


@dataclass(frozen=True, slots=True)
class Stamp:
    """A date as written, and the time of day when the cell has one."""

    day: dt.date
    time: dt.time | None


def _fields(text: str) -> re.Match[str]:
    match = _STAMP.match(text.strip())
    if match is None:
        if _EPOCH.match(text.strip()):
            msg = f"{text!r} is a Unix timestamp (seconds or ms since 1970), not a date"
        else:
            msg = f"{text!r} is not a date"
        raise ValueError(msg)
    return match


def _candidates(match: re.Match[str]) -> tuple[str, ...]:
    if len(match["a"]) == 4:  # noqa: PLR2004 - a four-digit year comes first
        return ("ymd", "ydm")
    if len(match["c"]) == 4:  # noqa: PLR2004
        return ("dmy", "mdy")
    return ()


def _day(match: re.Match[str], order: str) -> dt.date:
    a, b, c = int(match["a"]), int(match["b"]), int(match["c"])
    year, month, day = {
        "ymd": (a, b, c),
        "ydm": (a, c, b),
        "dmy": (c, b, a),
        "mdy": (c, a, b),
    }[order]
    return dt.date(year, month, day)


def _time(match: re.Match[str]) -> dt.time | None:
    if match["h"] is None:
        return None
    hour, minute, second = int(match["h"]), int(match["m"]), int(match["s"] or 0)
    if match["ampm"]:
        if not 1 <= hour <= 12:  # noqa: PLR2004 - a 12-hour clock
            msg = f"hour {hour} on a 12-hour clock"
            raise ValueError(msg)
        pm = match["ampm"].lower().startswith("p")
        hour = hour % 12 + (12 if pm else 0)
    return dt.time(hour, minute, second)


def parse_stamp(text: str, order: str) -> Stamp:
    """The date (in ``order``) and time of one cell; ``ValueError`` says why not."""
    match = _fields(text)
    if order not in _candidates(match):
        msg = f"{text!r} is not a {_ORDER_NAMES[order]} date"
        raise ValueError(msg)
    try:
        return Stamp(day=_day(match, order), time=_time(match))
    except ValueError:
        msg = f"{text!r} is not a {_ORDER_NAMES[order]} date"
        raise ValueError(msg) from None


def _in_order(days: list[dt.date]) -> bool:
    pairs = list(itertools.pairwise(days))
    return all(a <= b for a, b in pairs) or all(a >= b for a, b in pairs)


def _one_per_day(days: list[dt.date]) -> bool:
    return all(abs((b - a).days) == 1 for a, b in itertools.pairwise(days))


_Matches = list[tuple[int, str, re.Match[str]]]
_Fits = list[tuple[str, list[dt.date]]]


def _parse_all(cells: list[tuple[int, str]], source: str) -> _Matches:
    matches: _Matches = []
    for number, text in cells:
        try:
            matches.append((number, text, _fields(text)))
        except ValueError as err:
            msg = f"{source}: line {number}: {err}"
            raise SummaryFileError(msg) from None
    return matches


def _days(matches: _Matches, order: str) -> tuple[list[dt.date] | None, str]:
    """Every date in ``order``, or ``None`` and the first line it cannot read."""
    days: list[dt.date] = []
    for number, text, match in matches:
        try:
            if order not in _candidates(match):
                raise ValueError(text)  # noqa: TRY301 - same handling as a bad date
            days.append(_day(match, order))
        except ValueError:
            return None, f"line {number}: {text!r} is not a {_ORDER_NAMES[order]} date"
    return days, ""


def _ambiguous(matches: _Matches, fits: _Fits, source: str) -> AmbiguousDatesError:
    example = next(
        text for _, text, match in matches if len({_day(match, order) for order, _ in fits}) > 1
    )
    match = _fields(example)
    readings = " or ".join(f"{_day(match, order)} ({_ORDER_NAMES[order]})" for order, _ in fits)
    choices = " or ".join(f"--date-order {order}" for order, _ in fits)
    msg = f"{source}: every date reads two ways, e.g. {example!r} as {readings}: give {choices}"
    return AmbiguousDatesError(msg, orders=tuple(order for order, _ in fits))


def decide_order(
    cells: list[tuple[int, str]],
    *,
    source: str,
    forced: str | None = None,
    year_first: tuple[str, ...] = ("ymd",),
) -> str:
    """The day-month order of a date column (``(line number, cell)`` pairs).

    ``year_first``: the orders tried when the year comes first. Only ISO year-month-day
    unless the format is known to write year-day-month (HRV4Training for Android);
    day and month with the year last are always tried both ways.

    :class:`SummaryFileError` names the first cell no order reads;
    :class:`AmbiguousDatesError` when two orders read every cell equally well.
    """
    if not cells:
        msg = f"{source}: no dates"
        raise SummaryFileError(msg)
    matches = _parse_all(cells, source)
    orders = (forced,) if forced else _candidates(matches[0][2])
    if not forced and orders and orders[0] == "ymd":
        orders = year_first
    fits: _Fits = []
    first_failure = ""
    for order in orders:
        days, failure = _days(matches, order)
        if days is None:
            first_failure = first_failure or failure
        else:
            fits.append((order, days))
    if not fits:
        hint = (
            ""
            if forced
            else f" (if the file's order differs: --date-order {'/'.join(DATE_ORDERS)})"
        )
        msg = f"{source}: {first_failure or 'no date order reads these dates'}{hint}"
        raise SummaryFileError(msg)
    for keep in (_in_order, _one_per_day):
        if len(fits) > 1 and any(keep(days) for _, days in fits):
            fits = [(order, days) for order, days in fits if keep(days)]
    if len({tuple(days) for _, days in fits}) > 1:
        raise _ambiguous(matches, fits, source)
    return fits[0][0]  # one order, or several that agree on every date


def epoch_ms(text: str) -> dt.datetime:
    """A Unix time in milliseconds (HRV Logger) as an aware local datetime."""
    return dt.datetime.fromtimestamp(int(text) / 1000, tz=dt.UTC).astimezone()
