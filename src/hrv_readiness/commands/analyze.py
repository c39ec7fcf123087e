"""``hrv-collector analyze FILE``: HRV of a file of RR intervals (ms), no strap needed.

FILE holds the RR intervals of one recording: one per line or on one line (Elite
HRV, Polar Flow RR exports), a CSV/TSV/semicolon table with an ``rr`` / ``rr_ms`` /
"RR-interval [ms]" column (Polar Sensor Logger, HRV Logger), Kubios-style ``time RR``
rows, or a Polar ``.hrm`` in R-R mode. ``-`` reads standard input. A daily export of
another app (HRV4Training, Elite HRV) is refused with a pointer to ``import``.

``--save --user NAME [--date YYYY-MM-DD]`` also stores the reading with the verdict
of that morning in NAME's history (default date: today), so readings recorded with
another app build the baseline; ``import`` takes many such files at once.

Exit status: 0 for a usable reading, 1 when the reading is rejected (too many
artifacts; the reason is printed), 2 for a file that is not an RR file.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from hrv_readiness.commands.console import console
from hrv_readiness.commands.history_options import (
    add_new_user_argument,
    check_known_user,
    checked_morning,
    iso_date,
    local_now,
    local_today,
)
from hrv_readiness.commands.option_errors import user_id
from hrv_readiness.commands.saving import add_save_arguments, save_reading
from hrv_readiness.commands.verdict import print_saved
from hrv_readiness.errors import InputError
from hrv_readiness.formats import (
    DailySummary,
    RrFileError,
    RrRecording,
    parse_export,
)
from hrv_readiness.formats.text import read_text
from hrv_readiness.hrv import DEFAULT_ARTIFACT_REJECT_PCT, HrvResult, analyze
from hrv_readiness.readiness.dates import DEFAULT_MORNING_TIME

if TYPE_CHECKING:
    import argparse

    from hrv_readiness.commands.subcommand import AddCommand


def register(add: AddCommand) -> None:
    parser = add("analyze", "HRV (RMSSD, SDNN, …) and artifacts of a file of RR intervals")
    parser.add_argument("file", metavar="FILE", help="RR intervals in ms ('-' for stdin)")
    parser.add_argument(
        "--json", action="store_true", help="print the full result as JSON (HrvResult)"
    )
    parser.add_argument(
        "--frequency",
        action="store_true",
        help="also compute LF/HF power (Lomb-Scargle) and DFA alpha1",
    )
    parser.add_argument(
        "--reject-pct",
        type=float,
        default=DEFAULT_ARTIFACT_REJECT_PCT,
        metavar="PCT",
        help="reject readings with more artifacts than this share of beats "
        f"(default {DEFAULT_ARTIFACT_REJECT_PCT:g} %%)",
    )
    parser.add_argument("--user", type=user_id, help="with --save: whose reading it is")
    parser.add_argument(
        "--date",
        type=iso_date,
        default=None,
        help="with --save: the morning of the reading (YYYY-MM-DD; default: today)",
    )
    add_save_arguments(parser)
    add_new_user_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.save and args.user is None:
        msg = "--save needs --user NAME: whose history the reading goes into"
        raise InputError(msg)
    if not args.save and (args.user is not None or args.date is not None):
        msg = "--user and --date go with --save (store the reading in that history)"
        raise InputError(msg)
    if args.save:
        check_known_user(args, args.user)
        today = local_today(args)
        args.date = checked_morning("--date", args.date or today, today)
    rr_ms = _recording(args.file).rr_ms
    result = analyze(rr_ms, artifact_reject_pct=args.reject_pct, frequency_domain=args.frequency)
    if args.json:
        print(result.model_dump_json(indent=2))
    else:
        print(format_result(result))
    if args.save:
        day = args.date
        now = local_now(args)
        # Without a time of day, a back-filled morning is put at DEFAULT_MORNING_TIME.
        measured_at = (
            now
            if day == now.date()
            else dt.datetime.combine(day, DEFAULT_MORNING_TIME, tzinfo=now.tzinfo)
        )
        processed, saved = save_reading(
            args, user=args.user, rr_ms=rr_ms, measured_at=measured_at, day=day
        )
        # With --json, stdout stays the one HrvResult document.
        print_saved(console(stderr=args.json), processed, saved)
    return 0 if result.usable else 1


def _recording(file: str) -> RrRecording:
    if file == "-":
        text, source = sys.stdin.read(), "stdin"
    else:
        text, source = read_text(Path(file)), file
    contents = parse_export(text, source=source)
    if isinstance(contents, DailySummary):
        msg = (
            f"{source}: a daily export of {contents.app} ({len(contents.readings)} mornings), "
            "not the RR intervals of one recording: add it with hrv-collector import"
        )
        raise RrFileError(msg)
    return contents


def format_result(result: HrvResult) -> str:
    """A short human-readable report of one reading."""
    artifacts = result.artifacts
    lines = [
        f"quality       {result.quality.level}"
        + (f" — {result.quality.reason}" if result.quality.reason else ""),
        f"beats         {result.beats}",
        (
            f"artifacts     {artifacts.artifact_pct:.1f} % (ectopic {artifacts.ectopic}, "
            f"missed {artifacts.missed}, extra {artifacts.extra}, "
            f"long/short {artifacts.long_short})"
        ),
    ]
    if result.usable:
        rows = [
            ("RMSSD", result.rmssd_ms, "ms"),
            ("lnRMSSD", result.ln_rmssd, ""),
            ("SDNN", result.sdnn_ms, "ms"),
            ("pNN50", result.pnn50_pct, "%"),
            ("mean RR", result.mean_rr_ms, "ms"),
            ("mean HR", result.mean_hr_bpm, "bpm"),
            ("SD1", result.sd1_ms, "ms"),
            ("SD2", result.sd2_ms, "ms"),
            ("LF power", result.lf_power_ms2, "ms²"),
            ("HF power", result.hf_power_ms2, "ms²"),
            ("LF/HF", result.lf_hf_ratio, ""),
            ("DFA α1", result.dfa_alpha1, ""),
            ("breathing", result.breathing_rate_per_min, "/min"),
        ]
        lines += [
            f"{name:<13} {value:.2f} {unit}".rstrip()
            for name, value, unit in rows
            if value is not None
        ]
        if result.breathing_rate_per_min is None and result.breathing_quality is not None:
            why = result.breathing_quality.replace("_", " ")
            lines.append(f"breathing     not estimated ({why})")
    return "\n".join(lines)
