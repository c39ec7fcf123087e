"""The morning routine the daemon and Home Assistant share: window, retry, events.

The wall clock is injected and moved by the test; the radio is a simulated strap
replaying fast (the only mock). No test waits for something not to happen: each
checks the routine's answer at the moment it asks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pytest

from hrv_readiness.ble.errors import StrapNotFoundError
from hrv_readiness.ble.models import (
    DiscoveredStrap,
    MeasurementSettings,
    SessionEvent,
    SessionState,
)
from hrv_readiness.ble.models import Progress as SessionProgress
from hrv_readiness.ble.simulated import SimulatedStrap
from hrv_readiness.errors import ConfigError
from hrv_readiness.readiness import WellnessEntry
from hrv_readiness.routine import (
    MeasurementOutcome,
    MeasurementStatus,
    MorningRoutine,
    MorningWindow,
    Outcome,
    Phase,
    RoutineEvent,
    RoutineSettings,
    StateCause,
    StateChanged,
)
from hrv_readiness.simulation import RrScenario, synthesize_rr_ms
from hrv_readiness.store import Store

if TYPE_CHECKING:
    from pathlib import Path

TZ = dt.timezone(dt.timedelta(hours=1))
SESSION = MeasurementSettings(
    duration_s=60, settle_s=0, contact_timeout_s=5, watchdog_s=2, strap_wait_s=0.2, scan_s=0.1
)


def _at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=TZ)


@dataclass
class Clock:
    now: dt.datetime

    def __call__(self) -> dt.datetime:
        return self.now


@dataclass
class Recorder:
    events: list[RoutineEvent] = field(default_factory=list)

    def emit(self, event: RoutineEvent) -> None:
        self.events.append(event)

    def outcomes(self) -> list[Outcome]:
        return [e.outcome for e in self.events if isinstance(e, MeasurementOutcome)]


class FlakyStrap(SimulatedStrap):
    """A simulated strap that is out of range until the test puts it on."""

    present = False

    async def find(self, timeout_s: float) -> DiscoveredStrap:
        if not self.present:
            raise StrapNotFoundError("no strap in range", address=self.address)
        return await super().find(timeout_s)


def _rr(seed: int = 1) -> list[float]:
    scenario = RrScenario(
        duration_s=200, resting_hr_bpm=55, target_rmssd_ms=60, seed=seed, ectopic_rate=0.0
    )
    return [float(v) for v in synthesize_rr_ms(scenario)]


def _routine(
    store: Store,
    clock: Clock,
    source: SimulatedStrap,
    window: tuple[str, str] = ("05:00", "10:00"),
) -> tuple[MorningRoutine, Recorder]:
    sink = Recorder()
    routine = MorningRoutine(
        user="alice",
        store=store,
        source=source,
        sink=sink,
        settings=RoutineSettings(window=MorningWindow.parse(*window), session=SESSION),
        now=clock,
    )
    return routine, sink


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store.open(tmp_path / "h.sqlite") as opened:
        yield opened  # type: ignore[misc]


@pytest.mark.parametrize(
    ("window", "now", "opened"),
    [
        (("05:00", "10:00"), _at(23, 4, 59), None),
        (("05:00", "10:00"), _at(23, 5), _at(23, 5)),
        (("05:00", "10:00"), _at(23, 10), None),
        (("22:00", "06:00"), _at(23, 21, 59), None),
        (("22:00", "06:00"), _at(23, 23, 30), _at(23, 22)),
        (("22:00", "06:00"), _at(24, 1, 0), _at(23, 22)),
        (("22:00", "06:00"), _at(24, 6, 0), None),
    ],
)
def test_one_window_definition_spans_midnight(
    window: tuple[str, str], now: dt.datetime, opened: dt.datetime | None
) -> None:
    assert MorningWindow.parse(*window).opened_at(now) == opened


def test_a_window_without_length_is_refused() -> None:
    with pytest.raises(ConfigError, match="no length"):
        MorningWindow.parse("06:00", "06:00")


async def test_a_failed_attempt_is_retried_after_retry_after_then_once_a_day(store: Store) -> None:
    clock = Clock(_at(23, 6, 0))
    strap = FlakyStrap(_rr(), speed=400, contact_after_s=0.0)
    routine, sink = _routine(store, clock, strap)
    await routine.start()
    assert sink.events[0] == routine.idle_status()

    assert await routine.run_if_due() is None
    assert sink.outcomes() == [Outcome.STARTED, Outcome.FAILED]
    failed = sink.events[-1]
    assert isinstance(failed, MeasurementOutcome)
    assert failed.requested is False

    clock.now = _at(23, 6, 1)  # within retry_after: not yet
    assert not routine.due()
    clock.now = _at(23, 6, 2)
    strap.present = True
    processed = await routine.run_if_due()
    assert processed is not None
    assert processed.hrv.usable
    assert sink.outcomes()[-2:] == [Outcome.STARTED, Outcome.COMPLETED]
    (state,) = [e for e in sink.events if isinstance(e, StateChanged)]
    assert state.cause is StateCause.MEASURED
    assert state.reading == processed.stored

    clock.now = _at(23, 9, 59)  # measured this morning: nothing more
    assert not routine.due()
    clock.now = _at(24, 5, 0)  # the next morning
    assert routine.due()


async def test_over_midnight_one_measurement_per_window(store: Store) -> None:
    clock = Clock(_at(23, 23, 30))
    routine, sink = _routine(
        store,
        clock,
        SimulatedStrap(_rr(), speed=400, contact_after_s=0.0),
        window=("22:00", "06:00"),
    )
    await routine.start()
    assert (await routine.run_if_due()) is not None
    clock.now = _at(24, 1, 0)  # after midnight, the same window
    assert not routine.due()
    clock.now = _at(24, 22, 0)  # the next window
    assert routine.due()
    assert sink.outcomes() == [Outcome.STARTED, Outcome.COMPLETED]


async def test_a_restart_remembers_the_morning_is_done(store: Store) -> None:
    clock = Clock(_at(23, 6, 0))
    first, _ = _routine(store, clock, SimulatedStrap(_rr(), speed=400, contact_after_s=0.0))
    await first.start()
    assert await first.run_if_due() is not None
    again, sink = _routine(store, clock, SimulatedStrap(_rr(), speed=400, contact_after_s=0.0))
    await again.start()
    assert not again.due()
    restored = sink.events[-1]
    assert isinstance(restored, StateChanged)
    assert restored.cause is StateCause.RESTORED


async def test_a_refused_reading_then_a_questionnaire_shows_the_latest_reading(
    store: Store,
) -> None:
    """The state after a refused morning and a questionnaire: the refused reading is the
    latest one, the verdict that of the last usable one (what a recompute says)."""
    clock = Clock(_at(23, 6, 0))
    good, _ = _routine(store, clock, SimulatedStrap(_rr(), speed=400, contact_after_s=0.0))
    await good.start()
    assert await good.measure() is not None

    noisy = _rr(seed=2)
    # Every fourth beat half as long again: far above the artifact limit in every
    # window, so measuring longer finds no answerable one. (At 1.9x most of them were
    # dropped as implausible, above 2000 ms, and a later window was answered.)
    noisy = [v * (1.5 if i % 4 == 0 else 1.0) for i, v in enumerate(noisy)]
    clock.now = _at(24, 6, 0)
    routine, sink = _routine(store, clock, SimulatedStrap(noisy, speed=400, contact_after_s=0.0))
    await routine.start()
    processed = await routine.measure()
    assert processed is not None
    assert not processed.hrv.usable
    assert sink.outcomes()[-1] is Outcome.REJECTED
    measured = [e for e in sink.events if isinstance(e, StateChanged)][-1]

    await routine.add_wellness(
        WellnessEntry(
            user="alice", date=clock.now.date(), soreness=8, energy=3, sleep_quality=4, stress=7
        )
    )
    recomputed = sink.events[-1]
    assert isinstance(recomputed, StateChanged)
    assert recomputed.cause is StateCause.RECOMPUTED
    assert recomputed.reading == measured.reading == processed.stored
    assert await routine.recompute()
    assert sink.events[-1] == StateChanged(
        user="alice",
        cause=StateCause.RECOMPUTED,
        at=clock.now,
        reading=processed.stored,
        readiness=recomputed.readiness,
    )


async def test_progress_is_throttled_on_the_injected_clock(store: Store) -> None:
    ticks = iter([0.0, 0.5, 1.9, 2.0, 2.1, 4.5])
    sink = Recorder()
    routine = MorningRoutine(
        user="alice",
        store=store,
        source=SimulatedStrap(_rr()),
        sink=sink,
        settings=RoutineSettings(window=MorningWindow.parse("05:00", "10:00")),
        now=lambda: _at(23, 6),
        monotonic=lambda: next(ticks),
    )
    for beats in range(6):
        progress = SessionProgress(
            elapsed_s=beats, total_s=120, heart_rate_bpm=55, beats=beats, artifacts=0
        )
        routine._on_session_event(SessionEvent(state=SessionState.RECORDING, progress=progress))
    routine._on_session_event(SessionEvent(state=SessionState.FAILED, message="lost"))
    shown = [e for e in sink.events if isinstance(e, MeasurementStatus)]
    assert [s.beats for s in shown] == [0, 3, 5, 5]
    assert shown[-1].phase is Phase.FAILED
    assert shown[-1].reason == "lost"
