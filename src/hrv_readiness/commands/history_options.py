"""Options shared by the history commands (log, report, export, import)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from hrv_readiness.readiness.settings import ReadinessSettings
from hrv_readiness.store.paths import DATA_DIR_ENV, default_db_path

if TYPE_CHECKING:
    from hrv_readiness.config import Config


def add_db_argument(parser: argparse.ArgumentParser) -> None:
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


def _config(args: argparse.Namespace) -> Config | None:
    path: Path | None = getattr(args, "config", None)
    if path is None:
        return None
    from hrv_readiness.config import load_config  # noqa: PLC0415 - only when asked for

    return load_config(path)


def db_path(args: argparse.Namespace) -> Path:
    """``--db``, else the config's database, else the default location."""
    path: Path | None = args.db
    if path is not None:
        return path
    config = _config(args)
    return config.storage.database_path if config is not None else default_db_path()


def readiness_settings(args: argparse.Namespace, user: str) -> ReadinessSettings:
    """The user's readiness settings from ``--config`` (with overrides), else the defaults."""
    config = _config(args)
    if config is None:
        return ReadinessSettings()
    if any(u.id == user for u in config.users):
        return config.readiness_for(user)
    return config.readiness


def iso_date(text: str) -> dt.date:
    """Argparse type: a YYYY-MM-DD date."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        msg = f"not a date (YYYY-MM-DD): {text!r}"
        raise argparse.ArgumentTypeError(msg) from None


def local_today() -> dt.date:
    """Today's date on this machine's clock (the I/O edge owns the clock)."""
    return dt.datetime.now().astimezone().date()
