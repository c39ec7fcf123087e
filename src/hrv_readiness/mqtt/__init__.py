"""MQTT: the versioned contract (docs/mqtt.md), the publisher, commands and discovery.

The contract (payloads, topics, commands, state messages) needs only pydantic; the
publisher needs aiomqtt (the ``[collector]`` extra) and is imported on first use, so
the Home Assistant integration can use the contract without aiomqtt installed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from hrv_readiness.mqtt.commands import (
    Command,
    InvalidCommandError,
    MeasureCommand,
    RecomputeCommand,
    TrainingCommand,
    WellnessCommand,
    accepted_event,
    parse_command,
    rejection_event,
)
from hrv_readiness.mqtt.messages import OutgoingMessage
from hrv_readiness.mqtt.payloads import (
    AnnouncedUser,
    AnnouncePayload,
    BaselinePayload,
    EventPayload,
    MeasurementPayload,
    ReadinessPayload,
    ReadingPayload,
    ReasonPayload,
    StatePayload,
    StrapPayload,
)
from hrv_readiness.mqtt.settings import MqttSettings, MqttTlsSettings
from hrv_readiness.mqtt.topics import Topics

if TYPE_CHECKING:
    from hrv_readiness.mqtt.delivery import Outbox
    from hrv_readiness.mqtt.errors import (
        BrokerAuthError,
        BrokerTlsError,
        BrokerUnavailableError,
        MqttConfigError,
    )
    from hrv_readiness.mqtt.oneshot import publish_pending
    from hrv_readiness.mqtt.publisher import Publisher

#: The names that need aiomqtt (the ``[collector]`` extra), and the module of each.
_LAZY_NAMES: dict[str, str] = {
    "BrokerAuthError": "hrv_readiness.mqtt.errors",
    "BrokerTlsError": "hrv_readiness.mqtt.errors",
    "BrokerUnavailableError": "hrv_readiness.mqtt.errors",
    "MqttConfigError": "hrv_readiness.mqtt.errors",
    "Outbox": "hrv_readiness.mqtt.delivery",
    "Publisher": "hrv_readiness.mqtt.publisher",
    "publish_pending": "hrv_readiness.mqtt.oneshot",
}


def __getattr__(name: str) -> Any:  # noqa: ANN401 - module attributes of any type
    """Import the aiomqtt publisher only when one of its names is used."""
    module = _LAZY_NAMES.get(name)
    if module is not None:
        return getattr(importlib.import_module(module), name)
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


__all__ = [
    "AnnouncePayload",
    "AnnouncedUser",
    "BaselinePayload",
    "BrokerAuthError",
    "BrokerTlsError",
    "BrokerUnavailableError",
    "Command",
    "EventPayload",
    "InvalidCommandError",
    "MeasureCommand",
    "MeasurementPayload",
    "MqttConfigError",
    "MqttSettings",
    "MqttTlsSettings",
    "Outbox",
    "OutgoingMessage",
    "Publisher",
    "ReadinessPayload",
    "ReadingPayload",
    "ReasonPayload",
    "RecomputeCommand",
    "StatePayload",
    "StrapPayload",
    "Topics",
    "TrainingCommand",
    "WellnessCommand",
    "accepted_event",
    "parse_command",
    "publish_pending",
    "rejection_event",
]
