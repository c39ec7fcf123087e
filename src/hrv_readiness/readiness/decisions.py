"""The rules: signals against the person's own baselines, fatigue type and status.

Each rule sits next to the evidence it comes from; docs/model.md states them in plain
words, numbered as here. Pure and complete: every input is present (the baselines are
built), so no rule has to guess about a missing value.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hrv_readiness.readiness import illness
from hrv_readiness.readiness.baseline import in_window

if TYPE_CHECKING:
    from collections.abc import Sequence

    from hrv_readiness.readiness.baseline import Reference, Week
    from hrv_readiness.readiness.models import (
        DailyReading,
        FatigueType,
        Illness,
        IllnessLevel,
        Status,
        Watch,
        WellnessEntry,
    )
    from hrv_readiness.readiness.orthostatic import OrthostaticSignals
    from hrv_readiness.readiness.settings import ReadinessSettings


@dataclass(frozen=True, slots=True, kw_only=True)
class Signals:
    """Rule 2: today's reading and the week against the reference."""

    sparse: bool
    trend_low: bool
    trend_high: bool
    today_low: bool
    rhr_up: bool
    rhr_7d_up: bool
    days_below: int
    persistent: bool
    hrv_saturated: bool
    rhr_low: bool
    breathing_up: bool = False
    #: Rule 15: today's lnRMSSD ± its uncertainty straddles the normal range's lower
    #: limit (``today_low`` then holds), or the 7-day mean's the SWC band's.
    today_uncertain: bool = False
    trend_uncertain: bool = False
    #: The uncertainty of today's RMSSD that rule 15 used (%), 0 below the setting.
    uncertainty_pct: float = 0.0


def uncertainty_ln(today: DailyReading, settings: ReadinessSettings) -> tuple[float, float]:
    """Rule 15: how far down and up today's lnRMSSD could be, from its RMSSD uncertainty.

    ``(0, 0)`` below ``settings.uncertainty_min_pct``: a reading with little
    uncertainty is decided as measured. RMSSD ± u % is lnRMSSD + ln(1 - u) .. ln(1 + u).
    """
    pct = today.rmssd_uncertainty_pct or 0.0
    if pct < settings.uncertainty_min_pct or pct <= 0.0:
        return 0.0, 0.0
    down = math.inf if pct >= 100.0 else -math.log1p(-pct / 100.0)  # noqa: PLR2004
    return down, math.log1p(pct / 100.0)


def straddles(value: float, down: float, up: float, threshold: float) -> bool:
    """Whether ``value`` − ``down`` .. ``value`` + ``up`` has ``threshold`` inside it."""
    return (down > 0.0 or up > 0.0) and value - down < threshold <= value + up


@dataclass(frozen=True, slots=True, kw_only=True)
class Feelings:
    """What the questionnaire says, against the thresholds (all False without one)."""

    present: bool
    sore: bool
    motivation_low: bool
    sleep_poor: bool
    stress_high: bool
    heavy_legs: bool
    heavy_legs_days: int
    heavy_legs_persist: bool
    ill: IllnessLevel = "none"

    @property
    def systemic_signs(self) -> int:
        """Low energy, poor sleep and high stress: the whole-body signs, how many at once."""
        return sum((self.motivation_low, self.sleep_poor, self.stress_high))

    @property
    def strain_signs(self) -> int:
        """Low energy, poor sleep, high stress and heavy legs: how many at once."""
        return sum((self.motivation_low, self.sleep_poor, self.stress_high, self.heavy_legs))


@dataclass(frozen=True, slots=True, kw_only=True)
class Decision:
    """Everything the rules decided about today."""

    signals: Signals
    feelings: Feelings
    systemic: bool
    muscular: bool
    felt_systemic: bool
    rhr_raised: bool
    overreaching: bool
    strain: bool
    single_low_day: bool
    low_day_no_trend: bool
    watch: Watch | None
    fatigue_type: FatigueType
    status: Status
    #: Rules O1-O3 (readiness/orthostatic.py); None without a judged test today.
    orthostatic: OrthostaticSignals | None = None
    illness: Illness | None = None
    fever_sign: bool = False


