"""A morning's verdict is a function of the stored history: recomputed where it changes.

Every change to a user's history — a questionnaire, a training entry, a reading
saved for an earlier morning (back-fill), an import, a correction or a deletion —
can change the verdict of that morning and of every morning after it (the baseline
and the 7-day trend move; a questionnaire changes the fatigue type). So each path
that changes the history calls :func:`reassess` from the first date it touched,
and the stored verdicts stay what the model decides from the history as it is now.
``report``, the daemon's MQTT ``state`` and Home Assistant (both modes) read those
verdicts, so they show the same verdict for the same morning.

This module is the one place that turns stored history into verdicts; the store
itself only keeps them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hrv_readiness.readiness import DailyReading, Readiness, assess
from hrv_readiness.store.history import daily_history, orthostatic_history

if TYPE_CHECKING:
    from collections.abc import Sequence

    from hrv_readiness.readiness import (
        OrthostaticTest,
        ReadinessSettings,
        TrainingEntry,
        WellnessEntry,
    )
    from hrv_readiness.store.models import StoredReading
    from hrv_readiness.store.store import Store


@dataclass(frozen=True, slots=True, kw_only=True)
class HistoryOf:
    """One user's stored history, read once for a recomputation."""

    readings: Sequence[StoredReading]
    wellness: Sequence[WellnessEntry]
    training: Sequence[TrainingEntry]

    @classmethod
    def load(cls, store: Store, user: str) -> HistoryOf:
        return cls(
            readings=store.readings(user),
            wellness=store.wellness(user),
            training=store.training(user),
        )


def verdict_for(
    history: HistoryOf,
    *,
    day: dt.date,
    ln_rmssd: float,
    resting_hr_bpm: float,
    settings: ReadinessSettings,
    orthostatic_test: OrthostaticTest | None = None,
    breathing_rate_per_min: float | None = None,
    rmssd_uncertainty_pct: float | None = None,
) -> Readiness:
    """The verdict of the morning ``day`` with these numbers, against the history before it.

    ``rmssd_uncertainty_pct``: how far today's RMSSD depends on corrected beats (rule 15
    of docs/model.md); a stored reading keeps no such bound, so a recompute passes none.

    The questionnaires and training log are read as far back as the settings make the
    model read them (``wellness_history_days``, ``training_history_days``);
    ``orthostatic_test`` (that morning's accepted test) is held against the earlier ones.
    """
    wellness_since = day - dt.timedelta(days=settings.wellness_history_days)
    training_since = day - dt.timedelta(days=settings.training_history_days)
    return assess(
        history=daily_history(history.readings, before=day),
        today=DailyReading(
            date=day,
            ln_rmssd=ln_rmssd,
            resting_hr_bpm=resting_hr_bpm,
            breathing_rate_per_min=breathing_rate_per_min,
            rmssd_uncertainty_pct=rmssd_uncertainty_pct,
        ),
        wellness=next((w for w in history.wellness if w.date == day), None),
        training=[t for t in history.training if training_since <= t.date <= day],
        settings=settings,
        wellness_history=[w for w in history.wellness if wellness_since <= w.date < day],
        orthostatic_test=orthostatic_test,
        orthostatic_history=(
            orthostatic_history(history.readings, before=day)
            if orthostatic_test is not None
            else ()
        ),
    )


def reassess(store: Store, user: str, *, since: dt.date | None, settings: ReadinessSettings) -> int:
    """Recompute and store the verdicts of ``user``'s usable readings from ``since`` on.

    ``since=None`` recomputes the whole history. A rejected reading keeps no verdict.
    Returns how many stored verdicts changed. Idempotent: a second call changes none.
    """
    numbered = store.numbered_readings(user)
    history = HistoryOf(
        readings=[reading for _, reading in numbered],
        wellness=store.wellness(user),
        training=store.training(user),
    )
    changed: list[tuple[int, Readiness | None]] = []
    for reading_id, reading in numbered:
        if since is not None and reading.date < since:
            continue
        verdict = stored_verdict(history, reading, settings) if reading.usable else None
        if verdict != reading.readiness:
            changed.append((reading_id, verdict))
    store.set_verdicts(changed)
    return len(changed)


def current_verdict(store: Store, user: str, settings: ReadinessSettings) -> Readiness | None:
    """The verdict of ``user``'s latest usable morning as the history stands now.

    The latest morning by date (a reading saved later for an earlier morning is not
    "now"); ``None`` while no reading is usable.
    """
    history = HistoryOf.load(store, user)
    usable = [r for r in history.readings if r.usable]
    reading = max(usable, key=lambda r: (r.date, r.measured_at), default=None)
    return None if reading is None else stored_verdict(history, reading, settings)


def stored_verdict(
    history: HistoryOf, reading: StoredReading, settings: ReadinessSettings
) -> Readiness | None:
    """The verdict of a stored ``reading`` against ``history``; ``None`` without its numbers."""
    if reading.ln_rmssd is None or reading.mean_hr_bpm is None:
        return None
    return verdict_for(
        history,
        day=reading.date,
        ln_rmssd=reading.ln_rmssd,
        resting_hr_bpm=reading.mean_hr_bpm,
        settings=settings,
        orthostatic_test=reading.orthostatic_test(),
        breathing_rate_per_min=reading.breathing_rate_per_min,
    )
