"""Home Assistant device-based discovery: the config itself, and its life on a broker."""

from __future__ import annotations

import json
import re
from typing import get_args

import aiomqtt
import pytest
from mqtt_testing import COLLECTOR_ID, FIXED_NOW, TODAY, TOPICS, USERS, fast_settings, recording

from hrv_readiness.mqtt import MeasurementPayload, Publisher, parse_command
from hrv_readiness.mqtt.discovery import device_config, device_id
from hrv_readiness.mqtt.payloads import (
    EventPayload,
    FatigueType,
    MeasurementState,
    QualityLevel,
    ReadinessStatus,
)
from hrv_readiness.mqtt.state import state_payload

ALICE = USERS[0]
PATH = re.compile(r"value_json\.([a-z0-9_.]+)")


def config() -> dict:
    return device_config(TOPICS, ALICE, sw_version="0.1.0")


def components() -> dict[str, dict]:
    return config()["cmps"]


def test_device_config_shape():
    cfg = config()
    assert cfg["dev"]["identifiers"] == ["hrv_readiness_pi_test_alice"]
    assert cfg["o"]["name"] == "hrv-readiness"
    assert cfg["availability_topic"] == TOPICS.status
    assert (cfg["payload_available"], cfg["payload_not_available"]) == ("online", "offline")
    unique_ids = [c["unique_id"] for c in cfg["cmps"].values()]
    assert len(set(unique_ids)) == len(unique_ids)
    assert all(uid.startswith("hrv_readiness_pi_test_alice_") for uid in unique_ids)
    assert device_id(COLLECTOR_ID, "bob") != device_id(COLLECTOR_ID, "alice")


def test_enum_sensors_follow_home_assistant_rules():
    enums = {k: c for k, c in components().items() if c.get("device_class") == "enum"}
    expected = {
        "readiness_status": ReadinessStatus,
        "fatigue_type": FatigueType,
        "quality": QualityLevel,
        "measurement": MeasurementState,
    }
    assert set(enums) == set(expected)
    for key, component in enums.items():
        assert component["options"] == list(get_args(expected[key])), key
        assert "unit_of_measurement" not in component
        assert "state_class" not in component


def test_every_template_reads_a_field_the_payload_has(readings):
    reading = readings.reading("alice", day=30)
    state = json.loads(
        state_payload(
            collector_id=COLLECTOR_ID, reading=reading, readiness=reading.readiness,
            published_at=FIXED_NOW,
        ).to_bytes()
    )  # fmt: skip
    measurement = json.loads(
        MeasurementPayload(
            state="idle", elapsed_s=0, total_s=120, progress_pct=0, heart_rate_bpm=None,
            beats=0, artifacts=0, reason=None, updated_at=FIXED_NOW,
        ).to_bytes()
    )  # fmt: skip
    seen = 0
    for key, component in components().items():
        payload = (
            measurement if component.get("state_topic") == TOPICS.measurement("alice") else state
        )
        for template in (component.get("value_template", ""),
                         component.get("json_attributes_template", "")):  # fmt: skip
            for path in PATH.findall(template):
                node = payload
                for part in path.split("."):
                    assert part in node, f"{key}: {path}"
                    node = node[part]
                seen += 1
    assert seen >= 15


def test_buttons_send_commands_the_collector_accepts():
    buttons = {k: c for k, c in components().items() if c["platform"] == "button"}
    assert set(buttons) == {"measure", "recompute"}
    for button in buttons.values():
        command = parse_command(
            button["command_topic"], button["payload_press"].encode(), topics=TOPICS,
            users={"alice"}, today=TODAY,
        )  # fmt: skip
        assert command.user == "alice"


def discovery_topic(user: str) -> str:
    return f"homeassistant/device/{device_id(COLLECTOR_ID, user)}/config"


