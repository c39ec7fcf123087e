"""Topic names of the MQTT contract v1 (docs/mqtt.md), in one place."""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Collector and user ids: what the contract allows in a topic level.
ID_PATTERN = re.compile(r"^[a-z0-9_]{1,64}$")

STATUS_ONLINE = "online"
STATUS_OFFLINE = "offline"


def is_valid_id(value: str) -> bool:
    return ID_PATTERN.fullmatch(value) is not None


@dataclass(frozen=True, slots=True)
class Topics:
    """Every topic one collector publishes or listens on."""

    base: str
    collector_id: str

    def __post_init__(self) -> None:
        if not is_valid_id(self.collector_id):
            msg = f"collector id {self.collector_id!r} must match {ID_PATTERN.pattern}"
            raise ValueError(msg)

    @property
    def root(self) -> str:
        return f"{self.base}/{self.collector_id}"

    @property
    def status(self) -> str:
        return f"{self.root}/status"

    @property
    def announce(self) -> str:
        return f"{self.root}/announce"

    @property
    def collector_event(self) -> str:
        """Events that belong to no configured user (a command for an unknown user)."""
        return f"{self.root}/event"

    @property
    def command_subscription(self) -> str:
        return f"{self.root}/+/command/+"

    def state(self, user: str) -> str:
        return f"{self.root}/{user}/state"

    def measurement(self, user: str) -> str:
        return f"{self.root}/{user}/measurement"

    def history(self, user: str) -> str:
        """The retained history of one user's mornings (contract v1.2)."""
        return f"{self.root}/{user}/history"

    def event(self, user: str) -> str:
        return f"{self.root}/{user}/event"

    def command(self, user: str, name: str) -> str:
        return f"{self.root}/{user}/command/{name}"

    def split_command(self, topic: str) -> tuple[str, str] | None:
        """Return ``(user, command)`` of a command topic of this collector, else None."""
        prefix = f"{self.root}/"
        if not topic.startswith(prefix):
            return None
        parts = topic[len(prefix) :].split("/")
        if len(parts) != 3 or parts[1] != "command":  # noqa: PLR2004 - user/command/name
            return None
        return parts[0], parts[2]


def discovery_config_topic(prefix: str, device_id: str) -> str:
    return f"{prefix}/device/{device_id}/config"


def discovery_status_topic(prefix: str) -> str:
    return f"{prefix}/status"
