"""Shared helpers of the integration tests: payloads from docs/mqtt.md and a fake collector."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from typing import TYPE_CHECKING, Any, Self

import aiomqtt
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.hrv_readiness.const import CONF_BASE_TOPIC, CONF_COLLECTOR_ID, DOMAIN
from custom_components.hrv_readiness.devices import entry_device

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers import device_registry as dr
    from support.mosquitto import MosquittoBroker

COLLECTOR_ID = "pi_kitchen"
BASE_TOPIC = "hrv_readiness"
PREFIX = f"{BASE_TOPIC}/{COLLECTOR_ID}"
WAIT_TIMEOUT_S = 15.0
#: The collector device's connectivity entity (named after the config entry).
CONNECTIVITY = f"binary_sensor.hrv_readiness_{COLLECTOR_ID}_connection"
LAST_SEEN = f"sensor.hrv_readiness_{COLLECTOR_ID}_last_seen"


def find_device(hass: HomeAssistant, key: str) -> dr.DeviceEntry | None:
    """The integration's device with identifier ``(DOMAIN, key)``, in any of its entries.

    ``async_get_device(identifiers=...)`` is deprecated since Home Assistant 2026.9 (an
    identifier is unique only within one config entry).
    """
    for entry in hass.config_entries.async_entries(DOMAIN):
        if (device := entry_device(hass, entry.entry_id, (DOMAIN, key))) is not None:
            return device
    return None


def remove_device_message(entry_id: str, device_id: str) -> dict[str, Any]:
    """The websocket command that removes a device from the device page.

    ``config/device_registry/remove`` since Home Assistant 2026.9 (a device has one
    config entry); ``remove_config_entry`` before, deprecated since.
    """
    from homeassistant.const import MAJOR_VERSION, MINOR_VERSION  # noqa: PLC0415

    if (MAJOR_VERSION, MINOR_VERSION) >= (2026, 9):
        return {"type": "config/device_registry/remove", "device_id": device_id}
    return {
        "type": "config/device_registry/remove_config_entry",
        "config_entry_id": entry_id,
        "device_id": device_id,
    }


ANNOUNCE: dict[str, Any] = {
    "schema_version": 1,
    "collector_id": COLLECTOR_ID,
    "name": "HRV Readiness (pi_kitchen)",
    "sw_version": "0.1.0",
    "users": [{"id": "alice", "name": "Alice"}],
    "discovery": False,
}


def state_payload(
    user: str = "alice",
    *,
    score: int | None = 72,
    status: str = "ready",
    fatigue_type: str = "recovered",
    measured_at: str = "2026-11-22T06:41:03+00:00",
    ln_rmssd: float | None = 4.129,
    rmssd_ms: float | None = 62.1,
    resting_hr_bpm: float | None = 55.3,
    battery_pct: int | None = 80,
    breathing_rate_per_min: float | None = 14.2,
    illness: str | None = None,
) -> dict[str, Any]:
    """A state message exactly as docs/mqtt.md documents it."""
    return {
        "schema_version": 1,
        "collector_id": COLLECTOR_ID,
        "user": user,
        "published_at": "2026-11-22T06:43:10+00:00",
        "reading": {
            "measured_at": measured_at,
            "date": measured_at[:10],
            "duration_s": 120.4,
            "beats": 118,
            "rmssd_ms": rmssd_ms,
            "ln_rmssd": ln_rmssd,
            "sdnn_ms": 71.0,
            "pnn50_pct": 38.5,
            "resting_hr_bpm": resting_hr_bpm,
            "artifact_pct": 0.8,
            "quality": "good",
            "quality_reason": None,
            "breathing_rate_per_min": breathing_rate_per_min,
            "breathing_quality": "good" if breathing_rate_per_min is not None else None,
        },
        "readiness": {
            "status": status,
            "score": score,
            "fatigue_type": fatigue_type,
            "watch": None,
            "illness": illness,
            "reasons": [{"code": "hrv_within_swc", "text": "lnRMSSD is within your usual band."}],
            "advice": "Train as planned.",
            "readings_needed": 0,
            "baseline": {
                "ln_rmssd_7d_mean": 4.05,
                "ln_rmssd_normal_low": 3.8,
                "ln_rmssd_normal_high": 4.4,
                "ln_rmssd_swc_low": 3.98,
                "ln_rmssd_swc_high": 4.12,
                "ln_rmssd_7d_cv_pct": 4.2,
                "resting_hr_baseline_bpm": 56.0,
                "resting_hr_normal_low_bpm": 52.0,
                "resting_hr_normal_high_bpm": 60.0,
            },
        },
        "strap": {
            "name": "Polar H10 ABCD1234",
            "address": "A0:9E:1A:12:34:56",
            "battery_pct": battery_pct,
        },
    }


async def wait_for(
    hass: HomeAssistant, predicate: Callable[[], object], *, timeout_s: float = WAIT_TIMEOUT_S
) -> None:
    """Let the loop run until ``predicate()`` is truthy (bounded, generous timeout)."""
    async with asyncio.timeout(timeout_s):
        while True:
            await hass.async_block_till_done()
            if predicate():
                return
            await asyncio.sleep(0.02)


class FakeCollector:
    """The collector's side of the broker, typed from docs/mqtt.md.

    Connects with the collector's Last Will (``offline``, retained) and records every
    command Home Assistant sends.
    """

    def __init__(self, broker: MosquittoBroker, *, prefix: str = PREFIX) -> None:
        self.prefix = prefix
        self.commands: list[tuple[str, dict[str, Any]]] = []
        self._client = aiomqtt.Client(
            broker.host,
            broker.port,
            identifier=f"fake-collector-{id(self)}",
            will=aiomqtt.Will(f"{prefix}/status", "offline", qos=1, retain=True),
        )
        self._reader: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Self:
        await self._client.__aenter__()
        await self._client.subscribe(f"{self.prefix}/+/command/+", qos=1)
        self._reader = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._reader is not None:
            self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)
        await self._client.__aexit__(None, None, None)

    async def close_quietly(self) -> None:
        """Leave before the broker goes away (a dead link cannot be closed cleanly)."""
        await self.__aexit__(None, None, None)

    async def _read(self) -> None:
        async for message in self._client.messages:
            payload = message.payload
            assert isinstance(payload, bytes)
            self.commands.append((str(message.topic), json.loads(payload)))

    async def publish(self, suffix: str, payload: object, *, retain: bool = True) -> None:
        body = payload if isinstance(payload, str | bytes) else json.dumps(payload)
        await self._client.publish(f"{self.prefix}/{suffix}", body, qos=1, retain=retain)

    async def online(self) -> None:
        await self.publish("status", "online")

    async def announce(self, announce: dict[str, Any] | None = None) -> None:
        await self.publish("announce", announce or ANNOUNCE)

    async def state(self, payload: dict[str, Any] | None = None, *, retain: bool = True) -> None:
        payload = payload or state_payload()
        await self.publish(f"{payload['user']}/state", payload, retain=retain)


#: A collector process reduced to its MQTT session: connects with the Last Will,
#: says online, then waits to be killed.
_COLLECTOR_PROCESS = """
import sys, time
import paho.mqtt.client as mqtt
host, port, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="collector-process")
client.will_set(prefix + "/status", "offline", qos=1, retain=True)
client.connect(host, port, keepalive=60)
client.loop_start()
client.publish(prefix + "/status", "online", qos=1, retain=True).wait_for_publish(10)
print("ready", flush=True)
time.sleep(600)
"""


class CollectorProcess:
    """A separate process holding the collector's MQTT session, to be killed (a crash)."""

    def __init__(self, broker: MosquittoBroker, *, prefix: str = PREFIX) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-c", _COLLECTOR_PROCESS, broker.host, str(broker.port), prefix],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        assert self._process.stdout.readline().strip() == "ready"

    def kill(self) -> None:
        """SIGKILL: no DISCONNECT is sent, so the broker publishes the Last Will."""
        self._process.kill()
        self._process.wait(timeout=10)
        assert self._process.stdout is not None
        self._process.stdout.close()


