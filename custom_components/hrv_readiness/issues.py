"""Repair issues: each one something the user has to do; deleted once it is resolved."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.helpers import issue_registry as ir
from homeassistant.util.dt import utcnow

from .const import DOMAIN, NO_READING_ISSUE_AFTER, OFFLINE_ISSUE_AFTER

if TYPE_CHECKING:
    from datetime import datetime

    from homeassistant.core import HomeAssistant

    from .faults import StrapFault


def _create(hass: HomeAssistant, issue_id: str, key: str, placeholders: dict[str, str]) -> None:
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key=key,
        translation_placeholders=placeholders,
    )


# --- a collector ---------------------------------------------------------------------


def offline_issue_id(collector_id: str) -> str:
    return f"collector_offline_{collector_id}"


def create_offline(hass: HomeAssistant, collector_id: str) -> None:
    hours = str(int(OFFLINE_ISSUE_AFTER.total_seconds() // 3600))
    _create(
        hass,
        offline_issue_id(collector_id),
        "collector_offline",
        {"collector": collector_id, "hours": hours},
    )


def delete_offline(hass: HomeAssistant, collector_id: str) -> None:
    ir.async_delete_issue(hass, DOMAIN, offline_issue_id(collector_id))


def update_duplicate_discovery(hass: HomeAssistant, collector_id: str, *, active: bool) -> None:
    issue_id = f"duplicate_discovery_{collector_id}"
    if active:
        _create(hass, issue_id, "duplicate_discovery", {"collector": collector_id})
    else:
        ir.async_delete_issue(hass, DOMAIN, issue_id)


# --- a user ------------------------------------------------------------------------


def no_reading_issue_id(collector_id: str, user_id: str) -> str:
    return f"no_reading_{collector_id}_{user_id}"


def update_no_reading(
    hass: HomeAssistant, collector_id: str, user_id: str, name: str, measured_at: datetime
) -> None:
    """Raise the issue when the last reading is too old; delete it otherwise."""
    issue_id = no_reading_issue_id(collector_id, user_id)
    if utcnow() - measured_at >= NO_READING_ISSUE_AFTER:
        _create(
            hass,
            issue_id,
            "no_reading",
            {
                "user": name,
                "days": str(NO_READING_ISSUE_AFTER.days),
                "last": measured_at.isoformat(),
            },
        )
    else:
        ir.async_delete_issue(hass, DOMAIN, issue_id)


def delete_no_reading(hass: HomeAssistant, collector_id: str, user_id: str) -> None:
    ir.async_delete_issue(hass, DOMAIN, no_reading_issue_id(collector_id, user_id))


# --- a strap measured by Home Assistant ----------------------------------------------


def strap_issue_id(entry_id: str) -> str:
    return f"strap_fault_{entry_id}"


def create_strap_fault(
    hass: HomeAssistant, entry_id: str, fault: StrapFault, placeholders: dict[str, str]
) -> None:
    """One issue per strap entry, its text the fault the last measurement ended in."""
    _create(hass, strap_issue_id(entry_id), f"strap_{fault.value}", placeholders)


def delete_strap_fault(hass: HomeAssistant, entry_id: str) -> None:
    ir.async_delete_issue(hass, DOMAIN, strap_issue_id(entry_id))
