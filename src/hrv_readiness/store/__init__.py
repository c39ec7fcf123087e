"""The SQLite history store (WAL, versioned schema): readings, wellness, training, outbox.

Export and import of the whole history live in :mod:`hrv_readiness.store.export`.
"""

from __future__ import annotations

from hrv_readiness.store.errors import (
    DatabaseUnavailableError,
    ImportFormatError,
    RecordRefusedError,
    SchemaTooNewError,
)
from hrv_readiness.store.export import EXPORT_FORMATS, ExportFormat, export_history, import_history
from hrv_readiness.store.history import daily_history
from hrv_readiness.store.models import (
    QUALITIES,
    OutboxMessage,
    Quality,
    StoredOrthostatic,
    StoredReading,
)
from hrv_readiness.store.paths import default_data_dir, default_db_path
from hrv_readiness.store.schema import SCHEMA_VERSION
from hrv_readiness.store.store import DuplicateReadingError, ImportSummary, Store

__all__ = [
    "EXPORT_FORMATS",
    "QUALITIES",
    "SCHEMA_VERSION",
    "DatabaseUnavailableError",
    "DuplicateReadingError",
    "ExportFormat",
    "ImportFormatError",
    "ImportSummary",
    "OutboxMessage",
    "Quality",
    "RecordRefusedError",
    "SchemaTooNewError",
    "Store",
    "StoredOrthostatic",
    "StoredReading",
    "daily_history",
    "default_data_dir",
    "default_db_path",
    "export_history",
    "import_history",
]
