"""``hrv-collector log``: record how you feel this morning and what you trained.

The questionnaire (soreness, energy, sleep, stress: 0-10; heavy legs: yes/no;
illness symptoms: none, mild or clear) is what tells muscular fatigue apart — HRV
cannot see it (Flatt 2018) — and feeling ill outranks a normal HRV (docs/model.md,
rule 13). The training
log explains a systemic dip (Buchheit 2014). Logging the questionnaire twice on one
morning replaces the first entry (``undo`` brings it back); training sessions add
up, but the same session logged twice is recognised and stored once. Each entry
recomputes the verdicts of the mornings it changes, and the new verdict is shown.

Without --date the questionnaire is for this morning and a training session for
yesterday (logged the morning after, as Home Assistant's log_training does).
With --config, --user must be one of the config's users; without, one the history
knows, or --new-user starts a new person's history.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from hrv_readiness.commands.console import print_json
from hrv_readiness.commands.history_options import (
    add_db_argument,
    add_new_user_argument,
    check_known_user,
    checked_morning,
    db_path,
    iso_date,
    local_today,
    readiness_settings,
)
from hrv_readiness.commands.json_output import LogOutput
from hrv_readiness.commands.option_errors import user_id, whole_number
from hrv_readiness.commands.saving import queue_state
from hrv_readiness.errors import InputError
from hrv_readiness.readiness.errors import InvalidRecordError
from hrv_readiness.readiness.models import (
    ILLNESS_LEVELS,
    MAX_SESSION_MINUTES,
    SESSION_TYPES,
    TrainingEntry,
    WellnessEntry,
    default_training_date,
)
from hrv_readiness.store import Store
from hrv_readiness.store.changes import record_training, record_wellness

if TYPE_CHECKING:
    import argparse

    from hrv_readiness.commands.subcommand import AddCommand

_WELLNESS_FIELDS = ("soreness", "energy", "sleep", "stress")
#: Model field -> the option that sets it, for error messages.
_OPTIONS = {
    "user": "--user",
    "date": "--date",
    "soreness": "--soreness",
    "energy": "--energy",
    "sleep_quality": "--sleep",
    "stress": "--stress",
    "session_type": "--training",
    "effort": "--effort",
    "duration_min": "--minutes",
}


class LogInputError(InputError):
    """The values given to ``log`` are incomplete or invalid; nothing was written."""


#: A 0-10 rating of the questionnaire or of a session's effort.
_rating = whole_number(0, 10, expected="a whole number from 0 to 10")
_minutes = whole_number(
    0,
    MAX_SESSION_MINUTES,
    expected="whole minutes",
    in_range=f"0 to {MAX_SESSION_MINUTES} minutes",
)


def register(add: AddCommand) -> None:
    parser = add("log", "record soreness, energy, sleep, stress and training")
    parser.add_argument("--user", required=True, type=user_id, help="whose log (e.g. alice)")
    parser.add_argument(
        "--date",
        type=iso_date,
        default=None,
        help="the day (YYYY-MM-DD; default: today for how you feel, yesterday for training)",
    )
    feel = parser.add_argument_group("how you feel (all four together, 0-10)")
    feel.add_argument("--soreness", type=_rating, help="muscle soreness: 0 none ... 10 extreme")
    feel.add_argument("--energy", type=_rating, help="energy/motivation: 0 none ... 10 great")
    feel.add_argument("--sleep", type=_rating, help="sleep quality: 0 awful ... 10 perfect")
    feel.add_argument("--stress", type=_rating, help="stress: 0 none ... 10 extreme")
    feel.add_argument(
        "--heavy-legs", action="store_true", help="legs feel heavy (caution if > 48 h)"
    )
    feel.add_argument(
        "--ill",
        choices=ILLNESS_LEVELS,
        default=None,
        help="illness symptoms: none, mild (sore throat, stuffy nose) or clear (fever, aches)",
    )
    train = parser.add_argument_group("training (on --date, default yesterday)")
    train.add_argument("--training", choices=SESSION_TYPES, help="session type")
    train.add_argument(
        "--effort", type=_rating, help="session effort 0-10 (required with --training)"
    )
    train.add_argument(
        "--minutes",
        type=_minutes,
        help=f"session duration, 0-{MAX_SESSION_MINUTES} (required with --training)",
    )
    train.add_argument(
        "--again",
        action="store_true",
        help="add the session even if an identical one is logged for that day",
    )
    parser.add_argument("--json", action="store_true", help="print what was stored as JSON")
    add_new_user_argument(parser)
    add_db_argument(parser)
    parser.set_defaults(func=run)


def _entries(
    args: argparse.Namespace, day: dt.date, training_day: dt.date
) -> tuple[WellnessEntry | None, TrainingEntry | None]:
    given = [name for name in _WELLNESS_FIELDS if getattr(args, name) is not None]
    if given and len(given) < len(_WELLNESS_FIELDS):
        missing = [f"--{name}" for name in _WELLNESS_FIELDS if name not in given]
        msg = f"log all four of how you feel together; missing {', '.join(missing)}"
        raise LogInputError(msg)
    if args.heavy_legs and not given:
        msg = "--heavy-legs goes with --soreness, --energy, --sleep and --stress"
        raise LogInputError(msg)
    if args.ill is not None and not given:
        msg = "--ill goes with --soreness, --energy, --sleep and --stress"
        raise LogInputError(msg)
    if args.training is None and (args.effort is not None or args.minutes is not None):
        msg = "--effort and --minutes describe a session: add --training TYPE"
        raise LogInputError(msg)
    if not given and args.training is None:
        msg = "nothing to log: give --soreness/--energy/--sleep/--stress and/or --training"
        raise LogInputError(msg)
    try:
        wellness = (
            WellnessEntry(
                user=args.user,
                date=day,
                soreness=args.soreness,
                energy=args.energy,
                sleep_quality=args.sleep,
                stress=args.stress,
                heavy_legs=args.heavy_legs,
                ill=args.ill or "none",
            )
            if given
            else None
        )
        training = None
        if args.training is not None:
            effort, minutes = args.effort, args.minutes
            if args.training == "rest":
                effort = 0 if effort is None else effort
                minutes = 0 if minutes is None else minutes
            if effort is None or minutes is None:
                msg = f"--training {args.training} needs --effort 0-10 and --minutes N"
                raise LogInputError(msg)
            training = TrainingEntry(
                user=args.user,
                date=training_day,
                session_type=args.training,
                effort=effort,
                duration_min=minutes,
            )
    except InvalidRecordError as err:
        msg = f"{_OPTIONS.get(err.field, err.field)}: {err.problem}"
        raise LogInputError(msg) from err
    return wellness, training


def run(args: argparse.Namespace) -> int:
    today = local_today(args)
    day = checked_morning("--date", args.date or today, today)
    check_known_user(args, args.user)
    training_day = args.date or default_training_date(today)
    wellness, training = _entries(args, day, training_day)  # validate everything first
    settings = readiness_settings(args, args.user)
    lines: list[str] = []
    replaced = False
    with Store.open(db_path(args)) as store:
        if wellness is not None:
            change = record_wellness(store, wellness, settings=settings, at=dt.datetime.now(dt.UTC))
            replaced = change.replaced is not None and not change.unchanged
            legs = ", heavy legs" if wellness.heavy_legs else ""
            legs += "" if wellness.ill == "none" else f", ill ({wellness.ill})"
            note = ""
            if change.unchanged:
                note = " (the same as already stored: nothing changed)"
            elif replaced:
                note = " (replaced this morning's earlier entry; `undo` restores it)"
            lines.append(
                f"{wellness.user} {day}: soreness {wellness.soreness}, energy {wellness.energy}, "
                f"sleep {wellness.sleep_quality}, stress {wellness.stress}{legs}{note}"
            )
        if training is not None:
            added = record_training(store, training, settings=settings, again=args.again)
            lines.append(
                f"{training.user} {training.date}: {training.session_type.replace('_', ' ')}, "
                f"effort {training.effort}/10, {training.duration_min} min"
                + (
                    ""
                    if added
                    else " is already logged: not added twice (--again adds a second session)"
                )
            )
        verdict = _verdict_line(store, args.user, day, training_day)
        queue_state(args, store, args.user)
    if args.json:
        print_json(LogOutput(wellness=wellness, training=training, replaced_wellness=replaced))
    else:
        print("\n".join([*lines, *verdict]))
    return 0


def _verdict_line(store: Store, user: str, day: dt.date, training_day: dt.date) -> list[str]:
    """The recomputed verdict of the morning the entry changed (if it has a reading)."""
    first = min(day, training_day)
    for reading in reversed(store.readings(user, since=first)):
        if reading.readiness is not None:
            r = reading.readiness
            score = f" {r.score}" if r.score is not None else ""
            status, fatigue = r.status.replace("_", " "), r.fatigue_type.replace("_", " ")
            return [f"{user} {r.date}: now {status}{score} ({fatigue}): {r.advice}"]
    return []
