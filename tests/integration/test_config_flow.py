"""Config flow: MQTT discovery, the manual step and reconfigure (every branch)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from homeassistant.config_entries import SOURCE_MQTT, SOURCE_USER
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.service_info.mqtt import MqttServiceInfo
from hrv_helpers import ANNOUNCE, COLLECTOR_ID, FakeCollector, hrv_entry, wait_for

from custom_components.hrv_readiness import config_flow
from custom_components.hrv_readiness.const import CONF_BASE_TOPIC, CONF_COLLECTOR_ID, DOMAIN

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry
    from support.mosquitto import MosquittoBroker

pytestmark = pytest.mark.broker

MANUAL = {CONF_COLLECTOR_ID: COLLECTOR_ID, CONF_BASE_TOPIC: "hrv_readiness"}


@pytest.fixture
def short_announce_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """The manual step waits 5 s for a collector that is not there; 0.3 s is enough here."""
    monkeypatch.setattr(config_flow, "ANNOUNCE_TIMEOUT_S", 0.3)


def discovery(
    payload: object, topic: str = f"hrv_readiness/{COLLECTOR_ID}/announce"
) -> MqttServiceInfo:
    return MqttServiceInfo(
        topic=topic,
        payload=payload if isinstance(payload, str) else json.dumps(payload),
        qos=1,
        retain=True,
        subscribed_topic="hrv_readiness/+/announce",
        timestamp=0.0,
    )


async def start_collector_flow(hass: HomeAssistant) -> dict[str, Any]:
    """Add integration -> "A collector (MQTT)": the collector's form."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["collector", "strap"]
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "collector"}
    )


async def test_manual_step_creates_entry(hass: HomeAssistant, collector: FakeCollector) -> None:
    result = await start_collector_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "collector"
    assert result["errors"] == {}

    result = await hass.config_entries.flow.async_configure(result["flow_id"], MANUAL)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "HRV Readiness (pi_kitchen)"
    assert result["data"] == MANUAL
    assert result["result"].unique_id == COLLECTOR_ID


@pytest.mark.parametrize(
    ("user_input", "errors"),
    [
        (
            {CONF_COLLECTOR_ID: "Pi Kitchen", CONF_BASE_TOPIC: "hrv_readiness"},
            {CONF_COLLECTOR_ID: "invalid_collector_id"},
        ),
        (
            {CONF_COLLECTOR_ID: COLLECTOR_ID, CONF_BASE_TOPIC: "hrv/+"},
            {CONF_BASE_TOPIC: "invalid_base_topic"},
        ),
        (
            {CONF_COLLECTOR_ID: COLLECTOR_ID, CONF_BASE_TOPIC: "a//b"},
            {CONF_BASE_TOPIC: "invalid_base_topic"},
        ),
        (
            {CONF_COLLECTOR_ID: COLLECTOR_ID, CONF_BASE_TOPIC: " "},
            {CONF_BASE_TOPIC: "invalid_base_topic"},
        ),
        (
            {CONF_COLLECTOR_ID: "pi_garage", CONF_BASE_TOPIC: "hrv_readiness"},
            {"base": "no_announce"},
        ),
        ({CONF_COLLECTOR_ID: COLLECTOR_ID, CONF_BASE_TOPIC: "other_base"}, {"base": "no_announce"}),
    ],
)
@pytest.mark.usefixtures("short_announce_timeout")
async def test_manual_step_errors_then_recovers(
    hass: HomeAssistant,
    collector: FakeCollector,
    monkeypatch: pytest.MonkeyPatch,
    user_input: dict[str, str],
    errors: dict[str, str],
) -> None:
    result = await start_collector_flow(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors

    # Fixing the input in the same flow finishes it: a bad input loses nothing.
    monkeypatch.setattr(config_flow, "ANNOUNCE_TIMEOUT_S", 10.0)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], MANUAL)
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.parametrize(
    "announce",
    [
        "not json",
        {**ANNOUNCE, "schema_version": 2},
        {**ANNOUNCE, "collector_id": "someone_else"},
    ],
)
async def test_manual_step_invalid_announce(
    hass: HomeAssistant, collector: FakeCollector, announce: object
) -> None:
    await collector.publish("announce", announce)
    result = await start_collector_flow(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], MANUAL)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_announce"}


async def test_manual_step_without_mqtt(hass: HomeAssistant) -> None:
    result = await start_collector_flow(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], MANUAL)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "mqtt_unavailable"}


