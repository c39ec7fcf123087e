"""``hrv-collector export``: write the whole history (every user) to JSON or CSV.

The file round-trips exactly through ``hrv-collector import``: every reading with
its RR intervals and the verdict of its morning, every questionnaire and session.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from hrv_readiness.commands.history_options import add_db_argument, existing_db_path
from hrv_readiness.store import Store
from hrv_readiness.store.export import EXPORT_FORMATS, export_history, format_from_path

if TYPE_CHECKING:
    import argparse

    from hrv_readiness.commands.subcommand import AddCommand


def register(add: AddCommand) -> None:
    parser = add("export", "write the whole history to a JSON or CSV file")
    parser.add_argument("path", type=Path, metavar="PATH", help="file to write")
    parser.add_argument(
        "--format", choices=EXPORT_FORMATS, default=None, help="default: from the file suffix"
    )
    add_db_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    source = existing_db_path(args, missing="nothing to export")
    fmt = args.format or format_from_path(args.path)
    with Store.open(source) as store:
        count = export_history(store, args.path, fmt=fmt)
    print(f"Exported {count} records to {args.path} ({fmt})")
    return 0
