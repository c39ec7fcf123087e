"""Dates as apps write them: the order from the whole column, clocks as written."""

from __future__ import annotations

import datetime as dt

import pytest

from hrv_readiness.formats import AmbiguousDatesError, SummaryFileError
from hrv_readiness.formats.dates import decide_order, parse_stamp


def _numbered(*cells: str) -> list[tuple[int, str]]:
    return list(enumerate(cells, start=2))


@pytest.mark.parametrize(
    ("text", "day", "time"),
    [
        ("2018-05-18 12:01:00 a. m. +0000", dt.date(2018, 5, 18), dt.time(0, 1)),
        ("2018-05-18 7:33:16 a. m. +0000", dt.date(2018, 5, 18), dt.time(7, 33, 16)),
        ("2018-06-14 11:11:09 p. m. +0000", dt.date(2018, 6, 14), dt.time(23, 11, 9)),
        ("2018-06-03 6:47:32 PM", dt.date(2018, 6, 3), dt.time(18, 47, 32)),
        ("2018-06-03 12:30 p.m.", dt.date(2018, 6, 3), dt.time(12, 30)),
        ("2017-04-01 09:56:21 +0000", dt.date(2017, 4, 1), dt.time(9, 56, 21)),
        ("2020-03-25T23:27:09+02:00", dt.date(2020, 3, 25), dt.time(23, 27, 9)),
        ("2026-07-01", dt.date(2026, 7, 1), None),
    ],
)
def test_clocks_and_offsets_are_read_as_written(
    text: str, day: dt.date, time: dt.time | None
) -> None:
    stamp = parse_stamp(text, "ymd")
    assert (stamp.day, stamp.time) == (day, time)


def test_year_day_month_wins_when_it_alone_reads_every_row() -> None:
    cells = _numbered("2020-29-03", "2020-30-03", "2020-05-08")
    assert decide_order(cells, source="f", year_first=("ymd", "ydm")) == "ydm"


def test_only_iso_order_is_tried_for_a_generic_file() -> None:
    with pytest.raises(SummaryFileError, match=r"line 2: '2020-29-03' is not a year-month-day"):
        decide_order(_numbered("2020-29-03"), source="f")


def test_newest_first_is_in_order() -> None:
    cells = _numbered("03/07/2026", "02/07/2026", "01/07/2026")
    assert decide_order(cells, source="f") == "dmy"  # month/day would not be one per day


def test_two_orders_reading_every_row_are_refused() -> None:
    with pytest.raises(AmbiguousDatesError) as caught:
        decide_order(_numbered("01/07/2026", "03/07/2026"), source="f")
    assert caught.value.orders == ("dmy", "mdy")


def test_epoch_milliseconds_are_named_for_what_they_are() -> None:
    with pytest.raises(SummaryFileError, match="is a Unix timestamp"):
        decide_order(_numbered("1675889398023"), source="f")


def test_a_forced_order_is_used() -> None:
    assert decide_order(_numbered("01/07/2026", "03/07/2026"), source="f", forced="mdy") == "mdy"
