"""Build the v1 ``state`` payload from the collector's own records.

The only module of ``hrv_readiness.mqtt`` that knows the readiness and store models; it
maps their field names onto the contract's (``Baselines.normal_lower`` →
``baseline.ln_rmssd_normal_low``...), so renaming a field there never changes the
wire format. Values are rounded for display; the store keeps full precision.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hrv_readiness.mqtt.messages import OutgoingMessage
from hrv_readiness.mqtt.payloads import (
    BaselinePayload,
    OrthostaticBaselinePayload,
    OrthostaticPayload,
    ReadinessPayload,
    ReadingPayload,
    ReasonPayload,
    StatePayload,
    StrapPayload,
)
from hrv_readiness.store import OutboxMessage

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable

    from hrv_readiness.mqtt.topics import Topics
    from hrv_readiness.readiness import OrthostaticBaselines, Readiness
    from hrv_readiness.store import StoredOrthostatic, StoredReading

#: Shown while a reading has no verdict attached (e.g. imported without one).
NOT_ASSESSED = ReasonPayload(
    code="not_assessed", text="This reading has not been assessed yet; recompute to assess it."
)


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def reading_payload(
    reading: StoredReading, *, beats: int | None = None, pnn50_pct: float | None = None
) -> ReadingPayload:
    """``reading`` of the state payload; ``beats``/``pnn50_pct`` default to the stored ones.

    Without either, the number of stored RR intervals is used for ``beats``.
    """
    rejected = reading.quality == "rejected"
    if beats is None:
        beats = reading.beats
    if pnn50_pct is None:
        pnn50_pct = reading.pnn50_pct
    return ReadingPayload(
        measured_at=reading.measured_at,
        date=reading.date,
        duration_s=round(reading.duration_s, 1),
        beats=len(reading.rr_ms) if beats is None else beats,
        rmssd_ms=None if rejected else _round(reading.rmssd_ms, 2),
        ln_rmssd=None if rejected else _round(reading.ln_rmssd, 3),
        sdnn_ms=None if rejected else _round(reading.sdnn_ms, 2),
        pnn50_pct=None if rejected else _round(pnn50_pct, 2),
        resting_hr_bpm=None if rejected else _round(reading.mean_hr_bpm, 1),
        artifact_pct=round(reading.artifact_pct, 2),
        quality=reading.quality,
        quality_reason=reading.quality_reason or None,
        breathing_rate_per_min=None if rejected else _round(reading.breathing_rate_per_min, 1),
        breathing_quality=None if rejected else reading.breathing_quality,
        orthostatic=orthostatic_payload(reading.orthostatic),
    )


def orthostatic_payload(test: StoredOrthostatic | None) -> OrthostaticPayload | None:
    """``reading.orthostatic`` of the state payload (v1.3); None for a plain reading."""
    if test is None:
        return None
    m = test.metrics
    return OrthostaticPayload(
        refusal=test.refusal,
        reason=test.reason,
        supine_ln_rmssd=None if m is None else round(m.supine_ln_rmssd, 3),
        supine_hr_bpm=None if m is None else round(m.supine_hr_bpm, 1),
        standing_rmssd_ms=None if m is None else round(m.standing_rmssd_ms, 2),
        standing_ln_rmssd=None if m is None else round(m.standing_ln_rmssd, 3),
        standing_hr_bpm=None if m is None else round(m.standing_hr_bpm, 1),
        peak_hr_bpm=None if m is None else round(m.peak_hr_bpm, 1),
        time_to_peak_s=None if m is None else round(m.time_to_peak_s, 1),
        hr_rise_bpm=None if m is None else round(m.hr_rise_bpm, 1),
        standing_hr_rise_bpm=None if m is None else round(m.standing_hr_rise_bpm, 1),
        rmssd_ratio=None if m is None else round(m.rmssd_ratio, 3),
        hr_ratio=None if m is None else round(m.hr_ratio, 3),
    )


def orthostatic_baseline_payload(
    o: OrthostaticBaselines | None,
) -> OrthostaticBaselinePayload | None:
    """``readiness.orthostatic`` of the state payload (v1.3)."""
    if o is None:
        return None
    return OrthostaticBaselinePayload(
        tests_in_baseline=o.tests_in_baseline,
        tests_needed=o.tests_needed,
        hr_rise_bpm=round(o.hr_rise_today_bpm, 1),
        hr_rise_normal_low_bpm=_round(o.hr_rise_lower_bpm, 1),
        hr_rise_normal_high_bpm=_round(o.hr_rise_upper_bpm, 1),
        standing_ln_rmssd=round(o.standing_ln_rmssd_today, 3),
        standing_ln_rmssd_normal_low=_round(o.standing_ln_rmssd_lower, 3),
        standing_ln_rmssd_normal_high=_round(o.standing_ln_rmssd_upper, 3),
        standing_hr_bpm=round(o.standing_hr_today_bpm, 1),
        standing_hr_normal_low_bpm=_round(o.standing_hr_lower_bpm, 1),
        standing_hr_normal_high_bpm=_round(o.standing_hr_upper_bpm, 1),
    )


def strap_payload(reading: StoredReading) -> StrapPayload | None:
    """The strap that measured ``reading`` (``None`` when the store does not know it)."""
    if not reading.source:
        return None
    return StrapPayload(
        name=reading.source, address=reading.strap_address, battery_pct=reading.battery_pct
    )


def readiness_payload(readiness: Readiness | None) -> ReadinessPayload:
    """``readiness`` of the state payload (a placeholder verdict when there is none)."""
    if readiness is None:
        return ReadinessPayload(
            status="building_baseline",
            score=None,
            fatigue_type="unknown",
            watch=None,
            reasons=(NOT_ASSESSED,),
            advice=None,
            readings_needed=0,
            baseline=BaselinePayload(),
        )
    b = readiness.baselines
    return ReadinessPayload(
        status=readiness.status,
        score=readiness.score,
        fatigue_type=readiness.fatigue_type,
        watch=readiness.watch,
        reasons=tuple(ReasonPayload(code=r.code, text=r.text) for r in readiness.reasons),
        advice=readiness.advice,
        readings_needed=readiness.readings_needed,
        illness=readiness.illness,
        baseline=BaselinePayload(
            ln_rmssd_7d_mean=_round(b.ln_rmssd_7d_mean, 3),
            ln_rmssd_normal_low=_round(b.normal_lower, 3),
            ln_rmssd_normal_high=_round(b.normal_upper, 3),
            ln_rmssd_swc_low=_round(b.swc_lower, 3),
            ln_rmssd_swc_high=_round(b.swc_upper, 3),
            ln_rmssd_7d_cv_pct=_round(b.ln_rmssd_7d_cv_pct, 2),
            resting_hr_baseline_bpm=_round(b.resting_hr_baseline_bpm, 1),
            resting_hr_normal_low_bpm=_round(b.resting_hr_lower_bpm, 1),
            resting_hr_normal_high_bpm=_round(b.resting_hr_upper_bpm, 1),
            ln_rmssd_baseline_mean=_round(b.ln_rmssd_baseline_mean, 3),
            ln_rmssd_baseline_sd=_round(b.ln_rmssd_baseline_sd, 3),
            resting_hr_7d_mean_bpm=_round(b.resting_hr_7d_mean_bpm, 1),
            readings_in_7d=b.readings_in_7d,
            readings_in_baseline=b.readings_in_baseline,
            breathing_baseline_per_min=_round(b.breathing_baseline_per_min, 1),
            breathing_normal_high_per_min=_round(b.breathing_upper_per_min, 1),
        ),
        orthostatic=orthostatic_baseline_payload(readiness.orthostatic),
    )


def state_payload(
    *,
    collector_id: str,
    reading: StoredReading,
    readiness: Readiness | None,
    published_at: dt.datetime,
    strap: StrapPayload | None = None,
    beats: int | None = None,
    pnn50_pct: float | None = None,
) -> StatePayload:
    """The ``state`` payload of ``reading.user``; ``readiness`` defaults to none.

    ``strap``, ``beats`` and ``pnn50_pct`` default to what the store kept with the
    reading, so a state rebuilt from the store equals the one published when it was
    measured.
    """
    if strap is None:
        strap = strap_payload(reading)
    return StatePayload(
        collector_id=collector_id,
        user=reading.user,
        published_at=published_at,
        reading=reading_payload(reading, beats=beats, pnn50_pct=pnn50_pct),
        readiness=readiness_payload(readiness),
        strap=strap,
    )


def state_message(topics: Topics, payload: StatePayload) -> OutgoingMessage:
    """The retained QoS 1 message of a state payload (for the store's outbox)."""
    return OutgoingMessage(topics.state(payload.user), payload.to_bytes(), qos=1, retain=True)


def state_outbox(
    topics: Topics, *, published_at: dt.datetime
) -> Callable[[StoredReading, Readiness | None], list[OutboxMessage]]:
    """The state message to queue with a new reading (``process_recording``'s ``outbox``)."""

    def build(reading: StoredReading, readiness: Readiness | None) -> list[OutboxMessage]:
        payload = state_payload(
            collector_id=topics.collector_id,
            reading=reading,
            readiness=readiness,
            published_at=published_at,
        )
        return [outbox_message(state_message(topics, payload), created_at=published_at)]

    return build


def cleared_state_message(topics: Topics, user: str) -> OutgoingMessage:
    """The retained ``state`` of a user without readings (v1.7): an empty payload.

    It clears the retained state on the broker, so a consumer (and Home Assistant after
    a restart) shows "no reading yet" instead of a reading that was deleted.
    """
    return OutgoingMessage(topics.state(user), b"", qos=1, retain=True)


def outbox_message(message: OutgoingMessage, *, created_at: dt.datetime) -> OutboxMessage:
    """An outgoing message as the store's outbox keeps it (QoS 1 everywhere: the contract)."""
    return OutboxMessage(
        topic=message.topic,
        payload=message.payload,
        qos=1,
        retain=message.retain,
        created_at=created_at,
    )
