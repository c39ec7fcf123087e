"""The person's own baselines: the recent week and the reference it is held against.

Windows are in calendar days, not readings, so a missed morning shortens a window
instead of stretching it back in time. Every window ends on today's date; "history"
is the set of earlier readings and never contains today.

Two results, each complete when it exists:

* :class:`Week` — the rolling 7-day window ending today (Plews 2012/2013), or None with
  fewer than ``rolling_min_readings`` readings in it (Plews 2014).
* :class:`Reference` — the SWC band, the normal range and the resting-HR range, built
  from earlier mornings of *normal training* only, or None while it is being built.

**Fatigue episodes are not learned as normal** (Plews et al. 2012 read the decline
against earlier normal values; Vesterinen et al. 2016 and Javaloyes et al. 2019 took
the SWC from a baseline of normal training). A morning whose 7-day mean lies below
the SWC band of its own reference, on ``fatigue_episode_min_days`` consecutive
mornings, starts a fatigue episode; episode mornings are left out of every later
reference, whose windows reach back over them to keep their
length in normal days. An episode that lasts ``baseline_hold_max_days`` is accepted as
the person's new level: its mornings count again and the reference re-learns.

**Ill mornings are not learned as normal either** (rule 13, illness.py): a morning the
person reported feeling ill, or whose reading showed possible illness against its own
reference, is left out of every later reference the same way.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hrv_readiness.readiness.illness import breathing_up, possible_illness
from hrv_readiness.readiness.models import Baselines, DailyReading

if TYPE_CHECKING:
    from collections.abc import Collection, Sequence

    from hrv_readiness.readiness.settings import ReadinessSettings

_DAY = dt.timedelta(days=1)


def in_window(readings: Sequence[DailyReading], *, end: dt.date, days: int) -> list[DailyReading]:
    """Readings dated within the ``days`` calendar days ending on ``end`` (inclusive)."""
    start = end - dt.timedelta(days=days - 1)
    return [r for r in readings if start <= r.date <= end]


def mean_sd(values: Sequence[float]) -> tuple[float, float] | None:
    """Mean and sample SD (ddof = 1); None with fewer than two values."""
    n = len(values)
    if n < 2:  # noqa: PLR2004 - a sample SD needs two values
        return None
    mean = math.fsum(values) / n
    var = math.fsum((v - mean) ** 2 for v in values) / (n - 1)
    return mean, math.sqrt(var)


def coefficient_of_variation_pct(values: Sequence[float]) -> float | None:
    """SD / mean x 100 of lnRMSSD values (Plews et al. 2012 track it over 7 days)."""
    stats = mean_sd(values)
    if stats is None:
        return None
    mean, sd = stats
    # lnRMSSD is never negative, so a zero mean means every value is zero: no spread.
    return 0.0 if mean == 0.0 else sd / mean * 100.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Week:
    """The rolling window ending today (today included); every field is present."""

    readings: int
    ln_rmssd_mean: float
    ln_rmssd_cv_pct: float
    resting_hr_mean_bpm: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Reference:
    """What today is held against, from earlier mornings of normal training."""

    ln_rmssd_mean: float
    ln_rmssd_sd: float
    swc_lower: float
    swc_upper: float
    normal_lower: float
    normal_upper: float
    resting_hr_mean_bpm: float
    resting_hr_lower_bpm: float
    resting_hr_upper_bpm: float
    readings_in_normal_range: int
    #: First morning of the ongoing fatigue episode left out of the windows, if any.
    held_since: dt.date | None
    #: Breathing rate's mean and upper edge (None: too few mornings with one).
    breathing_mean_per_min: float | None = None
    breathing_upper_per_min: float | None = None


def week_ending(
    readings: Sequence[DailyReading], *, end: dt.date, settings: ReadinessSettings
) -> Week | None:
    """The rolling window of ``readings`` ending on ``end``; None if too sparse."""
    recent = in_window(readings, end=end, days=settings.rolling_window_days)
    if len(recent) < settings.rolling_min_readings:
        return None
    ln = [r.ln_rmssd for r in recent]
    cv = coefficient_of_variation_pct(ln)
    return Week(
        readings=len(recent),
        ln_rmssd_mean=math.fsum(ln) / len(ln),
        ln_rmssd_cv_pct=0.0 if cv is None else cv,
        resting_hr_mean_bpm=math.fsum(r.resting_hr_bpm for r in recent) / len(recent),
    )


def _normal_days(
    readings: Sequence[DailyReading], *, end: dt.date, days: int, left_out: Collection[dt.date]
) -> list[DailyReading]:
    """Readings of the last ``days`` calendar days up to ``end`` that are not left out.

    Left-out days do not count toward the length: the window reaches back over them.
    """
    start = end
    counted = 0
    while counted < days:
        if start not in left_out:
            counted += 1
        start -= _DAY
    return [r for r in readings if start < r.date <= end and r.date not in left_out]


def _reference(
    earlier: Sequence[DailyReading],
    *,
    end: dt.date,
    left_out: Collection[dt.date],
    held_since: dt.date | None,
    settings: ReadinessSettings,
) -> Reference | None:
    swc_window = _normal_days(earlier, end=end, days=settings.swc_baseline_days, left_out=left_out)
    normal_window = _normal_days(
        earlier, end=end, days=settings.normal_range_days, left_out=left_out
    )
    swc = mean_sd([r.ln_rmssd for r in swc_window])
    normal = mean_sd([r.ln_rmssd for r in normal_window])
    rhr = mean_sd([r.resting_hr_bpm for r in normal_window])
    if swc is None or normal is None or rhr is None:
        return None
    swc_half = settings.swc_sd_factor * swc[1]
    normal_half = settings.normal_range_sd_factor * normal[1]
    rhr_half = max(settings.rhr_range_sd_factor * rhr[1], settings.rhr_min_half_width_bpm)
    breathing_mean, breathing_upper = _breathing_range(normal_window, settings)
    return Reference(
        breathing_mean_per_min=breathing_mean,
        breathing_upper_per_min=breathing_upper,
        ln_rmssd_mean=swc[0],
        ln_rmssd_sd=swc[1],
        swc_lower=swc[0] - swc_half,
        swc_upper=swc[0] + swc_half,
        normal_lower=normal[0] - normal_half,
        normal_upper=normal[0] + normal_half,
        resting_hr_mean_bpm=rhr[0],
        resting_hr_lower_bpm=rhr[0] - rhr_half,
        resting_hr_upper_bpm=rhr[0] + rhr_half,
        readings_in_normal_range=len(normal_window),
        held_since=held_since,
    )


def _breathing_range(
    window: Sequence[DailyReading], settings: ReadinessSettings
) -> tuple[float | None, float | None]:
    """Mean and upper edge of the breathing rate over the normal-range window (rule 13)."""
    rates = [r.breathing_rate_per_min for r in window if r.breathing_rate_per_min is not None]
    stats = mean_sd(rates) if len(rates) >= settings.breathing_min_readings else None
    if stats is None:
        return None, None
    half = max(
        settings.breathing_range_sd_factor * stats[1], settings.breathing_min_half_width_per_min
    )
    return stats[0], stats[0] + half


def _ill(
    morning: DailyReading, reference: Reference | None, ill_dates: Collection[dt.date]
) -> bool:
    """Reported ill, or possible illness against that morning's own reference."""
    if morning.date in ill_dates:
        return True
    return reference is not None and possible_illness(
        breathing_up=breathing_up(morning, reference),
        rhr_up=morning.resting_hr_bpm > reference.resting_hr_upper_bpm,
        hrv_low=morning.ln_rmssd < reference.normal_lower,
    )


