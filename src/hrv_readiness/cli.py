"""The ``hrv-collector`` command line: one module per subcommand in src/hrv_readiness/commands/.

Each command module exposes ``register(subparsers)``, which adds its parser and sets
``func`` (returning the exit code). Errors of the project's own hierarchy end the
program with one clear line and exit status 2; anything else is a bug and keeps its
traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence
from typing import cast

from hrv_readiness import __version__
from hrv_readiness.errors import HrvError

#: Subcommand modules, in the order `--help` lists them.
COMMAND_MODULES: tuple[str, ...] = (
    "hrv_readiness.commands.run",
    "hrv_readiness.commands.demo",
    "hrv_readiness.commands.scan",
    "hrv_readiness.commands.measure",
    "hrv_readiness.commands.analyze",
    "hrv_readiness.commands.log",
    "hrv_readiness.commands.report",
    "hrv_readiness.commands.export",
    "hrv_readiness.commands.import_history",
)

CommandFunc = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hrv-collector",
        description="Morning HRV readiness from a chest strap, published to Home Assistant.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--log-level",
        default="WARNING",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="how much the collector logs to stderr (default: WARNING)",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        module = importlib.import_module(module_name)
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=args.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    func = cast("CommandFunc", args.func)
    try:
        return func(args)
    except HrvError as err:
        print(f"hrv-collector {args.command}: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
