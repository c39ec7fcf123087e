"""Errors of the history store, children of the project's families."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hrv_readiness.errors import InputError, StoreError

if TYPE_CHECKING:
    from pathlib import Path


class DatabaseUnavailableError(StoreError):
    """The database file cannot be opened or written (permissions, disk, corruption)."""

    def __init__(self, message: str, *, path: Path) -> None:
        super().__init__(message)
        self.path = path


class RecordRefusedError(StoreError):
    """The database's constraints refused a record the models should have refused first."""

    def __init__(self, message: str, *, path: Path) -> None:
        super().__init__(message)
        self.path = path


class SchemaTooNewError(StoreError):
    """The database was written by a newer version of HRV Readiness."""

    def __init__(self, message: str, *, found: int, supported: int) -> None:
        super().__init__(message)
        self.found = found
        self.supported = supported


class ImportFormatError(InputError):
    """An export file to import is malformed; nothing was imported."""

    def __init__(self, message: str, *, path: Path, location: str) -> None:
        super().__init__(message)
        self.path = path
        self.location = location
