"""MQTT: the versioned contract (docs/mqtt.md), the publisher, commands and discovery."""

from __future__ import annotations

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
from hrv_readiness.mqtt.delivery import Outbox
from hrv_readiness.mqtt.errors import (
    BrokerAuthError,
    BrokerTlsError,
    BrokerUnavailableError,
    MqttConfigError,
)
from hrv_readiness.mqtt.messages import OutgoingMessage
from hrv_readiness.mqtt.oneshot import publish_pending
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
from hrv_readiness.mqtt.publisher import Publisher
from hrv_readiness.mqtt.settings import MqttSettings, MqttTlsSettings
from hrv_readiness.mqtt.topics import Topics

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