def signals(
    *,
    history: Sequence[DailyReading],
    today: DailyReading,
    week: Week | None,
    reference: Reference,
    settings: ReadinessSettings,
) -> Signals:
    ref = reference
    trend = None if week is None else week.ln_rmssd_mean
    # Plews 2012/2013, Vesterinen 2016: the 7-day mean against the SWC band.
    trend_low = trend is not None and trend < ref.swc_lower
    trend_high = trend is not None and trend > ref.swc_upper
    # HRV4Training: a single morning against the 60-day normal range.
    today_low = today.ln_rmssd < ref.normal_lower
    # 15. Measurement uncertainty — Hopkins 2000 (Sports Med 30:1), Buchheit 2014: a
    # value whose error band straddles a threshold is not clearly on either side; the
    # morning takes the cautious side (counted as low) and says why. The 7-day mean
    # carries today's uncertainty divided by the readings it averages.
    down, up = uncertainty_ln(today, settings)
    today_uncertain = straddles(today.ln_rmssd, down, up, ref.normal_lower)
    today_low = today_low or today_uncertain
    trend_uncertain = False
    if week is not None and trend is not None:
        trend_uncertain = straddles(trend, down / week.readings, up / week.readings, ref.swc_lower)
        trend_low = trend_low or trend_uncertain
    # Schmitt 2015: resting HR up is the other half of the systemic pattern.
    rhr_up = today.resting_hr_bpm > ref.resting_hr_upper_bpm
    rhr_7d_up = week is not None and week.resting_hr_mean_bpm > ref.resting_hr_upper_bpm
    # Plews 2012: suppression on several of the last days, or the 7-day mean, below the
    # normal range is the road to non-functional overreaching.
    window = in_window([*history, today], end=today.date, days=settings.overreaching_window_days)
    days_below = sum(1 for r in window if r.ln_rmssd < ref.normal_lower)
    persistent = days_below >= settings.overreaching_min_days_below or (
        trend is not None and trend < ref.normal_lower
    )
    # Le Meur 2013: HRV well above baseline — beyond measurement error (Buchheit 2014) —
    # with resting HR below its baseline, over the week and today.
    hrv_saturated = trend is not None and trend >= (
        ref.ln_rmssd_mean + settings.saturation_trend_sd * ref.ln_rmssd_sd
    )
    rhr_low = (
        week is not None
        and week.resting_hr_mean_bpm < ref.resting_hr_mean_bpm
        and today.resting_hr_bpm <= ref.resting_hr_mean_bpm
    )
    return Signals(
        # Rule 13 — Miller 2020: breathing rate above its own normal range.
        breathing_up=illness.breathing_up(today, ref),
        sparse=week is None,
        trend_low=trend_low,
        trend_high=trend_high,
        today_low=today_low,
        rhr_up=rhr_up,
        rhr_7d_up=rhr_7d_up,
        days_below=days_below,
        persistent=persistent,
        hrv_saturated=hrv_saturated,
        rhr_low=rhr_low,
        today_uncertain=today_uncertain,
        trend_uncertain=trend_uncertain,
        uncertainty_pct=(today.rmssd_uncertainty_pct or 0.0) if (down or up) else 0.0,
    )


def feelings(
    *,
    today: dt.date,
    wellness: WellnessEntry | None,
    wellness_history: Sequence[WellnessEntry],
    settings: ReadinessSettings,
) -> Feelings:
    if wellness is None:
        return Feelings(
            present=False,
            sore=False,
            motivation_low=False,
            sleep_poor=False,
            stress_high=False,
            heavy_legs=False,
            heavy_legs_days=0,
            heavy_legs_persist=False,
        )
    streak = _heavy_legs_streak(
        today=today, wellness=wellness, wellness_history=wellness_history, settings=settings
    )
    return Feelings(
        present=True,
        sore=wellness.soreness >= settings.soreness_high,
        motivation_low=wellness.energy <= settings.energy_low,
        sleep_poor=wellness.sleep_quality <= settings.sleep_poor,
        stress_high=wellness.stress >= settings.stress_high,
        heavy_legs=wellness.heavy_legs,
        heavy_legs_days=streak,
        heavy_legs_persist=streak >= settings.heavy_legs_caution_days,
        ill=wellness.ill,
    )


def _heavy_legs_streak(
    *,
    today: dt.date,
    wellness: WellnessEntry,
    wellness_history: Sequence[WellnessEntry],
    settings: ReadinessSettings,
) -> int:
    """Consecutive mornings, ending today, with heavy legs — counted up to the rule's length.

    Only the last ``heavy_legs_caution_days`` mornings are read, so the answer does not
    depend on how much history a caller happened to pass.
    """
    if not wellness.heavy_legs:
        return 0
    heavy_days = {w.date for w in wellness_history if w.heavy_legs}
    streak = 1
    day = today - dt.timedelta(days=1)
    while day in heavy_days and streak < settings.heavy_legs_caution_days:
        streak += 1
        day -= dt.timedelta(days=1)
    return streak


def felt_systemic(feelings: Feelings, settings: ReadinessSettings) -> bool:
    """Rule 14 — systemic fatigue felt: Saw et al. 2016 (BJSM 50:281, 56 studies).

    Subjective measures track training load more sensitively than objective ones, and
    low energy, poor sleep and high stress are whole-body signs, not sore muscles: at
    least ``subjective_systemic_min_signs`` (2) of them at once make the fatigue type
    systemic (combined when sore too) even with HRV in its normal range.
    """
    return feelings.present and feelings.systemic_signs >= settings.subjective_systemic_min_signs


