"""``hrv-collector run --config FILE``: the daemon (see src/hrv_readiness/daemon.py)."""

from __future__ import annotations

import asyncio
import logging
import signal
from pathlib import Path
from typing import TYPE_CHECKING

from hrv_readiness.commands.check_output import print_check_json
from hrv_readiness.config import load_config
from hrv_readiness.daemon import Daemon
from hrv_readiness.errors import ConfigError
from hrv_readiness.logs import configure_logging
from hrv_readiness.mqtt.transport import tls_context

if TYPE_CHECKING:
    import argparse

    from hrv_readiness.commands.subcommand import AddCommand

_LOGGER = logging.getLogger(__name__)


def register(add: AddCommand) -> None:
    parser = add(
        "run",
        "run the collector daemon for the users in the config file",
        description="Measure every configured user's strap in the morning window, "
        "take commands from MQTT and publish readiness to Home Assistant.",
    )
    parser.add_argument(
        "--config",
        type=Path,
        required=True,
        help="the YAML configuration (start from config.example.yaml)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="validate the config file, print a summary and exit",
    )
    parser.add_argument(
        "--json", action="store_true", help="with --check: print the summary as JSON"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.json and not args.check:
        msg = "--json goes with --check (the daemon logs, it prints no document)"
        raise ConfigError(msg)
    config = load_config(args.config)
    if args.check:
        tls_context(config.mqtt)  # the certificate files must load, as at run time
        if args.json:
            print_check_json(args.config, config)
            return 0
        users = ", ".join(
            f"{u.id} ({u.strap.address or u.strap.name_pattern if u.strap else 'no strap'})"
            for u in config.users
        )
        window = config.measurement.morning_window
        print(f"{args.config}: OK — collector {config.collector.id}, users: {users}")
        print(
            f"morning window {window.start:%H:%M}-{window.end:%H:%M}, "
            f"broker {config.mqtt.host}:{config.mqtt.port}, "
            f"database {config.storage.database_path}"
        )
        return 0
    configure_logging(config.logging.level, config.logging.format)
    asyncio.run(_serve(Daemon(config)))
    return 0


async def _serve(daemon: Daemon) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, _request_stop, stop, sig)
    await daemon.run(stop)


def _request_stop(stop: asyncio.Event, sig: signal.Signals) -> None:
    _LOGGER.info("received %s", sig.name)
    stop.set()
