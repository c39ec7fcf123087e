"""From a finished recording to a stored, assessed reading queued for MQTT.

This is the one place where the pure core (``hrv_readiness.hrv``,
``hrv_readiness.readiness``) meets the store and the MQTT contract. Data flows one way::

    RR (ms) → hrv.analyze → readiness.assess (against the stored history)
            → Store.add_reading(reading, outbox=[state message])   (one transaction)

The state message is queued in the same transaction as the reading, so a reading is
never published without being stored and never lost between the two; the publisher
drains the outbox whenever the broker is there.

A rejected reading (too many artifacts) is stored with its RR and reason, never
turned into a number, and the state keeps the last verdict (or says none can be
made yet).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hrv_readiness.errors import InsufficientDataError
from hrv_readiness.hrv import (
    DEFAULT_ARTIFACT_REJECT_PCT,
    DEFAULT_MAX_UNCERTAINTY_PCT,
    HrvResult,
    OrthostaticProtocol,
    analyze,
    analyze_orthostatic,
)
from hrv_readiness.mqtt.state import state_message, state_payload
from hrv_readiness.store import OutboxMessage, StoredOrthostatic, StoredReading
from hrv_readiness.store.verdicts import HistoryOf, current_verdict, reassess, verdict_for

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence

    from hrv_readiness.mqtt.payloads import StatePayload
    from hrv_readiness.mqtt.topics import Topics
    from hrv_readiness.readiness import OrthostaticTest, Readiness, ReadinessSettings
    from hrv_readiness.store import Store


@dataclass(frozen=True, kw_only=True)
class RecordingInput:
    """What the pipeline needs of a recording, wherever it came from."""

    user: str
    rr_ms: Sequence[float]
    measured_at: dt.datetime
    #: The local morning this reading belongs to.
    date: dt.date
    strap_name: str | None = None
    strap_address: str | None = None
    battery_pct: int | None = None
    #: Where contiguous runs of RR start (after a reconnect or contact loss): no
    #: successive difference is taken across them.
    segment_starts: tuple[int, ...] = (0,)
    #: An orthostatic test (docs/model.md): the protocol it followed, and the first
    #: interval after the cue to stand (None: the cue never came). None: a plain reading.
    orthostatic: OrthostaticProtocol | None = None
    stand_index: int | None = None


@dataclass(frozen=True, kw_only=True)
class ProcessedReading:
    reading_id: int
    hrv: HrvResult
    stored: StoredReading
    readiness: Readiness | None
    state: StatePayload


def assess_day(
    store: Store,
    *,
    user: str,
    day: dt.date,
    ln_rmssd: float,
    resting_hr_bpm: float,
    settings: ReadinessSettings,
    orthostatic_test: OrthostaticTest | None = None,
    breathing_rate_per_min: float | None = None,
) -> Readiness:
    """Assess one morning's numbers against everything stored before that day.

    The questionnaires and training log are fetched as far back as the settings make
    the model read them (``wellness_history_days``, ``training_history_days``);
    ``orthostatic_test`` (today's accepted test) is held against the stored earlier ones.
    """
    return verdict_for(
        HistoryOf.load(store, user),
        day=day,
        ln_rmssd=ln_rmssd,
        resting_hr_bpm=resting_hr_bpm,
        breathing_rate_per_min=breathing_rate_per_min,
        settings=settings,
        orthostatic_test=orthostatic_test,
    )


def process_recording(
    store: Store,
    recording: RecordingInput,
    *,
    settings: ReadinessSettings,
    topics: Topics | None,
    published_at: dt.datetime,
    artifact_reject_pct: float = DEFAULT_ARTIFACT_REJECT_PCT,
    collector_id: str | None = None,
    max_uncertainty_pct: float = DEFAULT_MAX_UNCERTAINTY_PCT,
) -> ProcessedReading:
    """Analyse, assess, store and queue one recording; return what was decided.

    ``topics`` names where the state message is queued for MQTT; with ``None`` (Home
    Assistant measuring through its own Bluetooth) nothing is queued and the state
    payload names ``collector_id`` instead.

    Raises the HRV engine's ``InputError`` children for RR that are not a reading at
    all (empty, not ms, too short); those are not stored.
    """
    orthostatic: StoredOrthostatic | None = None
    if recording.orthostatic is None:
        hrv = analyze(
            recording.rr_ms,
            artifact_reject_pct=artifact_reject_pct,
            max_uncertainty_pct=max_uncertainty_pct,
            segment_starts=recording.segment_starts,
        )
    else:
        hrv, orthostatic = _orthostatic(
            recording,
            artifact_reject_pct=artifact_reject_pct,
            max_uncertainty_pct=max_uncertainty_pct,
        )
    readiness: Readiness | None
    if hrv.usable:
        assert hrv.ln_rmssd is not None  # noqa: S101 - usable guarantees metrics
        assert hrv.mean_hr_bpm is not None  # noqa: S101
        readiness = assess_day(
            store,
            user=recording.user,
            day=recording.date,
            ln_rmssd=hrv.ln_rmssd,
            resting_hr_bpm=hrv.mean_hr_bpm,
            settings=settings,
            orthostatic_test=orthostatic.test_on(recording.date) if orthostatic else None,
            breathing_rate_per_min=hrv.breathing_rate_per_min,
        )
    else:
        readiness = current_verdict(store, recording.user, settings)
    stored = StoredReading(
        user=recording.user,
        measured_at=recording.measured_at,
        date=recording.date,
        duration_s=float(sum(recording.rr_ms)) / 1000.0,
        rr_ms=tuple(float(v) for v in recording.rr_ms),
        rmssd_ms=hrv.rmssd_ms,
        ln_rmssd=hrv.ln_rmssd,
        sdnn_ms=hrv.sdnn_ms,
        mean_hr_bpm=hrv.mean_hr_bpm,
        artifact_pct=min(hrv.artifacts.artifact_pct, 100.0),
        quality=hrv.quality.level,
        quality_reason=hrv.quality.reason or "",
        source=recording.strap_name or "",
        readiness=readiness if hrv.usable else None,
        pnn50_pct=hrv.pnn50_pct if hrv.usable else None,
        beats=hrv.beats,
        strap_address=recording.strap_address if recording.strap_name is not None else None,
        battery_pct=recording.battery_pct if recording.strap_name is not None else None,
        orthostatic=orthostatic,
        breathing_rate_per_min=hrv.breathing_rate_per_min,
        breathing_quality=hrv.breathing_quality,
    )
    if topics is not None:
        collector_id = topics.collector_id
    if collector_id is None:
        msg = "process_recording needs topics or a collector_id"
        raise ValueError(msg)
    payload = state_payload(
        collector_id=collector_id,
        reading=stored,
        readiness=readiness,
        published_at=published_at,
    )
    latest = store.latest_reading(recording.user)
    backfill = latest is not None and latest.date > recording.date
    # A reading for an earlier morning (a back-fill) is not the state of now.
    outbox = () if topics is None or backfill else _queued(topics, payload, published_at)
    reading_id = store.add_reading(stored, outbox=outbox)
    if backfill:
        # It changes the baseline, so the verdicts of the mornings after it.
        reassess(store, recording.user, since=recording.date, settings=settings)
        if topics is not None:
            now = current_state(
                store,
                user=recording.user,
                settings=settings,
                topics=topics,
                published_at=published_at,
            )
            if now is not None:
                store.enqueue(_queued(topics, now, published_at))
    return ProcessedReading(
        reading_id=reading_id, hrv=hrv, stored=stored, readiness=readiness, state=payload
    )


def current_state(
    store: Store,
    *,
    user: str,
    settings: ReadinessSettings,
    topics: Topics,
    published_at: dt.datetime,
) -> StatePayload | None:
    """The user's ``state`` as of now: the latest reading, the verdict recomputed.

    The verdict is that of the latest usable reading assessed with everything stored
    now (a wellness or training entry made after the measurement counts), not the one
    stored when it was measured. ``None`` when the user has no reading.
    """
    latest = store.latest_reading(user)
    if latest is None:
        return None
    return state_payload(
        collector_id=topics.collector_id,
        reading=latest,
        readiness=current_verdict(store, user, settings),
        published_at=published_at,
    )


def _orthostatic(
    recording: RecordingInput, *, artifact_reject_pct: float, max_uncertainty_pct: float
) -> tuple[HrvResult, StoredOrthostatic]:
    """The supine window as the day's reading, and the test's metrics or refusal."""
    result = analyze_orthostatic(
        recording.rr_ms,
        stand_index=recording.stand_index,
        protocol=recording.orthostatic,
        segment_starts=recording.segment_starts,
        artifact_reject_pct=artifact_reject_pct,
        max_uncertainty_pct=max_uncertainty_pct,
    )
    if result.supine is None:
        msg = (
            "the lying part of the orthostatic test is too short to analyse; lie still "
            "until the cue to stand and test again"
        )
        raise InsufficientDataError(msg, got=len(recording.rr_ms), needed=0)
    return result.supine, StoredOrthostatic.from_result(result)


def _queued(topics: Topics, payload: StatePayload, at: dt.datetime) -> list[OutboxMessage]:
    message = state_message(topics, payload)
    return [
        OutboxMessage(
            topic=message.topic,
            payload=message.payload,
            qos=1,  # the contract: QoS 1 everywhere
            retain=message.retain,
            created_at=at,
        )
    ]
