"""A plain list of RR intervals (ms): one per line, or separated by spaces or commas.

Written by Elite HRV's RR export (``2017-07-19 07-50-42.txt``: CRLF, no newline after
the last value), Polar Flow's RR ``.txt`` and, all on one line separated by spaces,
the Welltory research dataset's ``RR.txt``.

Decimal commas (``891,421``, as spreadsheets in most of Europe write ``891.421``) are
read as one value, never as two beats. Separated by semicolons or tabs, a comma is
always a decimal comma. In a plain list a line such as ``891,421`` is ambiguous, so
the whole file is judged at once (a file uses one convention): its commas separate
values only if *every* such pair reads as two plausible successive beats (both whole
numbers of 273-2000 ms within 30 % of each other, as in ``800,810``); otherwise
every one is a decimal comma.
"""

from __future__ import annotations

import re

from hrv_readiness.formats.errors import RrFileError

CELL_SEPARATORS = re.compile(r"[;\t ]+")
DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
#: Bounds of a beat for telling ``800,810`` (two beats) from ``891,421`` (one value):
#: the plausible range of hrv_readiness.hrv.validation, and how far two successive
#: beats may differ (the 20 % prematurity rule plus room for a real pause).
_PAIR_RR_MS = (273, 2000)
_PAIR_MAX_CHANGE = 0.3


def to_float(cell: str, *, decimal_comma: bool = False) -> float | None:
    """The number in ``cell`` (quotes stripped), or ``None``."""
    text = cell.strip().strip('"').strip()
    if decimal_comma and DECIMAL_COMMA.match(text):
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def is_number_row(line: str) -> bool:
    """Whether ``line`` holds only numbers (so the file has no header)."""
    cells = [cell for cell in CELL_SEPARATORS.split(line) if cell]
    return all(DECIMAL_COMMA.match(cell) or _is_number_list(cell) for cell in cells)


def _is_number_list(cell: str) -> bool:
    return all(to_float(part) is not None for part in cell.split(",") if part)


def _commas_separate(cells: list[str]) -> bool:
    """Whether the ``a,b`` cells of a plain list are two beats each, not decimal commas."""
    low, high = _PAIR_RR_MS
    for cell in cells:
        first, second = cell.lstrip("+").split(",")
        if second.startswith("0") or not first.isdigit():
            return False
        a, b = int(first), int(second)
        if not (low <= a <= high and low <= b <= high) or abs(b - a) > _PAIR_MAX_CHANGE * a:
            return False
    return True


def _plain_cells(lines: list[str]) -> list[list[str]]:
    """The value cells of each line of a plain list (decimal commas kept in their cell)."""
    split = [[cell for cell in CELL_SEPARATORS.split(line) if cell] for line in lines]
    pairs = [cell for cells in split for cell in cells if DECIMAL_COMMA.match(cell)]
    other_separators = any(";" in line or "\t" in line for line in lines)
    if pairs and (other_separators or not _commas_separate(pairs)):
        return split
    return [[part for cell in cells for part in cell.split(",") if part] for cells in split]


def parse_plain(lines: list[str], source: str) -> list[float]:
    """The RR intervals of a plain list (``lines``: non-empty, no comments)."""
    values: list[float] = []
    for number, cells in enumerate(_plain_cells(lines), start=1):
        for cell in cells:
            value = to_float(cell, decimal_comma=True)
            if value is None:
                raise RrFileError(
                    f"{source}: {cell!r} on data line {number} is not a number of milliseconds"
                )
            values.append(value)
    return values
