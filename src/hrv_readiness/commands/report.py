"""``hrv-collector report``: the history as a table, and optionally a chart.

One row per morning: lnRMSSD, its 7-day mean, the SWC band, resting HR, the
status and fatigue type decided that morning, and the score. ``--json`` prints it
as JSON (schema: src/hrv_readiness/commands/schemas/report.json). ``--plot FILE``
(.png, .svg or .pdf) also draws the status/score ribbon, daily lnRMSSD with its
7-day mean, normal range and SWC band, resting HR, and the training and
questionnaire days (needs the optional ``plot`` extra: matplotlib).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from hrv_readiness.commands.console import console, print_json
from hrv_readiness.commands.history_options import (
    add_db_argument,
    display_name,
    existing_db_path,
    iso_date,
    local_today,
    readiness_settings,
)
from hrv_readiness.commands.json_output import ReportOutput, UserReport
from hrv_readiness.commands.option_errors import did_you_mean, user_id, whole_number
from hrv_readiness.errors import InputError
from hrv_readiness.report.plot import UserChart, plot_format, render_plot
from hrv_readiness.report.rows import ReportRow, report_rows
from hrv_readiness.report.table import render_table
from hrv_readiness.store import Store

if TYPE_CHECKING:
    import argparse

    from hrv_readiness.commands.subcommand import AddCommand


class UnknownUserError(InputError):
    """The report was asked for a user the history does not know."""

    def __init__(self, message: str, *, user: str, known: list[str]) -> None:
        super().__init__(message)
        self.user = user
        self.known = known


#: Ten years back is plenty.
_days = whole_number(1, 3660, expected="a number of days", in_range="1 to 3660 days")


def register(add: AddCommand) -> None:
    parser = add(
        "report", "history table (and PNG chart) of lnRMSSD, baselines, status, fatigue type"
    )
    parser.add_argument(
        "--user", type=user_id, help="only this user (default: everyone in the history)"
    )
    parser.add_argument("--days", type=_days, default=60, help="how many days back (default: 60)")
    parser.add_argument(
        "--until",
        type=iso_date,
        default=None,
        help="last day of the report (YYYY-MM-DD; default: today)",
    )
    parser.add_argument(
        "--plot",
        type=Path,
        metavar="FILE",
        help="also write a chart: PNG, SVG or PDF by the file's extension",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    add_db_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.plot is not None:
        plot_format(args.plot)  # a wrong extension is said before any work
    path = existing_db_path(args, missing="measure or log first, or pass --db")
    until: dt.date = args.until or local_today(args)
    since = until - dt.timedelta(days=args.days - 1)
    reports: list[tuple[str, list[ReportRow]]] = []
    charts: list[UserChart] = []
    with Store.open(path) as store:
        known = store.users()
        if args.user is not None and args.user not in known:
            msg = (
                f"--user {args.user}: no history for this user; known users: "
                + (", ".join(known) if known else "none yet")
                + did_you_mean(args.user, known)
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
            charts.append(
                UserChart(
                    name=display_name(args, user),
                    rows=rows,
                    training=store.training(user, since=since),
                    wellness=store.wellness(user, since=since),
                )
            )
    if args.plot is not None:
        render_plot(charts, args.plot)
    return _show(args, path, reports, since, until)


def _show(
    args: argparse.Namespace,
    path: Path,
    reports: list[tuple[str, list[ReportRow]]],
    since: dt.date,
    until: dt.date,
) -> int:
    names = {user: display_name(args, user) for user, _ in reports}
    if args.json:
        print_json(
            ReportOutput(
                since=since,
                until=until,
                users=[UserReport(user=u, name=names[u], rows=rows) for u, rows in reports],
                chart=str(args.plot) if args.plot is not None else None,
            )
        )
        return 0
    out = console()
    if not reports:
        out.print(f"The history at {path} is empty.", markup=False)
        return 0
    for index, (user, rows) in enumerate(reports):
        if index:
            out.print()
        if rows:
            out.print(render_table(names[user], rows))
        else:
            out.print(f"{names[user]}: no readings from {since} to {until}", markup=False)
    if args.plot is not None:
        out.print(f"\nChart written to {args.plot}", markup=False)
    return 0
