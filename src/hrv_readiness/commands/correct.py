"""``hrv-collector delete``, ``rename`` and ``undo``: correct a slip in the history.

``delete --user bob --date 2026-12-01 --reading`` removes that morning's reading(s)
(``--questionnaire``, ``--training [TYPE]``, or all three); ``delete --user bob
--everything`` removes a person. ``rename --user bbo --to bob`` gives a history to
the right name. Each change recomputes the verdicts that depend on it and keeps what
it removed in the history's trash: ``undo`` puts the last change back (``undo
--list`` shows it first). To replace an entry, delete it and log or measure again;
logging a questionnaire again replaces that morning's.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from hrv_readiness.commands.history_options import (
    add_db_argument,
    check_known_user,
    checked_morning,
    existing_db_path,
    iso_date,
    local_today,
    readiness_settings,
)
from hrv_readiness.commands.option_errors import user_id
from hrv_readiness.commands.saving import queue_state
from hrv_readiness.errors import InputError
from hrv_readiness.readiness.models import SESSION_TYPES
from hrv_readiness.store import Store
from hrv_readiness.store.changes import delete_entries, remove_user, rename_user, undo_last

if TYPE_CHECKING:
    import argparse

    from hrv_readiness.commands.subcommand import AddCommand

_KINDS = (("reading", "reading(s)"), ("wellness", "questionnaire"), ("training", "training"))


def register(add: AddCommand) -> None:
    delete = add(
        "delete", "delete a reading, questionnaire or training entry, or a person (undoable)"
    )
    delete.add_argument("--user", required=True, type=user_id, help="whose entry")
    delete.add_argument("--date", type=iso_date, help="the morning (YYYY-MM-DD)")
    delete.add_argument("--reading", action="store_true", help="the morning's reading(s)")
    delete.add_argument("--questionnaire", action="store_true", help="the morning's questionnaire")
    delete.add_argument(
        "--training",
        nargs="?",
        const="any",
        choices=(*SESSION_TYPES, "any"),
        help="the day's training (only sessions of TYPE if given)",
    )
    delete.add_argument(
        "--everything", action="store_true", help="the person and their whole history"
    )
    add_db_argument(delete)
    delete.set_defaults(func=run_delete)

    rename = add("rename", "give a person's history another user id (undoable)")
    rename.add_argument("--user", required=True, type=user_id, help="the id now")
    rename.add_argument("--to", required=True, type=user_id, help="the id it should be")
    add_db_argument(rename)
    rename.set_defaults(func=run_rename)

    undo = add("undo", "put back what the last delete, rename or replaced questionnaire removed")
    undo.add_argument("--list", action="store_true", help="only say what undo would restore")
    add_db_argument(undo)
    undo.set_defaults(func=run_undo)


def run_delete(args: argparse.Namespace) -> int:
    path = existing_db_path(args, missing="nothing to correct")
    check_known_user(args, args.user)
    now = dt.datetime.now(dt.UTC)
    if args.everything:
        if args.date is not None or args.reading or args.questionnaire or args.training:
            msg = "--everything removes the whole person: give it without --date or an entry"
            raise InputError(msg)
        with Store.open(path) as store:
            batch = remove_user(store, args.user, at=now)
            queue_state(args, store, args.user)  # "no reading yet" for MQTT
        print(f"{batch.change} ({len(batch.records)} records); `hrv-collector undo` restores it")
        return 0
    if args.date is None:
        msg = "--date YYYY-MM-DD: which morning to delete from (or --everything)"
        raise InputError(msg)
    today = local_today(args)
    day = checked_morning("--date", args.date, today)
    every = not (args.reading or args.questionnaire or args.training)
    session_type = None if args.training in {None, "any"} else args.training
    with Store.open(path) as store:
        batch = delete_entries(
            store,
            args.user,
            day=day,
            readings=every or args.reading,
            wellness=every or args.questionnaire,
            training=every or args.training is not None,
            session_type=session_type,
            settings=readiness_settings(args, args.user),
            at=now,
        )
        queue_state(args, store, args.user)
    counts = ", ".join(f"{batch.count(kind)} {name}" for kind, name in _KINDS if batch.count(kind))
    print(f"{batch.change}: {counts}; `hrv-collector undo` restores it")
    return 0


def run_rename(args: argparse.Namespace) -> int:
    path = existing_db_path(args, missing="nothing to rename")
    with Store.open(path) as store:
        batch = rename_user(
            store,
            args.user,
            args.to,
            settings=readiness_settings(args, args.to),
            at=dt.datetime.now(dt.UTC),
        )
        queue_state(args, store, args.to)
        queue_state(args, store, args.user)  # the old id: "no reading yet"
    print(f"{batch.change}; `hrv-collector undo` renames back")
    return 0


def run_undo(args: argparse.Namespace) -> int:
    path = existing_db_path(args, missing="nothing to undo")
    with Store.open(path) as store:
        if args.list:
            last = store.last_trash()
            print(f"undo would restore: {last.change}" if last else "the trash is empty")
            return 0
        before = set(store.users())
        batch = undo_last(store, settings_of=lambda user: readiness_settings(args, user))
        # A rename undone leaves the new id without readings: its state is cleared too.
        for user in sorted(before | set(store.users())):
            queue_state(args, store, user)
    print(f"undone: {batch.change}")
    return 0
