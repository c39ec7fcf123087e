"""How a subcommand adds its parser: its module docstring is its ``--help`` text.

The command line hands each command module's ``register`` an :class:`AddCommand`
bound to that module's docstring; a command with a description of its own (run, scan)
passes it instead.
"""

from __future__ import annotations

import argparse
from typing import Protocol, TypeVar

_Parser = TypeVar("_Parser", bound=argparse.ArgumentParser)


class AddCommand(Protocol):
    """Adds one subcommand and returns its parser (for its options)."""

    def __call__(
        self, name: str, summary: str, *, description: str | None = None
    ) -> argparse.ArgumentParser: ...


def command_adder(subparsers: argparse._SubParsersAction[_Parser], doc: str | None) -> AddCommand:
    """Subcommands listed with their ``summary``, whose help shows ``doc`` as written.

    A ``description`` of the command's own replaces ``doc`` and is wrapped by argparse.
    """

    def add(name: str, summary: str, *, description: str | None = None) -> argparse.ArgumentParser:
        if description is not None:
            return subparsers.add_parser(name, help=summary, description=description)
        return subparsers.add_parser(
            name,
            help=summary,
            description=doc,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    return add
