"""From a finished recording to a stored, assessed reading: domain values only.

This is the one place where the pure core (``hrv_readiness.hrv``,
``hrv_readiness.readiness``) meets the store. Data flows one way::

    RR (ms) → hrv.analyze → readiness.assess (against the stored history)
            → Store.add_reading(reading, outbox=outbox(reading, readiness))  (one transaction)

It knows nothing of MQTT: a caller that publishes passes ``outbox``, a function that
turns the stored reading and its verdict into the messages to queue with it (the
collector's is :func:`hrv_readiness.mqtt.state.state_outbox`), so a reading is never
published without being stored and never lost between the two.

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
    HrvResult,
    OrthostaticProtocol,
    analyze,
    analyze_orthostatic,
)
from hrv_readiness.store import StoredOrthostatic, StoredReading
from hrv_readiness.store.verdicts import HistoryOf, current_verdict, reassess, verdict_for

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Sequence

    from hrv_readiness.ble.models import Recording
    from hrv_readiness.readiness import OrthostaticTest, Readiness, ReadinessSettings
    from hrv_readiness.store import OutboxMessage, Store

    #: Messages to queue in the same transaction as a new reading (reading, verdict).
    OutboxBuilder = Callable[[StoredReading, Readiness | None], Sequence[OutboxMessage]]


#: What a person measuring on a strap can do about a refused reading.
LIVE_ADVICE = "sit still, moisten the strap and measure again"


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

    @classmethod
    def of(
        cls,
        recording: Recording,
        *,
        user: str,
        date: dt.date,
        orthostatic: OrthostaticProtocol | None = None,
    ) -> RecordingInput:
        """A strap session's recording, as the morning ``date`` of ``user``.

        ``orthostatic``: the protocol the recording followed (its phase mark is the
        recording's ``stand_index``).
        """
        return cls(
            user=user,
            rr_ms=recording.rr_ms,
            measured_at=recording.started_at,
            date=date,
            strap_name=recording.strap_name,
            strap_address=recording.strap_address,
            battery_pct=recording.battery_pct,
            segment_starts=recording.segment_starts,
            orthostatic=orthostatic,
            stand_index=recording.stand_index if orthostatic is not None else None,
        )


@dataclass(frozen=True, kw_only=True)
class ProcessedReading:
    reading_id: int
    hrv: HrvResult
    stored: StoredReading
    #: The verdict the person's state shows now: this reading's if usable, else the
    #: latest usable reading's (``None``: none yet).
    readiness: Readiness | None


@dataclass(frozen=True, kw_only=True)
class CurrentState:
    """A person's state as of now: the latest reading and the current verdict."""

    reading: StoredReading
    readiness: Readiness | None


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
    rmssd_uncertainty_pct: float | None = None,
) -> Readiness:
    """Assess one morning's numbers against everything stored before that day.

    ``rmssd_uncertainty_pct`` is the HRV engine's bound on how far RMSSD depends on the
    corrected beats (rule 15 of docs/model.md decides with it).

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
        rmssd_uncertainty_pct=rmssd_uncertainty_pct,
        settings=settings,
        orthostatic_test=orthostatic_test,
    )


def process_recording(
    store: Store,
    recording: RecordingInput,
    *,
    settings: ReadinessSettings,
    artifact_reject_pct: float = DEFAULT_ARTIFACT_REJECT_PCT,
    outbox: OutboxBuilder | None = None,
) -> ProcessedReading:
    """Analyse, assess and store one recording; return what was decided.

    ``outbox`` builds the messages queued with the reading (nothing is queued without
    it): the state as of now, which for a back-filled earlier morning is not that
    reading's.

    A rejected reading measured on a strap (``strap_name`` set) gets the advice a
    person can follow added to its reason; one read from a file keeps the engine's
    reason, which says what is wrong with the beats.

    Raises the HRV engine's ``InputError`` children for RR that are not a reading at
    all (empty, not ms, too short); those are not stored.
    """
    orthostatic: StoredOrthostatic | None = None
    if recording.orthostatic is None:
        hrv = analyze(
            recording.rr_ms,
            artifact_reject_pct=artifact_reject_pct,
            segment_starts=recording.segment_starts,
        )
    else:
        hrv, orthostatic = _orthostatic(recording, artifact_reject_pct=artifact_reject_pct)
    if not hrv.usable and recording.strap_name is not None:
        hrv = hrv.model_copy(
            update={
                "quality": hrv.quality.model_copy(
                    update={"reason": f"{hrv.quality.reason}; {LIVE_ADVICE}"}
                )
            }
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
            rmssd_uncertainty_pct=hrv.rmssd_uncertainty_pct,
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
    latest = store.latest_reading(recording.user)
    backfill = latest is not None and latest.date > recording.date
    # A reading for an earlier morning (a back-fill) is not the state of now.
    queued = () if outbox is None or backfill else outbox(stored, readiness)
    reading_id = store.add_reading(stored, outbox=queued)
    if backfill:
        # It changes the baseline, so the verdicts of the mornings after it.
        reassess(store, recording.user, since=recording.date, settings=settings)
        now = current_state(store, user=recording.user, settings=settings)
        if outbox is not None and now is not None:
            store.enqueue(list(outbox(now.reading, now.readiness)))
    return ProcessedReading(reading_id=reading_id, hrv=hrv, stored=stored, readiness=readiness)


def current_state(store: Store, *, user: str, settings: ReadinessSettings) -> CurrentState | None:
    """The user's state as of now: the latest reading, the verdict recomputed.

    The verdict is that of the latest usable reading assessed with everything stored
    now (a wellness or training entry made after the measurement counts), not the one
    stored when it was measured. ``None`` when the user has no reading.
    """
    latest = store.latest_reading(user)
    if latest is None:
        return None
    return CurrentState(reading=latest, readiness=current_verdict(store, user, settings))


def _orthostatic(
    recording: RecordingInput, *, artifact_reject_pct: float
) -> tuple[HrvResult, StoredOrthostatic]:
    """The supine window as the day's reading, and the test's metrics or refusal."""
    result = analyze_orthostatic(
        recording.rr_ms,
        stand_index=recording.stand_index,
        protocol=recording.orthostatic,
        segment_starts=recording.segment_starts,
        artifact_reject_pct=artifact_reject_pct,
    )
    if result.supine is None:
        msg = (
            "the lying part of the orthostatic test is too short to analyse; lie still "
            "until the cue to stand and test again"
        )
        raise InsufficientDataError(msg, got=len(recording.rr_ms), needed=0)
    return result.supine, StoredOrthostatic.from_result(result)
