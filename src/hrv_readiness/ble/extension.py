"""Measure longer instead of refusing: when and how far a live recording is extended.

At the planned end of a recording (``duration_s``) the session asks :class:`Extension`
whether the reading would be answered with confidence: not refused, and its RMSSD not
dependent on corrected beats by more than ``max_uncertainty_pct``. If not, it keeps
recording, up to ``max_extension_s`` more seconds, and stops as soon as the latest
window of the planned length is clean enough. Then the cleanest window of the planned
length (or the whole recording, if better) is analysed
(:func:`hrv_readiness.hrv.windows.cleanest_window`), and the recording says which.

Basis (docs/hrv.md): short-term recordings of 1-5 minutes (Task Force 1996); even
1 minute gives valid lnRMSSD (Esco & Flatt 2014), so a clean planned-length window
taken a little later is as good as the first one; the heart has settled after the first
minutes of a calm morning recording (Bourdillon et al. 2017).

Kept apart from the state machine so that the decision (pure, driven by the RR) can be
reused by any routine that records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from hrv_readiness.hrv.windows import analyze_window, cleanest_window, latest_start, needs_more

if TYPE_CHECKING:
    from collections.abc import Sequence

    from hrv_readiness.ble.models import MeasurementSettings
    from hrv_readiness.hrv.models import HrvResult
    from hrv_readiness.hrv.windows import Choice


@dataclass
class Extension:
    """The extension of one recording: whether it is on, why, and when it is over.

    ``planned_s`` is the recording's planned length (``settings.duration_s``), the
    window analysed after an extension; ``max_extension_s`` how much longer it may run
    (0: never, as for an orthostatic test, whose protocol is fixed).
    """

    settings: MeasurementSettings
    planned_s: float
    max_extension_s: float
    active: bool = False
    #: Why the recording is being extended (a sentence for the progress display).
    why: str = ""

    @property
    def target_s(self) -> float:
        """Seconds of RR the recording runs to at most, as things stand."""
        if self.active:
            return self.planned_s + self.max_extension_s
        return self.planned_s

    def complete(self, rr_ms: Sequence[float], segment_starts: Sequence[int]) -> bool:
        """Whether the recording (plausible RR so far, true ms) can end now."""
        planned_s = self.planned_s
        elapsed_s = float(np.sum(np.asarray(rr_ms, dtype=np.float64))) / 1000.0
        if elapsed_s < planned_s:
            return False
        if self.max_extension_s <= 0.0 or elapsed_s >= planned_s + self.max_extension_s:
            return True
        latest = _latest_window(rr_ms, segment_starts, planned_s)
        if latest is None or not needs_more(latest, self.settings.max_uncertainty_pct):
            return True
        if not self.active:
            self.active = True
            self.why = (
                f"{_what(latest)}: recording up to {self.max_extension_s:g} s longer "
                f"for a cleaner {planned_s:g} s window"
            )
        return False

    def choose(self, rr_ms: Sequence[float], segment_starts: Sequence[int]) -> Choice | None:
        """The window to analyse, if the recording was extended (else None: all of it)."""
        if not self.active:
            return None
        return cleanest_window(rr_ms, segment_starts, self.planned_s)


def _latest_window(
    rr_ms: Sequence[float], segment_starts: Sequence[int], duration_s: float
) -> HrvResult | None:
    """HRV of the last ``duration_s`` seconds of RR."""
    window = analyze_window(rr_ms, segment_starts, latest_start(rr_ms, duration_s), len(rr_ms))
    return None if window is None else window.result


def _what(result: HrvResult) -> str:
    corrected = result.artifacts.total
    if not result.usable:
        return f"{corrected} artifact(s) so far, above the limit"
    return (
        f"{corrected} corrected beat(s) make RMSSD uncertain "
        f"(±{result.rmssd_uncertainty_pct or 0.0:.1f} %)"
    )


def describe_choice(choice: Choice, recorded_s: float) -> str:
    """Which window was analysed, in words (the session's closing message)."""
    window = choice.window
    if not window.result.usable:
        return (
            f"no window of the {recorded_s:.0f} s recording could be answered "
            f"({window.result.artifacts.total} artifact(s) in the cleanest)"
        )
    if choice.whole_recording:
        return f"analysed the whole {recorded_s:.0f} s recording (no cleaner window)"
    end_s = window.start_s + window.duration_s
    return (
        f"analysed the cleanest {window.duration_s:.0f} s window, {window.start_s:.0f}-"
        f"{end_s:.0f} s of {recorded_s:.0f} s ({window.result.artifacts.total} corrected "
        f"beat(s), RMSSD ±{window.result.rmssd_uncertainty_pct or 0.0:.1f} %)"
    )
