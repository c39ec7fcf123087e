"""Reading the RR intervals (ms) of one recording from the files people have.

Recognised by structure, in this order (one module per format, traps documented there):

* a Polar ``.hrm`` (a ``[HRData]`` section): :mod:`.polar_hrm`, R-R mode only;
* headerless rows of two numbers whose first column is a running time: Kubios's
  ``time RR`` text, :mod:`.time_rr`;
* a plain list of numbers (one per line, or on one line): :mod:`.rr_plain`;
* a table with a header naming an RR column: :mod:`.rr_table`.

Blank lines and lines starting with ``#`` are ignored; LF, CRLF and bare CR all end a
line. Units other than ms are converted only where the format says (``time RR``);
:func:`hrv_readiness.hrv.analyze` refuses values that still look like seconds.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from hrv_readiness.formats.errors import FormatError, RrFileError
from hrv_readiness.formats.models import RrRecording
from hrv_readiness.formats.polar_hrm import is_hrm, parse_hrm
from hrv_readiness.formats.rr_plain import is_number_row, parse_plain
from hrv_readiness.formats.rr_table import parse_table
from hrv_readiness.formats.text import content_lines, read_text
from hrv_readiness.formats.time_rr import looks_like_time_rr, parse_time_rr

if TYPE_CHECKING:
    from pathlib import Path

_DATE_IN_NAME = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")


def read_rr_recording(path: Path) -> RrRecording:
    """The recording in ``path``; :class:`RrFileError` if it holds no RR intervals."""
    try:
        text = read_text(path)
    except FormatError as err:
        raise RrFileError(str(err)) from err
    return parse_rr_recording(text, source=str(path))


def read_rr_file(path: Path) -> list[float]:
    """The RR intervals (ms) of ``path``; :class:`RrFileError` if it has none."""
    return list(read_rr_recording(path).rr_ms)


def parse_rr_text(text: str, *, source: str = "input") -> list[float]:
    """The RR intervals (ms) in ``text``, in one of the formats of the module doc."""
    return list(parse_rr_recording(text, source=source).rr_ms)


def parse_rr_recording(text: str, *, source: str = "input") -> RrRecording:
    """The recording in ``text``, in one of the formats of the module doc."""
    lines = [line for line in content_lines(text) if not line.startswith("#")]
    if not lines:
        raise RrFileError(f"{source}: the file is empty")
    if is_hrm(lines):
        return parse_hrm(lines, source)
    if looks_like_time_rr(lines):
        return RrRecording(rr_ms=tuple(parse_time_rr(lines, source)), app="time RR text")
    if is_number_row(lines[0]):
        return RrRecording(rr_ms=tuple(parse_plain(lines, source)), app="RR list")
    return parse_table(lines, source)


def date_of_rr_file(path: Path, recording: RrRecording | None = None) -> dt.date:
    """The morning of an RR file: from its content, a date in its name, else its mtime.

    Elite HRV names its RR exports by date and time, e.g. ``2026-01-17 06-47-13.txt``.
    A name such as Polar's ``08012805`` (YYMMDDNN) matches no valid date and falls
    back to the modification day.
    """
    if recording is not None and recording.day is not None:
        return recording.day
    for match in _DATE_IN_NAME.finditer(path.name):
        try:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            continue
    return dt.datetime.fromtimestamp(path.stat().st_mtime).astimezone().date()
