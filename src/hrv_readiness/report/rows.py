"""The rows of a history report: one per morning, the verdict as it was decided.

A reading stored with its verdict is shown as decided that morning. A usable
reading stored without one (e.g. imported from elsewhere) is assessed now, with
the settings given, against the history before it, and marked ``recomputed``.
"""

from __future__ import annotations

import datetime as dt  # noqa: TC003 - the --json schema of a row needs it at runtime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hrv_readiness.readiness import Readiness, assess
from hrv_readiness.store.history import daily_history, daily_reading, orthostatic_history

if TYPE_CHECKING:
    from collections.abc import Sequence

    from hrv_readiness.readiness import ReadinessSettings, TrainingEntry, WellnessEntry
    from hrv_readiness.store.models import StoredReading


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportRow:
    """One morning of one user's report."""

    date: dt.date
    ln_rmssd: float | None
    ln_rmssd_7d_mean: float | None
    swc_lower: float | None
    swc_upper: float | None
    normal_lower: float | None
    normal_upper: float | None
    resting_hr_bpm: float | None
    resting_hr_lower_bpm: float | None
    resting_hr_upper_bpm: float | None
    status: str
    fatigue_type: str | None
    score: int | None
    watch: str | None
    recomputed: bool
    quality: str
    advice: str = ""
    reasons: tuple[str, ...] = ()
    #: The orthostatic test of that morning (docs/model.md): the HR rise on standing and
    #: standing lnRMSSD, or why the test was refused; all None for a plain reading.
    orthostatic_hr_rise_bpm: float | None = None
    orthostatic_standing_ln_rmssd: float | None = None
    orthostatic_refusal: str | None = None
    #: Breathing rate of the reading and the upper edge of its range (rule 13), and the
    #: verdict's illness flag.
    breathing_per_min: float | None = None
    breathing_upper_per_min: float | None = None
    illness: str | None = None


def report_rows(
    *,
    readings: Sequence[StoredReading],
    wellness: Sequence[WellnessEntry],
    training: Sequence[TrainingEntry],
    settings: ReadinessSettings,
    since: dt.date,
    until: dt.date,
) -> list[ReportRow]:
    """Rows for the mornings in ``[since, until]`` that have a reading, oldest first.

    ``readings`` should hold the user's whole history (earlier mornings are the
    baseline of a recomputed verdict).
    """
    by_date: dict[dt.date, StoredReading] = {}
    for reading in sorted(readings, key=lambda r: r.measured_at):
        if not since <= reading.date <= until:
            continue
        current = by_date.get(reading.date)
        # The last usable reading of the morning counts; a rejected one only if alone.
        if current is None or reading.usable or not current.usable:
            by_date[reading.date] = reading
    wellness_by_date = {w.date: w for w in wellness}
    rows: list[ReportRow] = []
    for day in sorted(by_date):
        reading = by_date[day]
        if not reading.usable:
            rows.append(_rejected_row(reading))
            continue
        readiness = reading.readiness
        recomputed = False
        if readiness is None:
            assert reading.ln_rmssd is not None  # noqa: S101 - usable
            assert reading.mean_hr_bpm is not None  # noqa: S101
            readiness = assess(
                history=daily_history(readings, before=day),
                today=daily_reading(reading),
                wellness=wellness_by_date.get(day),
                training=training,
                settings=settings,
                wellness_history=[w for w in wellness if w.date < day],
                orthostatic_test=reading.orthostatic_test(),
                orthostatic_history=orthostatic_history(readings, before=day),
            )
            recomputed = True
        rows.append(_row(reading, readiness, recomputed=recomputed))
    return rows


def _row(reading: StoredReading, readiness: Readiness, *, recomputed: bool) -> ReportRow:
    b = readiness.baselines
    test = reading.orthostatic
    metrics = test.metrics if test is not None else None
    return ReportRow(
        date=reading.date,
        ln_rmssd=reading.ln_rmssd,
        ln_rmssd_7d_mean=b.ln_rmssd_7d_mean,
        swc_lower=b.swc_lower,
        swc_upper=b.swc_upper,
        normal_lower=b.normal_lower,
        normal_upper=b.normal_upper,
        resting_hr_bpm=reading.mean_hr_bpm,
        resting_hr_lower_bpm=b.resting_hr_lower_bpm,
        resting_hr_upper_bpm=b.resting_hr_upper_bpm,
        status=readiness.status,
        fatigue_type=readiness.fatigue_type,
        score=readiness.score,
        watch=readiness.watch,
        recomputed=recomputed,
        quality=reading.quality,
        advice=readiness.advice,
        reasons=tuple(reason.text for reason in readiness.reasons),
        orthostatic_hr_rise_bpm=metrics.hr_rise_bpm if metrics is not None else None,
        orthostatic_standing_ln_rmssd=metrics.standing_ln_rmssd if metrics is not None else None,
        orthostatic_refusal=test.refusal if test is not None else None,
        breathing_per_min=reading.breathing_rate_per_min,
        breathing_upper_per_min=b.breathing_upper_per_min,
        illness=readiness.illness,
    )


def _rejected_row(reading: StoredReading) -> ReportRow:
    return ReportRow(
        date=reading.date,
        ln_rmssd=None,
        ln_rmssd_7d_mean=None,
        swc_lower=None,
        swc_upper=None,
        normal_lower=None,
        normal_upper=None,
        resting_hr_bpm=None,
        resting_hr_lower_bpm=None,
        resting_hr_upper_bpm=None,
        status="rejected",
        fatigue_type=None,
        score=None,
        watch=None,
        recomputed=False,
        quality=reading.quality,
        advice="The reading was rejected: measure again, sitting still, strap moistened.",
        reasons=(reading.quality_reason,) if reading.quality_reason else (),
    )
