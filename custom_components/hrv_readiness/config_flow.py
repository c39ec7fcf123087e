"""Config flow: a collector (MQTT) or a strap Home Assistant's Bluetooth discovered.

* Collector: found by its retained announce, or typed in by hand. One entry per
  collector (unique id: the collector id). The manual and reconfigure steps prove the
  collector exists by waiting for its retained announce before they change anything.
* Strap: a "discovered" card from Home Assistant's Bluetooth (manifest ``bluetooth``
  matchers) -> confirm -> who wears it (a name, optionally an HA person) and the
  morning window; or, when no card came, added by hand: pick the strap from the
  devices Home Assistant's Bluetooth sees -> who wears it. One entry per strap and
  person (unique id: ``<address>_<user>``).
"""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING, Any

from homeassistant.components import bluetooth, mqtt
from homeassistant.config_entries import ConfigEntry, ConfigFlow, ConfigFlowResult, OptionsFlow
from homeassistant.core import callback
from homeassistant.helpers import selector
from homeassistant.util import slugify

from hrv_readiness.mqtt.consume import PayloadError, parse_announce
from hrv_readiness.readiness import ReadinessSettings

from .const import (
    ANNOUNCE_TIMEOUT_S,
    CONF_ADDRESS,
    CONF_BASE_TOPIC,
    CONF_COLLECTOR_ID,
    CONF_DURATION,
    CONF_PERSON,
    CONF_STRAP_NAME,
    CONF_USER_ID,
    CONF_USER_NAME,
    CONF_WINDOW_END,
    CONF_WINDOW_START,
    DEFAULT_BASE_TOPIC,
    DEFAULT_DURATION_S,
    DEFAULT_WINDOW_END,
    DEFAULT_WINDOW_START,
    DOMAIN,
    ID_PATTERN,
    LOGGER,
    TUNABLE_THRESHOLDS,
)
from .validation import vol

if TYPE_CHECKING:
    from homeassistant.components.bluetooth import BluetoothServiceInfoBleak
    from homeassistant.helpers.service_info.mqtt import MqttServiceInfo

    from hrv_readiness.mqtt.payloads import AnnouncePayload

_ID_RE = re.compile(ID_PATTERN)
HEART_RATE_SERVICE_UUID = "0000180d-0000-1000-8000-00805f9b34fb"
POLAR_COMPANY_ID = 107


class AnnounceLookupError(Exception):
    """The collector's announce could not be read; ``code`` is the form error key."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def valid_base_topic(topic: str) -> bool:
    """A publishable topic prefix: not empty, no wildcards, no empty levels."""
    return bool(topic) and not any(c in topic for c in "+#\0") and "" not in topic.split("/")


def is_heart_rate_strap(info: BluetoothServiceInfoBleak) -> bool:
    """Advertises the Heart Rate Service or Polar's company id (an H10 may omit 0x180D)."""
    return HEART_RATE_SERVICE_UUID in info.service_uuids or POLAR_COMPANY_ID in (
        info.manufacturer_data
    )


def strap_label(info: BluetoothServiceInfoBleak) -> str:
    """``Polar H10 AAAA (A0:9E:...)``, marked when it advertises heart rate."""
    name = info.name if info.name and info.name != info.address else "unnamed device"
    kind = ", heart rate" if is_heart_rate_strap(info) else ""
    return f"{name} ({info.address}{kind}, {info.rssi} dBm)"


def strap_sort_key(info: BluetoothServiceInfoBleak) -> tuple[bool, int, str]:
    """Heart-rate straps first, then the strongest signal."""
    return (not is_heart_rate_strap(info), -info.rssi, info.address)


async def async_read_announce(
    flow: ConfigFlow, base_topic: str, collector_id: str
) -> AnnouncePayload:
    """Wait for the collector's retained announce; raise :class:`AnnounceLookupError`."""
    hass = flow.hass
    if not await mqtt.async_wait_for_mqtt_client(hass):
        raise AnnounceLookupError("mqtt_unavailable")
    received: asyncio.Future[str | bytes | bytearray] = hass.loop.create_future()

    @callback
    def on_message(msg: mqtt.ReceiveMessage) -> None:
        if msg.payload and not received.done():
            received.set_result(msg.payload)

    unsubscribe = await mqtt.async_subscribe(
        hass, f"{base_topic}/{collector_id}/announce", on_message, qos=1
    )
    try:
        async with asyncio.timeout(ANNOUNCE_TIMEOUT_S):
            payload = await received
    except TimeoutError as err:
        raise AnnounceLookupError("no_announce") from err
    finally:
        unsubscribe()
    try:
        announce = parse_announce(payload)
    except PayloadError as err:
        LOGGER.warning("Collector %s sent an invalid announce: %s", collector_id, err)
        raise AnnounceLookupError("invalid_announce") from err
    if announce.collector_id != collector_id:
        raise AnnounceLookupError("invalid_announce")
    return announce


class HrvReadinessConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set up one HRV Readiness collector."""

    VERSION = 1

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> StrapOptionsFlow:
        """A strap entry's measurement length and readiness thresholds."""
        del config_entry
        return StrapOptionsFlow()

    @classmethod
    @callback
    def async_supports_options_flow(cls, config_entry: ConfigEntry) -> bool:
        """Only a strap entry: a collector's settings are in its own config file."""
        return CONF_ADDRESS in config_entry.data

    def __init__(self) -> None:
        self._announce: AnnouncePayload | None = None
        self._base_topic = DEFAULT_BASE_TOPIC
        self._strap: BluetoothServiceInfoBleak | None = None

    # --- a strap, discovered by Home Assistant's Bluetooth ----------------------------

    async def async_step_bluetooth(
        self, discovery_info: BluetoothServiceInfoBleak
    ) -> ConfigFlowResult:
        """A heart-rate strap advertises near an adapter or proxy."""
        address = discovery_info.address
        # One discovery flow per strap; a strap already measured for someone is known.
        await self.async_set_unique_id(address)
        if any(entry.data.get(CONF_ADDRESS) == address for entry in self._async_current_entries()):
            return self.async_abort(reason="already_configured")
        self._strap = discovery_info
        self.context["title_placeholders"] = {"name": self._strap_name}
        return await self.async_step_bluetooth_confirm()

    @property
    def _strap_name(self) -> str:
        assert self._strap is not None  # noqa: S101 - set by async_step_bluetooth
        return self._strap.name or self._strap.address

    async def async_step_bluetooth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask before measuring with a discovered strap."""
        if user_input is not None:
            return await self.async_step_wearer()
        return self.async_show_form(
            step_id="bluetooth_confirm",
            description_placeholders={"name": self._strap_name},
        )

    async def async_step_wearer(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Who wears the strap, and when they measure in the morning."""
        assert self._strap is not None  # noqa: S101 - set by async_step_bluetooth
        errors: dict[str, str] = {}
        if user_input is not None:
            name = user_input[CONF_USER_NAME].strip()
            user_id = slugify(name)
            # slugify() turns a name without letters or digits into "unknown".
            if not any(c.isalnum() for c in name) or not _ID_RE.match(user_id):
                errors[CONF_USER_NAME] = "invalid_name"
            elif user_input[CONF_WINDOW_START] == user_input[CONF_WINDOW_END]:
                errors[CONF_WINDOW_END] = "empty_window"
            else:
                address = self._strap.address
                await self.async_set_unique_id(f"{address}_{user_id}", raise_on_progress=False)
                self._abort_if_unique_id_configured()
                data = {
                    CONF_ADDRESS: address,
                    CONF_STRAP_NAME: self._strap_name,
                    CONF_USER_ID: user_id,
                    CONF_USER_NAME: name,
                    CONF_WINDOW_START: user_input[CONF_WINDOW_START],
                    CONF_WINDOW_END: user_input[CONF_WINDOW_END],
                }
                if person := user_input.get(CONF_PERSON):
                    data[CONF_PERSON] = person
                return self.async_create_entry(title=f"{name} ({self._strap_name})", data=data)
        schema = vol.Schema(
            {
                vol.Required(CONF_USER_NAME): selector.TextSelector(),
                vol.Optional(CONF_PERSON): selector.EntitySelector(
                    selector.EntitySelectorConfig(domain="person")
                ),
                vol.Required(CONF_WINDOW_START, default=DEFAULT_WINDOW_START): (
                    selector.TimeSelector()
                ),
                vol.Required(CONF_WINDOW_END, default=DEFAULT_WINDOW_END): (
                    selector.TimeSelector()
                ),
            }
        )
        return self.async_show_form(
            step_id="wearer",
            data_schema=self.add_suggested_values_to_schema(schema, user_input),
            description_placeholders={"name": self._strap_name},
            errors=errors,
        )

    async def async_step_strap(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Pick a strap from what Home Assistant's Bluetooth sees, when no card came.

        Adapters and proxies scan passively by default (AUTO, since HA 2026.6): a strap
        whose name or heart-rate service is only in its scan response never matches the
        manifest, so discovery never fires. Every connectable device in range is offered
        here, heart-rate ones first; once configured, the strap's address is scanned
        actively (see ``strap_source``).
        """
        seen = {
            info.address: info
            for info in bluetooth.async_discovered_service_info(self.hass, connectable=True)
        }
        errors: dict[str, str] = {}
        if user_input is not None:
            info = seen.get(user_input[CONF_ADDRESS])
            if info is None:
                errors[CONF_ADDRESS] = "strap_gone"
            else:
                self._strap = info
                return await self.async_step_wearer()
        if not seen:
            return self.async_abort(reason="no_bluetooth_devices")
        options = [
            selector.SelectOptionDict(value=info.address, label=strap_label(info))
            for info in sorted(seen.values(), key=strap_sort_key)
        ]
        return self.async_show_form(
            step_id="strap",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_ADDRESS): selector.SelectSelector(
                        selector.SelectSelectorConfig(options=options)
                    )
                }
            ),
            errors=errors,
        )

    # --- a collector, over MQTT -------------------------------------------------------

    async def async_step_mqtt(self, discovery_info: MqttServiceInfo) -> ConfigFlowResult:
        """A collector announced itself on ``<base>/<collector>/announce``."""
        levels = discovery_info.topic.split("/")
        if len(levels) < 3 or levels[-1] != "announce" or not discovery_info.payload:  # noqa: PLR2004 - base/id/announce
            return self.async_abort(reason="invalid_discovery_info")
        try:
            announce = parse_announce(discovery_info.payload)
        except PayloadError:
            return self.async_abort(reason="invalid_discovery_info")
        if announce.collector_id != levels[-2]:
            return self.async_abort(reason="invalid_discovery_info")
        base_topic = "/".join(levels[:-2])
        await self.async_set_unique_id(announce.collector_id)
        self._abort_if_unique_id_configured(updates={CONF_BASE_TOPIC: base_topic})
        self._announce = announce
        self._base_topic = base_topic
        self.context["title_placeholders"] = {"name": announce.name}
        return await self.async_step_discovery_confirm()

    async def async_step_discovery_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask before adding a discovered collector."""
        assert self._announce is not None  # noqa: S101 - set by async_step_mqtt
        if user_input is not None:
            return self._create_entry(self._announce, self._base_topic)
        return self.async_show_form(
            step_id="discovery_confirm",
            description_placeholders={
                "name": self._announce.name,
                "users": ", ".join(user.name for user in self._announce.users) or "-",
            },
        )

    async def async_step_user(
        self,
        user_input: dict[str, Any] | None = None,  # noqa: ARG002 - the step's signature
    ) -> ConfigFlowResult:
        """Added by hand: a collector (MQTT) or a strap Home Assistant's Bluetooth sees."""
        return self.async_show_menu(step_id="user", menu_options=["collector", "strap"])

    async def async_step_collector(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Add a collector by its id and base topic."""
        errors: dict[str, str] = {}
        if user_input is not None:
            collector_id = user_input[CONF_COLLECTOR_ID].strip()
            base_topic = user_input[CONF_BASE_TOPIC].strip()
            if not _ID_RE.match(collector_id):
                errors[CONF_COLLECTOR_ID] = "invalid_collector_id"
            elif not valid_base_topic(base_topic):
                errors[CONF_BASE_TOPIC] = "invalid_base_topic"
            else:
                # The user's own flow wins over a discovery flow of the same collector.
                await self.async_set_unique_id(collector_id, raise_on_progress=False)
                self._abort_if_unique_id_configured()
                try:
                    announce = await async_read_announce(self, base_topic, collector_id)
                except AnnounceLookupError as err:
                    errors["base"] = err.code
                else:
                    return self._create_entry(announce, base_topic)
        return self.async_show_form(
            step_id="collector",
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema(
                    {
                        vol.Required(CONF_COLLECTOR_ID): str,
                        vol.Required(CONF_BASE_TOPIC, default=DEFAULT_BASE_TOPIC): str,
                    }
                ),
                user_input,
            ),
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Move an existing collector to another base topic (a strap: its window)."""
        entry = self._get_reconfigure_entry()
        if CONF_ADDRESS in entry.data:
            return await self.async_step_reconfigure_strap(user_input)
        errors: dict[str, str] = {}
        if user_input is not None:
            base_topic = user_input[CONF_BASE_TOPIC].strip()
            if not valid_base_topic(base_topic):
                errors[CONF_BASE_TOPIC] = "invalid_base_topic"
            else:
                try:
                    await async_read_announce(self, base_topic, entry.data[CONF_COLLECTOR_ID])
                except AnnounceLookupError as err:
                    errors["base"] = err.code
                else:
                    return self.async_update_reload_and_abort(
                        entry, data_updates={CONF_BASE_TOPIC: base_topic}
                    )
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema({vol.Required(CONF_BASE_TOPIC): str}),
                user_input or {CONF_BASE_TOPIC: entry.data[CONF_BASE_TOPIC]},
            ),
            description_placeholders={"collector": entry.data[CONF_COLLECTOR_ID]},
            errors=errors,
        )

    async def async_step_reconfigure_strap(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change a strap entry's morning window and linked person."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            if user_input[CONF_WINDOW_START] == user_input[CONF_WINDOW_END]:
                errors[CONF_WINDOW_END] = "empty_window"
            else:
                data = {
                    **entry.data,
                    CONF_WINDOW_START: user_input[CONF_WINDOW_START],
                    CONF_WINDOW_END: user_input[CONF_WINDOW_END],
                }
                data.pop(CONF_PERSON, None)
                if person := user_input.get(CONF_PERSON):
                    data[CONF_PERSON] = person
                return self.async_update_reload_and_abort(entry, data=data)
        schema = vol.Schema(
            {
                vol.Optional(CONF_PERSON): selector.EntitySelector(
                    selector.EntitySelectorConfig(domain="person")
                ),
                vol.Required(CONF_WINDOW_START): selector.TimeSelector(),
                vol.Required(CONF_WINDOW_END): selector.TimeSelector(),
            }
        )
        return self.async_show_form(
            step_id="reconfigure_strap",
            data_schema=self.add_suggested_values_to_schema(schema, user_input or entry.data),
            description_placeholders={"name": entry.data[CONF_USER_NAME]},
            errors=errors,
        )

    @callback
    def _create_entry(self, announce: AnnouncePayload, base_topic: str) -> ConfigFlowResult:
        return self.async_create_entry(
            title=announce.name,
            data={CONF_COLLECTOR_ID: announce.collector_id, CONF_BASE_TOPIC: base_topic},
        )


class StrapOptionsFlow(OptionsFlow):
    """How long to measure, and the readiness thresholds a person would tune."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        if user_input is not None:
            return self.async_create_entry(data=user_input)
        current = {**self.config_entry.data, **self.config_entry.options}
        defaults = ReadinessSettings()
        fields: dict[Any, Any] = {
            vol.Required(
                CONF_DURATION, default=int(current.get(CONF_DURATION, DEFAULT_DURATION_S))
            ): selector.NumberSelector(
                selector.NumberSelectorConfig(min=60, max=300, step=10, unit_of_measurement="s")
            ),
        }
        for key in TUNABLE_THRESHOLDS:
            info = ReadinessSettings.model_fields[key]
            low, high = _bounds(info.metadata)
            fields[vol.Required(key, default=int(current.get(key, getattr(defaults, key))))] = (
                vol.All(
                    selector.NumberSelector(
                        selector.NumberSelectorConfig(
                            min=low, max=high, step=1, mode=selector.NumberSelectorMode.BOX
                        )
                    ),
                    vol.Coerce(int),
                )
            )
        return self.async_show_form(step_id="init", data_schema=vol.Schema(fields))


def _bounds(metadata: list[Any]) -> tuple[float, float]:
    """The ge/le bounds pydantic keeps for a settings field."""
    low, high = 0.0, 100.0
    for item in metadata:
        low = float(getattr(item, "ge", low))
        high = float(getattr(item, "le", high))
    return low, high
