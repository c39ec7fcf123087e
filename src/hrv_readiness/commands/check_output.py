"""``run --check --json``: the validated configuration's summary as one JSON document."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hrv_readiness.commands.console import print_json
from hrv_readiness.commands.json_output import CheckedUser, CheckOutput

if TYPE_CHECKING:
    from pathlib import Path

    from hrv_readiness.config import Config


def print_check_json(path: Path, config: Config) -> None:
    window = config.measurement.morning_window
    print_json(
        CheckOutput(
            config=str(path),
            ok=True,
            collector_id=config.collector.id,
            users=[
                CheckedUser(
                    id=u.id,
                    name=u.name,
                    strap_address=u.strap.address if u.strap else None,
                    strap_name_pattern=u.strap.name_pattern if u.strap else None,
                )
                for u in config.users
            ],
            morning_window_start=f"{window.start:%H:%M}",
            morning_window_end=f"{window.end:%H:%M}",
            mqtt_host=config.mqtt.host,
            mqtt_port=config.mqtt.port,
            database=str(config.storage.database_path),
        )
    )
