"""Diagnostics: what the collector last said, with names and the strap address redacted."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from homeassistant.components.diagnostics import async_redact_data

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from .runtime import HrvConfigEntry

#: Personal data: people's names and the strap's Bluetooth address.
TO_REDACT = {"name", "address", "title"}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant,  # noqa: ARG001 - the platform signature
    entry: HrvConfigEntry,
) -> dict[str, Any]:
    """The entry, the collector's availability and announce, and every user's payloads."""
    runtime = entry.runtime_data
    announce: dict[str, Any] | None = None
    if runtime.announce is not None:
        # Lists, not tuples: async_redact_data only looks into lists.
        announce = {
            **asdict(runtime.announce),
            "users": [asdict(u) for u in runtime.announce.users],
        }
    return async_redact_data(
        {
            "entry": {
                "title": entry.title,
                "unique_id": entry.unique_id,
                "data": dict(entry.data),
            },
            "online": runtime.online,
            "announce": announce,
            "users": {
                user_id: {"name": user.name, **user.raw}
                for user_id, user in sorted(runtime.users.items())
            },
        },
        TO_REDACT,
    )
