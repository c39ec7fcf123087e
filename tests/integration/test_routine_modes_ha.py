"""The same mornings through Home Assistant's two modes: identical entities and events.

One table of morning scenarios (a window over midnight, a retry after a failed
attempt, a refused reading followed by a questionnaire and a recompute) runs through
both kinds of config entry of one Home Assistant, side by side, on one clock:

* **MQTT mode**: the collector's daemon (``hrv_readiness.daemon.Daemon``: its
  ``MorningRoutine``, ``MqttSink``, SQLite outbox and ``Publisher``) publishes to a real
  Mosquitto; the integration's collector entry shows what arrives, and sends Home
  Assistant's actions back as MQTT commands that the daemon carries out.
* **Bluetooth mode**: the integration's strap entry runs its own routine on Home
  Assistant's real ``bluetooth`` integration.

The radio is the only stand-in, and it is the same for both: the fake BlueZ
(tests/integration/bluetooth_fixtures.py) with one virtual strap per mode sending the
same beats, which each mode reaches through Home Assistant's Bluetooth (the daemon
with the library's hosted strap source, as the strap entry). Everything after the
recording is each mode's own.

Compared per scenario, after normalising what names the entry (entity ids, device and
collector ids, the strap's address, request ids) and the wall-clock stamps: every
entity of the person's device (state and attributes), and every event the
integration fires on the bus (``hrv_readiness_collector_event`` and
``hrv_readiness_event``, which the logbook, the event entity and the device
triggers are made of), in order per event type. The scenario's own expectations are
asserted too, so two modes that both did nothing would fail. The refused-reading
scenario starts from the same 24 earlier mornings in both histories (the collector's
state retained on the broker, as from a collector that has been running), so its
verdict sensors hold values.

Time is Home Assistant's clock pinned by freezegun (ticking, since the Bluetooth stack
and the fake BlueZ run in real time) and moved by the scenario; every "nothing
happened" is checked after a positive signal of the moment (the strap entry has
heard the strap again, the daemon has asked its routine again).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import difflib
import json
import pprint
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiomqtt
import freezegun
import pytest
from homeassistant.components import bluetooth
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import callback
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from hrv_helpers import (
    BASE_TOPIC,
    COLLECTOR_ID,
    CONNECTIVITY,
    PREFIX,
    hrv_entry,
    state_of,
    wait_for,
)
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from strap_helpers import REPLAY_SPEED
from support.fakebluez import VirtualStrap
from support.seed_history import seed

from custom_components.hrv_readiness.const import (
    CONF_ADDRESS,
    CONF_STRAP_NAME,
    CONF_USER_ID,
    CONF_USER_NAME,
    CONF_WINDOW_END,
    CONF_WINDOW_START,
    DOMAIN,
    EVENT_COLLECTOR,
    EVENT_READING,
    STORE_FILE,
)
from custom_components.hrv_readiness.strap_hub import StrapHub
from custom_components.hrv_readiness.strap_source import ha_strap_source
from hrv_readiness.ble.models import MeasurementSettings
from hrv_readiness.config import Config
from hrv_readiness.daemon import Daemon
from hrv_readiness.mqtt import consume
from hrv_readiness.mqtt.payloads import (
    AnnouncePayload,
    EventPayload,
    HistoryPayload,
    MeasurementPayload,
    StatePayload,
)
from hrv_readiness.mqtt.state import state_message, state_payload
from hrv_readiness.mqtt.topics import Topics
from hrv_readiness.pipeline import current_state
from hrv_readiness.readiness import ReadinessSettings
from hrv_readiness.routine.routine import RETRY_AFTER
from hrv_readiness.simulation import RrScenario, synthesize_rr_ms
from hrv_readiness.store import Store

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable

    from homeassistant.core import Event, HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry as EntryType
    from support.fakebluez import FakeBluez
    from support.mosquitto import MosquittoBroker

pytestmark = pytest.mark.broker

COLLECTOR = COLLECTOR_ID
USER = "alice"
#: One virtual strap per mode, sending the same beats.
STRAP_OF = {"strap": "A0:9E:1A:00:00:C1", "collector": "A0:9E:1A:00:00:C2"}
STRAP_NAME = "Polar H10 MODES"
#: The same session for both modes; every wait short (a failure ends in about a second).
SESSION = MeasurementSettings(
    duration_s=60.0,
    settle_s=0.0,
    strap_wait_s=1.5,
    scan_s=0.5,
    adapter_wait_s=1.0,
    contact_timeout_s=1.0,
    watchdog_s=2.0,
    max_reconnects=1,
    retry_delay_s=0.1,
    connect_timeout_s=10.0,
    max_extension_s=0.0,
)
OVER_MIDNIGHT = ("22:00:00", "06:00:00")
TIMEOUT_S = 10.0
OUTCOMES = frozenset(
    {"measurement_completed", "measurement_failed", "measurement_rejected", "measurement_aborted"}
)
#: The user segment of the probe that shows Home Assistant hears the event topics.
PROBE = "probe"
#: How far apart the two modes' clock stamps of the same thing may be (real time runs).
SAME_MOMENT = dt.timedelta(seconds=30)
ISO_TIME = re.compile(r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d")


def _local(day: int, hour: int, minute: int, second: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, second, tzinfo=dt_util.get_default_time_zone())


def _rr(seed: int, *, noisy: bool = False) -> list[float]:
    scenario = RrScenario(
        duration_s=200, resting_hr_bpm=55, target_rmssd_ms=60, seed=seed, ectopic_rate=0.0
    )
    rr = [float(v) for v in synthesize_rr_ms(scenario)]
    return [v * (0.55 if noisy and i % 2 == 0 else 1.0) for i, v in enumerate(rr)]


@dataclass
class Fired:
    """The integration's bus events, per mode (``collector`` or ``strap``), in order."""

    events: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    readings: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    probes: int = 0


