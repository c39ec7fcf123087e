"""The readiness and fatigue-type rules, each next to the evidence it comes from.

Pure: history, today's reading, how the person feels and what they trained go in;
a frozen :class:`Readiness` comes out. No clock, no I/O, no config file — the
caller passes :class:`ReadinessSettings`. docs/model.md states every rule in plain
words with worked examples.

Signals (all relative to the person's own history, see baseline.py):

* ``trend_low``  — the 7-day mean lnRMSSD is below the SWC band (baseline mean −
  0.5 SD). Plews et al. 2012/2013: the 7-day rolling mean is more reliable than
  single mornings; Vesterinen et al. 2016 / Javaloyes et al. 2019: below the SWC
  band → reduce intensity.
* ``today_low``  — today's lnRMSSD is below the 60-day normal range (HRV4Training).
* ``rhr_up``     — today's resting HR is above its normal range (Schmitt et al. 2015,
  IJSM 36:999: the commonest fatigue pattern had HF −70 %, HR +15 %).
* ``persistent`` — at least 3 of the last 7 mornings below the normal range, or the
  7-day mean below it (Plews et al. 2012, EJAP 112:3729: a declining 7-day mean
  preceded non-functional overreaching).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hrv_readiness.errors import InputError
from hrv_readiness.readiness.baseline import (
    coefficient_of_variation_pct,
    compute_baselines,
    in_window,
)
from hrv_readiness.readiness.models import (
    SYSTEMIC_SESSION_TYPES,
    Baselines,
    DailyReading,
    FatigueType,
    Readiness,
    Reason,
    Status,
    TrainingEntry,
    Watch,
    WellnessEntry,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from hrv_readiness.readiness.settings import ReadinessSettings


class AssessmentInputError(InputError):
    """The inputs of :func:`assess` contradict each other (dates, users)."""


@dataclass(frozen=True, slots=True)
class _Signals:
    trend_low: bool
    trend_high: bool
    today_low: bool
    rhr_up: bool
    rhr_7d_up: bool
    days_below: int
    persistent: bool
    sparse: bool


# --------------------------------------------------------------------------- inputs


def _validate(
    *,
    history: Sequence[DailyReading],
    today: DailyReading,
    wellness: WellnessEntry | None,
    training: Sequence[TrainingEntry],
    wellness_history: Sequence[WellnessEntry],
) -> None:
    dates = [r.date for r in history]
    if len(set(dates)) != len(dates):
        duplicates = sorted({d for d in dates if dates.count(d) > 1})
        msg = f"history has more than one reading on {', '.join(map(str, duplicates))}"
        raise AssessmentInputError(msg)
    later = [d for d in dates if d >= today.date]
    if later:
        msg = f"history must hold earlier mornings only; {max(later)} is not before {today.date}"
        raise AssessmentInputError(msg)
    if wellness is not None and wellness.date != today.date:
        msg = f"wellness is dated {wellness.date}, today's reading {today.date}"
        raise AssessmentInputError(msg)
    if any(w.date >= today.date for w in wellness_history):
        msg = "wellness_history must hold earlier mornings only"
        raise AssessmentInputError(msg)
    users = {w.user for w in wellness_history} | {t.user for t in training}
    if wellness is not None:
        users.add(wellness.user)
    if len(users) > 1:
        msg = f"entries of several users mixed in one assessment: {', '.join(sorted(users))}"
        raise AssessmentInputError(msg)


# -------------------------------------------------------------------------- signals


def _signals(
    *,
    history: Sequence[DailyReading],
    today: DailyReading,
    baselines: Baselines,
    settings: ReadinessSettings,
) -> _Signals:
    b = baselines
    assert b.swc_lower is not None  # noqa: S101 - guaranteed by the building check
    assert b.swc_upper is not None  # noqa: S101
    assert b.normal_lower is not None  # noqa: S101
    assert b.resting_hr_upper_bpm is not None  # noqa: S101
    trend = b.ln_rmssd_7d_mean
    # Plews 2012/2013, Vesterinen 2016: the 7-day mean against the SWC band.
    trend_low = trend is not None and trend < b.swc_lower
    trend_high = trend is not None and trend > b.swc_upper
    # HRV4Training: a single morning against the 60-day normal range.
    today_low = today.ln_rmssd < b.normal_lower
    # Schmitt 2015: resting HR up is the other half of the systemic pattern.
    rhr_up = today.resting_hr_bpm > b.resting_hr_upper_bpm
    rhr_7d_up = (
        b.resting_hr_7d_mean_bpm is not None and b.resting_hr_7d_mean_bpm > b.resting_hr_upper_bpm
    )
    # Plews 2012: suppression on several of the last days, or the 7-day mean, below
    # the normal range is the road to non-functional overreaching.
    window = in_window([*history, today], end=today.date, days=settings.overreaching_window_days)
    days_below = sum(1 for r in window if r.ln_rmssd < b.normal_lower)
    persistent = days_below >= settings.overreaching_min_days_below or (
        trend is not None and trend < b.normal_lower
    )
    return _Signals(
        trend_low=trend_low,
        trend_high=trend_high,
        today_low=today_low,
        rhr_up=rhr_up,
        rhr_7d_up=rhr_7d_up,
        days_below=days_below,
        persistent=persistent,
        sparse=trend is None,
    )


def _heavy_legs_streak(
    *, today: dt.date, wellness: WellnessEntry | None, wellness_history: Sequence[WellnessEntry]
) -> int:
    """Consecutive mornings, ending today, on which the legs felt heavy."""
    if wellness is None or not wellness.heavy_legs:
        return 0
    heavy_days = {w.date for w in wellness_history if w.heavy_legs}
    streak = 1
    day = today - dt.timedelta(days=1)
    while day in heavy_days:
        streak += 1
        day -= dt.timedelta(days=1)
    return streak


# ---------------------------------------------------------------------------- score


def _score(
    *,
    today: DailyReading,
    baselines: Baselines,
    wellness: WellnessEntry | None,
    settings: ReadinessSettings,
) -> float:
    """Continuous 0-100 gauge before it is clamped into the band of the status.

    100 minus penalties: the 7-day mean below the baseline mean (per SD), today
    below it (per SD), resting HR above its baseline (10 points at the top of its
    normal range), and the subjective state (Buchheit 2014: combine HRV with
    questionnaires). Being above baseline earns no bonus.
    """
    b = baselines
    assert b.ln_rmssd_baseline_mean is not None  # noqa: S101
    assert b.ln_rmssd_baseline_sd is not None  # noqa: S101
    assert b.resting_hr_baseline_bpm is not None  # noqa: S101
    assert b.resting_hr_upper_bpm is not None  # noqa: S101
    sd = max(b.ln_rmssd_baseline_sd, settings.score_min_baseline_sd)
    z_today = (today.ln_rmssd - b.ln_rmssd_baseline_mean) / sd
    trend = b.ln_rmssd_7d_mean if b.ln_rmssd_7d_mean is not None else today.ln_rmssd
    z_trend = (trend - b.ln_rmssd_baseline_mean) / sd
    penalty = min(settings.score_trend_max_points, settings.score_trend_points_per_sd * -z_trend)
    penalty = max(penalty, 0.0)
    penalty += max(
        0.0, min(settings.score_today_max_points, settings.score_today_points_per_sd * -z_today)
    )
    rhr_half_width = b.resting_hr_upper_bpm - b.resting_hr_baseline_bpm
    if rhr_half_width > 0:
        rhr_excess = (today.resting_hr_bpm - b.resting_hr_baseline_bpm) / rhr_half_width
        penalty += max(
            0.0, min(settings.score_rhr_max_points, settings.score_rhr_points_at_upper * rhr_excess)
        )
    if wellness is not None:
        burden = (
            wellness.soreness
            + (10 - wellness.energy)
            + (10 - wellness.sleep_quality)
            + wellness.stress
        ) / 40.0
        penalty += settings.score_subjective_max_points * burden
        if wellness.heavy_legs:
            penalty += settings.score_heavy_legs_points
    return max(0.0, min(100.0, 100.0 - penalty))


def _clamp_to_status(score: float, status: Status, settings: ReadinessSettings) -> int:
    """Keep score and status consistent: ready >= caution_below > caution >= rest_below > rest.

    A caution day whose gauge fell lower still shows ``score_rest_below``: only the
    overreaching rule (Plews 2012) sends someone to rest, never the gauge alone.
    """
    value = round(score)
    if status == "rest":
        return max(0, min(value, settings.score_rest_below - 1))
    if status == "caution":
        return max(settings.score_rest_below, min(value, settings.score_caution_below - 1))
    return max(settings.score_caution_below, min(value, 100))


# --------------------------------------------------------------------------- advice

_ADVICE: dict[str, str] = {
    "building_baseline": (
        "Keep measuring every morning, same time and position. Train by feel until "
        "your baseline is built."
    ),
    "recovered": "Train as planned: your HRV and resting HR are inside your normal range.",
    "muscular": (
        "Your nervous system looks fine but your muscles are sore: train, but give the "
        "sore muscles less volume, or work other muscle groups; add mobility, easy blood "
        "flow, protein and sleep."
    ),
    "nervous_system": (
        "Systemic fatigue: keep today easy — lower intensity, no maximal lifts, sprints "
        "or intervals; easy aerobic work or technique helps the system downshift."
    ),
    "combined": (
        "Both systemic and muscular fatigue: make today a recovery day — easy aerobic "
        "work or mobility only, spare the sore muscles, sleep and eat well."
    ),
    "overreaching": (
        "Several days of suppressed HRV with a raised resting HR and low motivation: "
        "you are sliding toward overreaching, where recovery takes weeks. Rest or keep "
        "only very easy movement for a few days, then rebuild load gradually."
    ),
    "unknown": (
        "Your HRV and resting HR are inside your normal range; log soreness and energy "
        "so muscular fatigue can be told apart (HRV cannot see it)."
    ),
}
_ADVICE_PERSISTENT = (
    "HRV has been down with a raised resting HR for several days: if your motivation "
    "drops too, take rest days — that is the road to overreaching."
)
_ADVICE_SINGLE_LOW = (
    "One low morning inside a healthy 7-day trend: train as planned but skip maximal "
    "efforts today, and watch whether tomorrow recovers."
)
_ADVICE_SATURATION = (
    "HRV is high and resting HR low, but you feel flat: this can be functional "
    "overreaching rather than good adaptation. Keep intensity moderate until you "
    "feel fresh again."
)
_ADVICE_HEAVY_LEGS = (
    "Heavy legs for more than 48 hours: recovery may be compromised. Reduce leg "
    "volume and intensity, prioritise sleep and carbohydrate."
)


# ---------------------------------------------------------------------------- assess


@dataclass(frozen=True, slots=True)
class _Facts:
    """Everything the rules decided about today, before the status is chosen."""

    signals: _Signals
    systemic: bool
    muscular: bool
    motivation_low: bool
    rhr_raised: bool
    overreaching: bool
    single_low_day: bool
    watch: Watch | None
    heavy_legs_days: int
    heavy_legs_persist: bool
    fatigue_type: FatigueType


def assess(
    *,
    history: Sequence[DailyReading],
    today: DailyReading,
    wellness: WellnessEntry | None,
    training: Sequence[TrainingEntry],
    settings: ReadinessSettings,
    wellness_history: Sequence[WellnessEntry] = (),
) -> Readiness:
    """Readiness and fatigue type for ``today`` (pure).

    ``history`` holds earlier usable readings (at most one per date), ``wellness``
    today's questionnaire (or None), ``training`` the training log (sessions before
    today explain today's reading), ``wellness_history`` earlier questionnaires
    (only used to tell how long heavy legs have lasted).
    """
    _validate(
        history=history,
        today=today,
        wellness=wellness,
        training=training,
        wellness_history=wellness_history,
    )
    history = sorted(history, key=lambda r: r.date)
    baselines = compute_baselines(history=history, today=today, settings=settings)
    building = _building_baseline(
        history=history, today=today, baselines=baselines, settings=settings
    )
    if building is not None:
        return building

    facts = _decide(
        history=history,
        today=today,
        baselines=baselines,
        wellness=wellness,
        wellness_history=wellness_history,
        settings=settings,
    )
    reasons = _reasons(
        facts=facts,
        history=history,
        today=today,
        baselines=baselines,
        wellness=wellness,
        training=training,
        settings=settings,
    )
    status, advice = _status_and_advice(facts)
    raw_score = _score(today=today, baselines=baselines, wellness=wellness, settings=settings)
    if status == "ready" and raw_score < settings.score_caution_below:
        status = "caution"
        reasons.append(
            Reason(
                code="low_score",
                text=(
                    f"The combined score {raw_score:.0f} is below "
                    f"{settings.score_caution_below}: take it easier than planned."
                ),
            )
        )
        advice = "Several small signs add up: train, but lighter than planned."
    return Readiness(
        date=today.date,
        status=status,
        score=_clamp_to_status(raw_score, status, settings),
        fatigue_type=facts.fatigue_type,
        watch=facts.watch,
        reasons=tuple(reasons),
        advice=advice,
        baselines=baselines,
        readings_needed=0,
    )


def _building_baseline(
    *,
    history: Sequence[DailyReading],
    today: DailyReading,
    baselines: Baselines,
    settings: ReadinessSettings,
) -> Readiness | None:
    """docs/model.md: no advice before a minimum history (about 14 readings)."""
    have = baselines.readings_in_baseline + 1
    swc_history = in_window(
        history, end=today.date - dt.timedelta(days=1), days=settings.swc_baseline_days
    )
    needed = max(settings.min_history_readings - have, 2 - len(swc_history), 0)
    if needed == 0:
        return None
    if have < settings.min_history_readings:
        text = (
            f"{have} of {settings.min_history_readings} readings in the last "
            f"{settings.normal_range_days} days: {needed} more morning(s) before advice."
        )
    else:
        text = (
            f"Only {len(swc_history)} reading(s) in the last {settings.swc_baseline_days} "
            f"days: the baseline is stale; {needed} more morning(s) before advice."
        )
    return Readiness(
        date=today.date,
        status="building_baseline",
        score=None,
        fatigue_type="unknown",
        reasons=(Reason(code="building_baseline", text=text),),
        advice=_ADVICE["building_baseline"],
        baselines=baselines,
        readings_needed=needed,
    )


def _decide(
    *,
    history: Sequence[DailyReading],
    today: DailyReading,
    baselines: Baselines,
    wellness: WellnessEntry | None,
    wellness_history: Sequence[WellnessEntry],
    settings: ReadinessSettings,
) -> _Facts:
    s = _signals(history=history, today=today, baselines=baselines, settings=settings)
    assert baselines.resting_hr_baseline_bpm is not None  # noqa: S101 - not building
    muscular = wellness is not None and wellness.soreness >= settings.soreness_high
    motivation_low = wellness is not None and wellness.energy <= settings.energy_low
    rhr_raised = s.rhr_up or s.rhr_7d_up

    # Systemic (nervous-system) fatigue — Schmitt 2015; coaching articles. Single days are
    # noisy (Plews 2013), so one signal on one morning is not enough: the 7-day mean
    # below the SWC band, or a low morning together with a raised resting HR, or the
    # 7-day resting HR above its range.
    systemic = s.trend_low or (s.today_low and s.rhr_up) or s.rhr_7d_up
    # Overreaching — Plews 2012: persistent suppression, resting HR up, motivation down.
    overreaching = s.persistent and rhr_raised and motivation_low
    # Single low day inside a healthy trend — our documented choice: caution, not rest.
    single_low_day = s.today_low and not systemic
    # Parasympathetic saturation watch — Le Meur 2013 (MSSE 45:2061): lnRMSSD up with
    # functional overreaching; flag only with low RHR *and* poor subjective state.
    feels_flat = wellness is not None and (
        motivation_low or wellness.heavy_legs or wellness.sleep_quality <= settings.sleep_poor
    )
    watch: Watch | None = None
    if (
        s.trend_high
        and today.resting_hr_bpm <= baselines.resting_hr_baseline_bpm
        and feels_flat
        and not systemic
    ):
        watch = "parasympathetic_saturation"
    heavy_legs_days = _heavy_legs_streak(
        today=today.date, wellness=wellness, wellness_history=wellness_history
    )

    # Fatigue type (docs/model.md).
    fatigue_type: FatigueType
    if overreaching:
        fatigue_type = "overreaching"
    elif systemic and muscular:
        fatigue_type = "combined"
    elif systemic:
        fatigue_type = "nervous_system"
    elif muscular:
        fatigue_type = "muscular"
    elif wellness is None:
        fatigue_type = "unknown"
    else:
        fatigue_type = "recovered"
    return _Facts(
        signals=s,
        systemic=systemic,
        muscular=muscular,
        motivation_low=motivation_low,
        rhr_raised=rhr_raised,
        overreaching=overreaching,
        single_low_day=single_low_day,
        watch=watch,
        heavy_legs_days=heavy_legs_days,
        heavy_legs_persist=heavy_legs_days >= settings.heavy_legs_caution_days,
        fatigue_type=fatigue_type,
    )


def _status_and_advice(facts: _Facts) -> tuple[Status, str]:
    status: Status
    advice = _ADVICE[facts.fatigue_type]
    if facts.overreaching:
        status = "rest"
    elif facts.systemic or facts.muscular:
        # Vesterinen 2016 / Javaloyes 2019: below the SWC band -> reduce intensity
        # (not stop); the coaching articles: systemic fatigue wants easy aerobic work.
        status = "caution"
        if facts.systemic and facts.signals.persistent and facts.rhr_raised:
            advice = f"{advice} {_ADVICE_PERSISTENT}"
    elif facts.watch is not None:
        status, advice = "caution", _ADVICE_SATURATION
    elif facts.heavy_legs_persist:
        status, advice = "caution", _ADVICE_HEAVY_LEGS
    elif facts.single_low_day:
        status, advice = "caution", _ADVICE_SINGLE_LOW
    else:
        status = "ready"
    if facts.heavy_legs_persist and facts.fatigue_type in {
        "muscular",
        "nervous_system",
        "combined",
    }:
        advice = f"{advice} {_ADVICE_HEAVY_LEGS}"
    return status, advice


def _reasons(
    *,
    facts: _Facts,
    history: Sequence[DailyReading],
    today: DailyReading,
    baselines: Baselines,
    wellness: WellnessEntry | None,
    training: Sequence[TrainingEntry],
    settings: ReadinessSettings,
) -> list[Reason]:
    s = facts.signals
    reasons = _hrv_reasons(signals=s, today=today, baselines=baselines, settings=settings)
    if facts.single_low_day:
        reasons.append(
            Reason(
                code="single_low_day",
                text=(
                    "One low morning inside a healthy 7-day trend: single days are noisy "
                    "(Plews 2013), so this is a caution, not a rest day."
                ),
            )
        )
    reasons.extend(_rhr_reasons(signals=s, today=today, baselines=baselines))
    if s.persistent and (facts.systemic or facts.overreaching):
        reasons.append(
            Reason(
                code="persistent_suppression",
                text=(
                    f"lnRMSSD was below your normal range on {s.days_below} of the last "
                    f"{settings.overreaching_window_days} mornings (Plews 2012)."
                ),
            )
        )
        cv_reason = _cv_falling_reason(history=history, today=today, settings=settings)
        if cv_reason is not None:
            reasons.append(cv_reason)
    if s.persistent and facts.rhr_raised and wellness is None:
        reasons.append(
            Reason(
                code="overreaching_unconfirmed",
                text=(
                    "HRV has been suppressed for days with resting HR up; log how you feel: "
                    "with low motivation this is the overreaching pattern (Plews 2012)."
                ),
            )
        )
    reasons.extend(
        _subjective_reasons(wellness, settings, facts.heavy_legs_days, facts.heavy_legs_persist)
    )
    if facts.watch is not None:
        reasons.append(
            Reason(
                code="parasympathetic_saturation_watch",
                text=(
                    "HRV above your band with a low resting HR while you feel flat: watch for "
                    "parasympathetic saturation, a sign of functional overreaching "
                    "(Le Meur 2013)."
                ),
            )
        )
    if facts.systemic or s.today_low:
        reasons.extend(_training_reasons(today=today.date, training=training, settings=settings))
    if facts.muscular:
        reasons.extend(
            _local_training_reasons(today=today.date, training=training, settings=settings)
        )
    if wellness is None and not facts.systemic:
        reasons.append(
            Reason(
                code="no_wellness",
                text=(
                    "No questionnaire today: soreness is needed to see muscular fatigue, "
                    "which HRV cannot (Flatt 2018)."
                ),
            )
        )
    return reasons


def _hrv_reasons(
    *, signals: _Signals, today: DailyReading, baselines: Baselines, settings: ReadinessSettings
) -> list[Reason]:
    b = baselines
    assert b.normal_lower is not None  # noqa: S101 - not building, so all are set
    assert b.swc_lower is not None  # noqa: S101
    assert b.swc_upper is not None  # noqa: S101
    trend_text = f"{b.ln_rmssd_7d_mean:.2f}" if b.ln_rmssd_7d_mean is not None else "-"
    band_text = f"{b.swc_lower:.2f}-{b.swc_upper:.2f}"
    reasons: list[Reason] = []
    if signals.sparse:
        reasons.append(
            Reason(
                code="sparse_recent_readings",
                text=(
                    f"Only {b.readings_in_7d} reading(s) in the last "
                    f"{settings.rolling_window_days} days (need "
                    f"{settings.rolling_min_readings} for a 7-day mean, Plews 2014): "
                    "today is judged on its own."
                ),
            )
        )
    elif signals.trend_low:
        reasons.append(
            Reason(
                code="hrv_trend_below_swc",
                text=(
                    f"7-day mean lnRMSSD {trend_text} is below your smallest-worthwhile-"
                    f"change band {band_text} (Vesterinen 2016)."
                ),
            )
        )
    elif signals.trend_high:
        reasons.append(
            Reason(
                code="hrv_trend_above_swc",
                text=f"7-day mean lnRMSSD {trend_text} is above your band {band_text}.",
            )
        )
    else:
        reasons.append(
            Reason(
                code="hrv_trend_in_swc",
                text=f"7-day mean lnRMSSD {trend_text} is inside your band {band_text}.",
            )
        )
    if signals.today_low:
        reasons.append(
            Reason(
                code="hrv_today_below_normal",
                text=(
                    f"Today's lnRMSSD {today.ln_rmssd:.2f} is below your "
                    f"{settings.normal_range_days}-day normal range "
                    f"(from {b.normal_lower:.2f})."
                ),
            )
        )
    return reasons


def _rhr_reasons(*, signals: _Signals, today: DailyReading, baselines: Baselines) -> list[Reason]:
    b = baselines
    assert b.resting_hr_upper_bpm is not None  # noqa: S101 - not building
    reasons: list[Reason] = []
    if signals.rhr_up:
        reasons.append(
            Reason(
                code="rhr_up",
                text=(
                    f"Resting HR {today.resting_hr_bpm:.0f} bpm is above your normal range "
                    f"(up to {b.resting_hr_upper_bpm:.0f} bpm)."
                ),
            )
        )
    if signals.rhr_7d_up:
        assert b.resting_hr_7d_mean_bpm is not None  # noqa: S101
        reasons.append(
            Reason(
                code="rhr_trend_up",
                text=(
                    f"7-day mean resting HR {b.resting_hr_7d_mean_bpm:.0f} bpm is above your "
                    f"normal range (up to {b.resting_hr_upper_bpm:.0f} bpm)."
                ),
            )
        )
    return reasons


def _cv_falling_reason(
    *, history: Sequence[DailyReading], today: DailyReading, settings: ReadinessSettings
) -> Reason | None:
    """Plews 2012: a falling 7-day mean with a falling CV preceded NFOR."""
    days = settings.rolling_window_days
    now = in_window([*history, today], end=today.date, days=days)
    before = in_window(history, end=today.date - dt.timedelta(days=days), days=days)
    cv_now = coefficient_of_variation_pct([r.ln_rmssd for r in now])
    cv_before = coefficient_of_variation_pct([r.ln_rmssd for r in before])
    if cv_now is None or cv_before is None or cv_now >= cv_before:
        return None
    return Reason(
        code="cv_falling",
        text=(
            f"The 7-day CV of lnRMSSD fell from {cv_before:.1f} % to {cv_now:.1f} % while the "
            "mean fell: this pattern preceded non-functional overreaching (Plews 2012)."
        ),
    )


def _subjective_reasons(
    wellness: WellnessEntry | None,
    settings: ReadinessSettings,
    heavy_legs_days: int,
    heavy_legs_persist: bool,
) -> list[Reason]:
    if wellness is None:
        return []
    reasons: list[Reason] = []
    if wellness.soreness >= settings.soreness_high:
        reasons.append(
            Reason(
                code="soreness_high",
                text=(
                    f"Soreness {wellness.soreness}/10: local muscular fatigue, which HRV does "
                    "not show (Flatt 2018)."
                ),
            )
        )
    if wellness.energy <= settings.energy_low:
        reasons.append(
            Reason(code="motivation_low", text=f"Energy/motivation {wellness.energy}/10 is low.")
        )
    if wellness.sleep_quality <= settings.sleep_poor:
        reasons.append(
            Reason(code="sleep_poor", text=f"Sleep quality {wellness.sleep_quality}/10 is poor.")
        )
    if wellness.stress >= settings.stress_high:
        reasons.append(Reason(code="stress_high", text=f"Stress {wellness.stress}/10 is high."))
    if heavy_legs_persist:
        reasons.append(
            Reason(
                code="heavy_legs_persisting",
                text=(
                    f"Heavy legs for {heavy_legs_days} mornings in a row (more than 48 h) "
                    "warrants caution."
                ),
            )
        )
    elif wellness.heavy_legs:
        reasons.append(Reason(code="heavy_legs", text="Legs feel heavy this morning."))
    return reasons


def _training_reasons(
    *, today: dt.date, training: Sequence[TrainingEntry], settings: ReadinessSettings
) -> list[Reason]:
    """Name the recent sessions that explain a systemic dip (Buchheit 2014)."""
    start = today - dt.timedelta(days=settings.training_lookback_days)
    recent = [t for t in training if start <= t.date < today]
    hard = [
        t
        for t in recent
        if t.session_type in SYSTEMIC_SESSION_TYPES and t.effort >= settings.hard_session_effort
    ]
    if not hard:
        return []
    names = ", ".join(
        f"{t.session_type.replace('_', ' ')} on {t.date} (effort {t.effort}/10)" for t in hard
    )
    return [
        Reason(
            code="systemic_training_load",
            text=(
                f"Recent high-neural-drive training: {names}. Such sessions lower HRV and "
                "raise resting HR more than isolation work."
            ),
        )
    ]


def _local_training_reasons(
    *, today: dt.date, training: Sequence[TrainingEntry], settings: ReadinessSettings
) -> list[Reason]:
    """Name recent isolation work behind soreness (isolation loads muscles locally)."""
    start = today - dt.timedelta(days=settings.training_lookback_days)
    local = [
        t
        for t in training
        if start <= t.date < today
        and t.session_type == "isolation"
        and t.effort >= settings.hard_session_effort
    ]
    if not local:
        return []
    names = ", ".join(f"isolation on {t.date} (effort {t.effort}/10)" for t in local)
    return [
        Reason(
            code="local_training_load",
            text=(
                f"Recent high-volume local work: {names}. It makes muscles sore without "
                "loading the nervous system much, so HRV can stay normal."
            ),
        )
    ]
