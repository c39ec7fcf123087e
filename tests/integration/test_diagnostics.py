"""Diagnostics: the collector's last payloads with personal data redacted."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry
    from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
    from syrupy.assertion import SnapshotAssertion

pytestmark = pytest.mark.broker


async def test_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    setup_entry: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, setup_entry)
    assert diagnostics == snapshot
    assert diagnostics["users"]["alice"]["state"]["strap"]["address"] == "**REDACTED**"
    assert diagnostics["users"]["alice"]["name"] == "**REDACTED**"
    assert "A0:9E:1A" not in str(diagnostics)
    assert "Alice" not in str(diagnostics)
