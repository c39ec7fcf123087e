"""Which export a file is, decided by its structure, and its contents read.

Order: a ``.hrm`` section marker; headerless numbers (``time RR`` rows or an RR
list); then by header: overnight exports (refused), HRV Logger feature windows
(refused), HRV4Training, Elite HRV, any daily summary with date, rMSSD and HR
columns, and last a table with an RR column.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hrv_readiness.formats import elite_hrv, hrv4training
from hrv_readiness.formats.daily_summary import collect, summary_columns
from hrv_readiness.formats.errors import RrFileError
from hrv_readiness.formats.hrv_logger import refuse_features
from hrv_readiness.formats.overnight import refuse_overnight
from hrv_readiness.formats.polar_hrm import is_hrm
from hrv_readiness.formats.rr_file import parse_rr_recording
from hrv_readiness.formats.rr_plain import is_number_row
from hrv_readiness.formats.text import content_lines, numbered_rows, read_text

if TYPE_CHECKING:
    from pathlib import Path

    from hrv_readiness.formats.models import DailySummary, RrRecording


def read_export(path: Path, *, date_order: str | None = None) -> RrRecording | DailySummary:
    """What ``path`` holds; a :class:`FormatError` child says what it is when refused."""
    return parse_export(read_text(path), source=str(path), date_order=date_order)


def parse_export(
    text: str, *, source: str, date_order: str | None = None
) -> RrRecording | DailySummary:
    """What ``text`` holds: RR intervals of one recording, or an app's mornings."""
    lines = [line for line in content_lines(text) if not line.startswith("#")]
    if not lines:
        raise RrFileError(f"{source}: the file is empty")
    if is_hrm(lines) or is_number_row(lines[0]):
        return parse_rr_recording(text, source=source)
    header, rows = numbered_rows(text)
    refuse_overnight(header, source=source, rows=len(rows))
    refuse_features(header, rows, source=source)
    if (h4t := hrv4training.columns(header)) is not None:
        return hrv4training.read(rows, h4t, source=source, date_order=date_order)
    if (elite := elite_hrv.columns(header)) is not None:
        return elite_hrv.read(rows, elite, source=source, date_order=date_order)
    if (generic := summary_columns(header)) is not None:
        return collect(rows, generic, app="daily summary", source=source, date_order=date_order)
    return parse_rr_recording(text, source=source)