@dataclass
class Modes:
    """Both entries of one Home Assistant, their strap and daemon, and what they fired."""

    hass: HomeAssistant
    bluez: FakeBluez
    clock: Any  # freezegun's factory: move_to()
    entries: dict[str, EntryType]
    daemon: Daemon
    fired: Fired

    @property
    def hub(self) -> StrapHub:
        hub = self.entries["strap"].runtime_data
        assert isinstance(hub, StrapHub)
        return hub

    def types(self, mode: str) -> list[str]:
        return [e["type"] for e in self.fired.events.get(mode, [])]

    def outcomes(self, mode: str) -> list[str]:
        return [t for t in self.types(mode) if t in OUTCOMES]

    async def both_reach(self, outcomes: list[str]) -> None:
        """Until each mode has fired exactly these measurement outcomes so far."""
        with contextlib.suppress(TimeoutError):
            await wait_for(
                self.hass,
                lambda: all(len(self.outcomes(m)) >= len(outcomes) for m in STRAP_OF),
                timeout_s=TIMEOUT_S,
            )
        for mode in STRAP_OF:
            assert self.outcomes(mode) == outcomes, (mode, self.fired.events.get(mode))

    async def nothing_more(self) -> None:
        """Both routines have looked again (a positive signal) and started nothing.

        The strap entry looks when Home Assistant passes it an advertisement that
        changed; the daemon whenever it polls.
        """
        started = {m: self.types(m).count("measurement_started") for m in STRAP_OF}
        heard, polls = self.hub.advertisements_seen, self.daemon.polls
        self.bluez.advertise_anew(STRAP_OF["strap"])
        with contextlib.suppress(TimeoutError):
            await wait_for(
                self.hass,
                lambda: self.hub.advertisements_seen > heard and self.daemon.polls >= polls + 2,
                timeout_s=TIMEOUT_S,
            )
        assert self.hub.advertisements_seen > heard, "the strap entry heard nothing new"
        assert self.daemon.polls >= polls + 2, "the daemon did not poll"
        assert {m: self.types(m).count("measurement_started") for m in STRAP_OF} == started

    async def press(self, key: str) -> None:
        for mode in STRAP_OF:
            await self.hass.services.async_call(
                "button", "press", {"entity_id": self.entity_id(mode, key)}, blocking=True
            )

    async def action(self, name: str, **data: Any) -> None:
        for mode in STRAP_OF:
            await self.hass.services.async_call(
                DOMAIN, name, {"device_id": self.device_id(mode), **data}, blocking=True
            )

    def device_id(self, mode: str) -> str:
        device_id = self.entries[mode].runtime_data.device_id(USER)
        assert device_id is not None
        return str(device_id)

    def entity_id(self, mode: str, key: str) -> str:
        hub = self.entries[mode].runtime_data
        registry = er.async_get(self.hass)
        for entity in er.async_entries_for_device(registry, self.device_id(mode)):
            if entity.unique_id == f"{hub.collector_id}_{USER}_{key}":
                return entity.entity_id
        raise AssertionError(key)

    # --- what a person sees, comparable across the modes ---------------------------

    def shown(self, mode: str) -> dict[str, Any]:
        """Every entity of the person's device (state, attributes) and every event fired.

        Entities are keyed by what their unique id says after the entry's prefix; the
        ids that name the entry are replaced by placeholders.
        """
        hub = self.entries[mode].runtime_data
        prefix = f"{hub.collector_id}_{USER}_"
        entities: dict[str, Any] = {}
        registry = er.async_get(self.hass)
        for entity in er.async_entries_for_device(registry, self.device_id(mode)):
            state = self.hass.states.get(entity.entity_id)
            entities[entity.unique_id.removeprefix(prefix)] = (
                None if state is None else {"state": state.state, **state.attributes}
            )

        def anonymous(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [
                {
                    **event,
                    "device_id": "<device>" if event.get("device_id") else None,
                    "collector_id": "<collector>",
                    "request_id": "<request>" if event.get("request_id") else None,
                }
                for event in events
            ]

        return {
            "entities": entities,
            "events": {
                EVENT_COLLECTOR: anonymous(self.fired.events.get(mode, [])),
                EVENT_READING: anonymous(self.fired.readings.get(mode, [])),
            },
        }

    def snapshot(self, mode: str) -> Any:
        """What the mode shows, its clock stamps and the strap's address left out."""
        return _normalised(self.shown(mode), STRAP_OF[mode])

    async def same(self) -> Any:
        """Until both modes show the same (bounded); returns what they show.

        Clock stamps (a reading's start, a button press) are compared apart: the two
        modes measure side by side in real time, so they may differ by seconds.
        """
        with contextlib.suppress(TimeoutError):
            await wait_for(
                self.hass,
                lambda: self.snapshot("collector") == self.snapshot("strap"),
                timeout_s=TIMEOUT_S,
            )
        collector, strap = self.snapshot("collector"), self.snapshot("strap")
        assert collector == strap, "\n".join(
            difflib.unified_diff(
                pprint.pformat(collector, width=100).splitlines(),
                pprint.pformat(strap, width=100).splitlines(),
                "MQTT mode",
                "Bluetooth mode",
                lineterm="",
            )
        )
        stamps = {mode: _stamps(self.shown(mode)) for mode in STRAP_OF}
        assert stamps["collector"].keys() == stamps["strap"].keys()
        for where, at in stamps["strap"].items():
            assert abs(at - stamps["collector"][where]) < SAME_MOMENT, where
        return strap


def _normalised(value: Any, strap: str) -> Any:
    if isinstance(value, dict):
        return {k: _normalised(v, strap) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normalised(v, strap) for v in value]
    if _stamp(value) is not None:
        return "<time>"
    if isinstance(value, str):
        return value.replace(strap, "<strap>")
    return value


def _stamp(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and ISO_TIME.match(value):
        return dt_util.parse_datetime(value)
    return None


def _stamps(value: Any, where: tuple[Any, ...] = ()) -> dict[tuple[Any, ...], dt.datetime]:
    """Every clock stamp in ``value``, by where it is."""
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list | tuple):
        items = enumerate(value)
    else:
        at = _stamp(value)
        return {} if at is None else {where: at}
    found: dict[tuple[Any, ...], dt.datetime] = {}
    for key, item in items:
        found.update(_stamps(item, (*where, key)))
    return found


# --- the scenarios: the same steps as tests/library/core/test_routine_modes.py -------


async def over_midnight(m: Modes) -> None:
    """Measured at 23:59 in a 22:00-06:00 window; after midnight it is the same morning."""
    await m.both_reach(["measurement_completed"])
    m.clock.move_to(_local(24, 0, 1))
    await m.nothing_more()


async def retry_after_failure(m: Modes) -> None:
    """A failed attempt (strap busy) is retried after two minutes, not before."""
    await m.both_reach(["measurement_failed"])
    m.clock.move_to(_local(23, 22, 31))
    await m.nothing_more()
    for address in STRAP_OF.values():
        m.bluez.refuse_connects(address, 0)
    # Past the retry delay: the daemon's next poll and Home Assistant's timer retry.
    m.clock.move_to(_local(23, 22, 32, 30))
    async_fire_time_changed(m.hass, dt_util.utcnow() + RETRY_AFTER)
    await m.both_reach(["measurement_failed", "measurement_completed"])


async def refused_questionnaire_recompute(m: Modes) -> None:
    """A usable reading, the next morning a refused one, a questionnaire, a recompute."""
    await m.press("start_measurement")
    await m.both_reach(["measurement_completed"])
    for address in STRAP_OF.values():
        m.bluez.replay(address, _rr(2, noisy=True))
    m.clock.move_to(_local(24, 0, 0, 30))
    await m.press("start_measurement")
    await m.both_reach(["measurement_completed", "measurement_rejected"])
    await m.same()
    # The questionnaire of the refused morning: the verdict shown stays the usable
    # reading's (assessed as of now), the last reading the refused one.
    await m.action(
        "log_wellness", soreness=8, energy=3, sleep_quality=4, stress=7, date="2026-11-24"
    )
    await m.same()
    await m.action("recompute")


@dataclass(frozen=True)
class Scenario:
    steps: Callable[[Modes], Awaitable[None]]
    #: Day of November 2026, hour, minute in Home Assistant's zone.
    starts_at: tuple[int, int, int]
    window: tuple[str, str]
    #: ``hrv_readiness_collector_event`` types both modes fire, in order.
    events: tuple[str, ...]
    #: Entity states both modes end with (by the entity's key).
    shows: dict[str, str]
    #: Connects each strap refuses at first ("strap busy": a phone app holds it).
    refusals: int = 0
    #: Earlier mornings in both histories (a baseline, so there is a verdict to change).
    history_days: int = 0

    def check(self, shown: Any) -> None:
        assert tuple(e["type"] for e in shown["events"][EVENT_COLLECTOR]) == self.events
        assert {k: shown["entities"][k]["state"] for k in self.shows} == self.shows


MEASURED = ("measurement_started", "measurement_completed")
ANSWERED = "command_accepted"
SCENARIOS = {
    "over_midnight": Scenario(
        over_midnight,
        (23, 23, 59),
        OVER_MIDNIGHT,
        events=MEASURED,
        shows={"reading_quality": "good", "measurement_state": "complete"},
    ),
    "retry_after_failure": Scenario(
        retry_after_failure,
        (23, 22, 30),
        OVER_MIDNIGHT,
        events=("measurement_started", "measurement_failed", *MEASURED),
        shows={"reading_quality": "good", "measurement_state": "complete"},
        refusals=1000,
    ),
    # Outside the window: measured when asked (the button), as the library's scenario.
    "refused_questionnaire_recompute": Scenario(
        refused_questionnaire_recompute,
        (23, 23, 58),
        ("05:00:00", "10:00:00"),
        events=(
            *(ANSWERED, *MEASURED),
            *(ANSWERED, "measurement_started", "measurement_rejected"),
            *(ANSWERED, ANSWERED),
        ),
        # The latest reading is the refused one; the verdict is the usable one's.
        shows={"reading_quality": "rejected", "readiness_status": "caution"},
        history_days=24,
    ),
}


# --- the two entries ---------------------------------------------------------------


def strap_entry(window: tuple[str, str]) -> MockConfigEntry:
    address = STRAP_OF["strap"]
    return MockConfigEntry(
        domain=DOMAIN,
        title=f"Alice ({STRAP_NAME})",
        unique_id=f"{address}_{USER}",
        data={
            CONF_ADDRESS: address,
            CONF_STRAP_NAME: STRAP_NAME,
            CONF_USER_ID: USER,
            CONF_USER_NAME: "Alice",
            CONF_WINDOW_START: window[0],
            CONF_WINDOW_END: window[1],
        },
    )


def collector_config(
    tmp_path: Path, broker: MosquittoBroker, window: tuple[str, str], zone: str
) -> Config:
    """The daemon's config: the same window and session as the strap entry's."""
    return Config.model_validate(
        {
            "collector": {"id": COLLECTOR, "timezone": zone},
            "users": [{"id": USER, "name": "Alice", "strap": {"address": STRAP_OF["collector"]}}],
            "measurement": {
                **SESSION.model_dump(),
                "morning_window": {"start": window[0][:5], "end": window[1][:5]},
            },
            "mqtt": {"host": broker.host, "port": broker.port, "reconnect_min_s": 0.2},
            "storage": {"data_dir": str(tmp_path / "collector")},
        }
    )


def seed_histories(hass: HomeAssistant, daemon_db: Path, days: int, now: dt.datetime) -> bytes:
    """The same earlier mornings in both histories; the collector's retained state.

    As a collector that has been running: its state is on the broker (retained) before
    Home Assistant's entry subscribes, as the strap entry shows its history's at start.
    """
    daemon_db.parent.mkdir(parents=True)
    for db in (Path(hass.config.path(STORE_FILE)), daemon_db):
        seed(db, USER, COLLECTOR, days, 0, now=now)
    with Store.open(daemon_db) as store:
        state = current_state(store, user=USER, settings=ReadinessSettings())
    assert state is not None
    payload = state_payload(
        collector_id=COLLECTOR,
        reading=state.reading,
        readiness=state.readiness,
        published_at=now.astimezone(dt.UTC),
    )
    return state_message(Topics(BASE_TOPIC, COLLECTOR), payload).payload


async def events_are_heard(hass: HomeAssistant, broker: MosquittoBroker, fired: Fired) -> None:
    """Until Home Assistant hears the collector's event topics (a probe event).

    Events are not retained: one published before Home Assistant's MQTT integration has
    worked through its queue of subscriptions (made one by one) is lost, as on a real
    broker. The daemon starts after this positive signal.
    """
    async with (
        aiomqtt.Client(broker.host, broker.port, identifier="probe") as client,
        asyncio.timeout(TIMEOUT_S),
    ):
        while not fired.probes:
            await client.publish(f"{PREFIX}/{PROBE}/event", json.dumps({"type": PROBE}), qos=1)
            with contextlib.suppress(TimeoutError):
                await wait_for(hass, lambda: fired.probes, timeout_s=0.2)


@pytest.fixture
async def fired(hass: HomeAssistant) -> AsyncIterator[Fired]:
    """What the integration fires on the bus, by mode, from now on."""
    recorded = Fired()

    def keep(into: dict[str, list[dict[str, Any]]]) -> Callable[[Event], None]:
        @callback
        def listener(event: Event) -> None:
            if event.data.get("user") == PROBE:
                recorded.probes += 1
                return
            mode = "collector" if event.data.get("collector_id") == COLLECTOR else "strap"
            into.setdefault(mode, []).append(dict(event.data))

        return listener

    unsubscribe = [
        hass.bus.async_listen(EVENT_COLLECTOR, keep(recorded.events)),
        hass.bus.async_listen(EVENT_READING, keep(recorded.readings)),
    ]
    yield recorded
    for remove in unsubscribe:
        remove()


@pytest.mark.usefixtures("real_bluetooth", "mqtt_entry")
@pytest.mark.parametrize("name", sorted(SCENARIOS))
async def test_both_modes_show_the_same_morning(  # noqa: PLR0917 - fixtures
    name: str,
    hass: HomeAssistant,
    fake_bluez: FakeBluez,
    broker: MosquittoBroker,
    tmp_path: Path,
    fired: Fired,
) -> None:
    scenario = SCENARIOS[name]
    # pydantic builds the integration's payload readers on first use; it cannot while
    # freezegun stands in for datetime.date, so they are built before the clock is.
    for model in (AnnouncePayload, EventPayload, HistoryPayload, MeasurementPayload, StatePayload):
        consume.consumer_model(model)
    if scenario.history_days:
        retained = await hass.async_add_executor_job(
            seed_histories,
            hass,
            tmp_path / "collector" / "hrv.sqlite3",
            scenario.history_days,
            _local(*scenario.starts_at),
        )
        async with aiomqtt.Client(broker.host, broker.port, identifier="was-running") as client:
            await client.publish(f"{PREFIX}/{USER}/state", retained, qos=1, retain=True)
    with freezegun.freeze_time(_local(*scenario.starts_at), tick=True, real_asyncio=True) as clock:
        entries = {"strap": strap_entry(scenario.window), "collector": hrv_entry()}
        for entry in entries.values():
            entry.add_to_hass(hass)
        assert await async_setup_component(hass, DOMAIN, {})
        await hass.async_block_till_done()
        assert all(e.state is ConfigEntryState.LOADED for e in entries.values())
        hub = entries["strap"].runtime_data
        assert isinstance(hub, StrapHub)
        hub.use_session_settings(SESSION)
        await events_are_heard(hass, broker, fired)

        for address in STRAP_OF.values():
            fake_bluez.add_strap(
                VirtualStrap(address=address, rr_ms=_rr(1), name=STRAP_NAME, speed=REPLAY_SPEED)
            )
            if scenario.refusals:
                fake_bluez.refuse_connects(address, scenario.refusals)
        # The daemon starts once Home Assistant hears its strap (as a Pi that hears it).
        await wait_for(
            hass,
            lambda: (
                bluetooth.async_ble_device_from_address(
                    hass, STRAP_OF["collector"], connectable=True
                )
                is not None
            ),
        )
        daemon = Daemon(
            collector_config(tmp_path, broker, scenario.window, hass.config.time_zone),
            source_factory=lambda _user: ha_strap_source(hass, STRAP_OF["collector"], STRAP_NAME),
            now=dt_util.now,
            poll_interval_s=0.05,
        )
        stop = asyncio.Event()
        running = hass.async_create_background_task(daemon.run(stop), "daemon")
        try:
            await wait_for(hass, lambda: state_of(hass, CONNECTIVITY) == "on")
            await wait_for(
                hass, lambda: entries["collector"].runtime_data.device_id(USER) is not None
            )
            modes = Modes(hass, fake_bluez, clock, entries, daemon, fired)
            await scenario.steps(modes)
            shown = await modes.same()
        finally:
            stop.set()
            await running
    assert shown["events"][EVENT_COLLECTOR], "the modes fired nothing"
    scenario.check(shown)
