"""Home Assistant MQTT discovery, device-based, for people without the integration.

One device per user at ``<prefix>/device/hrv_readiness_<collector>_<user>/config``
(retained) with ``dev``, ``o`` (origin) and ``cmps`` (Home Assistant's own
abbreviations). Every entity reads the contract's own ``state``/``measurement``
topics with a value template, so discovery adds no second data path; an emptied
``state`` (v1.7, a person without readings) renders ``None``, which Home Assistant
shows as *unknown*. Availability is
the collector's ``status`` topic, which the broker's Last Will turns ``offline``.
The configs are re-sent when Home Assistant publishes ``online`` on
``<prefix>/status`` (it restarted). While ``mqtt.discovery`` is off the collector
listens on its users' config topics and clears (empty retained payload) only a config
that is actually there, so switching discovery off removes the entities a previous
run created, the integration and discovery never both create them, and a collector
that never used discovery publishes nothing under the discovery prefix.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, get_args

from hrv_readiness.mqtt.messages import OutgoingMessage
from hrv_readiness.mqtt.payloads import FatigueType, MeasurementState, QualityLevel, ReadinessStatus
from hrv_readiness.mqtt.topics import STATUS_OFFLINE, STATUS_ONLINE, Topics, discovery_config_topic

if TYPE_CHECKING:
    from collections.abc import Sequence

    from hrv_readiness.mqtt.payloads import AnnouncedUser

ORIGIN_NAME = "hrv-readiness"
#: Readiness older than this is shown as unavailable rather than as today's advice.
READINESS_EXPIRE_AFTER_S = 2 * 24 * 3600

# Enum options come from the contract's own types, so discovery cannot drift from it.
_STATUS_OPTIONS = list(get_args(ReadinessStatus))
_FATIGUE_OPTIONS = list(get_args(FatigueType))
_QUALITY_OPTIONS = list(get_args(QualityLevel))
_MEASUREMENT_OPTIONS = list(get_args(MeasurementState))


def device_id(collector_id: str, user: str) -> str:
    return f"hrv_readiness_{collector_id}_{user}"


#: What a template renders for an emptied ``state`` (v1.7: a person without readings):
#: Home Assistant's MQTT entities take ``None`` as "no value" (*unknown*).
NO_VALUE = "None"


def _of_state(expression: str) -> str:
    """A value template of ``expression``, *unknown* for an empty payload (no JSON)."""
    return "{{ (%s) if value_json is defined else '%s' }}" % (expression, NO_VALUE)  # noqa: UP031


def _sensor(
    key: str,
    name: str,
    template: str,
    **options: Any,  # noqa: ANN401 - HA discovery options are free-form JSON
) -> tuple[str, dict[str, Any]]:
    return key, {"platform": "sensor", "name": name, "value_template": template, **options}


def _numeric(key: str, name: str, path: str, unit: str | None, **options: Any) -> Any:  # noqa: ANN401
    extra: dict[str, Any] = {"state_class": "measurement", **options}
    if unit is not None:
        extra["unit_of_measurement"] = unit
    return _sensor(key, name, _of_state(f"value_json.{path}"), **extra)


def _enum(key: str, name: str, path: str, options: list[str], **extra: Any) -> Any:  # noqa: ANN401
    return _sensor(
        key,
        name,
        _of_state(f"value_json.{path}"),
        device_class="enum",
        options=options,
        **extra,
    )


def device_config(
    topics: Topics,
    user: AnnouncedUser,
    *,
    sw_version: str,
) -> dict[str, Any]:
    """The device-discovery config of one user (a JSON object)."""
    dev_id = device_id(topics.collector_id, user.id)
    state = topics.state(user.id)
    measurement = topics.measurement(user.id)
    readiness = {"expire_after": READINESS_EXPIRE_AFTER_S}
    components: list[tuple[str, dict[str, Any]]] = [
        _numeric("readiness_score", "Readiness score", "readiness.score", None, **readiness),
        _enum("readiness_status", "Readiness", "readiness.status", _STATUS_OPTIONS, **readiness),
        _enum(
            "fatigue_type", "Fatigue type", "readiness.fatigue_type", _FATIGUE_OPTIONS, **readiness
        ),
        _sensor(
            "advice",
            "Advice",
            _of_state("(value_json.readiness.advice or '')[:255]"),
            json_attributes_topic=state,
            json_attributes_template=(
                "{{ {'reasons': value_json.readiness.reasons if value_json is defined"
                " else []} | tojson }}"
            ),
            **readiness,
        ),
        _numeric("rmssd", "RMSSD", "reading.rmssd_ms", "ms", suggested_display_precision=1),
        _numeric("ln_rmssd", "ln RMSSD", "reading.ln_rmssd", None, suggested_display_precision=2),
        _numeric("sdnn", "SDNN", "reading.sdnn_ms", "ms", suggested_display_precision=1),
        _numeric("pnn50", "pNN50", "reading.pnn50_pct", "%", suggested_display_precision=1),
        _numeric(
            "resting_hr",
            "Resting heart rate",
            "reading.resting_hr_bpm",
            "bpm",
            suggested_display_precision=0,
        ),
        _numeric(
            "breathing_rate",
            "Breathing rate",
            "reading.breathing_rate_per_min",
            "breaths/min",
            suggested_display_precision=1,
        ),
        (
            "possible_illness",
            {
                "platform": "binary_sensor",
                "name": "Possible illness",
                "value_template": _of_state("'ON' if value_json.readiness.illness else 'OFF'"),
                "json_attributes_topic": state,
                "json_attributes_template": (
                    "{{ {'illness': value_json.readiness.illness if value_json is defined"
                    " else none} | tojson }}"
                ),
                **readiness,
            },
        ),
        _numeric(
            "artifacts",
            "Artifacts",
            "reading.artifact_pct",
            "%",
            entity_category="diagnostic",
            suggested_display_precision=1,
        ),
        _enum(
            "quality",
            "Reading quality",
            "reading.quality",
            _QUALITY_OPTIONS,
            entity_category="diagnostic",
        ),
        _sensor(
            "readings_needed",
            "Readings until baseline",
            _of_state("value_json.readiness.readings_needed"),
            entity_category="diagnostic",
        ),
        _sensor(
            "measured_at",
            "Last reading",
            _of_state("value_json.reading.measured_at"),
            device_class="timestamp",
        ),
        _enum("measurement", "Measurement", "state", _MEASUREMENT_OPTIONS, state_topic=measurement),
        _numeric(
            "measurement_progress",
            "Measurement progress",
            "progress_pct",
            "%",
            state_topic=measurement,
        ),
        (
            "measure",
            {
                "platform": "button",
                "name": "Measure now",
                "command_topic": topics.command(user.id, "measure"),
                "payload_press": "{}",
                "icon": "mdi:heart-pulse",
            },
        ),
        (
            "recompute",
            {
                "platform": "button",
                "name": "Recompute readiness",
                "command_topic": topics.command(user.id, "recompute"),
                "payload_press": "{}",
                "entity_category": "config",
            },
        ),
    ]
    cmps = {key: {"unique_id": f"{dev_id}_{key}", **options} for key, options in components}
    return {
        "dev": {
            "identifiers": [dev_id],
            "name": f"HRV Readiness {user.name}",
            "manufacturer": "HRV Readiness",
            "model": "Morning HRV collector",
            "sw_version": sw_version,
        },
        "o": {"name": ORIGIN_NAME, "sw_version": sw_version},
        "availability_topic": topics.status,
        "payload_available": STATUS_ONLINE,
        "payload_not_available": STATUS_OFFLINE,
        "state_topic": state,
        "qos": 1,
        "cmps": cmps,
    }


def discovery_messages(
    topics: Topics,
    users: Sequence[AnnouncedUser],
    *,
    prefix: str,
    sw_version: str,
) -> list[OutgoingMessage]:
    """Retained device configs, one per user."""
    return [
        OutgoingMessage(
            discovery_config_topic(prefix, device_id(topics.collector_id, user.id)),
            json.dumps(device_config(topics, user, sw_version=sw_version)).encode(),
            qos=1,
            retain=True,
        )
        for user in users
    ]


def config_topics(topics: Topics, users: Sequence[AnnouncedUser], *, prefix: str) -> list[str]:
    """The discovery config topic of every user (what discovery-off listens on)."""
    return [discovery_config_topic(prefix, device_id(topics.collector_id, u.id)) for u in users]


def cleanup_message(topic: str, payload: bytes, *, known: Sequence[str]) -> OutgoingMessage | None:
    """The empty retained config that removes a config left on ``topic``, if one is there.

    ``known`` are :func:`config_topics`; an empty payload is already cleared (and is
    what our own clearing echoes back), so it needs nothing.
    """
    if topic not in known or not payload.strip():
        return None
    return OutgoingMessage(topic, b"", qos=1, retain=True)
