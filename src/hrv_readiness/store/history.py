"""Turn stored readings into the readiness model's daily history (pure)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hrv_readiness.readiness.models import DailyReading, OrthostaticTest

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence

    from hrv_readiness.store.models import StoredReading


def daily_history(
    readings: Sequence[StoredReading], *, before: dt.date | None = None
) -> list[DailyReading]:
    """One :class:`DailyReading` per date from the usable readings, oldest first.

    Rejected readings and readings without metrics are left out. When a morning
    has several usable readings (the user measured again), the last one counts:
    re-measuring is what the collector asks for after a poor reading.
    """
    by_date: dict[dt.date, StoredReading] = {}
    for reading in sorted(readings, key=lambda r: r.measured_at):
        if not reading.usable or (before is not None and reading.date >= before):
            continue
        by_date[reading.date] = reading
    result: list[DailyReading] = []
    for day in sorted(by_date):
        reading = by_date[day]
        assert reading.ln_rmssd is not None  # noqa: S101 - usable guarantees it
        assert reading.mean_hr_bpm is not None  # noqa: S101
        result.append(daily_reading(reading))
    return result


def orthostatic_history(
    readings: Sequence[StoredReading], *, before: dt.date | None = None
) -> list[OrthostaticTest]:
    """One accepted orthostatic test per date, oldest first (the last one of a morning).

    Only tests whose reading counts for the day (usable) and whose standing half was
    accepted enter; a refused test adds nothing.
    """
    by_date: dict[dt.date, OrthostaticTest] = {}
    for reading in sorted(readings, key=lambda r: r.measured_at):
        if before is not None and reading.date >= before:
            continue
        test = reading.orthostatic_test()
        if test is not None:
            by_date[reading.date] = test
    return [by_date[day] for day in sorted(by_date)]


def daily_reading(reading: StoredReading) -> DailyReading:
    """The model's view of one usable stored reading (lnRMSSD, resting HR, breathing)."""
    assert reading.ln_rmssd is not None  # noqa: S101 - callers pass usable readings
    assert reading.mean_hr_bpm is not None  # noqa: S101
    return DailyReading(
        date=reading.date,
        ln_rmssd=reading.ln_rmssd,
        resting_hr_bpm=reading.mean_hr_bpm,
        breathing_rate_per_min=reading.breathing_rate_per_min,
    )
