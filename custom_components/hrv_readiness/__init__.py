"""HRV Readiness: morning HRV readiness and fatigue type, all local.

Two kinds of config entry, side by side in one Home Assistant:

* a collector on a Raspberry Pi publishing over MQTT (:mod:`.runtime`);
* a strap measured by Home Assistant itself through its Bluetooth — a local adapter
  or ESPHome proxies (:mod:`.strap_hub`).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from homeassistant.components import mqtt
from homeassistant.const import Platform
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import device_registry as dr

from .collector import async_ensure_collector_device, is_collector_device
from .const import BLUEPRINT_FILE, BLUEPRINT_FILES, CONF_ADDRESS, DOMAIN, LOGGER
from .runtime import HrvRuntime
from .services import async_setup_services
from .statistics import HistoryImporter

# Imported with the integration (Home Assistant does that in its executor), never
# inside async_setup_entry: a late import of the library would run on the event loop.
from .strap_hub import StrapHub

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.typing import ConfigType

    from .hub import HrvConfigEntry

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.EVENT,
    Platform.SENSOR,
]
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)

BLUEPRINT_DIR = Path(__file__).parent / "blueprints" / "automation"


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:  # noqa: ARG001
    """Register the actions and offer the blueprint."""
    async_setup_services(hass)
    for name in BLUEPRINT_FILES:
        await hass.async_add_executor_job(install_blueprint, Path(hass.config.config_dir), name)
    return True


def install_blueprint(config_dir: Path, name: str = BLUEPRINT_FILE) -> Path | None:
    """Copy the shipped blueprint into the user's blueprints once; never overwrite edits.

    Returns where it is, or ``None`` when it cannot be written (the integration works
    without it; the file is also in the release for a manual import).
    """
    target = config_dir / "blueprints" / "automation" / DOMAIN / name
    if target.exists():
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(BLUEPRINT_DIR / name, target)
    except OSError as err:
        LOGGER.warning("Could not install the blueprint into %s: %s", target.parent, err)
        return None
    LOGGER.info("Installed the blueprint %s", target)
    return target


async def async_setup_entry(hass: HomeAssistant, entry: HrvConfigEntry) -> bool:
    """Set up a collector (MQTT) or a strap (Home Assistant's Bluetooth) and its entities."""
    if CONF_ADDRESS in entry.data:
        hub: StrapHub | HrvRuntime = StrapHub(hass, entry)
        entry.runtime_data = hub
        # New options (measurement length, thresholds) take effect by a reload.
        entry.async_on_unload(entry.add_update_listener(_async_reload))
        await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
        await hub.async_start()
        return True
    if not await mqtt.async_wait_for_mqtt_client(hass):
        raise ConfigEntryNotReady(translation_domain=DOMAIN, translation_key="mqtt_unavailable")
    runtime = HrvRuntime(hass, entry)
    entry.runtime_data = runtime
    async_ensure_collector_device(hass, entry)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    # Start only once the platforms listen, so retained messages reach entities.
    await runtime.async_start()
    await HistoryImporter(runtime).async_start()
    return True


async def _async_reload(hass: HomeAssistant, entry: HrvConfigEntry) -> None:
    await hass.config_entries.async_reload(entry.entry_id)


async def async_unload_entry(hass: HomeAssistant, entry: HrvConfigEntry) -> bool:
    """Drop the subscriptions (registered with the entry) and the entities."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_config_entry_device(
    hass: HomeAssistant,  # noqa: ARG001 - the hook's signature
    entry: HrvConfigEntry,
    device: dr.DeviceEntry,
) -> bool:
    """Allow removing a user's device only when the collector no longer serves that user."""
    runtime = entry.runtime_data
    if is_collector_device(runtime, device):
        return False  # it goes with the config entry
    user_id = runtime.user_for_device(device)
    if user_id is None:
        return True  # not one of this entry's users
    if not isinstance(runtime, HrvRuntime):
        return False  # a strap entry's one person: remove the entry instead
    announce = runtime.announce
    return announce is not None and all(user.id != user_id for user in announce.users)
