"""The terminal table of a history report (rich: coloured on a terminal, plain in a file)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.box import SIMPLE_HEAD
from rich.console import Group
from rich.table import Table
from rich.text import Text

from hrv_readiness.report.styles import status_text

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rich.console import RenderableType

    from hrv_readiness.report.rows import ReportRow

HEADER = (
    "date",
    "lnRMSSD",
    "7d mean",
    "SWC band",
    "RHR",
    "breath",
    "status",
    "fatigue type",
    "score",
)
#: How the illness flag (docs/model.md, rule 13) shows next to the fatigue type.
_ILLNESS_MARK = {"reported": " (ill)", "possible": " (possible illness)"}
ORTHOSTATIC_HEADER = "HR rise"


def _orthostatic_cell(row: ReportRow) -> str:
    if row.orthostatic_hr_rise_bpm is not None:
        return f"{row.orthostatic_hr_rise_bpm:.0f}"
    if row.orthostatic_refusal is not None:
        return row.orthostatic_refusal.replace("_", " ")
    return "-"


def _number(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def render_table(title: str, rows: Sequence[ReportRow]) -> RenderableType:
    """The report as a rich table (status in its colour) with the latest verdict under it."""
    table = Table(box=SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True)
    for index, name in enumerate(HEADER):
        table.add_column(name, justify="right" if index in {1, 2, 4, 5, 8} else "left")
    # The orthostatic column appears only for people who take the test.
    tested = any(
        row.orthostatic_hr_rise_bpm is not None or row.orthostatic_refusal is not None
        for row in rows
    )
    if tested:
        table.add_column(ORTHOSTATIC_HEADER, justify="right")
    for row in rows:
        band = (
            "-"
            if row.swc_lower is None or row.swc_upper is None
            else f"{row.swc_lower:.2f}-{row.swc_upper:.2f}"
        )
        fatigue = (row.fatigue_type or "-").replace("_", " ")
        if row.watch is not None:
            fatigue += " (watch)"
        fatigue += _ILLNESS_MARK.get(row.illness or "", "")
        cells: list[str | Text] = [
            row.date.isoformat(),
            _number(row.ln_rmssd),
            _number(row.ln_rmssd_7d_mean),
            band,
            _number(row.resting_hr_bpm, 0),
            _number(row.breathing_per_min, 1),
            status_text(row.status, "*" if row.recomputed else ""),
            fatigue,
            "-" if row.score is None else str(row.score),
        ]
        if tested:
            cells.append(_orthostatic_cell(row))
        table.add_row(*cells)
    parts: list[RenderableType] = [Text(f"{title}: {len(rows)} morning(s)"), table]
    if rows:
        last = rows[-1]
        parts.append(Text(""))
        latest = Text(f"Latest morning ({last.date}): ")
        latest.append_text(status_text(last.status))
        parts.append(latest)
        parts.extend(Text(f"  - {reason}") for reason in last.reasons)
        if last.advice:
            parts.append(Text(f"  Today: {last.advice}"))
    parts.extend(_footnotes(rows, tested=tested))
    return Group(*parts)


def _footnotes(rows: Sequence[ReportRow], *, tested: bool) -> list[Text]:
    notes: list[Text] = []
    # Why each rejected morning was rejected (the latest one says it above already).
    notes.extend(
        Text(f"{row.date} rejected: {'; '.join(row.reasons)}")
        for row in rows[:-1]
        if row.status == "rejected" and row.reasons
    )
    if any(row.recomputed for row in rows):
        notes.append(Text("* stored without a verdict: assessed now with the current settings"))
    if tested:
        notes.append(
            Text(
                "HR rise: heart-rate peak after standing minus the supine HR, in bpm "
                "(orthostatic test; docs/model.md)"
            )
        )
    if any(row.watch is not None for row in rows):
        notes.append(Text("(watch) parasympathetic saturation watch: see docs/model.md"))
    return notes