def reference_for(
    *,
    history: Sequence[DailyReading],
    today: DailyReading,
    settings: ReadinessSettings,
    ill_dates: Collection[dt.date] = (),
) -> Reference | None:
    """The reference for ``today`` from the sorted earlier ``history`` (pure).

    Walks the mornings of the last ``normal_range_days + baseline_hold_max_days`` days
    in order, deciding for each whether it belongs to a fatigue episode or an illness
    against the reference of that morning — the same rules today is judged by. Today's
    own value never shapes today's reference. ``ill_dates`` are the mornings the person
    reported feeling ill (rule 13): left out like the mornings of an episode.
    """
    horizon = today.date - dt.timedelta(
        days=settings.normal_range_days + settings.baseline_hold_max_days
    )
    readings = [*history, today]
    left_out: set[dt.date] = set()
    sick: set[dt.date] = set()  # ill mornings: out for good, even when an episode ends
    episode_start: dt.date | None = None
    below: list[dt.date] = []  # consecutive mornings with the 7-day mean below the band
    for index, morning in enumerate(readings):
        if morning.date < horizon and morning is not today:
            continue
        if episode_start is not None and (
            (morning.date - episode_start).days >= settings.baseline_hold_max_days
        ):
            # Lasting this long, it is the person's new level (docs/model.md).
            left_out = {d for d in left_out if d < episode_start}
            episode_start, below = None, []
        reference = _reference(
            readings[:index],
            end=morning.date - _DAY,
            left_out=left_out | sick,
            held_since=episode_start,
            settings=settings,
        )
        if morning is today:
            return reference
        if _ill(morning, reference, ill_dates):
            sick.add(morning.date)
            continue
        if reference is None:
            continue
        week = week_ending(readings[: index + 1], end=morning.date, settings=settings)
        below, episode_start = _episode_step(
            below, episode_start, morning=morning.date, week=week, reference=reference
        )
        if len(below) >= settings.fatigue_episode_min_days:
            # A week below the band is a state, not noise: leave it out, from its start.
            episode_start = below[0] if episode_start is None else episode_start
            left_out.update(below)
    return None  # pragma: no cover - the loop always reaches today


