"""One morning, one verdict in Home Assistant's MQTT mode (issue 25, acceptance 1).

Bob has a fortnight and a bit of mornings and Carol one, in the collector's history
file. The history changes the way a person changes it on the collector's machine: the
``hrv-collector`` command line (run in the collector's own venv, at the scenario's
pinned clock) on the daemon's database, which queues the new state in the outbox the
running publisher (the daemon's ``hrv_readiness.mqtt.Publisher``) sends to a real
Mosquitto. Home Assistant's real MQTT integration and this integration's MQTT entry
consume it. After each change — a questionnaire, a training entry, a back-filled and
an imported reading, an edited questionnaire, a deleted reading, the deletion of
Carol's only reading and its undo — the entities (readiness status and score, fatigue
type, advice and reasons, last reading) show exactly what ``report --json`` prints for
the latest morning of the same file; without a reading they are *unknown* and
``report`` has no morning either. The rows share one setup and run in order; nothing
sleeps (each row waits for Home Assistant to show the change).

At the end a strap entry of Bob (Home Assistant's Bluetooth mode) opens the same
history file and shows what the MQTT entry shows. Each change made through the
Bluetooth mode's own actions is compared with the stored history in
test_one_verdict_ha.py.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from homeassistant.util import dt as dt_util
from hrv_helpers import BASE_TOPIC, COLLECTOR_ID, hrv_entry, state_of, wait_for
from pytest_homeassistant_custom_component.common import MockConfigEntry
from strap_helpers import window_around_now

from custom_components.hrv_readiness.const import (
    CONF_ADDRESS,
    CONF_STRAP_NAME,
    CONF_USER_ID,
    CONF_USER_NAME,
    CONF_WINDOW_END,
    CONF_WINDOW_START,
    DOMAIN,
    STORE_FILE,
)
from hrv_readiness.mqtt import AnnouncedUser, MqttSettings, Publisher, Topics
from hrv_readiness.mqtt.state import state_outbox
from hrv_readiness.pipeline import RecordingInput, current_state, process_recording
from hrv_readiness.readiness import ReadinessSettings, WellnessEntry
from hrv_readiness.simulation import RrScenario, synthesize_rr_ms
from hrv_readiness.store import Store

if TYPE_CHECKING:
    from collections.abc import Iterator

    from homeassistant.core import HomeAssistant
    from support.mosquitto import MosquittoBroker

pytestmark = pytest.mark.broker

ROOT = Path(__file__).resolve().parents[2]
COLLECTOR_PYTHON = ROOT / ".venv" / "bin" / "python"
TODAY = dt.date(2026, 3, 16)
NOW = dt.datetime(2026, 3, 16, 5, 10, tzinfo=dt.UTC)
TOPICS = Topics(BASE_TOPIC, COLLECTOR_ID)
SETTINGS = ReadinessSettings()
TIMEOUT_S = 30.0


def _day(back: int) -> str:
    return (TODAY - dt.timedelta(days=back)).isoformat()


def _rr(day: dt.date, *, low: bool = False) -> list[float]:
    scenario = RrScenario(
        duration_s=150.0,
        resting_hr_bpm=62.0 if low else 55.0,
        target_rmssd_ms=28.0 if low else 62.0 + (day.toordinal() % 5),
        seed=day.toordinal(),
    )
    return [float(v) for v in synthesize_rr_ms(scenario)]


def _rr_file(folder: Path, back: int) -> str:
    day = TODAY - dt.timedelta(days=back)
    path = folder / f"{day.isoformat()} 06-40-00.txt"
    path.write_text("\n".join(f"{v:.3f}" for v in _rr(day, low=True)) + "\n", encoding="utf-8")
    return str(path)


def _record(store: Store, user: str, day: dt.date, *, low: bool = False) -> None:
    process_recording(
        store,
        RecordingInput(
            user=user,
            rr_ms=_rr(day, low=low),
            measured_at=dt.datetime.combine(day, dt.time(6, 40), tzinfo=dt.UTC),
            date=day,
        ),
        settings=SETTINGS,
        outbox=state_outbox(TOPICS, published_at=NOW),
    )


def _seed(db: Path) -> None:
    """Bob: 16 mornings up to today, a questionnaire most days; Carol: today only."""
    with Store.open(db) as store:
        for back in range(15, -1, -1):
            day = TODAY - dt.timedelta(days=back)
            if back % 3:
                store.add_wellness(
                    WellnessEntry(
                        user="bob", date=day, soreness=2, energy=7, sleep_quality=7, stress=3
                    )
                )
            _record(store, "bob", day, low=back in {4, 5})
        _record(store, "carol", TODAY)
        # Only the state as of now goes out first (as the daemon publishes at connect).
        store.mark_sent([m.id for m in store.pending_outbox(limit=10_000) if m.id is not None])
        for user in ("bob", "carol"):
            state = current_state(store, user=user, settings=SETTINGS)
            assert state is not None
            queue = state_outbox(TOPICS, published_at=NOW)
            store.enqueue(queue(state.reading, state.readiness))


def _config(tmp_path: Path, broker: MosquittoBroker) -> Path:
    path = tmp_path / "collector.yaml"
    strap = {"name_pattern": "Polar*"}
    config = {
        "collector": {"id": COLLECTOR_ID, "timezone": "UTC"},
        "users": [{"id": "bob", "strap": strap}, {"id": "carol", "strap": strap}],
        "mqtt": {"host": broker.host, "port": broker.port, "base_topic": BASE_TOPIC},
        "storage": {"data_dir": str(tmp_path / "data")},
    }
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


class CommandLine:
    """The collector machine's command line: one process, commands run at NOW."""

    def __init__(self) -> None:
        self._process = subprocess.Popen(
            [str(COLLECTOR_PYTHON), "-m", "support.cli_at", NOW.isoformat()],
            cwd=ROOT / "tests",
            env={**os.environ, "TZ": "UTC", "NO_COLOR": "1"},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def run(self, *commands: list[str]) -> list[dict[str, Any]]:
        """Run ``commands`` in order; each must succeed."""
        assert self._process.stdin is not None
        assert self._process.stdout is not None
        self._process.stdin.write(json.dumps(commands) + "\n")
        self._process.stdin.flush()
        results: list[dict[str, Any]] = json.loads(self._process.stdout.readline())
        for command, result in zip(commands, results, strict=True):
            assert result["code"] == 0, (command, result["err"])
        return results

    def close(self) -> None:
        self._process.communicate(timeout=30)  # closes stdin: the loop ends


@pytest.fixture
def command_line() -> Iterator[CommandLine]:
    running = CommandLine()
    yield running
    running.close()


def _report_latest(output: str, user: str) -> dict[str, Any] | None:
    """``report --json``'s latest assessed morning of ``user`` (None: no morning)."""
    users = {entry["user"]: entry["rows"] for entry in json.loads(output)["users"]}
    rows = [row for row in users.get(user, []) if row["status"] != "rejected"]
    return rows[-1] if rows else None


def _latest_measured_at(db: Path, user: str) -> dt.datetime | None:
    with Store.open(db) as store:
        latest = store.latest_reading(user)
    return None if latest is None else latest.measured_at


def _shown(hass: HomeAssistant, user: str) -> dict[str, Any]:
    """What the MQTT entry's entities of ``user`` show, in report's terms."""
    status = hass.states.get(f"sensor.{user}_readiness_status")
    if status is None:
        return {"entities": "not there yet"}
    score = state_of(hass, f"sensor.{user}_readiness_score")
    last = state_of(hass, f"sensor.{user}_last_reading")
    return {
        "status": None if status.state == "unknown" else status.state,
        "score": None if score == "unknown" else int(float(str(score))),
        "fatigue_type": state_of(hass, f"sensor.{user}_fatigue_type"),
        "advice": status.attributes.get("advice"),
        "reasons": status.attributes.get("reasons"),
        "last_reading": None if last in {None, "unknown"} else dt_util.parse_datetime(str(last)),
    }


def _expected(report: dict[str, Any] | None, measured_at: dt.datetime | None) -> dict[str, Any]:
    if report is None:
        return dict.fromkeys(("status", "score", "advice", "reasons"), None) | {
            "fatigue_type": "unknown",
            "last_reading": measured_at,
        }
    return {
        "status": report["status"],
        "score": report["score"],
        "fatigue_type": report["fatigue_type"],
        "advice": report["advice"],
        "reasons": report["reasons"],
        "last_reading": measured_at,
    }


def _changes(tmp_path: Path) -> list[tuple[str, str, list[str]]]:
    """(name, whose history, the command) in the order a person might make them."""
    return [
        ("log", "bob", ["log", "--user", "bob", "--soreness", "10", "--energy", "1",
                        "--sleep", "1", "--stress", "10", "--heavy-legs"]),
        ("training", "bob", ["log", "--user", "bob", "--training", "heavy_compound",
                             "--effort", "9", "--minutes", "80"]),
        ("back-fill", "bob", ["analyze", _rr_file(tmp_path, 20), "--save", "--user", "bob",
                              "--date", _day(20)]),
        ("import", "bob", ["import", _rr_file(tmp_path, 17), "--user", "bob"]),
        ("edit", "bob", ["log", "--user", "bob", "--date", _day(0), "--soreness", "2",
                         "--energy", "8", "--sleep", "8", "--stress", "2"]),
        ("delete", "bob", ["delete", "--user", "bob", "--date", _day(4), "--reading"]),
        ("delete the only reading", "carol",
         ["delete", "--user", "carol", "--date", _day(0), "--reading"]),
        ("undo", "carol", ["undo"]),
    ]  # fmt: skip


@pytest.mark.usefixtures("real_bluetooth")
async def test_every_change_shows_report_s_verdict_in_the_mqtt_entry(
    hass: HomeAssistant,
    mqtt_entry: MockConfigEntry,
    broker: MosquittoBroker,
    tmp_path: Path,
    command_line: CommandLine,
) -> None:
    del mqtt_entry  # Home Assistant's MQTT integration, connected to the broker
    config = _config(tmp_path, broker)
    # The file a strap entry of this Home Assistant keeps its history in (compared last).
    db = Path(hass.config.path(STORE_FILE))
    await hass.async_add_executor_job(_seed, db)
    where = ["--config", str(config), "--db", str(db)]
    report = ["report", "--days", "60", "--json", *where]
    with Store.open(db) as store:
        publisher = Publisher(
            MqttSettings(host=broker.host, port=broker.port, reconnect_min_s=0.1),
            collector_id=COLLECTOR_ID,
            users=[AnnouncedUser(id="bob", name="Bob"), AnnouncedUser(id="carol", name="Carol")],
            outbox=store,
        )
        async with publisher:
            await publisher.wait_connected(15.0)
            entry = hrv_entry()
            entry.add_to_hass(hass)
            assert await hass.config_entries.async_setup(entry.entry_id)
            (first,) = await hass.async_add_executor_job(command_line.run, report)
            for user in ("bob", "carol"):
                expected = _expected(
                    _report_latest(first["out"], user), _latest_measured_at(db, user)
                )
                await wait_for(hass, lambda u=user, e=expected: _shown(hass, u) == e)
            seen: list[dict[str, Any]] = []
            for name, user, command in _changes(tmp_path):
                _, printed = await hass.async_add_executor_job(
                    command_line.run, [*command, *where], report
                )
                # The daemon sends what the command queued (it drains the outbox).
                publisher.notify_outbox()
                latest = _report_latest(printed["out"], user)
                expected = _expected(latest, _latest_measured_at(db, user))
                try:
                    await wait_for(hass, lambda u=user, e=expected: _shown(hass, u) == e)
                except TimeoutError:
                    pytest.fail(f"{name}: HA shows {_shown(hass, user)}, report {expected}")
                seen.append(expected)
    # Home Assistant's Bluetooth mode on the same history shows the same morning.
    start, end = window_around_now(inside=False)
    strap = MockConfigEntry(
        domain=DOMAIN,
        title="Bob (Polar H10 BBBB)",
        unique_id="A0:9E:1A:00:00:BB_bob",
        data={
            CONF_ADDRESS: "A0:9E:1A:00:00:BB",
            CONF_STRAP_NAME: "Polar H10 BBBB",
            CONF_USER_ID: "bob",
            CONF_USER_NAME: "Bob strap",
            CONF_WINDOW_START: start,
            CONF_WINDOW_END: end,
        },
    )
    strap.add_to_hass(hass)
    assert await hass.config_entries.async_setup(strap.entry_id)
    await wait_for(hass, lambda: _shown(hass, "bob_strap") == _shown(hass, "bob"))
    assert _shown(hass, "bob")["status"] is not None
    by_name = dict(zip([name for name, _, _ in _changes(tmp_path)], seen, strict=True))
    assert by_name["log"]["status"] != "ready"  # the bad questionnaire changed the verdict
    assert by_name["delete the only reading"]["status"] is None
    assert by_name["delete the only reading"]["last_reading"] is None
    assert by_name["undo"]["status"] is not None
