"""The shipped blueprints: dim the lights on a poor-recovery morning, and a morning brief.

Each automation is built from the blueprint file the integration installs, the
readings come through a real broker, the light is a real light entity (the one piece
of hardware we cannot have here) and the notify action a recorded service.
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
from pytest_homeassistant_custom_component.common import (
    async_mock_service,
    setup_test_component_platform,
)

from custom_components.hrv_readiness.const import BLUEPRINT_FILE, DOMAIN, MORNING_BRIEF_FILE

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant, ServiceCall
    from hrv_helpers import FakeCollector
    from pytest_homeassistant_custom_component.common import MockConfigEntry

pytestmark = pytest.mark.broker

SHIPPED = Path(__file__).resolve().parents[2] / "custom_components/hrv_readiness/blueprints"
STATUS = "sensor.alice_readiness_status"


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
        self._attr_brightness = 255
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


async def setup_automations(
    hass: HomeAssistant, *, around_now: bool = True, score_below: int | None = None
) -> list[ServiceCall]:
    """Both blueprints for Alice; returns the notifications the brief sends."""
    setup_test_component_platform(hass, "light", [BedroomLight()])
    assert await async_setup_component(hass, "light", {"light": {"platform": "test"}})
    notifications = async_mock_service(hass, "notify", "alices_phone")
    start, end = window(around_now=around_now)
    dim: dict[str, Any] = {
        "readiness_status": STATUS,
        "morning_start": start,
        "morning_end": end,
        "lights": {"entity_id": "light.bedroom"},
        "brightness": 20,
    }
    if score_below is not None:
        dim["score_below"] = score_below
    brief = {
        "readiness_status": STATUS,
        "notify_action": "notify.alices_phone",
        "morning_start": start,
        "morning_end": end,
    }
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": [
                {
                    "id": "dim",
                    "alias": "Dim",
                    "use_blueprint": {"path": f"{DOMAIN}/{BLUEPRINT_FILE}", "input": dim},
                },
                {
                    "id": "brief",
                    "alias": "Brief",
                    "use_blueprint": {"path": f"{DOMAIN}/{MORNING_BRIEF_FILE}", "input": brief},
                },
            ]
        },
    )
    await hass.async_block_till_done()
    return notifications


def triggered(hass: HomeAssistant, automation_id: str) -> bool:
    state = hass.states.get(f"automation.{automation_id}")
    assert state is not None
    return state.attributes.get("last_triggered") is not None


def morning(day: int, **changes: Any) -> dict[str, Any]:
    """Alice's state of the ``day``-th morning after 2026-11-22 (a new reading)."""
    return state_payload(measured_at=f"2026-11-{22 + day:02d}T06:40:00+00:00", **changes)


CAUTION = {"score": 52, "status": "caution", "fatigue_type": "muscular"}


@pytest.mark.usefixtures("setup_entry")
async def test_blueprints_are_installed_and_valid(hass: HomeAssistant, config_dir: Path) -> None:
    for name in (BLUEPRINT_FILE, MORNING_BRIEF_FILE):
        installed = config_dir / "blueprints" / "automation" / DOMAIN / name
        shipped = SHIPPED / "automation" / name
        assert installed.read_text(encoding="utf-8") == shipped.read_text(encoding="utf-8")
    await setup_automations(hass)
    assert state_of(hass, "automation.dim") == "on"
    assert state_of(hass, "automation.brief") == "on"


@pytest.mark.usefixtures("setup_entry")
async def test_a_caution_morning_dims_and_briefs(
    hass: HomeAssistant, collector: FakeCollector
) -> None:
    notifications = await setup_automations(hass)
    payload = morning(1, **CAUTION)
    payload["readiness"]["reasons"] = [
        {"code": "hrv_below_swc", "text": "lnRMSSD is below your usual band."},
        {"code": "soreness_high", "text": "You feel sore."},
    ]
    payload["readiness"]["advice"] = "Keep it light today."
    await collector.state(payload, retain=False)
    # The default dims on caution (a score below 60), no threshold to change first.
    await wait_for(hass, lambda: brightness(hass) == 51)  # 20 % of 255
    await wait_for(hass, lambda: len(notifications) == 1)
    assert notifications[0].data == {
        "title": "Alice readiness",
        "message": "Readiness 52 (caution, muscular). lnRMSSD is below your usual band. "
        "Keep it light today.",
    }