async def test_manual_step_already_configured(
    hass: HomeAssistant, setup_entry: MockConfigEntry
) -> None:
    result = await start_collector_flow(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], MANUAL)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_discovery_from_the_broker(hass: HomeAssistant, collector: FakeCollector) -> None:
    """The retained announce on the broker starts a flow by itself (manifest ``mqtt`` key)."""
    await wait_for(hass, lambda: hass.config_entries.flow.async_progress_by_handler(DOMAIN))
    (flow,) = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert flow["context"]["source"] == SOURCE_MQTT
    assert flow["context"]["title_placeholders"] == {"name": "HRV Readiness (pi_kitchen)"}
    assert flow["step_id"] == "discovery_confirm"

    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == MANUAL
    assert result["result"].unique_id == COLLECTOR_ID


async def test_discovery_confirm_form(hass: HomeAssistant, mqtt_entry: MockConfigEntry) -> None:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_MQTT}, data=discovery(ANNOUNCE)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "discovery_confirm"
    assert result["description_placeholders"] == {
        "name": "HRV Readiness (pi_kitchen)",
        "users": "Alice",
    }


async def test_discovery_without_users(hass: HomeAssistant, mqtt_entry: MockConfigEntry) -> None:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_MQTT}, data=discovery({**ANNOUNCE, "users": []})
    )
    assert result["description_placeholders"] == {
        "name": "HRV Readiness (pi_kitchen)",
        "users": "-",
    }


@pytest.mark.parametrize(
    ("payload", "topic"),
    [
        ("", f"hrv_readiness/{COLLECTOR_ID}/announce"),
        ("{not json", f"hrv_readiness/{COLLECTOR_ID}/announce"),
        ({**ANNOUNCE, "schema_version": 2}, f"hrv_readiness/{COLLECTOR_ID}/announce"),
        ({**ANNOUNCE, "users": "alice"}, f"hrv_readiness/{COLLECTOR_ID}/announce"),
        (ANNOUNCE, "hrv_readiness/pi_garage/announce"),
        (ANNOUNCE, "announce"),
        (ANNOUNCE, f"hrv_readiness/{COLLECTOR_ID}/status"),
    ],
)
async def test_discovery_invalid(
    hass: HomeAssistant, mqtt_entry: MockConfigEntry, payload: object, topic: str
) -> None:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_MQTT}, data=discovery(payload, topic)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "invalid_discovery_info"


async def test_discovery_updates_base_topic_of_configured_collector(
    hass: HomeAssistant, mqtt_entry: MockConfigEntry
) -> None:
    entry = hrv_entry(base_topic="old_base")
    entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_MQTT}, data=discovery(ANNOUNCE)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_BASE_TOPIC] == "hrv_readiness"


async def test_reconfigure_moves_base_topic(
    hass: HomeAssistant, setup_entry: MockConfigEntry, broker: MosquittoBroker
) -> None:
    async with FakeCollector(broker, prefix=f"home/hrv/{COLLECTOR_ID}") as moved:
        await moved.online()
        await moved.announce()
        result = await setup_entry.start_reconfigure_flow(hass)
        assert result["type"] is FlowResultType.FORM
        assert result["step_id"] == "reconfigure"

        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_BASE_TOPIC: "home/hrv"}
        )
        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "reconfigure_successful"
        assert setup_entry.data == {CONF_COLLECTOR_ID: COLLECTOR_ID, CONF_BASE_TOPIC: "home/hrv"}
        await hass.async_block_till_done()
        assert setup_entry.runtime_data.topic_prefix == f"home/hrv/{COLLECTOR_ID}"


@pytest.mark.parametrize(
    ("base_topic", "errors"),
    [
        ("home/#", {CONF_BASE_TOPIC: "invalid_base_topic"}),
        ("nowhere", {"base": "no_announce"}),
    ],
)
@pytest.mark.usefixtures("short_announce_timeout")
async def test_reconfigure_errors(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    monkeypatch: pytest.MonkeyPatch,
    base_topic: str,
    errors: dict[str, str],
) -> None:
    result = await setup_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_BASE_TOPIC: base_topic}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    assert setup_entry.data[CONF_BASE_TOPIC] == "hrv_readiness"

    # The same flow still accepts the current, valid base topic.
    monkeypatch.setattr(config_flow, "ANNOUNCE_TIMEOUT_S", 10.0)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_BASE_TOPIC: "hrv_readiness"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
