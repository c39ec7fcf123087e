r"""Bytes to lines, the same way for every format.

Traps handled once, here: a UTF-8 byte-order mark (Elite HRV's CSV export), bare-CR
line endings (HRV4Training for iOS 2018: no LF at all, so ``wc -l`` says 0), CRLF
(most Windows-made files, and a lone ``\\r`` line after a header), files that are
not UTF-8 (read as Latin-1 so an accented note never stops an import), and empty
lines anywhere (HRV4Training for Android and HRV Logger put one after the header).
"""

from __future__ import annotations

import csv
import io
import math
import re
from typing import TYPE_CHECKING

from hrv_readiness.formats.errors import FormatError

if TYPE_CHECKING:
    from pathlib import Path

MAX_FILE_BYTES = 50_000_000
#: Cells that mean "no reading that day": HRV4Training writes ``0.0`` (Android) or
#: ``-`` (iOS) on days without a measurement; other apps leave the cell empty.
MISSING = frozenset({"", "-", "--", "0", "0.0", "0.00", "0.000", "nan", "na", "n/a", "null"})
_NON_ALNUM = re.compile(r"[^a-z0-9]")


def read_text(path: Path) -> str:
    """The text of ``path`` (BOM removed); :class:`FormatError` if it cannot be read."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise FormatError(f"{path}: {size} bytes is too large to import")
        raw = path.read_bytes()
    except FileNotFoundError as err:
        raise FormatError(f"{path}: no such file") from err
    except IsADirectoryError as err:
        raise FormatError(f"{path}: is a directory (give the files in it)") from err
    except OSError as err:
        raise FormatError(f"{path}: cannot read it ({err.strerror or err})") from err
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return text.removeprefix("\ufeff")


def content_lines(text: str) -> list[str]:
    """Non-empty lines, stripped; any of LF, CRLF or bare CR ends a line."""
    lines = (line.strip() for line in text.removeprefix("\ufeff").splitlines())
    return [line for line in lines if line]


def normalise(name: str) -> str:
    """A column name compared without case, spaces or punctuation."""
    return _NON_ALNUM.sub("", name.lower())


def delimiter(header: str) -> str:
    """The separator of a table: the most frequent of comma, semicolon and tab."""
    best = max(",;\t", key=header.count)
    return best if header.count(best) else ","


def table(lines: list[str]) -> list[list[str]]:
    """Rows of cells (stripped) of a table whose first line is its header."""
    rows = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter(lines[0]))
    return [[cell.strip() for cell in row] for row in rows]


def cell(row: list[str], index: int | None) -> str:
    """The cell at ``index`` of ``row``, or ``""`` where the row is shorter."""
    if index is None or index >= len(row):
        return ""
    return row[index].strip().strip('"').strip()


def measurement(text: str, what: str) -> float | None:
    """A positive number, or ``None`` for a missing value (see :data:`MISSING`)."""
    text = text.strip().strip('"').strip()
    if text.lower() in MISSING:
        return None
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        msg = f"{what} {text!r} is not a number"
        raise ValueError(msg) from None
    if not math.isfinite(value) or value < 0:
        msg = f"{what} {text!r} is not a positive number"
        raise ValueError(msg)
    return value if value > 0 else None


def numbered_rows(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header (cells stripped) and the non-empty rows with their line numbers.

    Line numbers count every line of the file (blank ones too), as an editor shows them.
    """
    numbered = [
        (number, line)
        for number, line in enumerate(text.removeprefix("\ufeff").splitlines(), start=1)
        if line.strip()
    ]
    if not numbered:
        return [], []
    separator = delimiter(numbered[0][1])
    rows = [
        (number, [cell.strip() for cell in next(csv.reader([line], delimiter=separator), [])])
        for number, line in numbered
    ]
    return rows[0][1], [(number, row) for number, row in rows[1:] if any(row)]
