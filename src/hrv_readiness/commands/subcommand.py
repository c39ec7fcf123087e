"""How a subcommand adds its parser: its module docstring is its ``--help`` text."""

from __future__ import annotations

import argparse


def add_subcommand(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    summary: str,
    doc: str | None,
) -> argparse.ArgumentParser:
    """Add subcommand ``name``: ``summary`` in the command list, ``doc`` as written in its help."""
    return subparsers.add_parser(
        name,
        help=summary,
        description=doc,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
