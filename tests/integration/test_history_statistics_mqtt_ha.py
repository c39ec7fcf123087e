"""A changed past morning reaches Home Assistant's long-term statistics (issue 25).

Bob's history file has twenty mornings; the collector's publisher (the daemon's
``hrv_readiness.mqtt.Publisher``) sends his state and history to a real Mosquitto and
Home Assistant's MQTT entry imports the history into long-term statistics. Then a
questionnaire for a morning three days back is logged with ``hrv-collector log`` on
that file (at the scenario's pinned clock): the command queues the state *and* the
history, the publisher sends them, and the statistic of that morning's readiness score
changes to what ``report --json`` prints for it. Nothing sleeps: the test waits for the
recorder's row.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from hrv_helpers import COLLECTOR_ID, hrv_entry
from score_statistics import CHANGED, seed_bob, wait_score
from test_one_verdict_mqtt_ha import NOW, SETTINGS, TOPICS, CommandLine, _config

from custom_components.hrv_readiness.statistics import statistic_id
from hrv_readiness.mqtt import AnnouncedUser, MqttSettings, Publisher
from hrv_readiness.mqtt.history import history_messages
from hrv_readiness.mqtt.state import outbox_message, state_outbox
from hrv_readiness.pipeline import current_state
from hrv_readiness.store import Store

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterator
    from pathlib import Path

    from homeassistant.core import HomeAssistant
    from support.mosquitto import MosquittoBroker

pytestmark = pytest.mark.broker

SCORE = statistic_id(COLLECTOR_ID, "bob", "readiness_score")


@pytest.fixture
def mock_recorder_before_hass(recorder_db_url: str) -> None:
    """Prepare the recorder's database before the (autouse) hass fixture starts."""


@pytest.fixture
def command_line() -> Iterator[CommandLine]:
    running = CommandLine()
    yield running
    running.close()


def _seed(db: Path) -> None:
    """Bob's twenty mornings, queued as the daemon would have sent them."""
    with Store.open(db) as store:
        seed_bob(store)
        store.mark_sent([m.id for m in store.pending_outbox(limit=10_000) if m.id is not None])
        # What the daemon publishes at connect: the state as of now, then the history.
        state = current_state(store, user="bob", settings=SETTINGS)
        assert state is not None
        store.enqueue(state_outbox(TOPICS, published_at=NOW)(state.reading, state.readiness))
        (history,) = history_messages(store, TOPICS, ["bob"], published_at=NOW)
        store.enqueue([outbox_message(history, created_at=NOW)])


def _reported(output: str, day: dt.date) -> Any:
    (bob,) = [entry["rows"] for entry in json.loads(output)["users"] if entry["user"] == "bob"]
    (row,) = [row for row in bob if row["date"] == day.isoformat()]
    return row["score"]


@pytest.mark.usefixtures("recorder_mock", "mqtt_entry")  # HA's recorder and MQTT, running
async def test_a_late_questionnaire_changes_that_mornings_score_statistic(
    hass: HomeAssistant, broker: MosquittoBroker, tmp_path: Path, command_line: CommandLine
) -> None:
    config = _config(tmp_path, broker)
    db = tmp_path / "history.db"
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
            before = _reported(first["out"], CHANGED)
            assert before is not None  # the baseline exists: the morning has a score
            await wait_score(hass, SCORE, before)
            _, printed = await hass.async_add_executor_job(
                command_line.run,
                [
                    *("log", "--user", "bob", "--date", CHANGED.isoformat()),
                    *("--soreness", "10", "--energy", "1", "--sleep", "1", "--stress", "10"),
                    *("--heavy-legs", *where),
                ],
                report,
            )
            publisher.notify_outbox()  # the daemon's next poll
            after = _reported(printed["out"], CHANGED)
            assert after != before
            await wait_score(hass, SCORE, after)
