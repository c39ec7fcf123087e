"""Diagnostics: what the entry last knew, with names and the strap address redacted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.components.diagnostics import async_redact_data

from .runtime import HrvRuntime

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from .hub import HrvConfigEntry, UserData

#: Personal data: people's names, the strap's Bluetooth address and advertised name
#: (it carries the serial number), and the linked person.
TO_REDACT = {"name", "address", "title", "person", "strap_name"}
REDACTED = "**REDACTED**"


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant,  # noqa: ARG001 - the platform signature
    entry: HrvConfigEntry,
) -> dict[str, Any]:
    """The entry, the hub's state (collector or strap) and every user's payloads."""
    hub = entry.runtime_data
    announce: dict[str, Any] | None = None
    if isinstance(hub, HrvRuntime) and hub.announce is not None:
        # Lists, not tuples: async_redact_data only looks into lists.
        announce = hub.announce.model_dump(mode="json")
    data: dict[str, Any] = {
        "entry": {
            "title": entry.title,
            "unique_id": entry.unique_id,
            "data": dict(entry.data),
            "options": dict(entry.options),
        },
        **hub.diagnostics(),
        "announce": announce,
        "users": {user_id: _user(user) for user_id, user in sorted(hub.users.items())},
    }
    redacted: dict[str, Any] = async_redact_data(data, TO_REDACT)
    if not isinstance(hub, HrvRuntime):
        # A strap entry's ids are made from the strap's address: scrub them everywhere.
        redacted = _scrub(redacted, {hub.collector_id, entry.unique_id or hub.collector_id})
    return redacted


def _user(user: UserData) -> dict[str, Any]:
    """A user's state and measurement as the contract writes them (lists, not tuples)."""
    data: dict[str, Any] = {"name": user.name}
    if user.state is not None:
        data["state"] = user.state.model_dump(mode="json")
    if user.measurement is not None:
        data["measurement"] = user.measurement.model_dump(mode="json")
    return {**data, **user.raw}


def _scrub(value: Any, secrets: set[str]) -> Any:  # noqa: ANN401 - any JSON value
    if isinstance(value, dict):
        return {key: _scrub(item, secrets) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item, secrets) for item in value]
    if isinstance(value, str) and any(secret in value for secret in secrets):
        return REDACTED
    return value
