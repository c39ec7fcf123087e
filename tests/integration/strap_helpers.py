"""Helpers of the strap tests (Home Assistant's own Bluetooth)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import SOURCE_BLUETOOTH
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.util import dt as dt_util
from hrv_helpers import wait_for

from custom_components.hrv_readiness.const import (
    CONF_USER_NAME,
    CONF_WINDOW_END,
    CONF_WINDOW_START,
    DOMAIN,
)

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import HomeAssistant


def window_around_now(*, inside: bool) -> tuple[str, str]:
    """A morning window that contains the current local time, or one that does not."""
    now = dt_util.now()
    if inside:
        start, end = now - timedelta(hours=1), now + timedelta(hours=1)
    else:
        start, end = now + timedelta(hours=1), now + timedelta(hours=2)
    return start.strftime("%H:%M:%S"), end.strftime("%H:%M:%S")


async def discovered(hass: HomeAssistant) -> dict[str, Any]:
    """The discovery flow the strap's advertisement started (the "discovered" card)."""

    def flows() -> list[Any]:
        return hass.config_entries.flow.async_progress_by_handler(DOMAIN)

    await wait_for(hass, flows)
    [flow] = flows()
    return dict(flow)


async def add_through_discovery(
    hass: HomeAssistant, wearer: dict[str, Any] | None = None
) -> ConfigEntry:
    flow = await discovered(hass)
    assert flow["context"]["source"] == SOURCE_BLUETOOTH
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "wearer"
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"],
        wearer
        or {CONF_USER_NAME: "Alice", CONF_WINDOW_START: "05:00:00", CONF_WINDOW_END: "10:00:00"},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    entry = result["result"]
    await hass.async_block_till_done()
    return entry


#: How much faster than real time the virtual straps replay their beats: a 2-minute
#: morning reading takes a quarter of a second. The session times a recording by the
#: sum of its RR, never by packet arrival, so the speed changes no number the tests
#: check; the stand-up cue of an orthostatic test still reaches the replayed person
#: within one beat. The session's real-time limits (watchdog, contact and connect
#: timeouts) are set for it in each test's settings.
REPLAY_SPEED = 480.0