def decide(
    *,
    signals: Signals,
    feelings: Feelings,
    settings: ReadinessSettings,
    orthostatic: OrthostaticSignals | None = None,
) -> Decision:
    """Rules 3-11 and 14 of docs/model.md (O1-O3: ``orthostatic``, readiness/orthostatic.py)."""
    s, f, o = signals, feelings, orthostatic
    rhr_raised = s.rhr_up or s.rhr_7d_up
    # 3. Systemic (nervous-system) fatigue — Schmitt 2015; coaching articles. Single days
    # are noisy (Plews 2013): the 7-day mean below the SWC band, or a low morning together
    # with a raised resting HR, or the 7-day resting HR above its range.
    # O1/O2 — Schmitt 2015: the standing half of an orthostatic test can show it alone.
    systemic = (
        s.trend_low or (s.today_low and s.rhr_up) or s.rhr_7d_up or (o is not None and o.systemic)
    )
    # 4. Muscular fatigue — Flatt 2018: HRV cannot see soreness; it is self-reported.
    muscular = f.sore
    # 6. Overreaching — Plews 2012: persistent suppression, resting HR up, motivation down.
    overreaching = s.persistent and rhr_raised and f.motivation_low
    # 7. One low morning: inside a healthy 7-day trend, or with no trend to judge by.
    single_low_day = s.today_low and not systemic and not s.sparse
    low_day_no_trend = s.today_low and not systemic and s.sparse
    # 8. How the person feels counts on its own — Saw 2016; "mirrors, not masters".
    # (10. Heavy legs beyond 48 h: feelings.heavy_legs_persist, coaching article.)
    strain = f.present and f.strain_signs >= settings.subjective_strain_min_signs
    # 9. Parasympathetic saturation — Le Meur 2013: HRV well above baseline with a low
    # resting HR *and* a poor subjective state. It names the pattern; the caution comes
    # from the subjective state itself, so the watch never moves the score.
    # O3 — a flattened response to standing is a second, objective sign: with it, one
    # subjective sign is enough (never none).
    flattened = o is not None and o.flattened_response and f.strain_signs >= 1
    watch: Watch | None = (
        "parasympathetic_saturation"
        if s.hrv_saturated and s.rhr_low and (strain or flattened) and not systemic
        else None
    )
    # 14. Systemic fatigue felt — Saw 2016 (felt_systemic): it counts like the HRV signs
    # for the fatigue type, except where the saturation watch already names the pattern.
    felt = felt_systemic(f, settings) and watch is None
    fatigue_type: FatigueType
    if overreaching:
        fatigue_type = "overreaching"
    elif (systemic or felt) and muscular:
        fatigue_type = "combined"
    elif systemic or felt:
        fatigue_type = "nervous_system"
    elif muscular:
        fatigue_type = "muscular"
    elif not f.present:
        fatigue_type = "unknown"
    else:
        fatigue_type = "recovered"
    # 11. Status. Only the overreaching pattern sends someone to rest; every other sign
    # is a caution (Vesterinen 2016 / Javaloyes 2019: reduce intensity, not stop).
    status: Status
    if overreaching:
        status = "rest"
    elif (
        systemic
        or muscular
        or felt
        or strain
        or watch is not None
        or f.heavy_legs_persist
        or single_low_day
        or low_day_no_trend
    ):
        status = "caution"
    else:
        status = "ready"
    # 13. Illness watch — feeling ill outranks HRV; breathing rate up with resting HR up
    # and/or HRV low reads as possible illness (illness.py: Miller 2020, Mishra 2020).
    flag = illness.illness_flag(
        reported=f.ill, breathing_up=s.breathing_up, rhr_up=s.rhr_up, hrv_low=s.today_low
    )
    fever_sign = illness.fever_like(breathing_up=s.breathing_up, rhr_up=s.rhr_up)
    status = illness.status_with_illness(status, illness=flag, fever_sign=fever_sign)
    # 7. A low morning that is part of an illness is not "one low morning".
    if flag is not None:
        single_low_day = low_day_no_trend = False
    return Decision(
        signals=s,
        feelings=f,
        systemic=systemic,
        muscular=muscular,
        felt_systemic=felt,
        rhr_raised=rhr_raised,
        overreaching=overreaching,
        strain=strain,
        single_low_day=single_low_day,
        low_day_no_trend=low_day_no_trend,
        watch=watch,
        fatigue_type=fatigue_type,
        status=status,
        orthostatic=o,
        illness=flag,
        fever_sign=fever_sign,
    )
