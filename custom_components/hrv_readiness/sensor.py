"""Sensors: readiness, HRV metrics, baseline, measurement, strap battery, collector seen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from homeassistant.components.sensor import (
    RestoreSensor,
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import PERCENTAGE, EntityCategory, UnitOfTime
from homeassistant.core import HomeAssistant, callback
from homeassistant.util.dt import utcnow

from .collector import HrvCollectorEntity
from .const import FATIGUE_TYPES, MEASUREMENT_STATES, READINESS_STATUSES
from .entity import HrvEntity, async_add_user_entities
from .runtime import HrvRuntime

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
    from homeassistant.helpers.typing import StateType

    from hrv_readiness.mqtt.payloads import (
        BaselinePayload,
        MeasurementPayload,
        OrthostaticPayload,
        ReadinessPayload,
        ReadingPayload,
    )

    from .hub import HrvConfigEntry, UserData

PARALLEL_UPDATES = 0

BEATS_PER_MINUTE = "bpm"
BREATHS_PER_MINUTE = "breaths/min"
READING_QUALITIES = ("good", "acceptable", "rejected")


def _reading(user: UserData) -> ReadingPayload | None:
    return None if user.state is None else user.state.reading


def _orthostatic(user: UserData) -> OrthostaticPayload | None:
    """The reading's orthostatic test, if it had one."""
    reading = _reading(user)
    return None if reading is None else reading.orthostatic


def _readiness(user: UserData) -> ReadinessPayload | None:
    return None if user.state is None else user.state.readiness


def _baseline(user: UserData) -> BaselinePayload | None:
    readiness = _readiness(user)
    return None if readiness is None else readiness.baseline


def _measurement(user: UserData) -> MeasurementPayload | None:
    return user.measurement


def _option(value: str | None, options: tuple[str, ...]) -> str | None:
    """An enum value the entity declares, or unknown (a newer collector may add some)."""
    return value if value in options else None


@dataclass(frozen=True, kw_only=True)
class HrvSensorDescription(SensorEntityDescription):
    """Describe an HRV Readiness sensor."""

    value_fn: Callable[[UserData], StateType | datetime]
    attributes_fn: Callable[[UserData], dict[str, Any] | None] = lambda _: None


def _reasons(user: UserData) -> dict[str, Any] | None:
    readiness = _readiness(user)
    if readiness is None:
        return None
    return {
        "reasons": [reason.text for reason in readiness.reasons],
        "reason_codes": [reason.code for reason in readiness.reasons],
        "advice": readiness.advice,
        "readings_needed": readiness.readings_needed,
        "watch": readiness.watch,
    }


