"""The ``hrv-collector`` command line: one module per subcommand in src/hrv_readiness/commands/.

Each command module exposes ``register(add)``, which adds its parser and sets
``func`` (returning the exit code). Every error a user can cause ends the program
with one line on stderr that names the option as typed and, for a near miss,
suggests the fix (no usage block), and exit status 2: argparse's errors are
rewritten by :class:`CliParser`, the project's own errors (:class:`HrvError`) are
printed as they are. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn, cast

from hrv_readiness import __version__
from hrv_readiness.commands.option_errors import argparse_message, unknown_options
from hrv_readiness.commands.subcommand import command_adder
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
    "hrv_readiness.commands.correct",
)

CommandFunc = Callable[[argparse.Namespace], int]


class CliParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line with a suggestion, not a usage dump."""

    def error(self, message: str) -> NoReturn:
        self.fail(argparse_message(message, known_options=self.option_names()))

    def fail(self, text: str) -> NoReturn:
        print(f"{self.prog}: {text} (see {self.prog} --help)", file=sys.stderr)
        raise SystemExit(2)

    def option_names(self) -> list[str]:
        return [option for action in self._actions for option in action.option_strings]


def build_parser() -> CliParser:
    parser = CliParser(
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
        module.register(command_adder(subparsers, module.__doc__))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extras = parser.parse_known_args(argv)
    if extras:
        command = cast("CliParser", _subparsers(parser)[args.command])
        command.fail(unknown_options(extras, command.option_names()))
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


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # noqa: SLF001 - argparse keeps them nowhere public
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            return dict(action.choices)
    return {}


if __name__ == "__main__":
    raise SystemExit(main())
