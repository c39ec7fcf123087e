"""A table with a header and an RR column (comma, semicolon or tab separated).

* Polar Sensor Logger (Android, ``..._RR.txt``): ``Phone timestamp;RR-interval [ms]``,
  ISO timestamps with ms, CRLF; the RR cell may be empty between beats.
* HRV Logger (``..._RRIntervals.csv``): ``timestamp, rr, since_start `` (spaces, a
  trailing space), a blank line after the header, epoch-ms timestamps.

The RR column is any whose name starts with "rr" once lower-cased and stripped of
punctuation (``rr``, ``rr_ms``, ``RR-interval [ms]``, ``RRi``); an exact ``rr`` or
``rr_ms`` wins. The day of the recording comes from a ``timestamp`` column when it
has one (ISO date or epoch ms). A comma-separated table whose rows hold more cells
than its header is refused with a hint (decimal commas).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from hrv_readiness.formats.dates import epoch_ms
from hrv_readiness.formats.errors import RrFileError
from hrv_readiness.formats.models import RrRecording
from hrv_readiness.formats.rr_plain import to_float
from hrv_readiness.formats.text import delimiter, normalise

_HEADER_RR = re.compile(r"^rr")
_EPOCH_MS = re.compile(r"^\d{12,13}$")
_APPS = {
    ("phonetimestamp", "rrintervalms"): "Polar Sensor Logger",
    ("timestamp", "rr", "sincestart"): "HRV Logger",
}


def _started_at(header: list[str], row: list[str]) -> dt.datetime | None:
    for index, name in enumerate(header):
        if "timestamp" not in name or index >= len(row):
            continue
        text = row[index].strip().strip('"')
        if _EPOCH_MS.match(text):
            return epoch_ms(text)
        try:
            return dt.datetime.fromisoformat(text).astimezone()
        except ValueError:
            return None
    return None


def parse_table(lines: list[str], source: str) -> RrRecording:
    """The RR column of a table; :class:`RrFileError` names what is missing."""
    separator = delimiter(lines[0])
    rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=separator))
    header = [normalise(name) for name in rows[0]]
    columns = [i for i, name in enumerate(header) if _HEADER_RR.match(name)]
    if not columns:
        raise RrFileError(
            f"{source}: no RR column: the header {rows[0]!r} names none starting with "
            "'rr' (e.g. rr, rr_ms, 'RR-interval [ms]'), and the first line is not a number"
        )
    column = min(columns, key=lambda i: (header[i] not in {"rr", "rrms"}, i))
    values: list[float] = []
    for number, row in enumerate(rows[1:], start=2):
        if separator == "," and len(row) > len(header):
            raise RrFileError(
                f"{source}: line {number} holds {len(row)} comma-separated cells but the "
                f"header names {len(header)}: decimal commas in a comma-separated table? "
                "Write decimals with a dot, quote the cells, or separate with semicolons"
            )
        cell = row[column] if column < len(row) else ""
        if not cell.strip():
            continue  # Polar Sensor Logger leaves the RR cell empty between beats
        value = to_float(cell, decimal_comma=True)
        if value is None:
            raise RrFileError(
                f"{source}: {cell!r} in column {rows[0][column]!r} on line {number} "
                "is not a number of milliseconds"
            )
        values.append(value)
    if not values:
        raise RrFileError(f"{source}: the column {rows[0][column]!r} holds no values")
    started_at = _started_at(header, rows[1]) if len(rows) > 1 else None
    return RrRecording(
        rr_ms=tuple(values),
        app=_APPS.get(tuple(header), "RR table"),
        day=started_at.date() if started_at else None,
        started_at=started_at,
    )
