"""Reading RR intervals (ms) from the files people actually have.

Recognised, in this order:

* Polar ``.hrm`` (Polar ProTrainer / Polar Flow exports): the ``[HRData]`` section,
  one RR interval per line in RR mode (first column);
* a table with a header (comma, semicolon or tab separated) whose RR column is named
  ``rr``, ``rr_ms``, ``RR-interval [ms]``, ``RR interval (ms)``, ``RRi``… (any name
  that starts with "rr" once lower-cased and stripped of punctuation), e.g. the Polar
  Sensor Logger export ``Phone timestamp;RR-interval [ms]``;
* a plain list, one RR interval per line — the Elite HRV and Polar Flow RR ``.txt``
  exports. Values separated by commas or spaces on one line are accepted too.

Decimal commas (``891,421``, as spreadsheets in most of Europe write ``891.421``) are
read as one value, never as two beats. In a table separated by semicolons or tabs, and
in a quoted cell, a comma is always a decimal comma. In a plain list a line such as
``891,421`` is ambiguous, so the whole file is judged at once (a file uses one
convention): its commas separate values only if *every* such pair reads as two
plausible successive beats (both whole numbers of 273-2000 ms within 30 % of each
other, as in ``800,810``); otherwise every one is a decimal comma. A comma-separated
table whose rows hold more cells than its header is refused with a hint.

Blank lines and lines starting with ``#`` are ignored. Units are not guessed here:
:func:`hrv_readiness.hrv.analyze` refuses values that look like seconds.
"""

from __future__ import annotations

import csv
import io
import re
from typing import TYPE_CHECKING

from hrv_readiness.hrv.errors import RrFileError

if TYPE_CHECKING:
    from pathlib import Path

_MAX_FILE_BYTES = 50_000_000
_HEADER_RR = re.compile(r"^rr")
_CELL_SEPARATORS = re.compile(r"[;\t ]+")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
#: Bounds of a beat for telling ``800,810`` (two beats) from ``891,421`` (one value):
#: the plausible range of hrv_readiness.hrv.validation, and how far two successive
#: beats may differ (the 20 % prematurity rule plus room for a real pause).
_PAIR_RR_MS = (273, 2000)
_PAIR_MAX_CHANGE = 0.3


def read_rr_file(path: Path) -> list[float]:
    """Return the RR intervals (ms) of ``path``; :class:`RrFileError` if it has none."""
    try:
        size = path.stat().st_size
        if size > _MAX_FILE_BYTES:
            raise RrFileError(f"{path}: {size} bytes is too large for an RR file")
        raw = path.read_bytes()
    except FileNotFoundError as err:
        raise RrFileError(f"{path}: no such file") from err
    except IsADirectoryError as err:
        raise RrFileError(f"{path}: is a directory, not an RR file") from err
    except OSError as err:
        raise RrFileError(f"{path}: cannot read it ({err.strerror or err})") from err
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return parse_rr_text(text, source=str(path))


def parse_rr_text(text: str, *, source: str = "input") -> list[float]:
    """Parse RR intervals (ms) from the text of one of the formats in the module doc."""
    lines = [line.strip() for line in text.removeprefix("\ufeff").splitlines()]
    lines = [line for line in lines if line and not line.startswith("#")]
    if not lines:
        raise RrFileError(f"{source}: the file is empty")
    if any(line.lower() == "[hrdata]" for line in lines):
        return _parse_hrm(lines, source)
    if _is_number_row(lines[0]):
        return _parse_plain(lines, source)
    return _parse_table(lines, source)


def _is_number_row(line: str) -> bool:
    cells = [cell for cell in _CELL_SEPARATORS.split(line) if cell]
    return all(_DECIMAL_COMMA.match(cell) or _is_number_list(cell) for cell in cells)


def _is_number_list(cell: str) -> bool:
    return all(_to_float(part) is not None for part in cell.split(",") if part)


def _to_float(cell: str, *, decimal_comma: bool = False) -> float | None:
    text = cell.strip().strip('"').strip()
    if decimal_comma and _DECIMAL_COMMA.match(text):
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


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
    split = [[cell for cell in _CELL_SEPARATORS.split(line) if cell] for line in lines]
    pairs = [cell for cells in split for cell in cells if _DECIMAL_COMMA.match(cell)]
    other_separators = any(";" in line or "\t" in line for line in lines)
    if pairs and (other_separators or not _commas_separate(pairs)):
        return split
    return [[part for cell in cells for part in cell.split(",") if part] for cells in split]


def _parse_plain(lines: list[str], source: str) -> list[float]:
    values: list[float] = []
    for number, cells in enumerate(_plain_cells(lines), start=1):
        for cell in cells:
            value = _to_float(cell, decimal_comma=True)
            if value is None:
                raise RrFileError(
                    f"{source}: {cell!r} on data line {number} is not a number of milliseconds"
                )
            values.append(value)
    return values


def _parse_hrm(lines: list[str], source: str) -> list[float]:
    start = next(i for i, line in enumerate(lines) if line.lower() == "[hrdata]") + 1
    values: list[float] = []
    for line in lines[start:]:
        if line.startswith("["):
            break
        first = _CELL_SEPARATORS.split(line)[0]
        value = _to_float(first, decimal_comma=True)
        if value is None:
            raise RrFileError(f"{source}: {first!r} in [HRData] is not an RR interval")
        values.append(value)
    if not values:
        raise RrFileError(f"{source}: the [HRData] section holds no RR intervals")
    return values


def _parse_table(lines: list[str], source: str) -> list[float]:
    header_line = lines[0]
    delimiter = max(",;\t", key=header_line.count)
    if header_line.count(delimiter) == 0:
        delimiter = ","
    rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
    header = [_normalise(name) for name in rows[0]]
    columns = [i for i, name in enumerate(header) if _HEADER_RR.match(name)]
    if not columns:
        raise RrFileError(
            f"{source}: no RR column: the header {rows[0]!r} names none starting with "
            "'rr' (e.g. rr, rr_ms, 'RR-interval [ms]'), and the first line is not a number"
        )
    column = min(columns, key=lambda i: (header[i] not in {"rr", "rrms"}, i))
    values: list[float] = []
    for number, row in enumerate(rows[1:], start=2):
        if delimiter == "," and len(row) > len(header):
            raise RrFileError(
                f"{source}: line {number} holds {len(row)} comma-separated cells but the "
                f"header names {len(header)}: decimal commas in a comma-separated table? "
                "Write decimals with a dot, quote the cells, or separate with semicolons"
            )
        cell = row[column] if column < len(row) else ""
        if not cell.strip():
            continue  # Polar Sensor Logger leaves the RR cell empty between beats
        value = _to_float(cell, decimal_comma=True)
        if value is None:
            raise RrFileError(
                f"{source}: {cell!r} in column {rows[0][column]!r} on line {number} "
                "is not a number of milliseconds"
            )
        values.append(value)
    if not values:
        raise RrFileError(f"{source}: the column {rows[0][column]!r} holds no values")
    return values


def _normalise(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())
