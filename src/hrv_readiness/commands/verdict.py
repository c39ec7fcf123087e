"""The verdict of one morning as a person reads it: status in its colour, score, why, advice.

Shared by ``demo``, ``measure --save``, ``analyze --save`` and ``import``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from hrv_readiness.report.styles import status_text

if TYPE_CHECKING:
    from rich.console import Console

    from hrv_readiness.commands.json_output import SavedReading
    from hrv_readiness.pipeline import ProcessedReading
    from hrv_readiness.readiness import Readiness


def verdict_lines(readiness: Readiness | None) -> list[Text]:
    """The lines under ``readiness`` (the old verdict is kept for a rejected reading)."""
    if readiness is None:
        return [Text("  readiness  none yet")]
    score = "–" if readiness.score is None else f"{readiness.score}/100"
    headline = Text("  readiness  ")
    headline.append_text(status_text(readiness.status))
    headline.append(f"   score {score}   fatigue type {readiness.fatigue_type.replace('_', ' ')}")
    lines = [headline]
    if readiness.readings_needed:
        needed = readiness.readings_needed
        mornings = "morning" if needed == 1 else "mornings"
        lines.append(Text(f"             {needed} more {mornings} until advice"))
    b = readiness.baselines
    if b.ln_rmssd_7d_mean is not None and b.swc_lower is not None and b.swc_upper is not None:
        lines.append(
            Text(
                f"  baseline   7-day lnRMSSD {b.ln_rmssd_7d_mean:.2f} "
                f"(SWC band {b.swc_lower:.2f}–{b.swc_upper:.2f})"
            )
        )
    lines.extend(Text(f"  why        {reason.text}") for reason in readiness.reasons)
    lines.append(Text(f"  today      {readiness.advice}"))
    return lines


def print_saved(out: Console, processed: ProcessedReading, saved: SavedReading) -> None:
    """``saved ... `` and the verdict the stored reading got."""
    stored = processed.stored
    if stored.usable:
        out.print(
            f"saved: {saved.user}'s morning of {saved.date} in {saved.database}",
            markup=False,
        )
    else:
        out.print(
            f"saved as rejected: {saved.user}'s morning of {saved.date} in {saved.database}"
            f" ({stored.quality_reason}); the verdict below is the last one",
            markup=False,
        )
    for line in verdict_lines(processed.readiness):
        out.print(line)
