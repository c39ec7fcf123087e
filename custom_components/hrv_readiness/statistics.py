"""The collector's history in Home Assistant's long-term statistics, with real dates.

The collector publishes each user's last mornings, retained, on
``<base>/<collector>/<user>/history`` (contract v1.2): on every start and with every
state (after a reading and after every change to the history). A strap entry imports
its own history file through :func:`async_import_history` likewise
(:mod:`.strap_hub`). Each point becomes one hourly row (the hour the reading
was taken) of external statistics ``hrv_readiness:<collector>_<user>_<key>``: lnRMSSD,
its 7-day mean, the edges of the normal range and of the SWC band, resting heart rate,
breathing rate (contract v1.4), the orthostatic HR rise and standing lnRMSSD of the
mornings with an orthostatic test (v1.6) and the readiness score. The recorder keeps one row per
statistic and hour, so importing the same history again (a restart replays the
retained topic) updates rows instead of adding them; an identical payload is not
imported twice at all.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from homeassistant.components import mqtt
from homeassistant.components.recorder.models import (
    StatisticData,
    StatisticMeanType,
    StatisticMetaData,
)
from homeassistant.components.recorder.statistics import async_add_external_statistics
from homeassistant.const import PERCENTAGE
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect

from hrv_readiness.mqtt.consume import parse_history

from .const import DOMAIN, LOGGER
from .hub import signal_user_added
from .runtime import parsed

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from homeassistant.components.mqtt import ReceiveMessage

    from hrv_readiness.mqtt.payloads import HistoryPayload, HistoryPointPayload

    from .runtime import HrvRuntime

BEATS_PER_MINUTE = "bpm"
BREATHS_PER_MINUTE = "breaths/min"

#: Home Assistant 2025.11+ wants statistics metadata to say its ``unit_class``
#: (leaving it out is deprecated); older releases reject the key.
UNIT_CLASS_IN_METADATA = "unit_class" in (
    StatisticMetaData.__required_keys__ | StatisticMetaData.__optional_keys__
)


@dataclass(frozen=True, kw_only=True)
class HrvStatisticDescription:
    """One long-term statistic fed from the history."""

    key: str
    name: str
    unit: str | None
    value_fn: Callable[[HistoryPointPayload], float | None]


STATISTICS: tuple[HrvStatisticDescription, ...] = (
    HrvStatisticDescription(
        key="ln_rmssd", name="lnRMSSD", unit=None, value_fn=lambda p: p.ln_rmssd
    ),
    HrvStatisticDescription(
        key="ln_rmssd_7d_mean",
        name="lnRMSSD 7-day mean",
        unit=None,
        value_fn=lambda p: p.ln_rmssd_7d_mean,
    ),
    HrvStatisticDescription(
        key="ln_rmssd_normal_low",
        name="lnRMSSD normal range low",
        unit=None,
        value_fn=lambda p: p.ln_rmssd_normal_low,
    ),
    HrvStatisticDescription(
        key="ln_rmssd_normal_high",
        name="lnRMSSD normal range high",
        unit=None,
        value_fn=lambda p: p.ln_rmssd_normal_high,
    ),
    HrvStatisticDescription(
        key="ln_rmssd_swc_low",
        name="lnRMSSD SWC band low",
        unit=None,
        value_fn=lambda p: p.ln_rmssd_swc_low,
    ),
    HrvStatisticDescription(
        key="ln_rmssd_swc_high",
        name="lnRMSSD SWC band high",
        unit=None,
        value_fn=lambda p: p.ln_rmssd_swc_high,
    ),
    HrvStatisticDescription(
        key="resting_hr",
        name="Resting heart rate",
        unit=BEATS_PER_MINUTE,
        value_fn=lambda p: p.resting_hr_bpm,
    ),
    HrvStatisticDescription(
        key="breathing_rate",
        name="Breathing rate",
        unit=BREATHS_PER_MINUTE,
        value_fn=lambda p: p.breathing_rate_per_min,
    ),
    HrvStatisticDescription(
        key="orthostatic_hr_rise",
        name="Orthostatic HR rise",
        unit=BEATS_PER_MINUTE,
        value_fn=lambda p: p.orthostatic_hr_rise_bpm,
    ),
    HrvStatisticDescription(
        key="standing_ln_rmssd",
        name="Standing lnRMSSD",
        unit=None,
        value_fn=lambda p: p.standing_ln_rmssd,
    ),
    HrvStatisticDescription(
        key="readiness_score",
        name="Readiness score",
        unit=PERCENTAGE,
        value_fn=lambda p: None if p.score is None else float(p.score),
    ),
)


def statistic_id(collector_id: str, user_id: str, key: str) -> str:
    """``hrv_readiness:<collector>_<user>_<key>`` in the recorder's alphabet."""
    object_id = re.sub(r"_+", "_", f"{collector_id}_{user_id}_{key}").strip("_")
    return f"{DOMAIN}:{object_id}"


