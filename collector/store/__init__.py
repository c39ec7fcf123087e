"""The SQLite history store (WAL, versioned schema): readings, wellness, training, outbox.

Export and import of the whole history live in :mod:`collector.store.export`.
"""

from __future__ import annotations

from collector.store.errors import DatabaseUnavailableError, ImportFormatError, SchemaTooNewError
from collector.store.export import EXPORT_FORMATS, ExportFormat, export_history, import_history
from collector.store.history import daily_history
from collector.store.models import QUALITIES, OutboxMessage, Quality, StoredReading
from collector.store.paths import default_data_dir, default_db_path
from collector.store.schema import SCHEMA_VERSION
from collector.store.store import DuplicateReadingError, ImportSummary, Store

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
    "SchemaTooNewError",
    "Store",
    "StoredReading",
    "daily_history",
    "default_data_dir",
    "default_db_path",
    "export_history",
    "import_history",
]
