"""Constants of the HRV Readiness integration (MQTT contract v1, docs/mqtt.md)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Final, get_args

from hrv_readiness.mqtt.payloads import FatigueType, MeasurementState, ReadinessStatus, SessionType

DOMAIN: Final = "hrv_readiness"
LOGGER = logging.getLogger(__package__)

CONF_COLLECTOR_ID: Final = "collector_id"
CONF_BASE_TOPIC: Final = "base_topic"
DEFAULT_BASE_TOPIC: Final = "hrv_readiness"


#: Collector ids and user ids use this alphabet (docs/mqtt.md, "Topics").
ID_PATTERN: Final = r"^[a-z0-9_]+$"

#: The announce topic that starts a config flow (also the manifest's ``mqtt`` key).
DISCOVERY_TOPIC: Final = f"{DEFAULT_BASE_TOPIC}/+/announce"

STATUS_ONLINE: Final = "online"
STATUS_OFFLINE: Final = "offline"

COMMAND_MEASURE: Final = "measure"
COMMAND_WELLNESS: Final = "wellness"
COMMAND_TRAINING: Final = "training"
COMMAND_RECOMPUTE: Final = "recompute"
COMMAND_DELETE: Final = "delete"
COMMAND_UNDO: Final = "undo"
COMMAND_RENAME: Final = "rename"
COMMAND_REMOVE: Final = "remove"

#: Fired on the event bus for every new reading and for the device triggers.
EVENT_READING: Final = f"{DOMAIN}_event"
TRIGGER_NEW_READING: Final = "new_reading"
TRIGGER_READINESS_LOW: Final = "readiness_low"
TRIGGER_FATIGUE_TYPE_CHANGED: Final = "fatigue_type_changed"
#: A new reading whose verdict flags illness, reported or possible (docs/model.md rule 13).
TRIGGER_POSSIBLE_ILLNESS: Final = "possible_illness"
#: The cue of an orthostatic test: the person should stand up now (docs/model.md).
TRIGGER_STAND_UP: Final = "stand_up"
TRIGGER_TYPES: Final = (
    TRIGGER_NEW_READING,
    TRIGGER_READINESS_LOW,
    TRIGGER_FATIGUE_TYPE_CHANGED,
    TRIGGER_POSSIBLE_ILLNESS,
    TRIGGER_STAND_UP,
)
#: Collector events (measurement started/completed/rejected, command answers) re-fired as is.
EVENT_COLLECTOR: Final = f"{DOMAIN}_collector_event"

#: The contract's enumerations, from the library's one definition (docs/mqtt.md).
READINESS_STATUSES: Final = get_args(ReadinessStatus)
#: Statuses that mean "recovery is low today" (binary sensor, device trigger).
LOW_RECOVERY_STATUSES: Final = frozenset({"caution", "rest"})
FATIGUE_TYPES: Final = get_args(FatigueType)
MEASUREMENT_STATES: Final = get_args(MeasurementState)
SESSION_TYPES: Final = get_args(SessionType)

#: Repair issue: the collector has been offline this long.
OFFLINE_ISSUE_AFTER: Final = timedelta(hours=6)
#: Repair issue: no morning reading for this long.
NO_READING_ISSUE_AFTER: Final = timedelta(days=3)
#: How often the "no reading" check runs besides on every state message.
STALE_CHECK_INTERVAL: Final = timedelta(hours=1)
#: How long user messages wait for the collector's announce, so devices (and entity
#: ids) get the announced names whatever order the broker replays retained topics in.
ANNOUNCE_GRACE: Final = timedelta(seconds=10)
#: How long the manual config step waits for the collector's retained announce.
ANNOUNCE_TIMEOUT_S: Final = 5.0

BLUEPRINT_FILE: Final = "poor_recovery_dim_lights.yaml"

# --- a strap measured through Home Assistant's own Bluetooth ----------------------------

CONF_ADDRESS: Final = "address"
CONF_STRAP_NAME: Final = "strap_name"
CONF_USER_ID: Final = "user_id"
CONF_USER_NAME: Final = "name"
CONF_PERSON: Final = "person"
CONF_WINDOW_START: Final = "window_start"
CONF_WINDOW_END: Final = "window_end"
CONF_DURATION: Final = "duration_s"
#: Readiness thresholds a person may tune for a strap entry (options flow); each is the
#: ReadinessSettings field of that name (docs/model.md), its default the model's.
TUNABLE_THRESHOLDS: Final = (
    "score_caution_below",
    "score_rest_below",
    "soreness_high",
    "min_history_readings",
)
DEFAULT_WINDOW_START: Final = "05:00:00"
DEFAULT_WINDOW_END: Final = "10:00:00"
DEFAULT_DURATION_S: Final = 120

#: GATT Heart Rate service; Polar's Bluetooth SIG company id (straps that do not list
#: the service in their advertisement are matched by it or by their name).
HEART_RATE_SERVICE_UUID: Final = "0000180d-0000-1000-8000-00805f9b34fb"
POLAR_MANUFACTURER_ID: Final = 107
#: The history database of every strap entry, in Home Assistant's config directory
#: (the collector's format: `hrv-collector export --db <path>` reads it).
STORE_FILE: Final = "hrv_readiness.sqlite3"
MORNING_BRIEF_FILE: Final = "morning_brief.yaml"
#: Says "stand up now" at the cue of an orthostatic test (event type TRIGGER_STAND_UP).
STAND_UP_FILE: Final = "orthostatic_stand_up.yaml"
#: The automation blueprints offered in the user's blueprints folder.
BLUEPRINT_FILES: Final = (BLUEPRINT_FILE, MORNING_BRIEF_FILE, STAND_UP_FILE)
