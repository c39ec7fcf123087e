"""Whether a recording can be a resting morning reading at all.

A recording whose heart rate is above 100 bpm is an exercise (or stress) recording:
a resting heart rate over 100 bpm is the conventional definition of sinus tachycardia
(Palatini 1999, Hypertension 33:622, who argues the normal limit is lower still), so
no resting morning reading is that fast, and the file is refused
with what it is rather than judged as a poor morning. The median beat is used, so a
few artifacts cannot make a resting recording look like exercise.
"""

from __future__ import annotations

import statistics
from typing import TYPE_CHECKING

from hrv_readiness.formats.errors import NotAMorningReadingError

if TYPE_CHECKING:
    from hrv_readiness.formats.models import RrRecording

MAX_RESTING_HR_BPM = 100.0


def refuse_non_resting(recording: RrRecording, *, source: str) -> None:
    """Raise :class:`NotAMorningReadingError` for a recording at exercise heart rates."""
    plausible = [rr for rr in recording.rr_ms if rr > 0]
    if not plausible:
        return
    hr_bpm = 60_000.0 / statistics.median(plausible)
    if hr_bpm > MAX_RESTING_HR_BPM:
        seconds = sum(plausible) / 1000.0
        msg = (
            f"{source}: heart rate {hr_bpm:.0f} bpm over {seconds:.0f} s: an exercise "
            f"recording ({recording.app}), not a resting morning reading"
        )
        raise NotAMorningReadingError(msg, app=recording.app)
