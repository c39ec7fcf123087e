"""``hrv-collector import``: add a JSON or CSV export to the history.

The whole file is checked first; if any record is bad nothing is imported and the
error names the record. Records already in the history are skipped (importing the
same file twice changes nothing).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from hrv_readiness.commands.history_options import add_db_argument, db_path
from hrv_readiness.store import Store
from hrv_readiness.store.export import EXPORT_FORMATS, import_history


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "import",
        help="add a JSON or CSV export to the history",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("path", type=Path, metavar="PATH", help="export file to read")
    parser.add_argument(
        "--format", choices=EXPORT_FORMATS, default=None, help="default: from the file suffix"
    )
    add_db_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with Store.open(db_path(args)) as store:
        summary = import_history(store, args.path, fmt=args.format)
    print(f"Imported {args.path}: {summary}")
    return 0
