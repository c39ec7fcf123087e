"""Options shared by the history commands (log, report, export, import)."""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
from pathlib import Path
from typing import TYPE_CHECKING

from hrv_readiness.clock import now_in
from hrv_readiness.errors import InputError
from hrv_readiness.readiness.dates import MAX_BACKDATE_DAYS, MorningDateError, check_morning
from hrv_readiness.readiness.settings import ReadinessSettings
from hrv_readiness.store.paths import DATA_DIR_ENV, default_db_path

if TYPE_CHECKING:
    from hrv_readiness.config import Config


class UnknownUserError(InputError):
    """A ``--user`` that the config (or the history) does not know."""


def add_db_argument(parser: argparse.ArgumentParser, *, config: bool = True) -> None:
    if config:
        parser.add_argument(
            "--config",
            type=Path,
            default=None,
            metavar="FILE",
            help="collector config (YAML): its storage.data_dir and readiness settings are used",
        )
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        metavar="PATH",
        help=f"history database (default: ${DATA_DIR_ENV}/hrv.sqlite3, "
        "else ~/.local/share/hrv-readiness/hrv.sqlite3)",
    )


def load_config_of(args: argparse.Namespace) -> Config | None:
    """The config of ``--config``, if given."""
    return _config(args)


def _config(args: argparse.Namespace) -> Config | None:
    path: Path | None = getattr(args, "config", None)
    if path is None:
        return None
    cached: Config | None = getattr(args, "_loaded_config", None)
    if cached is None:
        from hrv_readiness.config import load_config  # noqa: PLC0415 - only when asked for

        cached = load_config(path)
        args._loaded_config = cached  # noqa: SLF001 - read once per command
    return cached


def db_path(args: argparse.Namespace) -> Path:
    """``--db``, else the config's database, else the default location."""
    path: Path | None = args.db
    if path is not None:
        return path
    config = _config(args)
    return config.storage.database_path if config is not None else default_db_path()


def existing_db_path(args: argparse.Namespace, *, missing: str) -> Path:
    """:func:`db_path`, which must exist; ``missing`` ends the error when it does not."""
    path = db_path(args)
    if not path.exists():
        msg = f"no history database at {path}: {missing}"
        raise InputError(msg)
    return path


def readiness_settings(args: argparse.Namespace, user: str) -> ReadinessSettings:
    """The user's readiness settings from ``--config`` (with overrides), else the defaults."""
    config = _config(args)
    if config is None:
        return ReadinessSettings()
    if any(u.id == user for u in config.users):
        return config.readiness_for(user)
    return config.readiness


def check_configured_user(args: argparse.Namespace, user: str) -> None:
    """With ``--config``, ``user`` must be one of its users (a typo would start a history)."""
    config = _config(args)
    if config is None:
        return
    known = [u.id for u in config.users]
    if user not in known:
        close = difflib.get_close_matches(user, known, n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        msg = f"--user {user}: not a user in {args.config} (users: {', '.join(known)}){hint}"
        raise UnknownUserError(msg)


def add_new_user_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--new-user",
        action="store_true",
        help="--user starts a new person's history (without it, an unknown id is refused)",
    )


def check_known_user(args: argparse.Namespace, user: str) -> None:
    """``user`` must be known: a user of ``--config``, else one the history knows.

    ``--new-user`` starts a new person (a mistyped id would silently start a second
    history). The first person of an empty history needs no ``--new-user``.
    """
    if _config(args) is not None:
        check_configured_user(args, user)
        return
    if getattr(args, "new_user", False):
        return
    path = db_path(args)
    if not path.exists():
        return
    from hrv_readiness.store import Store  # noqa: PLC0415 - the store only when needed

    with Store.open(path) as store:
        known = store.users()
    if known and user not in known:
        close = difflib.get_close_matches(user, known, n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        msg = (
            f"--user {user}: no history for this user (known: {', '.join(known)}); "
            f"{hint}add --new-user to start {user}'s history"
        )
        raise UnknownUserError(msg)


def checked_morning(
    option: str, day: dt.date, today: dt.date, *, recorded: bool = False
) -> dt.date:
    """``day`` checked by the one date rule (readiness.dates), the error naming ``option``.

    ``recorded``: the date was written by a recording app into an imported file (history,
    however old), not typed by a person (ten years at most: an older one is a typo).
    """
    try:
        limit = None if recorded else MAX_BACKDATE_DAYS
        return check_morning(day, today=today, max_backdate_days=limit)
    except MorningDateError as err:
        msg = f"{option} {err}"
        raise MorningDateError(msg, date=err.date, today=err.today) from err


def display_name(args: argparse.Namespace, user: str) -> str:
    """The user's name from ``--config`` (``name:``), else the id."""
    config = _config(args)
    if config is not None:
        for u in config.users:
            if u.id == user and u.name:
                return u.name
    return user


def iso_date(text: str) -> dt.date:
    """Argparse type: a YYYY-MM-DD date."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        msg = f"not a date (YYYY-MM-DD): {text!r}"
        raise argparse.ArgumentTypeError(msg) from None


def local_now(args: argparse.Namespace | None = None) -> dt.datetime:
    """Now on the household's clock: ``--config``'s ``collector.timezone``, else this machine's.

    With ``--config`` a command dates a morning exactly as the daemon of that config does,
    even on a laptop in another zone (the rule: :mod:`hrv_readiness.clock`).
    """
    config = _config(args) if args is not None else None
    return config.collector.now() if config is not None else now_in(None)


def local_today(args: argparse.Namespace | None = None) -> dt.date:
    """Today's date on the household's clock (see :func:`local_now`)."""
    return local_now(args).date()
