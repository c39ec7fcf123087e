"""``assess``: one morning in, one frozen :class:`Readiness` out (pure, no I/O).

The model in four steps, each in its own module:

1. baseline.py  — the week and the reference (built from normal training only);
2. decisions.py — the rules: signals, fatigue type, status;
3. score.py     — the continuous gauge, shown inside the band of the status;
4. wording.py   — the reasons and the advice.

docs/model.md states every rule, its source and its threshold.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel, ValidationError

from hrv_readiness.readiness import decisions, orthostatic, score, wording
from hrv_readiness.readiness.baseline import (
    baselines_record,
    in_window,
    normal_window_readings,
    reference_for,
    swc_window_readings,
    week_ending,
)
from hrv_readiness.readiness.errors import AssessmentInputError, InvalidRecordError
from hrv_readiness.readiness.models import (
    DailyReading,
    OrthostaticTest,
    Readiness,
    Reason,
    TrainingEntry,
    WellnessEntry,
)
from hrv_readiness.readiness.settings import ReadinessSettings

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence

_R = TypeVar("_R", bound=BaseModel)


def assess(
    *,
    history: Sequence[DailyReading],
    today: DailyReading,
    wellness: WellnessEntry | None,
    training: Sequence[TrainingEntry],
    settings: ReadinessSettings,
    wellness_history: Sequence[WellnessEntry] = (),
    orthostatic_test: OrthostaticTest | None = None,
    orthostatic_history: Sequence[OrthostaticTest] = (),
) -> Readiness:
    """Readiness and fatigue type for ``today`` (pure).

    ``history`` holds earlier usable readings (at most one per date), ``wellness``
    today's questionnaire (or None), ``training`` the training log (sessions in the
    ``training_lookback_days`` before today explain today's reading),
    ``wellness_history`` earlier questionnaires (the last ``heavy_legs_caution_days``
    tell how long heavy legs have lasted, and the mornings reported ill are left out of
    the baselines: pass ``settings.wellness_history_days`` of them), ``orthostatic_test``
    today's accepted orthostatic test (its supine half is ``today``) and
    ``orthostatic_history`` the earlier ones (rules O1-O3, readiness/orthostatic.py).
    Raises :class:`AssessmentInputError` (an
    ``InputError``) for anything unusable, never a foreign exception.
    """
    history, today, wellness, training, wellness_history, settings = _checked(
        history=history,
        today=today,
        wellness=wellness,
        training=training,
        wellness_history=wellness_history,
        settings=settings,
    )
    orthostatic_test, orthostatic_history = _checked_orthostatic(
        orthostatic_test, orthostatic_history, today=today.date
    )
    history = sorted(history, key=lambda r: r.date)
    orthostatic_ref = orthostatic.reference_for(
        orthostatic_history, today=today.date, settings=settings
    )
    orthostatic_record = orthostatic.baselines_record(
        orthostatic_test, tests=orthostatic_history, ref=orthostatic_ref, settings=settings
    )
    week = week_ending([*history, today], end=today.date, settings=settings)
    # Rule 13: mornings reported ill stay out of the baselines.
    ill_dates = {w.date for w in wellness_history if w.ill != "none"}
    reference = reference_for(history=history, today=today, settings=settings, ill_dates=ill_dates)
    readings_in_7d = len(
        in_window([*history, today], end=today.date, days=settings.rolling_window_days)
    )
    baselines = baselines_record(
        today=today,
        week=week,
        reference=reference,
        readings_in_7d=readings_in_7d,
        readings_in_baseline=normal_window_readings(history, today=today.date, settings=settings),
    )

    # Rule 1 — building the baseline (docs/model.md: about 14 readings; Polar: 6 tests
    # over 2 weeks), or a stale one after a long break.
    have = baselines.readings_in_baseline + 1
    swc_readings = swc_window_readings(history, today=today.date, settings=settings)
    needed = max(settings.min_history_readings - have, 2 - swc_readings, 0)
    if needed > 0 or reference is None:
        needed = max(needed, 1)
        return Readiness(
            date=today.date,
            status="building_baseline",
            score=None,
            fatigue_type="unknown",
            reasons=(
                Reason(
                    code="building_baseline",
                    text=wording.building_text(
                        have=have, needed=needed, swc_readings=swc_readings, settings=settings
                    ),
                ),
            ),
            advice=wording.ADVICE["building_baseline"],
            baselines=baselines,
            readings_needed=needed,
            orthostatic=orthostatic_record,
        )

    supine = decisions.signals(
        history=history, today=today, week=week, reference=reference, settings=settings
    )
    orthostatic_fired = orthostatic.signals(orthostatic_test, orthostatic_ref, supine)
    decision = decisions.decide(
        signals=supine,
        orthostatic=orthostatic_fired,
        feelings=decisions.feelings(
            today=today.date,
            wellness=wellness,
            wellness_history=wellness_history,
            settings=settings,
        ),
        settings=settings,
    )
    reasons = wording.reasons(
        decision=decision,
        history=history,
        today=today,
        week=week,
        reference=reference,
        readings_in_7d=readings_in_7d,
        wellness=wellness,
        training=training,
        settings=settings,
    )
    reasons.extend(
        orthostatic.reasons(
            orthostatic_test,
            fired=orthostatic_fired,
            ref=orthostatic_ref,
            record=orthostatic_record,
        )
    )
    advice = wording.advice(decision)
    gauge = score.penalties(
        today=today, week=week, reference=reference, wellness=wellness, settings=settings
    ).gauge
    status = decision.status
    # Rule 11 — several small signs add up: a ready day whose gauge is below the caution
    # limit is a caution day (the gauge never sends anyone to rest on its own).
    if status == "ready" and round(gauge) < settings.score_caution_below:
        status = "caution"
        reasons.append(wording.low_score_reason(score.shown(gauge, status, settings), settings))
        advice = wording.ADVICE_LOW_SCORE
    return Readiness(
        date=today.date,
        status=status,
        score=score.shown(gauge, status, settings),
        fatigue_type=decision.fatigue_type,
        watch=decision.watch,
        illness=decision.illness,
        reasons=tuple(reasons),
        advice=advice,
        baselines=baselines,
        readings_needed=0,
        orthostatic=orthostatic_record,
    )


def _checked_orthostatic(
    test: OrthostaticTest | None, history: Sequence[OrthostaticTest], *, today: dt.date
) -> tuple[OrthostaticTest | None, list[OrthostaticTest]]:
    try:
        earlier = [
            _revalidated(t, OrthostaticTest, f"orthostatic_history[{i}]")
            for i, t in enumerate(history)
        ]
    except TypeError as err:
        msg = f"orthostatic_history must be a sequence of records: {err}"
        raise AssessmentInputError(msg) from err
    if test is not None:
        test = _revalidated(test, OrthostaticTest, "orthostatic_test")
        if test.date != today:
            msg = f"orthostatic_test is dated {test.date}, today's reading {today}"
            raise AssessmentInputError(msg)
    later = [t.date for t in earlier if t.date >= today]
    if later:
        msg = (
            f"orthostatic_history must hold earlier tests only; {max(later)} is not before {today}"
        )
        raise AssessmentInputError(msg)
    dates = [t.date for t in earlier]
    if len(set(dates)) != len(dates):
        msg = "orthostatic_history has more than one test on a day"
        raise AssessmentInputError(msg)
    return test, earlier


# --------------------------------------------------------------------------- inputs


def _revalidated(value: object, model: type[_R], what: str) -> _R:
    """``value`` as a validated ``model``: records built with ``model_construct`` too."""
    if not isinstance(value, model):
        msg = f"{what} must be a {model.__name__}, got {type(value).__name__}"
        raise AssessmentInputError(msg)
    try:
        return model.model_validate(dict(value.__dict__))
    except (ValidationError, InvalidRecordError) as err:
        msg = f"{what}: {err}"
        raise AssessmentInputError(msg) from err


def _checked(
    *,
    history: Sequence[DailyReading],
    today: DailyReading,
    wellness: WellnessEntry | None,
    training: Sequence[TrainingEntry],
    wellness_history: Sequence[WellnessEntry],
    settings: ReadinessSettings,
) -> tuple[
    list[DailyReading],
    DailyReading,
    WellnessEntry | None,
    list[TrainingEntry],
    list[WellnessEntry],
    ReadinessSettings,
]:
    settings = _revalidated(settings, ReadinessSettings, "settings")
    try:
        history_list = [
            _revalidated(r, DailyReading, f"history[{i}]") for i, r in enumerate(history)
        ]
        training_list = [
            _revalidated(t, TrainingEntry, f"training[{i}]") for i, t in enumerate(training)
        ]
        earlier = [
            _revalidated(w, WellnessEntry, f"wellness_history[{i}]")
            for i, w in enumerate(wellness_history)
        ]
    except TypeError as err:  # not iterable
        msg = f"history, training and wellness_history must be sequences of records: {err}"
        raise AssessmentInputError(msg) from err
    today = _revalidated(today, DailyReading, "today")
    if wellness is not None:
        wellness = _revalidated(wellness, WellnessEntry, "wellness")
    _consistent(
        history=history_list,
        today=today,
        wellness=wellness,
        training=training_list,
        wellness_history=earlier,
    )
    return history_list, today, wellness, training_list, earlier, settings


def _consistent(
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
