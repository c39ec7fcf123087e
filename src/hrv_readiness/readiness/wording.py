"""What the verdict says: the reasons (code + sentence) and the advice.

Decisions are taken on full-precision values, but people read rounded ones. Every
sentence that states a comparison prints its numbers through :func:`apart`, which
adds decimals until the printed numbers show the stated relation — never "54 bpm is
above your range (up to 54 bpm)".
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from hrv_readiness.readiness.baseline import coefficient_of_variation_pct, in_window
from hrv_readiness.readiness.models import SYSTEMIC_SESSION_TYPES, Reason

if TYPE_CHECKING:
    from collections.abc import Sequence

    from hrv_readiness.readiness.baseline import Reference, Week
    from hrv_readiness.readiness.decisions import Decision
    from hrv_readiness.readiness.models import DailyReading, TrainingEntry, WellnessEntry
    from hrv_readiness.readiness.settings import ReadinessSettings

_MAX_DIGITS = 12


def apart(low: float, high: float, digits: int) -> tuple[str, str]:
    """``low`` and ``high`` (low < high) printed so that the printed low < printed high."""
    for d in range(digits, _MAX_DIGITS + 1):
        a, b = f"{low:.{d}f}", f"{high:.{d}f}"
        if float(a) < float(b):
            return a, b
    return f"{low!r}", f"{high!r}"


# --------------------------------------------------------------------------- advice

ADVICE: dict[str, str] = {
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
    "One low morning inside a healthy 7-day trend: keep your plan but skip maximal "
    "efforts today, and measure again tomorrow; decisions follow the 7-day trend."
)
_ADVICE_LOW_NO_TREND = (
    "A low morning, and too few recent readings to tell whether it is a trend: skip "
    "maximal efforts today and measure again tomorrow."
)
_ADVICE_STRAIN = (
    "You feel run down even though your HRV looks normal: that counts as much as the "
    "numbers. Train lighter than planned, or swap intensity for easy movement, and "
    "protect your sleep."
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
ADVICE_LOW_SCORE = "Several small signs add up: train, but lighter than planned."
_ADVICE_POSSIBLE_ILLNESS = (
    "Possible illness: your breathing rate is up along with other signs. Don't train "
    "hard today: rest or walk, drink and sleep, and measure again tomorrow. See a doctor "
    "if you feel unwell."
)
_ADVICE_ILL_FEVER_SIGN = (
    "You feel ill and your reading shows a fever-like sign: rest today, whatever your "
    "HRV says, and measure again tomorrow. No hard training until the signs settle."
)
_ADVICE_ILL = (
    "You feel ill: that outranks a normal HRV. Keep today easy, no hard sessions, and "
    "measure again tomorrow."
)


def advice(decision: Decision) -> str:
    """What to do today, from the decision (docs/model.md, rules 11 and 13)."""
    if decision.illness is not None:
        return _illness_advice(decision)
    return _training_advice(decision)


def _training_advice(d: Decision) -> str:
    text = ADVICE[d.fatigue_type]
    if d.overreaching:
        return text
    if d.systemic or d.muscular or d.felt_systemic:
        if d.systemic and d.signals.persistent and d.rhr_raised:
            text = f"{text} {_ADVICE_PERSISTENT}"
    elif d.watch is not None:
        text = _ADVICE_SATURATION
    elif d.strain:
        text = _ADVICE_STRAIN
    elif d.feelings.heavy_legs_persist:
        text = _ADVICE_HEAVY_LEGS
    elif d.single_low_day:
        text = _ADVICE_SINGLE_LOW
    elif d.low_day_no_trend:
        text = _ADVICE_LOW_NO_TREND
    if d.feelings.heavy_legs_persist and d.fatigue_type in {
        "muscular",
        "nervous_system",
        "combined",
    }:
        text = f"{text} {_ADVICE_HEAVY_LEGS}"
    return text


def _illness_advice(d: Decision) -> str:
    """Rule 13: possible illness, or feeling ill with or without a fever-like sign."""
    if d.illness == "possible":
        return _ADVICE_POSSIBLE_ILLNESS
    return _ADVICE_ILL_FEVER_SIGN if d.fever_sign else _ADVICE_ILL


# -------------------------------------------------------------------------- reasons


def _mornings(count: int) -> str:
    return "morning" if count == 1 else "mornings"


def building_text(*, have: int, needed: int, swc_readings: int, settings: ReadinessSettings) -> str:
    if have < settings.min_history_readings:
        return (
            f"{have} of {settings.min_history_readings} readings in the last "
            f"{settings.normal_range_days} days: {needed} more {_mornings(needed)} before advice."
        )
    return (
        f"Only {swc_readings} reading(s) in the last {settings.swc_baseline_days} "
        f"days: the baseline is stale; {needed} more {_mornings(needed)} before advice."
    )


def low_score_reason(score: int, settings: ReadinessSettings) -> Reason:
    return Reason(
        code="low_score",
        text=(
            f"The combined score {score} is below {settings.score_caution_below}: "
            "take it easier than planned."
        ),
    )


def reasons(
    *,
    decision: Decision,
    history: Sequence[DailyReading],
    today: DailyReading,
    week: Week | None,
    reference: Reference,
    readings_in_7d: int,
    wellness: WellnessEntry | None,
    training: Sequence[TrainingEntry],
    settings: ReadinessSettings,
) -> list[Reason]:
    d, s = decision, decision.signals
    out: list[Reason] = []
    out.extend(_held_reasons(decision=d, today=today, reference=reference))
    out.extend(
        _hrv_reasons(
            decision=d,
            today=today,
            week=week,
            reference=reference,
            readings_in_7d=readings_in_7d,
            settings=settings,
        )
    )
    out.extend(_low_day_reasons(d))
    out.extend(_rhr_reasons(decision=d, today=today, week=week, reference=reference))
    out.extend(_illness_reasons(decision=d, today=today, reference=reference, wellness=wellness))
    if s.persistent and (d.systemic or d.overreaching):
        out.append(
            Reason(
                code="persistent_suppression",
                text=(
                    f"lnRMSSD was below your normal range on {s.days_below} of the last "
                    f"{settings.overreaching_window_days} mornings (Plews 2012)."
                ),
            )
        )
        cv = _cv_falling_reason(history=history, today=today, settings=settings)
        if cv is not None:
            out.append(cv)
    if s.persistent and d.rhr_raised and wellness is None:
        out.append(
            Reason(
                code="overreaching_unconfirmed",
                text=(
                    "HRV has been suppressed for days with resting HR up; log how you feel: "
                    "with low motivation this is the overreaching pattern (Plews 2012)."
                ),
            )
        )
    out.extend(_subjective_reasons(decision=d, wellness=wellness, settings=settings))
    if d.watch is not None:
        out.append(
            Reason(
                code="parasympathetic_saturation_watch",
                text=(
                    "HRV well above your baseline with a low resting HR while you feel "
                    "flat: watch for parasympathetic saturation, a sign of functional "
                    "overreaching (Le Meur 2013)."
                ),
            )
        )
    if d.systemic or s.today_low:
        out.extend(_training_reasons(today=today.date, training=training, settings=settings))
    if d.muscular:
        out.extend(_local_training_reasons(today=today.date, training=training, settings=settings))
    if wellness is None and not d.systemic:
        out.append(
            Reason(
                code="no_wellness",
                text=(
                    "No questionnaire today: soreness is needed to see muscular fatigue, "
                    "which HRV cannot (Flatt 2018)."
                ),
            )
        )
    return out


def _held_reasons(*, decision: Decision, today: DailyReading, reference: Reference) -> list[Reason]:
    """While a fatigue episode goes on, say that the baseline leaves it out."""
    s = decision.signals
    if reference.held_since is None or not (s.trend_low or s.sparse):
        return []
    days = (today.date - reference.held_since).days
    return [
        Reason(
            code="baseline_held",
            text=(
                f"Your 7-day mean has been below your band since {reference.held_since} "
                f"({days} day(s)): your baseline leaves those mornings out, so a fatigue "
                "state is not learned as normal (Plews 2012; Vesterinen 2016)."
            ),
        )
    ]


def _low_day_reasons(d: Decision) -> list[Reason]:
    out: list[Reason] = []
    if d.single_low_day:
        out.append(
            Reason(
                code="single_low_day",
                text=(
                    "One low morning inside a healthy 7-day trend: single days are noisy "
                    "(Plews 2013), so this is a caution, not a rest day."
                ),
            )
        )
    if d.low_day_no_trend:
        out.append(
            Reason(
                code="low_day_no_trend",
                text=(
                    "One low morning with too few recent readings to see a trend: single "
                    "days are noisy (Plews 2013), so this is a caution, not a rest day."
                ),
            )
        )
    return out


def _hrv_reasons(
    *,
    decision: Decision,
    today: DailyReading,
    week: Week | None,
    reference: Reference,
    readings_in_7d: int,
    settings: ReadinessSettings,
) -> list[Reason]:
    s, ref = decision.signals, reference
    out: list[Reason] = []
    if week is None:
        out.append(
            Reason(
                code="sparse_recent_readings",
                text=(
                    f"Only {readings_in_7d} reading(s) in the last "
                    f"{settings.rolling_window_days} days (need "
                    f"{settings.rolling_min_readings} for a 7-day mean, Plews 2014): "
                    "today is judged on its own."
                ),
            )
        )
    elif s.trend_low:
        mean, low = apart(week.ln_rmssd_mean, ref.swc_lower, 2)
        where = "below" if week.ln_rmssd_mean < ref.swc_lower else "at the bottom of"
        out.append(
            Reason(
                code="hrv_trend_below_swc",
                text=(
                    f"7-day mean lnRMSSD {mean} is {where} your smallest-worthwhile-change "
                    f"band {low}-{ref.swc_upper:.{len(low.split('.')[1])}f} (Vesterinen 2016)."
                    + (_uncertain(decision) if s.trend_uncertain else "")
                ),
            )
        )
    elif s.trend_high:
        high, mean = apart(ref.swc_upper, week.ln_rmssd_mean, 2)
        digits = len(mean.split(".")[1])
        out.append(
            Reason(
                code="hrv_trend_above_swc",
                text=(
                    f"7-day mean lnRMSSD {mean} is above your band "
                    f"{ref.swc_lower:.{digits}f}-{high}."
                ),
            )
        )
    else:
        out.append(
            Reason(
                code="hrv_trend_in_swc",
                text=(
                    f"7-day mean lnRMSSD {week.ln_rmssd_mean:.2f} is inside your band "
                    f"{ref.swc_lower:.2f}-{ref.swc_upper:.2f}."
                ),
            )
        )
    if s.today_low:
        value, low = apart(today.ln_rmssd, ref.normal_lower, 2)
        out.append(
            Reason(
                code="hrv_today_below_normal",
                text=(
                    (
                        f"Today's lnRMSSD {value} is below your "
                        f"{settings.normal_range_days}-day normal range (from {low})."
                        if today.ln_rmssd < ref.normal_lower
                        else f"Today's lnRMSSD {value} is at the bottom of your "
                        f"{settings.normal_range_days}-day normal range (from {low})."
                    )
                    + (_uncertain(decision) if s.today_uncertain else "")
                ),
            )
        )
    return out


def _illness_reasons(
    *,
    decision: Decision,
    today: DailyReading,
    reference: Reference,
    wellness: WellnessEntry | None,
) -> list[Reason]:
    """Rule 13: the breathing rate, possible illness and reported symptoms, with numbers."""
    d, s, ref = decision, decision.signals, reference
    out: list[Reason] = []
    breathing = ""
    if s.breathing_up:
        assert today.breathing_rate_per_min is not None  # noqa: S101 - breathing_up needs it
        assert ref.breathing_upper_per_min is not None  # noqa: S101
        upper, value = apart(ref.breathing_upper_per_min, today.breathing_rate_per_min, 1)
        breathing = f"breathing rate {value}/min above your normal range (up to {upper}/min)"
        alone = (
            ""
            if d.illness is not None
            else " On its own this is no sign of illness: a hard session the evening "
            "before can raise it."
        )
        text = f"Breathing rate {value}/min is above your normal range (up to {upper}/min)."
        out.append(Reason(code="breathing_up", text=f"{text}{alone}"))
    if d.illness == "possible":
        signs = [breathing, *_illness_signs(decision=d, today=today, reference=ref)]
        out.append(
            Reason(
                code="possible_illness",
                text=(
                    f"Possible illness: {' with '.join(signs)}. Breathing rate and resting "
                    "HR rise before and with infection (Miller 2020; Mishra 2020)."
                ),
            )
        )
    if d.illness == "reported" and wellness is not None:
        felt = "mild symptoms" if wellness.ill == "mild" else "feeling clearly ill"
        fever = _illness_signs(decision=d, today=today, reference=ref, with_hrv=False)
        signs = [sign for sign in (breathing, *fever) if sign]
        tail = (
            f"; with {' and '.join(signs)}, a fever-like sign, this is a rest day"
            if d.fever_sign
            else ", so today is at most a caution day"
        )
        out.append(
            Reason(
                code="illness_reported",
                text=f"You report {felt}: feeling ill outranks a normal HRV{tail}.",
            )
        )
    return out


def _illness_signs(
    *, decision: Decision, today: DailyReading, reference: Reference, with_hrv: bool = True
) -> list[str]:
    """Resting HR up and HRV low, as the illness reasons list them (with numbers)."""
    s, ref = decision.signals, reference
    signs: list[str] = []
    if s.rhr_up:
        upper, value = apart(ref.resting_hr_upper_bpm, today.resting_hr_bpm, 0)
        signs.append(f"resting HR {value} bpm above its range (up to {upper} bpm)")
    if s.today_low and with_hrv:
        value, lower = apart(today.ln_rmssd, ref.normal_lower, 2)
        signs.append(f"lnRMSSD {value} below your normal range (from {lower})")
    return signs


def _uncertain(decision: Decision) -> str:
    """Rule 15's sentence, added to the reason whose threshold the uncertainty straddles."""
    return (
        f" Within measurement uncertainty: ±{decision.signals.uncertainty_pct:.1f} % (RMSSD "
        "depends on corrected beats) puts it on either side: counted as low, the cautious "
        "side (Hopkins 2000)."
    )