SENSORS: tuple[HrvSensorDescription, ...] = (
    HrvSensorDescription(
        key="readiness_score",
        translation_key="readiness_score",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda u: None if (r := _readiness(u)) is None else r.score,
    ),
    HrvSensorDescription(
        key="readiness_status",
        translation_key="readiness_status",
        device_class=SensorDeviceClass.ENUM,
        options=list(READINESS_STATUSES),
        value_fn=lambda u: (
            None if (r := _readiness(u)) is None else _option(r.status, READINESS_STATUSES)
        ),
        attributes_fn=_reasons,
    ),
    HrvSensorDescription(
        key="fatigue_type",
        translation_key="fatigue_type",
        device_class=SensorDeviceClass.ENUM,
        options=list(FATIGUE_TYPES),
        value_fn=lambda u: (
            None if (r := _readiness(u)) is None else _option(r.fatigue_type, FATIGUE_TYPES)
        ),
    ),
    HrvSensorDescription(
        key="ln_rmssd",
        translation_key="ln_rmssd",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        value_fn=lambda u: None if (r := _reading(u)) is None else r.ln_rmssd,
    ),
    HrvSensorDescription(
        key="rmssd",
        translation_key="rmssd",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.MILLISECONDS,
        suggested_unit_of_measurement=UnitOfTime.MILLISECONDS,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda u: None if (r := _reading(u)) is None else r.rmssd_ms,
    ),
    HrvSensorDescription(
        key="resting_hr",
        translation_key="resting_hr",
        native_unit_of_measurement=BEATS_PER_MINUTE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda u: None if (r := _reading(u)) is None else r.resting_hr_bpm,
    ),
    HrvSensorDescription(
        key="breathing_rate",
        translation_key="breathing_rate",
        native_unit_of_measurement=BREATHS_PER_MINUTE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda u: None if (r := _reading(u)) is None else r.breathing_rate_per_min,
    ),
    HrvSensorDescription(
        key="orthostatic_hr_rise",
        translation_key="orthostatic_hr_rise",
        native_unit_of_measurement=BEATS_PER_MINUTE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda u: None if (t := _orthostatic(u)) is None else t.hr_rise_bpm,
    ),
    HrvSensorDescription(
        key="standing_ln_rmssd",
        translation_key="standing_ln_rmssd",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        value_fn=lambda u: None if (t := _orthostatic(u)) is None else t.standing_ln_rmssd,
    ),
    HrvSensorDescription(
        key="ln_rmssd_baseline",
        translation_key="ln_rmssd_baseline",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        value_fn=lambda u: None if (b := _baseline(u)) is None else b.ln_rmssd_7d_mean,
    ),
    HrvSensorDescription(
        key="ln_rmssd_cv",
        translation_key="ln_rmssd_cv",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda u: None if (b := _baseline(u)) is None else b.ln_rmssd_7d_cv_pct,
    ),
    HrvSensorDescription(
        key="ln_rmssd_normal_low",
        translation_key="ln_rmssd_normal_low",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        value_fn=lambda u: None if (b := _baseline(u)) is None else b.ln_rmssd_normal_low,
    ),
    HrvSensorDescription(
        key="ln_rmssd_normal_high",
        translation_key="ln_rmssd_normal_high",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        value_fn=lambda u: None if (b := _baseline(u)) is None else b.ln_rmssd_normal_high,
    ),
    HrvSensorDescription(
        key="ln_rmssd_swc_low",
        translation_key="ln_rmssd_swc_low",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        value_fn=lambda u: None if (b := _baseline(u)) is None else b.ln_rmssd_swc_low,
    ),
    HrvSensorDescription(
        key="ln_rmssd_swc_high",
        translation_key="ln_rmssd_swc_high",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        value_fn=lambda u: None if (b := _baseline(u)) is None else b.ln_rmssd_swc_high,
    ),
    HrvSensorDescription(
        key="resting_hr_baseline",
        translation_key="resting_hr_baseline",
        native_unit_of_measurement=BEATS_PER_MINUTE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda u: None if (b := _baseline(u)) is None else b.resting_hr_baseline_bpm,
    ),
    HrvSensorDescription(
        key="artifacts",
        translation_key="artifacts",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        suggested_display_precision=1,
        value_fn=lambda u: None if (r := _reading(u)) is None else r.artifact_pct,
    ),
    HrvSensorDescription(
        key="reading_quality",
        translation_key="reading_quality",
        device_class=SensorDeviceClass.ENUM,
        options=list(READING_QUALITIES),
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda u: (
            None if (r := _reading(u)) is None else _option(r.quality, READING_QUALITIES)
        ),
        attributes_fn=lambda u: (
            None if (r := _reading(u)) is None else {"reason": r.quality_reason}
        ),
    ),
    HrvSensorDescription(
        key="last_reading",
        translation_key="last_reading",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda u: None if (r := _reading(u)) is None else r.measured_at,
    ),
    HrvSensorDescription(
        key="measurement_state",
        translation_key="measurement_state",
        device_class=SensorDeviceClass.ENUM,
        options=list(MEASUREMENT_STATES),
        # No measurement message yet means none is under way: idle, not unknown.
        value_fn=lambda u: (
            "idle" if (m := _measurement(u)) is None else _option(m.state, MEASUREMENT_STATES)
        ),
        attributes_fn=lambda u: None if (m := _measurement(u)) is None else {"reason": m.reason},
    ),
    HrvSensorDescription(
        key="measurement_progress",
        translation_key="measurement_progress",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda u: 0 if (m := _measurement(u)) is None else m.progress_pct,
    ),
    HrvSensorDescription(
        key="strap_battery",
        translation_key="strap_battery",
        device_class=SensorDeviceClass.BATTERY,
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda u: (
            None if u.state is None or u.state.strap is None else u.state.strap.battery_pct
        ),
    ),
)

LAST_SEEN = SensorEntityDescription(
    key="last_seen",
    translation_key="collector_last_seen",
    device_class=SensorDeviceClass.TIMESTAMP,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: HrvConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors of every user, now and whenever a user appears."""
    runtime = entry.runtime_data
    if isinstance(runtime, HrvRuntime):  # a strap entry has no collector device
        async_add_entities([HrvCollectorLastSeen(runtime, LAST_SEEN)])

    async_add_user_entities(
        hass,
        entry,
        async_add_entities,
        lambda hub, user_id: (HrvSensor(hub, user_id, description) for description in SENSORS),
    )


class HrvSensor(HrvEntity, SensorEntity):
    """One value of one user's morning reading."""

    entity_description: HrvSensorDescription

    @property
    def native_value(self) -> StateType | datetime:
        user = self.user
        return None if user is None else self.entity_description.value_fn(user)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        user = self.user
        return None if user is None else self.entity_description.attributes_fn(user)


class HrvCollectorLastSeen(HrvCollectorEntity, RestoreSensor):
    """When the collector was last heard from while online (kept across restarts)."""

    _attr_native_value: datetime | None = None

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        last = await self.async_get_last_sensor_data()
        if last is not None and isinstance(last.native_value, datetime):
            self._attr_native_value = last.native_value
        self._seen()

    @callback
    def _handle_update(self) -> None:
        self._seen()
        super()._handle_update()

    @callback
    def _seen(self) -> None:
        if self._runtime.available:
            self._attr_native_value = utcnow()
