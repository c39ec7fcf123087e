"""Topic names of the contract, and reading a command topic back."""

from __future__ import annotations

import pytest

from hrv_readiness.mqtt import Topics
from hrv_readiness.mqtt.topics import discovery_config_topic, discovery_status_topic

TOPICS = Topics("hrv_readiness", "pi_kitchen")


def test_topic_names_match_docs():
    assert TOPICS.status == "hrv_readiness/pi_kitchen/status"
    assert TOPICS.announce == "hrv_readiness/pi_kitchen/announce"
    assert TOPICS.state("alice") == "hrv_readiness/pi_kitchen/alice/state"
    assert TOPICS.measurement("alice") == "hrv_readiness/pi_kitchen/alice/measurement"
    assert TOPICS.event("alice") == "hrv_readiness/pi_kitchen/alice/event"
    assert TOPICS.collector_event == "hrv_readiness/pi_kitchen/event"
    assert TOPICS.command("alice", "measure") == "hrv_readiness/pi_kitchen/alice/command/measure"
    assert TOPICS.command_subscription == "hrv_readiness/pi_kitchen/+/command/+"
    assert discovery_config_topic("homeassistant", "x") == "homeassistant/device/x/config"
    assert discovery_status_topic("homeassistant") == "homeassistant/status"


@pytest.mark.parametrize(
    ("topic", "expected"),
    [
        ("hrv_readiness/pi_kitchen/alice/command/measure", ("alice", "measure")),
        ("hrv_readiness/pi_kitchen/alice/command/", ("alice", "")),
        ("hrv_readiness/pi_kitchen/alice/state", None),
        ("hrv_readiness/pi_kitchen/alice/command/measure/x", None),
        ("hrv_readiness/other/alice/command/measure", None),
        ("hrv_readiness/pi_kitchen_2/alice/command/measure", None),
    ],
)
def test_split_command(topic, expected):
    assert TOPICS.split_command(topic) == expected


@pytest.mark.parametrize("collector_id", ["Pi", "pi-kitchen", "", "a/b", "x" * 65])
def test_collector_id_alphabet(collector_id):
    with pytest.raises(ValueError, match="collector id"):
        Topics("hrv_readiness", collector_id)
