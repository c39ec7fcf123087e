"""``hrv-collector import PATH...``: bring a history in, from here or from another app.

Each PATH may be:

* an ``hrv-collector export`` file (.json or .csv): every record is checked first; if
  any is bad nothing of that file is imported and the error names the record;
* another app's daily export, for ``--user``: the baseline is there at once.
  Recognised by its structure, not its name (app: what the file is called there):
    HRV4Training for Android   "export data" -> MyMeasurements_Android.csv
    HRV4Training for iOS       yyyy_M_d_myMeasurements.csv
    Elite HRV                  dashboard CSV export -> ElitHRV_Export - <date>.csv
    any app                    a CSV with date, rMSSD (ms) and HR columns
* an RR recording, for ``--user``: analysed and stored with the verdict of its
  morning (the date in the file, else in its name, else its modification day):
    Elite HRV                  RR export -> YYYY-MM-DD HH-MM-SS.txt
    Polar Sensor Logger        <device>_<date>_RR.txt
    HRV Logger                 <date>_RRIntervals.csv
    Polar ProTrainer           <YYMMDDNN>.hrm in R-R mode (Interval=238)
    Kubios-style text          "time RR" rows (seconds or ms)
    any app                    RR intervals in ms, one per line or on one line

Refused, each with what it is: WHOOP's physiological_cycles.csv and Oura's trends
CSV (overnight HRV is not a morning reading: docs/model.md, "Imported histories"),
HRV Logger's <date>_Features.csv (30-second windows, not mornings), a .hrm of
heart-rate samples, a recording at exercise heart rates.

Dates are decided from the whole column: when every date reads both ways
(2020-05-08 as 8 May or 5 August), the file is refused until ``--date-order``
says which. Records already in the history are skipped (importing twice changes
nothing). A ``--user`` the history does not know is refused with the nearest known
id ("did you mean ...?"), as ``log`` and ``measure --save`` do; ``--new-user`` starts
a new person's history. A file that cannot be imported gets one line on stderr and the others are
still imported; the exit status is then 2. ``--json`` prints one entry per file
(schema: src/hrv_readiness/commands/schemas/import.json).
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import TYPE_CHECKING

from hrv_readiness.commands.console import console, print_json
from hrv_readiness.commands.history_options import (
    add_db_argument,
    add_new_user_argument,
    check_known_user,
    checked_morning,
    db_path,
    local_now,
    local_today,
    readiness_settings,
)
from hrv_readiness.commands.json_output import ImportedFile, ImportOutput
from hrv_readiness.commands.option_errors import user_id
from hrv_readiness.commands.saving import queue_state, save_reading
from hrv_readiness.errors import HrvError, InputError
from hrv_readiness.formats import (
    DATE_ORDERS,
    DailySummary,
    RrRecording,
    date_of_rr_file,
    parse_export,
    refuse_non_resting,
)
from hrv_readiness.formats.text import read_text
from hrv_readiness.store import DuplicateReadingError, Store, StoredReading
from hrv_readiness.store.export import EXPORT_FORMATS, import_history
from hrv_readiness.store.verdicts import reassess

if TYPE_CHECKING:
    import argparse

    from hrv_readiness.commands.subcommand import AddCommand
    from hrv_readiness.pipeline import ProcessedReading

_MORNING = dt.time(7, 0)


def register(add: AddCommand) -> None:
    parser = add("import", "add exports, other apps' HRV summaries or RR files to the history")
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files to read")
    parser.add_argument("--user", type=user_id, help="whose readings the RR and summary files are")
    parser.add_argument(
        "--format",
        choices=EXPORT_FORMATS,
        default=None,
        help="of an hrv-collector export (default: from the file suffix)",
    )
    parser.add_argument(
        "--date-order",
        choices=DATE_ORDERS,
        default=None,
        help="day-month order of a daily export's dates when both read every row "
        "(ydm: HRV4Training for Android's 2020-29-03; default: decided from the file)",
    )
    parser.add_argument("--json", action="store_true", help="print one result per file as JSON")
    add_new_user_argument(parser)
    add_db_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.user is not None:
        # A mistyped --user would silently start a second person (as with log/measure).
        check_known_user(args, args.user)
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
    text = read_text(path)
    if _export_file(path, text, args.format):
        with Store.open(db_path(args)) as store:
            summary = import_history(store, path, fmt=args.format)
            if summary.readings_added or summary.wellness_added or summary.training_added:
                for user in store.users():  # an export may hold several people
                    reassess(store, user, since=None, settings=readiness_settings(args, user))
                    queue_state(args, store, user)
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
    contents = parse_export(text, source=str(path), date_order=args.date_order)
    if isinstance(contents, DailySummary):
        return _import_summary(args, path, contents)
    return _import_rr(args, path, contents)


def _stored(summary: DailySummary, path: Path, user: str) -> list[StoredReading]:
    return [
        StoredReading(
            user=user,
            measured_at=dt.datetime.combine(reading.day, reading.time or _MORNING).astimezone(),
            date=reading.day,
            duration_s=0.0,
            rr_ms=(),
            rmssd_ms=reading.rmssd_ms,
            ln_rmssd=math.log(reading.rmssd_ms),
            mean_hr_bpm=reading.hr_bpm,
            quality="acceptable",
            quality_reason=f"imported daily summary ({summary.app})",
            source=f"import {path.name}",
        )
        for reading in summary.readings
    ]


def _import_summary(args: argparse.Namespace, path: Path, summary: DailySummary) -> ImportedFile:
    user = _need_user(args, path, f"a daily HRV summary ({summary.app})")
    readings = _stored(summary, path, user)
    today = local_today(args)
    for reading in readings:
        checked_morning(f"{path}:", reading.date, today, recorded=True)
    with Store.open(db_path(args)) as store:
        added = store.import_records(readings=readings, wellness=[], training=[])
        settings = readiness_settings(args, user)
        reassess(store, user, since=min(r.date for r in readings), settings=settings)
        queue_state(args, store, user)
    first, last = summary.readings[0], summary.readings[-1]
    return ImportedFile(
        path=str(path),
        kind="summary",
        ok=True,
        message=(
            f"{path}: {summary.app}: {added.readings_added} morning(s) of {user} from "
            f"{first.day} to {last.day} ({added.readings_skipped} already there)"
        ),
        readings_added=added.readings_added,
        readings_skipped=added.readings_skipped,
        app=summary.app,
        readings_in_file=len(summary.readings),
        first_date=first.day,
        last_date=last.day,
        first_rmssd_ms=first.rmssd_ms,
        last_rmssd_ms=last.rmssd_ms,
    )


#: How many later minutes an RR file without a time of its own may take on its morning.
_MAX_SAME_MORNING_FILES = 30


def _save_rr(
    args: argparse.Namespace,
    user: str,
    recording: RrRecording,
    *,
    measured_at: dt.datetime,
    day: dt.date,
) -> ProcessedReading:
    """Save one RR file's reading, at the next free minute if it has no start time.

    A file without its own start time is put at the default time of its morning; when
    another recording of that morning is already there, it takes the next free minute.

    Raises ``DuplicateReadingError`` when the same RR are already stored (a repeated
    import), so only a different recording of that morning is added.
    """
    for minute in range(_MAX_SAME_MORNING_FILES):
        at = measured_at + dt.timedelta(minutes=minute)
        try:
            processed, _ = save_reading(
                args, user=user, rr_ms=recording.rr_ms, measured_at=at, day=day
            )
        except DuplicateReadingError:
            if recording.started_at is not None or _same_rr_at(args, user, at, recording):
                raise
            continue
        return processed
    msg = f"{user} already has {_MAX_SAME_MORNING_FILES} recordings on {day} without a time"
    raise DuplicateReadingError(msg, user=user, measured_at=measured_at)


def _same_rr_at(
    args: argparse.Namespace, user: str, at: dt.datetime, recording: RrRecording
) -> bool:
    with Store.open(db_path(args)) as store:
        return any(
            r.measured_at == at and r.rr_ms == tuple(recording.rr_ms)
            for r in store.readings(user, since=at.date() - dt.timedelta(days=1))
        )


def _import_rr(args: argparse.Namespace, path: Path, recording: RrRecording) -> ImportedFile:
    user = _need_user(args, path, f"an RR file ({recording.app})")
    refuse_non_resting(recording, source=str(path))
    day = checked_morning(
        f"{path}:", date_of_rr_file(path, recording), local_today(args), recorded=True
    )
    measured_at = recording.started_at or dt.datetime.combine(
        day, _MORNING, tzinfo=local_now(args).tzinfo
    )
    try:
        processed = _save_rr(args, user, recording, measured_at=measured_at, day=day)
    except DuplicateReadingError:
        return ImportedFile(
            path=str(path),
            kind="rr",
            ok=True,
            message=f"{path}: {user}'s morning of {day} is already there (skipped)",
            readings_skipped=1,
            app=recording.app,
            readings_in_file=1,
            first_date=day,
            last_date=day,
            rr_count=len(recording.rr_ms),
        )
    stored = processed.stored
    verdict = (
        stored.readiness.status.replace("_", " ")
        if stored.readiness is not None
        else f"rejected ({stored.quality_reason})"
    )
    return ImportedFile(
        path=str(path),
        kind="rr",
        ok=True,
        message=(
            f"{path}: {recording.app}: {user}'s morning of {day}, "
            f"{len(recording.rr_ms)} RR, {verdict}"
        ),
        readings_added=1,
        app=recording.app,
        readings_in_file=1,
        first_date=day,
        last_date=day,
        first_rmssd_ms=stored.rmssd_ms,
        last_rmssd_ms=stored.rmssd_ms,
        rr_count=len(recording.rr_ms),
    )
