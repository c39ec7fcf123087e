"""Build the retained v1.2 ``history`` payload from the collector's stored readings.

Like :mod:`hrv_readiness.mqtt.state`, this maps the store's and the readiness model's
field names onto the contract's. One point per date: the reading that counted that
morning (the last usable one, as :func:`hrv_readiness.store.history.daily_history`
decides), with the verdict stored beside it, so a consumer sees the history exactly
as each morning was decided.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from hrv_readiness.mqtt.messages import OutgoingMessage
from hrv_readiness.mqtt.payloads import HISTORY_DAYS, HistoryPayload, HistoryPointPayload

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from hrv_readiness.mqtt.topics import Topics
    from hrv_readiness.store import Store
    from hrv_readiness.store.models import StoredReading


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def history_point(reading: StoredReading) -> HistoryPointPayload:
    """The point of one usable reading (``ln_rmssd`` must be set)."""
    if reading.ln_rmssd is None:
        msg = f"reading of {reading.user} at {reading.measured_at} has no lnRMSSD"
        raise ValueError(msg)
    verdict = reading.readiness
    b = None if verdict is None else verdict.baselines
    test = None if reading.orthostatic is None else reading.orthostatic.metrics
    return HistoryPointPayload(
        date=reading.date,
        measured_at=reading.measured_at,
        ln_rmssd=round(reading.ln_rmssd, 3),
        rmssd_ms=_round(reading.rmssd_ms, 2),
        resting_hr_bpm=_round(reading.mean_hr_bpm, 1),
        score=None if verdict is None else verdict.score,
        status=None if verdict is None else verdict.status,
        fatigue_type=None if verdict is None else verdict.fatigue_type,
        ln_rmssd_7d_mean=None if b is None else _round(b.ln_rmssd_7d_mean, 3),
        ln_rmssd_normal_low=None if b is None else _round(b.normal_lower, 3),
        ln_rmssd_normal_high=None if b is None else _round(b.normal_upper, 3),
        ln_rmssd_swc_low=None if b is None else _round(b.swc_lower, 3),
        ln_rmssd_swc_high=None if b is None else _round(b.swc_upper, 3),
        breathing_rate_per_min=_round(reading.breathing_rate_per_min, 1),
        orthostatic_hr_rise_bpm=None if test is None else round(test.hr_rise_bpm, 1),
        standing_ln_rmssd=None if test is None else round(test.standing_ln_rmssd, 3),
    )


def history_payload(
    *,
    collector_id: str,
    user: str,
    readings: Iterable[StoredReading],
    published_at: dt.datetime,
    days: int = HISTORY_DAYS,
) -> HistoryPayload:
    """The last ``days`` mornings of ``user`` (counted back from the newest), oldest first."""
    by_date: dict[dt.date, StoredReading] = {}
    for reading in sorted(readings, key=lambda r: r.measured_at):
        if reading.user == user and reading.usable and reading.ln_rmssd is not None:
            by_date[reading.date] = reading
    if by_date:
        first = max(by_date) - dt.timedelta(days=days - 1)
        by_date = {day: r for day, r in by_date.items() if day >= first}
    return HistoryPayload(
        collector_id=collector_id,
        user=user,
        published_at=published_at,
        days=days,
        points=tuple(history_point(by_date[day]) for day in sorted(by_date)),
    )


def history_message(topics: Topics, payload: HistoryPayload) -> OutgoingMessage:
    """The retained QoS 1 message of a history payload."""
    return OutgoingMessage(topics.history(payload.user), payload.to_bytes(), qos=1, retain=True)


def user_history_message(
    store: Store,
    topics: Topics,
    user: str,
    *,
    published_at: dt.datetime,
    days: int = HISTORY_DAYS,
) -> OutgoingMessage:
    """The retained history of ``user`` as the store holds it now.

    A user without a usable reading (none yet, the last one deleted, the person renamed
    or removed) gets an empty payload, which clears the retained history (v1.7, as the
    ``state``), so no consumer keeps charting mornings that are gone.
    """
    latest = store.latest_reading(user)
    if latest is not None:
        payload = history_payload(
            collector_id=topics.collector_id,
            user=user,
            readings=store.readings(user, since=latest.date - dt.timedelta(days=days - 1)),
            published_at=published_at,
            days=days,
        )
        if payload.points:
            return history_message(topics, payload)
    return OutgoingMessage(topics.history(user), b"", qos=1, retain=True)


def history_messages(
    store: Store,
    topics: Topics,
    users: Sequence[str],
    *,
    published_at: dt.datetime,
    days: int = HISTORY_DAYS,
) -> list[OutgoingMessage]:
    """The history message of every user in ``users`` (empty: no usable reading)."""
    return [
        user_history_message(store, topics, user, published_at=published_at, days=days)
        for user in users
    ]
