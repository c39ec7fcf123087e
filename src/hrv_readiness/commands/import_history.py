"""``hrv-collector import PATH...``: bring a history in, from here or from another app.

Each PATH may be:

* an ``hrv-collector export`` file (.json or .csv): every record is checked first; if
  any is bad nothing of that file is imported and the error names the record;
* a daily summary CSV of another app (HRV4Training, Elite HRV: one row per morning
  with date, rMSSD and HR columns), for ``--user``: the baseline is there at once;
* an RR file (one interval in ms per line, a table with an RR column, Polar .hrm;
  the Elite HRV RR .txt export), for ``--user``: analysed and stored with the verdict
  of its morning. The morning is the date in the file name, else its modification day.

Records already in the history are skipped (importing twice changes nothing). A
file that cannot be imported gets one line on stderr and the others are still
imported; the exit status is then 2. ``--json`` prints one entry per file
(schema: src/hrv_readiness/commands/schemas/import.json).
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from hrv_readiness.commands.console import console, print_json
from hrv_readiness.commands.foreign_formats import date_of_rr_file, looks_like_summary, read_summary
from hrv_readiness.commands.history_options import add_db_argument, check_configured_user, db_path
from hrv_readiness.commands.json_output import ImportedFile, ImportOutput
from hrv_readiness.commands.option_errors import user_id
from hrv_readiness.commands.saving import save_reading
from hrv_readiness.errors import HrvError, InputError
from hrv_readiness.hrv.io import read_rr_file
from hrv_readiness.store import DuplicateReadingError, Store
from hrv_readiness.store.export import EXPORT_FORMATS, import_history

_MORNING = dt.time(7, 0)
_MAX_BYTES = 50_000_000


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "import",
        help="add exports, other apps' HRV summaries or RR files to the history",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files to read")
    parser.add_argument("--user", type=user_id, help="whose readings the RR and summary files are")
    parser.add_argument(
        "--format",
        choices=EXPORT_FORMATS,
        default=None,
        help="of an hrv-collector export (default: from the file suffix)",
    )
    parser.add_argument("--json", action="store_true", help="print one result per file as JSON")
    add_db_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.user is not None:
        check_configured_user(args, args.user)
    results = [_import_one(args, path) for path in args.paths]
    if args.json:
        print_json(ImportOutput(database=str(db_path(args)), files=results))
    else:
        out, err = console(), console(stderr=True)
        for result in results:
            if result.ok:
                out.print(f"imported {result.message}", markup=False)
            else:
                err.print(f"hrv-collector import: {result.message}", markup=False, style="red")
    return 0 if all(r.ok for r in results) else 2


def _import_one(args: argparse.Namespace, path: Path) -> ImportedFile:
    try:
        return _import(args, path)
    except HrvError as err:
        return ImportedFile(path=str(path), kind=None, ok=False, message=str(err))


def _text(path: Path) -> str:
    try:
        if path.stat().st_size > _MAX_BYTES:
            raise InputError(f"{path}: too large to import")
        raw = path.read_bytes()
    except FileNotFoundError as err:
        raise InputError(f"{path}: no such file") from err
    except IsADirectoryError as err:
        raise InputError(f"{path}: is a directory (give the files in it)") from err
    except OSError as err:
        raise InputError(f"{path}: cannot read it ({err.strerror or err})") from err
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _export_file(path: Path, text: str, fmt: str | None) -> bool:
    if fmt is not None or path.suffix.lower() == ".json":
        return True
    return path.suffix.lower() == ".csv" and text.lstrip().startswith("record,")


def _need_user(args: argparse.Namespace, path: Path, what: str) -> str:
    if args.user is None:
        raise InputError(f"{path}: {what}: give --user NAME (whose readings these are)")
    user: str = args.user
    return user


def _import(args: argparse.Namespace, path: Path) -> ImportedFile:
    text = _text(path)
    if _export_file(path, text, args.format):
        with Store.open(db_path(args)) as store:
            summary = import_history(store, path, fmt=args.format)
        return ImportedFile(
            path=str(path),
            kind="history",
            ok=True,
            message=f"{path}: {summary}",
            readings_added=summary.readings_added,
            readings_skipped=summary.readings_skipped,
            wellness_added=summary.wellness_added,
            training_added=summary.training_added,
        )
    if looks_like_summary(text):
        user = _need_user(args, path, "a daily HRV summary")
        readings = read_summary(path, text, user=user, source=f"import {path.name}")
        with Store.open(db_path(args)) as store:
            added = store.import_records(readings=readings, wellness=[], training=[])
        first, last = readings[0].date, readings[-1].date
        return ImportedFile(
            path=str(path),
            kind="summary",
            ok=True,
            message=(
                f"{path}: {added.readings_added} morning(s) of {user} from {first} to {last}"
                f" ({added.readings_skipped} already there)"
            ),
            readings_added=added.readings_added,
            readings_skipped=added.readings_skipped,
        )
    user = _need_user(args, path, "an RR file")
    rr_ms = read_rr_file(path)
    day = date_of_rr_file(path)
    try:
        processed, _ = save_reading(
            args,
            user=user,
            rr_ms=rr_ms,
            measured_at=dt.datetime.combine(day, _MORNING).astimezone(),
            day=day,
        )
    except DuplicateReadingError:
        return ImportedFile(
            path=str(path),
            kind="rr",
            ok=True,
            message=f"{path}: {user}'s morning of {day} is already there (skipped)",
            readings_skipped=1,
        )
    readiness = processed.stored.readiness
    verdict = readiness.status.replace("_", " ") if readiness is not None else "rejected"
    return ImportedFile(
        path=str(path),
        kind="rr",
        ok=True,
        message=f"{path}: {user}'s morning of {day}, {len(rr_ms)} RR, {verdict}",
        readings_added=1,
    )
