"""Overnight exports (WHOOP, Oura): recognised, and refused with the reason.

* WHOOP's account export ``physiological_cycles.csv``: ``Cycle start time``, ``Wake
  onset``, ``Heart rate variability (ms)``, ``Resting heart rate (bpm)``; newest
  cycle first. WHOOP's HRV is an rMSSD measured during sleep.
* Oura's "trends" CSV (web export, e.g. ``oura_trends.csv``): ``date``, ``Average
  HRV``, ``Average Resting Heart Rate``, ``Bedtime Start``: the ring's average rMSSD
  over the night.

Why refused rather than imported: the baseline here is a morning reading, taken
supine right after waking, one to five minutes, the same way every day. A night
average is a different measurement: it tracks the morning closely over weeks
(Mishica et al. 2022, PLoS ONE 17:e0262333: r = 0.88-0.90 for RMSSD, different
devices) but it depends on which part of the night is averaged (Nuuttila et al. 2022,
Int J Sports Physiol Perform 17(8):1296), so its level and day-to-day spread are not
those of the morning reading. Mixed into the morning baseline, it would move the
mean and the normal band that every verdict is judged against. See docs/model.md,
"Imported histories".
"""

from __future__ import annotations

from hrv_readiness.formats.daily_summary import find
from hrv_readiness.formats.errors import NotAMorningReadingError

_WHY = (
    "its HRV is measured overnight during sleep, not a morning reading taken lying down "
    "after waking, so it cannot join the morning baseline (docs/model.md, "
    "'Imported histories'); measure a few mornings here instead"
)


def refuse_overnight(header: list[str], *, source: str, rows: int) -> None:
    """Raise :class:`NotAMorningReadingError` for a WHOOP or Oura export."""
    if find(header, "heartratevariabilityms") is not None and (
        find(header, "cyclestarttime", "wakeonset") is not None
    ):
        msg = f"{source}: a WHOOP physiological_cycles export ({rows} cycles): {_WHY}"
        raise NotAMorningReadingError(msg, app="WHOOP")
    if find(header, "averagehrv") is not None and (
        find(header, "bedtimestart", "sleepscore", "averagerestingheartrate") is not None
    ):
        msg = f"{source}: an Oura trends export ({rows} days): {_WHY}"
        raise NotAMorningReadingError(msg, app="Oura")
