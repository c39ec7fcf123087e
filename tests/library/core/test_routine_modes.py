"""The same mornings through both modes give the same states and events.

One table of morning scenarios (a window over midnight, a retry after a failed
attempt, a refused reading followed by a questionnaire and a recompute) runs through
the routine twice: once with the collector's sink (MqttSink: the state queued in the
store's outbox and the events published, each read back as Home Assistant's MQTT entry
reads them, with the library's consumer models), once as Home Assistant's Bluetooth
mode shows it (the routine's typed events turned into the contract's models in
process, as its HaSink does). The states and the event types must be identical.

Time is the routine's injected clock, moved by the scenario; the radio is a simulated
strap replaying fast (the only stand-in), the MQTT transport a recorder of what the
publisher was handed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

from hrv_readiness.ble.errors import StrapNotFoundError
from hrv_readiness.ble.models import DiscoveredStrap, MeasurementSettings
from hrv_readiness.ble.simulated import SimulatedStrap
from hrv_readiness.mqtt import consume
from hrv_readiness.mqtt.sink import MqttSink
from hrv_readiness.mqtt.state import state_payload
from hrv_readiness.mqtt.topics import Topics
from hrv_readiness.readiness import ReadinessSettings, WellnessEntry
from hrv_readiness.routine import (
    MeasurementOutcome,
    MorningRoutine,
    MorningWindow,
    RoutineSettings,
    StateCause,
    StateChanged,
)
from hrv_readiness.simulation import RrScenario, synthesize_rr_ms
from hrv_readiness.store import Store

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from hrv_readiness.mqtt.messages import OutgoingMessage
    from hrv_readiness.mqtt.payloads import EventPayload, StatePayload
    from hrv_readiness.routine import RoutineEvent

TZ = dt.timezone(dt.timedelta(hours=1))
COLLECTOR = "ble_a09e1a000001"
SESSION = MeasurementSettings(
    duration_s=60, settle_s=0, contact_timeout_s=5, watchdog_s=2, strap_wait_s=0.2, scan_s=0.1
)


def _at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=TZ)


def _rr(seed: int, *, noisy: bool = False) -> list[float]:
    scenario = RrScenario(
        duration_s=200, resting_hr_bpm=55, target_rmssd_ms=60, seed=seed, ectopic_rate=0.0
    )
    rr = [float(v) for v in synthesize_rr_ms(scenario)]
    return [v * (0.55 if noisy and i % 2 == 0 else 1.0) for i, v in enumerate(rr)]


class Strap(SimulatedStrap):
    """A simulated strap that can be out of range (the scenario puts it on)."""

    present = True

    async def find(self, timeout_s: float) -> DiscoveredStrap:
        if not self.present:
            raise StrapNotFoundError("no strap in range", address=self.address)
        return await super().find(timeout_s)


@dataclass
class Clock:
    now: dt.datetime

    def __call__(self) -> dt.datetime:
        return self.now


@dataclass
class Publisher:
    """What the daemon's publisher was handed (the transport is not under test)."""

    messages: list[OutgoingMessage] = field(default_factory=list)
    events: list[EventPayload] = field(default_factory=list)

    def publish_nowait(self, message: OutgoingMessage) -> None:
        self.messages.append(message)

    def publish_event_nowait(self, event: EventPayload, *, user: str | None = None) -> None:
        del user
        self.events.append(event)

    def notify_outbox(self) -> None:
        """The outbox is read by the test, as the publisher would drain it."""


