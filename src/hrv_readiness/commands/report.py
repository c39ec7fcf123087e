"""``hrv-collector report``: the history as a table, and optionally a PNG chart.

One row per morning: lnRMSSD, its 7-day mean, the SWC band, resting HR, the
status and fatigue type decided that morning, and the score. ``--plot FILE.png``
also draws daily lnRMSSD, the 7-day mean, the normal range and SWC band, resting
HR and fatigue-type markers (needs the optional ``plot`` extra: matplotlib).
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from hrv_readiness.commands.history_options import (
    add_db_argument,
    db_path,
    iso_date,
    local_today,
    readiness_settings,
)
from hrv_readiness.errors import InputError
from hrv_readiness.report.rows import ReportRow, report_rows
from hrv_readiness.report.table import render_table
from hrv_readiness.store import Store


class UnknownUserError(InputError):
    """The report was asked for a user the history does not know."""

    def __init__(self, message: str, *, user: str, known: list[str]) -> None:
        super().__init__(message)
        self.user = user
        self.known = known


def _days(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        msg = f"expected a number of days, got {text!r}"
        raise argparse.ArgumentTypeError(msg) from None
    if not 1 <= value <= 3660:  # noqa: PLR2004 - ten years is plenty
        msg = f"expected 1 to 3660 days, got {value}"
        raise argparse.ArgumentTypeError(msg)
    return value


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "report",
        help="history table (and PNG chart) of lnRMSSD, baselines, status, fatigue type",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--user", help="only this user (default: everyone in the history)")
    parser.add_argument("--days", type=_days, default=60, help="how many days back (default: 60)")
    parser.add_argument(
        "--until",
        type=iso_date,
        default=None,
        help="last day of the report (YYYY-MM-DD; default: today)",
    )
    parser.add_argument("--plot", type=Path, metavar="FILE.png", help="also write a PNG chart")
    add_db_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path = db_path(args)
    if not path.exists():
        msg = f"no history database at {path}: measure or log first, or pass --db"
        raise InputError(msg)
    until: dt.date = args.until or local_today()
    since = until - dt.timedelta(days=args.days - 1)
    reports: list[tuple[str, list[ReportRow]]] = []
    with Store.open(path) as store:
        known = store.users()
        if args.user is not None and args.user not in known:
            msg = f"no history for user {args.user!r}; known users: " + (
                ", ".join(known) if known else "none yet"
            )
            raise UnknownUserError(msg, user=args.user, known=known)
        for user in [args.user] if args.user is not None else known:
            rows = report_rows(
                readings=store.readings(user),
                wellness=store.wellness(user),
                training=store.training(user),
                settings=readiness_settings(args, user),
                since=since,
                until=until,
            )
            reports.append((user, rows))
    if not reports:
        print(f"The history at {path} is empty.")
        return 0
    for index, (user, rows) in enumerate(reports):
        if index:
            print()
        if rows:
            print(render_table(user, rows))
        else:
            print(f"{user}: no readings from {since} to {until}")
    if args.plot is not None:
        from hrv_readiness.report.plot import render_plot  # noqa: PLC0415 - matplotlib is optional

        render_plot(reports, args.plot)
        print(f"\nChart written to {args.plot}")
    return 0