@pytest.mark.broker
async def test_announced_and_reannounced_when_home_assistant_comes_online(broker):
    settings = fast_settings(broker, discovery=True)
    publisher = Publisher(settings, collector_id=COLLECTOR_ID, users=USERS)
    async with (
        recording(
            broker, "homeassistant/device/#", TOPICS.announce, TOPICS.event("alice")
        ) as recorder,
        publisher,
    ):
        await publisher.wait_connected(5)
        await recorder.wait_for(lambda r: len(r.on(discovery_topic("bob"))) == 1)
        async with aiomqtt.Client(broker.host, broker.port) as home_assistant:
            await home_assistant.publish("homeassistant/status", b"offline", qos=1)
            await home_assistant.publish("homeassistant/status", b"online", qos=1)
            # The collector handles what arrives in order: the answer to this invalid
            # command comes after whatever "offline" and "online" made it send.
            await home_assistant.publish(TOPICS.command("alice", "wellness"), b"{", qos=1)
        await recorder.wait_for(lambda r: bool(r.on(TOPICS.event("alice"))))
    assert json.loads(recorder.on(TOPICS.event("alice"))[0].payload)["type"] == "command_rejected"
    assert len(recorder.on(discovery_topic("bob"))) == 2
    assert len(recorder.on(discovery_topic("alice"))) == 2  # not on "offline"
    config_alice = json.loads(recorder.on(discovery_topic("alice"))[0].payload)
    assert config_alice["dev"]["name"] == "HRV Readiness Alice"
    assert json.loads(recorder.on(TOPICS.announce)[0].payload)["discovery"] is True


@pytest.mark.broker
async def test_switching_discovery_off_removes_the_devices(broker):
    for discovery in (True, False):
        settings = fast_settings(broker, discovery=discovery)
        async with (
            recording(broker, "homeassistant/#") as live,
            Publisher(settings, collector_id=COLLECTOR_ID, users=USERS) as publisher,
        ):
            await publisher.wait_connected(5)
            if not discovery:  # the leftovers are cleared as their retained configs arrive
                await live.wait_for(
                    lambda r: all(
                        any(not m.payload for m in r.on(discovery_topic(user.id))) for user in USERS
                    )
                )
        async with recording(broker, "homeassistant/#") as recorder:
            # Retained configs come with the subscription, before anything published later.
            async with aiomqtt.Client(broker.host, broker.port) as later:
                await later.publish("homeassistant/later", b"x", qos=1)
            await recorder.wait_for(lambda r: bool(r.on("homeassistant/later")))
        retained = [m for m in recorder.messages if m.retain and m.payload]
        if discovery:
            assert {m.topic for m in retained} == {discovery_topic("alice"), discovery_topic("bob")}
        else:
            assert retained == []


@pytest.mark.broker
async def test_discovery_off_publishes_nothing_under_the_prefix(broker):
    """A collector that never used discovery sends no empty cleanup configs."""
    later = EventPayload(type="measurement_started", user="alice", at="2026-11-22T06:40:00+00:00")
    async with recording(broker, "homeassistant/#", TOPICS.event("alice")) as recorder:
        settings = fast_settings(broker, discovery=False)
        for session in (1, 2):  # a reconnect neither
            async with Publisher(settings, collector_id=COLLECTOR_ID, users=USERS) as publisher:
                await publisher.wait_connected(5)
                # Sent after everything the connect sent: once it is in, they would be.
                await publisher.publish_event(later)
                await recorder.wait_for(lambda r, n=session: len(r.on(TOPICS.event("alice"))) == n)
    assert [m for m in recorder.messages if m.topic.startswith("homeassistant/")] == []


def test_breathing_rate_and_possible_illness_are_discovered():
    """Contract v1.4 (issue 26): the breathing rate is a measurement with long-term
    statistics, and possible illness a binary sensor on the verdict's flag."""
    cmps = components()
    breathing = cmps["breathing_rate"]
    assert "value_json.reading.breathing_rate_per_min" in breathing["value_template"]
    assert (breathing["state_class"], breathing["unit_of_measurement"]) == (
        "measurement",
        "breaths/min",
    )
    illness = cmps["possible_illness"]
    assert illness["platform"] == "binary_sensor"
    assert "value_json.readiness.illness" in illness["value_template"]


def test_every_state_template_has_an_answer_for_an_emptied_state():
    """An empty retained ``state`` (v1.7) is no JSON: ``value_json`` is undefined, and
    each entity must render ``None`` (Home Assistant: unknown) instead of keeping the
    last value or failing (rendered in Home Assistant by test_discovery_emptied_state)."""
    guarded = 0
    for key, component in components().items():
        if component["platform"] == "button":
            continue
        for field in ("value_template", "json_attributes_template"):
            template = component.get(field)
            if template is None:
                continue
            assert "value_json is defined" in template, f"{key}.{field}: {template}"
            guarded += 1
    assert guarded >= 18
