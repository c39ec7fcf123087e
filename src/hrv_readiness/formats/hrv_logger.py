"""HRV Logger's ``..._Features.csv``: features of ~30-second windows, refused.

Header ``index, timestamp, HR, AVNN, SDNN, rMSSD, pNN50, LF, HF, LFHF, alpha_1,
artifacts_removed`` (spaces after commas, a trailing space, a blank line after it);
one row per window of one recording, timestamps in epoch ms. It has date, HR and
rMSSD columns, so it looks like a daily summary, but its rows are windows of a few
seconds, not mornings: turning them into readings would invent a history. The
refusal points to the same recording's ``..._RRIntervals.csv``, which imports as one
reading (read by :mod:`.rr_table`).
"""

from __future__ import annotations

from hrv_readiness.formats.daily_summary import find
from hrv_readiness.formats.dates import epoch_ms
from hrv_readiness.formats.errors import NotAMorningReadingError
from hrv_readiness.formats.text import cell

APP = "HRV Logger"


def refuse_features(header: list[str], rows: list[tuple[int, list[str]]], *, source: str) -> None:
    """Raise :class:`NotAMorningReadingError` for an HRV Logger features file."""
    if find(header, "alpha1", "artifactsremoved") is None or find(header, "index") is None:
        return
    stamp = find(header, "timestamp")
    days = sorted(
        {
            epoch_ms(cell(row, stamp)).date().isoformat()
            for _, row in rows
            if cell(row, stamp).isdigit()
        }
    )
    when = f" on {', '.join(days)}" if days else ""
    msg = (
        f"{source}: HRV Logger feature windows ({len(rows)} windows of about 30 s of one "
        f"recording{when}), not a daily summary: import that recording's "
        "RRIntervals.csv instead"
    )
    raise NotAMorningReadingError(msg, app=APP)