def hour_of(moment: datetime) -> datetime:
    """The start of the hour ``moment`` falls in (the recorder's row start)."""
    return moment.replace(minute=0, second=0, microsecond=0)


def statistic_rows(
    history: HistoryPayload, value_fn: Callable[[HistoryPointPayload], float | None]
) -> list[StatisticData]:
    """One row per point that has a value, at the hour of its reading, oldest first."""
    rows: dict[datetime, StatisticData] = {}
    for point in history.points:
        value = value_fn(point)
        if value is None:
            continue
        start = hour_of(point.measured_at)
        rows[start] = StatisticData(start=start, mean=value, min=value, max=value)
    return [rows[start] for start in sorted(rows)]


@callback
def async_import_history(hass: HomeAssistant, history: HistoryPayload, user_name: str) -> int:
    """Queue the import of every statistic of ``history``; returns the rows queued."""
    queued = 0
    for description in STATISTICS:
        rows = statistic_rows(history, description.value_fn)
        if not rows:
            continue
        fields: dict[str, Any] = {
            "mean_type": StatisticMeanType.ARITHMETIC,
            "has_sum": False,
            "name": f"{user_name} {description.name}",
            "source": DOMAIN,
            "statistic_id": statistic_id(history.collector_id, history.user, description.key),
            "unit_of_measurement": description.unit,
        }
        if UNIT_CLASS_IN_METADATA:
            fields["unit_class"] = None  # no unit conversion for these values
        async_add_external_statistics(hass, cast("StatisticMetaData", fields), rows)
        queued += len(rows)
    return queued


class HistoryImporter:
    """Imports each user's retained history once the user (and its name) is known."""

    def __init__(self, runtime: HrvRuntime) -> None:
        self._runtime = runtime
        self._pending: dict[str, HistoryPayload] = {}
        self._imported: dict[str, str] = {}
        #: Rows queued per user by the last import (diagnostics).
        self.rows: dict[str, int] = {}

    async def async_start(self) -> None:
        """Subscribe to every user's history; the subscription ends with the entry."""
        runtime = self._runtime
        entry = runtime.entry
        entry.async_on_unload(
            async_dispatcher_connect(runtime.hass, signal_user_added(entry.entry_id), self._on_user)
        )
        entry.async_on_unload(
            await mqtt.async_subscribe(
                runtime.hass, f"{runtime.topic_prefix}/+/history", self._on_history, qos=1
            )
        )

    @callback
    def _on_history(self, msg: ReceiveMessage) -> None:
        if not msg.payload:
            return
        runtime = self._runtime
        user_id = runtime.user_from_topic(msg.topic)
        payload = msg.payload if isinstance(msg.payload, bytes) else str(msg.payload).encode()
        digest = hashlib.sha256(payload).hexdigest()
        if self._imported.get(user_id) == digest:
            return  # the same retained history again (a broker reconnect)
        if (history := parsed(parse_history, "history", msg.topic, payload)) is None:
            return
        if not runtime.is_about(user_id, "history", msg.topic, history):
            return
        self._imported[user_id] = digest
        self._pending[user_id] = history
        if user_id in runtime.users:
            self._import(user_id)

    @callback
    def _on_user(self, user_id: str) -> None:
        if user_id in self._pending:
            self._import(user_id)

    @callback
    def _import(self, user_id: str) -> None:
        history = self._pending.pop(user_id)
        hass = self._runtime.hass
        if "recorder" not in hass.config.components:
            LOGGER.debug("No recorder: history of %s not imported", user_id)
            return
        user = self._runtime.users[user_id]
        self.rows[user_id] = async_import_history(hass, history, user.name)
        first = history.points[0].date if history.points else None
        # A summary for diagnostics (the points themselves are in the statistics).
        user.raw["history"] = {
            "points": len(history.points),
            "first": None if first is None else first.isoformat(),
            "last": history.points[-1].date.isoformat() if history.points else None,
            "rows_queued": self.rows[user_id],
        }
        LOGGER.debug(
            "Importing %d mornings of %s (from %s) into long-term statistics",
            len(history.points),
            user_id,
            first,
        )