def _episode_step(
    below: list[dt.date],
    episode_start: dt.date | None,
    *,
    morning: dt.date,
    week: Week | None,
    reference: Reference,
) -> tuple[list[dt.date], dt.date | None]:
    """The run of mornings with the 7-day mean below the band, one morning on."""
    if week is None:
        if below:  # too few readings to tell: the run goes on
            below.append(morning)
        return below, episode_start
    if week.ln_rmssd_mean < reference.swc_lower:
        below.append(morning)
        return below, episode_start
    return [], None


def swc_window_readings(
    history: Sequence[DailyReading], *, today: dt.date, settings: ReadinessSettings
) -> int:
    """Earlier readings in the plain SWC window (a long break makes the baseline stale)."""
    return len(in_window(history, end=today - _DAY, days=settings.swc_baseline_days))


def normal_window_readings(
    history: Sequence[DailyReading], *, today: dt.date, settings: ReadinessSettings
) -> int:
    """Earlier readings in the plain normal-range window."""
    return len(in_window(history, end=today - _DAY, days=settings.normal_range_days))


def baselines_record(
    *,
    today: DailyReading,
    week: Week | None,
    reference: Reference | None,
    readings_in_7d: int,
    readings_in_baseline: int,
) -> Baselines:
    """The :class:`Baselines` shown with the verdict (None where not available)."""
    ref = reference
    return Baselines(
        ln_rmssd_today=today.ln_rmssd,
        ln_rmssd_7d_mean=None if week is None else week.ln_rmssd_mean,
        readings_in_7d=readings_in_7d,
        ln_rmssd_7d_cv_pct=None if week is None else week.ln_rmssd_cv_pct,
        ln_rmssd_baseline_mean=None if ref is None else ref.ln_rmssd_mean,
        ln_rmssd_baseline_sd=None if ref is None else ref.ln_rmssd_sd,
        swc_lower=None if ref is None else ref.swc_lower,
        swc_upper=None if ref is None else ref.swc_upper,
        normal_lower=None if ref is None else ref.normal_lower,
        normal_upper=None if ref is None else ref.normal_upper,
        resting_hr_today_bpm=today.resting_hr_bpm,
        resting_hr_7d_mean_bpm=None if week is None else week.resting_hr_mean_bpm,
        resting_hr_baseline_bpm=None if ref is None else ref.resting_hr_mean_bpm,
        resting_hr_lower_bpm=None if ref is None else ref.resting_hr_lower_bpm,
        resting_hr_upper_bpm=None if ref is None else ref.resting_hr_upper_bpm,
        readings_in_baseline=readings_in_baseline if ref is None else ref.readings_in_normal_range,
        held_since=None if ref is None else ref.held_since,
        breathing_today_per_min=today.breathing_rate_per_min,
        breathing_baseline_per_min=None if ref is None else ref.breathing_mean_per_min,
        breathing_upper_per_min=None if ref is None else ref.breathing_upper_per_min,
    )


def compute_baselines(
    *, history: Sequence[DailyReading], today: DailyReading, settings: ReadinessSettings
) -> Baselines:
    """All baselines for ``today`` from the earlier ``history`` (pure), as shown."""
    history = sorted(history, key=lambda r: r.date)
    week = week_ending([*history, today], end=today.date, settings=settings)
    return baselines_record(
        today=today,
        week=week,
        reference=reference_for(history=history, today=today, settings=settings),
        readings_in_7d=len(
            in_window([*history, today], end=today.date, days=settings.rolling_window_days)
        ),
        readings_in_baseline=normal_window_readings(history, today=today.date, settings=settings),
    )