def hrv_entry(*, collector_id: str = COLLECTOR_ID, base_topic: str = BASE_TOPIC) -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN,
        title=f"HRV Readiness ({collector_id})",
        unique_id=collector_id,
        data={CONF_COLLECTOR_ID: collector_id, CONF_BASE_TOPIC: base_topic},
    )


def state_of(hass: HomeAssistant, entity_id: str) -> str | None:
    state = hass.states.get(entity_id)
    return None if state is None else state.state


def history_payload(
    user: str = "alice", *, mornings: int = 60, last: str = "2026-11-22T06:41:03+00:00"
) -> dict[str, Any]:
    """A ``history`` message (contract v1.2): ``mornings`` daily points ending at ``last``."""
    from datetime import datetime, timedelta  # noqa: PLC0415 - only this helper needs them

    end = datetime.fromisoformat(last)
    points = []
    for index in range(mornings):
        at = end - timedelta(days=mornings - 1 - index, minutes=index % 7)
        ln = round(4.0 + 0.2 * ((index * 37) % 11 - 5) / 5, 3)
        baseline = index >= 14
        points.append(
            {
                "date": at.date().isoformat(),
                "measured_at": at.isoformat(),
                "ln_rmssd": ln,
                "rmssd_ms": round(2.718281828**ln, 2),
                "resting_hr_bpm": 55.0 + index % 5,
                "score": 60 + index % 40 if baseline else None,
                "status": "ready" if baseline else "building_baseline",
                "fatigue_type": "recovered" if baseline else "unknown",
                "ln_rmssd_7d_mean": 4.0 if index >= 3 else None,
                "ln_rmssd_normal_low": 3.7 if baseline else None,
                "ln_rmssd_normal_high": 4.3 if baseline else None,
                "ln_rmssd_swc_low": 3.95 if baseline else None,
                "ln_rmssd_swc_high": 4.05 if baseline else None,
                # v1.4: no breathing rate on every fifth morning (not estimated).
                "breathing_rate_per_min": None if index % 5 == 2 else 14.0 + index % 3 / 2,
                # v1.6: an orthostatic test on alternate mornings (and on the last one).
                "orthostatic_hr_rise_bpm": (
                    None if (mornings - 1 - index) % 2 else 25.0 + index % 4
                ),
                "standing_ln_rmssd": None if (mornings - 1 - index) % 2 else 3.3,
            }
        )
    return {
        "schema_version": 1,
        "collector_id": COLLECTOR_ID,
        "user": user,
        "published_at": "2026-11-22T06:43:10+00:00",
        "days": 90,
        "points": points,
    }