def _rhr_reasons(
    *, decision: Decision, today: DailyReading, week: Week | None, reference: Reference
) -> list[Reason]:
    s, ref = decision.signals, reference
    out: list[Reason] = []
    if s.rhr_up:
        upper, value = apart(ref.resting_hr_upper_bpm, today.resting_hr_bpm, 0)
        out.append(
            Reason(
                code="rhr_up",
                text=f"Resting HR {value} bpm is above your normal range (up to {upper} bpm).",
            )
        )
    if s.rhr_7d_up:
        assert week is not None  # noqa: S101 - rhr_7d_up needs the week
        upper, value = apart(ref.resting_hr_upper_bpm, week.resting_hr_mean_bpm, 0)
        out.append(
            Reason(
                code="rhr_trend_up",
                text=(
                    f"7-day mean resting HR {value} bpm is above your normal range "
                    f"(up to {upper} bpm)."
                ),
            )
        )
    return out


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
    now_text, before_text = apart(cv_now, cv_before, 1)
    return Reason(
        code="cv_falling",
        text=(
            f"The 7-day CV of lnRMSSD fell from {before_text} % to {now_text} % while the "
            "mean fell: this pattern preceded non-functional overreaching (Plews 2012)."
        ),
    )


def _subjective_reasons(
    *, decision: Decision, wellness: WellnessEntry | None, settings: ReadinessSettings
) -> list[Reason]:
    f = decision.feelings
    if wellness is None:
        return []
    out: list[Reason] = []
    if f.sore:
        out.append(
            Reason(
                code="soreness_high",
                text=(
                    f"Soreness {wellness.soreness}/10: local muscular fatigue, which HRV does "
                    "not show (Flatt 2018)."
                ),
            )
        )
    if f.motivation_low:
        out.append(
            Reason(code="motivation_low", text=f"Energy/motivation {wellness.energy}/10 is low.")
        )
    if f.sleep_poor:
        out.append(
            Reason(code="sleep_poor", text=f"Sleep quality {wellness.sleep_quality}/10 is poor.")
        )
    if f.stress_high:
        out.append(Reason(code="stress_high", text=f"Stress {wellness.stress}/10 is high."))
    if decision.felt_systemic:
        out.append(
            Reason(
                code="felt_systemic",
                text=(
                    f"{f.systemic_signs} of energy, sleep and stress are poor at once: "
                    "whole-body fatigue you feel counts even with HRV normal (Saw 2016)."
                ),
            )
        )
    if decision.strain:
        out.append(
            Reason(
                code="subjective_strain",
                text=(
                    f"{f.strain_signs} of energy, sleep, stress and heavy legs are poor at "
                    "once: how you feel is a signal on its own, often an earlier one than "
                    "HRV (Saw 2016) — use the numbers as mirrors, not masters."
                ),
            )
        )
    if f.heavy_legs_persist:
        out.append(
            Reason(
                code="heavy_legs_persisting",
                text=(
                    f"Heavy legs on each of the last {settings.heavy_legs_caution_days} "
                    "mornings (more than 48 h) warrants caution."
                ),
            )
        )
    elif f.heavy_legs:
        out.append(Reason(code="heavy_legs", text="Legs feel heavy this morning."))
    return out


def _training_reasons(
    *, today: dt.date, training: Sequence[TrainingEntry], settings: ReadinessSettings
) -> list[Reason]:
    """Name the recent sessions that explain a systemic dip (Buchheit 2014)."""
    start = today - dt.timedelta(days=settings.training_lookback_days)
    hard = [
        t
        for t in training
        if start <= t.date < today
        and t.session_type in SYSTEMIC_SESSION_TYPES
        and t.effort >= settings.hard_session_effort
    ]
    if not hard:
        return []
    names = ", ".join(
        f"{t.session_type.replace('_', ' ')} on {t.date} (effort {t.effort}/10)"
        for t in sorted(hard, key=lambda t: t.date)
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
    names = ", ".join(
        f"isolation on {t.date} (effort {t.effort}/10)" for t in sorted(local, key=lambda t: t.date)
    )
    return [
        Reason(
            code="local_training_load",
            text=(
                f"Recent high-volume local work: {names}. It makes muscles sore without "
                "loading the nervous system much, so HRV can stay normal."
            ),
        )
    ]