class Collector:
    """The collector's mode: MqttSink, read back as HA's MQTT entry reads the wire."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.publisher = Publisher()
        self.sink = MqttSink(self.publisher, store, Topics("hrv_readiness", COLLECTOR))  # type: ignore[arg-type]

    def state(self) -> StatePayload | None:
        queued = [m for m in self.store.pending_outbox(limit=1000) if m.topic.endswith("/state")]
        return consume.parse_state(queued[-1].payload) if queued else None

    def event_types(self) -> list[str]:
        return [consume.parse_event(e.to_bytes()).type for e in self.publisher.events]


class HomeAssistant:
    """Home Assistant's Bluetooth mode: typed events to the contract's models, in process."""

    def __init__(self, store: Store) -> None:
        del store
        self.shown: StatePayload | None = None
        self.types: list[str] = []

    def emit(self, event: RoutineEvent) -> None:
        if isinstance(event, StateChanged) and event.cause is not StateCause.RESTORED:
            self.shown = state_payload(
                collector_id=COLLECTOR,
                reading=event.reading,
                readiness=event.readiness,
                published_at=event.at.astimezone(dt.UTC),
            )
        elif isinstance(event, MeasurementOutcome):
            self.types.append(event.outcome.value)

    @property
    def sink(self) -> HomeAssistant:
        return self

    def state(self) -> StatePayload | None:
        return self.shown

    def event_types(self) -> list[str]:
        return self.types


Mode = type[Collector] | type[HomeAssistant]


@dataclass
class Morning:
    """The routine, its clock, its strap and the store a scenario acts on."""

    routine: MorningRoutine
    clock: Clock
    strap: Strap
    store: Store


async def over_midnight(m: Morning) -> None:
    m.clock.now = _at(23, 23, 30)
    assert await m.routine.run_if_due() is not None
    m.clock.now = _at(24, 1, 0)  # after midnight, the same window: nothing more
    assert await m.routine.run_if_due() is None


async def retry_after_failure(m: Morning) -> None:
    m.clock.now = _at(23, 22, 30)
    m.strap.present = False
    assert await m.routine.run_if_due() is None
    m.strap.present = True
    m.clock.now = _at(23, 22, 31)  # within the retry delay: no second attempt yet
    assert await m.routine.run_if_due() is None
    m.clock.now = _at(23, 22, 33)
    assert await m.routine.run_if_due() is not None


async def refused_questionnaire_recompute(m: Morning) -> None:
    m.clock.now = _at(22, 23, 0)
    assert await m.routine.measure() is not None
    m.routine.source = Strap(_rr(2, noisy=True), speed=400, contact_after_s=0.0)
    m.clock.now = _at(23, 23, 0)
    refused = await m.routine.measure()
    assert refused is not None
    assert not refused.hrv.usable
    await m.routine.add_wellness(
        WellnessEntry(
            user="alice", date=m.clock.now.date(), soreness=8, energy=3, sleep_quality=4, stress=7
        )
    )
    assert await m.routine.recompute()


SCENARIOS: dict[str, tuple[Callable[[Morning], Any], list[str]]] = {
    "over_midnight": (over_midnight, ["measurement_started", "measurement_completed"]),
    "retry_after_failure": (
        retry_after_failure,
        [
            "measurement_started",
            "measurement_failed",
            "measurement_started",
            "measurement_completed",
        ],
    ),
    "refused_questionnaire_recompute": (
        refused_questionnaire_recompute,
        [
            "measurement_started",
            "measurement_completed",
            "measurement_started",
            "measurement_rejected",
        ],
    ),
}


@pytest.fixture
def stores(tmp_path: Path) -> Iterator[dict[str, Store]]:
    with (
        Store.open(tmp_path / "collector.sqlite3") as collector,
        Store.open(tmp_path / "ha.sqlite3") as ha,
    ):
        yield {"collector": collector, "home_assistant": ha}


async def _run(mode: Mode, store: Store, scenario: Callable[[Morning], Any]) -> Any:
    shown = mode(store)
    clock = Clock(_at(23, 12, 0))
    strap = Strap(_rr(1), speed=400, contact_after_s=0.0)
    routine = MorningRoutine(
        user="alice",
        store=store,
        source=strap,
        sink=shown.sink,
        settings=RoutineSettings(
            window=MorningWindow.parse("22:00", "06:00"),
            session=SESSION,
            readiness=ReadinessSettings(),
        ),
        now=clock,
    )
    await routine.start()
    await scenario(Morning(routine=routine, clock=clock, strap=strap, store=store))
    return shown


def _comparable(state: StatePayload | None) -> dict[str, Any] | None:
    """The state without what the wall clock stamps (the strap's start, the sending)."""
    if state is None:
        return None
    return state.model_dump(mode="json", exclude={"published_at": True, "reading": {"measured_at"}})


@pytest.mark.parametrize("name", sorted(SCENARIOS))
async def test_both_modes_show_the_same_morning(name: str, stores: dict[str, Store]) -> None:
    scenario, expected_events = SCENARIOS[name]
    collector = await _run(Collector, stores["collector"], scenario)
    home_assistant = await _run(HomeAssistant, stores["home_assistant"], scenario)
    assert collector.event_types() == home_assistant.event_types() == expected_events
    state = _comparable(collector.state())
    assert state is not None
    assert state == _comparable(home_assistant.state())
    if name == "refused_questionnaire_recompute":
        # The latest reading is the refused one; the verdict is the usable reading's,
        # recomputed with the questionnaire (both modes: what a recompute says).
        assert state["reading"]["quality"] == "rejected"
        assert state["readiness"]["status"] in {"building_baseline", "ready", "caution", "rest"}
