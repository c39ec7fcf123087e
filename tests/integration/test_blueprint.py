"""Issue 7, acceptance 3: the shipped blueprint dims a light on a poor-recovery morning.

The automation is built from the blueprint file the integration installs, the
readiness entity is fed through a real broker, and the light is a real light entity
(the one piece of hardware we cannot have here).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from homeassistant.components.light import ATTR_BRIGHTNESS, ColorMode, LightEntity
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from hrv_helpers import state_of, state_payload, wait_for
from pytest_homeassistant_custom_component.common import setup_test_component_platform

from custom_components.hrv_readiness.const import BLUEPRINT_FILE, DOMAIN

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from hrv_helpers import FakeCollector
    from pytest_homeassistant_custom_component.common import MockConfigEntry

pytestmark = pytest.mark.broker

BLUEPRINT_PATH = f"{DOMAIN}/{BLUEPRINT_FILE}"
SHIPPED = (
    Path(__file__).resolve().parents[2]
    / "custom_components/hrv_readiness/blueprints/automation"
    / BLUEPRINT_FILE
)


class BedroomLight(LightEntity):
    """A dimmable light that remembers what it was told."""

    _attr_name = "Bedroom"
    _attr_unique_id = "bedroom"
    _attr_color_mode = ColorMode.BRIGHTNESS
    _attr_supported_color_modes = frozenset({ColorMode.BRIGHTNESS})
    _attr_is_on = True
    _attr_brightness = 255

    async def async_turn_on(self, **kwargs: Any) -> None:
        self._attr_is_on = True
        self._attr_brightness = kwargs.get(ATTR_BRIGHTNESS, self._attr_brightness)
        self.async_write_ha_state()

    async def async_turn_off(self, **kwargs: Any) -> None:  # noqa: ARG002
        self._attr_is_on = False
        self.async_write_ha_state()


def brightness(hass: HomeAssistant) -> int | None:
    state = hass.states.get("light.bedroom")
    assert state is not None
    return state.attributes.get(ATTR_BRIGHTNESS)


def window(*, around_now: bool) -> tuple[str, str]:
    """A morning window that contains the current time (or one that does not)."""
    now = dt_util.now()
    start, end = (
        (now - timedelta(hours=1), now + timedelta(hours=1))
        if around_now
        else (now + timedelta(hours=1), now + timedelta(hours=2))
    )
    return start.strftime("%H:%M:%S"), end.strftime("%H:%M:%S")


async def setup_automations(hass: HomeAssistant, *, around_now: bool = True) -> None:
    setup_test_component_platform(hass, "light", [BedroomLight()])
    assert await async_setup_component(hass, "light", {"light": {"platform": "test"}})
    start, end = window(around_now=around_now)
    inputs = {
        "readiness_sensor": "sensor.alice_readiness_score",
        "threshold": 40,
        "morning_start": start,
        "morning_end": end,
        "lights": {"entity_id": "light.bedroom"},
        "brightness": 20,
    }
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": [
                {
                    "id": "dim",
                    "alias": "Dim",
                    "use_blueprint": {"path": BLUEPRINT_PATH, "input": inputs},
                },
                # The same blueprint without `not_from`, to show what it protects from.
                {
                    "id": "naive",
                    "alias": "Naive",
                    "use_blueprint": {"path": f"{DOMAIN}/naive.yaml", "input": inputs},
                },
            ]
        },
    )
    await hass.async_block_till_done()


@pytest.fixture
def naive_blueprint(setup_entry: MockConfigEntry, config_dir: Path) -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    naive = text.replace(
        "    not_from:\n      - unavailable\n      - unknown\n"
        "    not_to:\n      - unavailable\n      - unknown\n",
        "",
    )
    assert naive != text
    target = config_dir / "blueprints" / "automation" / DOMAIN / "naive.yaml"
    target.write_text(naive.replace("name: Dim", "name: Naive dim"), encoding="utf-8")


def triggered(hass: HomeAssistant, automation_id: str) -> bool:
    state = hass.states.get(f"automation.{automation_id}")
    assert state is not None
    return state.attributes.get("last_triggered") is not None


@pytest.mark.usefixtures("naive_blueprint")
async def test_blueprint_is_installed_and_valid(hass: HomeAssistant, config_dir: Path) -> None:
    installed = config_dir / "blueprints" / "automation" / BLUEPRINT_PATH
    assert installed.read_text(encoding="utf-8") == SHIPPED.read_text(encoding="utf-8")
    await setup_automations(hass)
    assert hass.states.get("automation.dim") is not None


@pytest.mark.usefixtures("naive_blueprint")
async def test_low_readiness_dims_the_light(hass: HomeAssistant, collector: FakeCollector) -> None:
    await setup_automations(hass)
    assert brightness(hass) == 255

    await collector.state(state_payload(score=55, measured_at="2026-11-23T06:40:00+00:00"))
    await wait_for(hass, lambda: state_of(hass, "sensor.alice_readiness_score") == "55")
    assert brightness(hass) == 255  # above the threshold: nothing happens

    await collector.state(
        state_payload(score=31, status="rest", measured_at="2026-11-24T06:40:00+00:00")
    )
    await wait_for(hass, lambda: brightness(hass) == 51)  # 20 % of 255


@pytest.mark.usefixtures("naive_blueprint")
async def test_outside_the_morning_window_nothing_happens(
    hass: HomeAssistant, collector: FakeCollector
) -> None:
    await setup_automations(hass, around_now=False)
    await collector.state(state_payload(score=31, measured_at="2026-11-24T06:40:00+00:00"))
    await wait_for(hass, lambda: state_of(hass, "sensor.alice_readiness_score") == "31")
    await hass.async_block_till_done()
    assert brightness(hass) == 255


@pytest.mark.usefixtures("naive_blueprint")
async def test_restart_with_retained_low_state_does_not_fire(
    hass: HomeAssistant, setup_entry: MockConfigEntry, collector: FakeCollector
) -> None:
    await setup_automations(hass)
    # Home Assistant goes down; meanwhile the collector's retained state turns low.
    assert await hass.config_entries.async_unload(setup_entry.entry_id)
    await collector.state(state_payload(score=31, status="rest"))
    # Home Assistant comes back: the broker replays the retained low state.
    assert await hass.config_entries.async_setup(setup_entry.entry_id)
    await wait_for(hass, lambda: state_of(hass, "sensor.alice_readiness_score") == "31")
    # The naive copy fires on the replay, which shows the replay really happened...
    await wait_for(hass, lambda: triggered(hass, "naive"))
    # ...and the shipped blueprint does not.
    assert not triggered(hass, "dim")