@pytest.mark.usefixtures("setup_entry")
async def test_a_ready_morning_briefs_but_does_not_dim(
    hass: HomeAssistant, collector: FakeCollector
) -> None:
    notifications = await setup_automations(hass)
    await collector.state(morning(1, score=91), retain=False)
    await wait_for(hass, lambda: len(notifications) == 1)
    assert notifications[0].data["message"] == (
        "Readiness 91 (ready, recovered). lnRMSSD is within your usual band. Train as planned."
    )
    assert brightness(hass) == 255
    assert not triggered(hass, "dim")


@pytest.mark.usefixtures("setup_entry")
async def test_a_morning_with_possible_illness_says_so_first(
    hass: HomeAssistant, collector: FakeCollector
) -> None:
    notifications = await setup_automations(hass)
    payload = morning(1, score=22, status="rest", illness="possible")
    payload["readiness"]["reasons"] = [
        {"code": "possible_illness", "text": "Possible illness: breathing rate 18.1/min up."}
    ]
    payload["readiness"]["advice"] = "Don't train hard today; measure again tomorrow."
    await collector.state(payload, retain=False)
    await wait_for(hass, lambda: len(notifications) == 1)
    assert notifications[0].data["message"] == (
        "Possible illness: Readiness 22 (rest, recovered). Possible illness: breathing rate "
        "18.1/min up. Don't train hard today; measure again tomorrow."
    )


@pytest.mark.usefixtures("setup_entry")
async def test_every_low_morning_dims_even_when_the_status_stays(
    hass: HomeAssistant, collector: FakeCollector
) -> None:
    notifications = await setup_automations(hass)
    await collector.state(morning(1, **CAUTION), retain=False)
    await wait_for(hass, lambda: brightness(hass) == 51)
    await hass.services.async_call(
        "light", "turn_off", {"entity_id": "light.bedroom"}, blocking=True
    )
    await hass.services.async_call(
        "light", "turn_on", {"entity_id": "light.bedroom"}, blocking=True
    )
    assert brightness(hass) == 255
    # The next morning is caution again: the status sensor does not change, the lights dim.
    await collector.state(morning(2, **CAUTION), retain=False)
    await wait_for(hass, lambda: brightness(hass) == 51)
    await wait_for(hass, lambda: len(notifications) == 2)


@pytest.mark.usefixtures("setup_entry")
async def test_rest_below_the_chosen_score_only(
    hass: HomeAssistant, collector: FakeCollector
) -> None:
    await setup_automations(hass, score_below=40)
    await collector.state(morning(1, **CAUTION), retain=False)
    await wait_for(hass, lambda: state_of(hass, "sensor.alice_readiness_score") == "52")
    await hass.async_block_till_done()
    assert brightness(hass) == 255
    await collector.state(morning(2, score=31, status="rest"), retain=False)
    await wait_for(hass, lambda: brightness(hass) == 51)


@pytest.mark.usefixtures("setup_entry")
async def test_outside_the_morning_window_nothing_happens(
    hass: HomeAssistant, collector: FakeCollector
) -> None:
    notifications = await setup_automations(hass, around_now=False)
    await collector.state(morning(1, **CAUTION), retain=False)
    await wait_for(hass, lambda: state_of(hass, "sensor.alice_readiness_score") == "52")
    await hass.async_block_till_done()
    assert brightness(hass) == 255
    assert notifications == []


async def test_a_restart_replaying_a_low_state_does_nothing(
    hass: HomeAssistant, setup_entry: MockConfigEntry, collector: FakeCollector
) -> None:
    notifications = await setup_automations(hass)
    # Home Assistant goes down; meanwhile the collector's retained state turns low.
    assert await hass.config_entries.async_unload(setup_entry.entry_id)
    await collector.state(morning(1, score=31, status="rest"))
    # Home Assistant comes back: the broker replays the retained low state.
    assert await hass.config_entries.async_setup(setup_entry.entry_id)
    await wait_for(hass, lambda: state_of(hass, "sensor.alice_readiness_score") == "31")
    assert state_of(hass, "binary_sensor.alice_recovery_low") == "on"
    await hass.async_block_till_done()
    assert not triggered(hass, "dim")
    assert not triggered(hass, "brief")
    assert brightness(hass) == 255
    assert notifications == []
