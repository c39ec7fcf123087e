"""Where the history database lives unless the user says otherwise."""

from __future__ import annotations

import os
from pathlib import Path

#: Environment variable naming the data directory (tests, containers, several installs).
DATA_DIR_ENV = "HRV_READINESS_DATA_DIR"
DB_FILENAME = "hrv.sqlite3"


def default_data_dir() -> Path:
    """``$HRV_READINESS_DATA_DIR``, else ``$XDG_DATA_HOME/hrv-readiness`` (~/.local/share)."""
    configured = os.environ.get(DATA_DIR_ENV)
    if configured:
        return Path(configured).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "hrv-readiness"


def default_db_path() -> Path:
    """The database file inside :func:`default_data_dir`."""
    return default_data_dir() / DB_FILENAME
