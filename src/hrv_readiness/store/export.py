"""Export and import of a whole history as JSON or CSV, exactly round-tripping.

* JSON: one document ``{"format": "hrv-readiness-history", "version": 1,
  "readings": [...], "wellness": [...], "training": [...]}``; floats are written
  with Python's shortest round-tripping repr, so every number (RR included) comes
  back bit for bit.
* CSV: one file, one row per record, a ``record`` column saying which kind
  (``reading`` / ``wellness`` / ``training``) and the union of the columns; RR
  intervals are one space-separated column, the day's verdict is its JSON. Opens
  in any spreadsheet and can be filtered on ``record``.

Files are written to a temporary name and renamed into place, so an interrupted
export never leaves a half file under the requested name. An import validates
the whole file before writing anything and then adds everything in one
transaction: a bad file gets a clear error naming the record and loses nothing.
The MQTT outbox is transient and not exported.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pydantic import ValidationError

from hrv_readiness.readiness.errors import InvalidRecordError
from hrv_readiness.readiness.models import (
    ILLNESS_LEVELS,
    IllnessLevel,
    Readiness,
    TrainingEntry,
    WellnessEntry,
)
from hrv_readiness.store.errors import DatabaseUnavailableError, ImportFormatError
from hrv_readiness.store.models import StoredOrthostatic, StoredReading

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from hrv_readiness.store.store import ImportSummary, Store

_T = TypeVar("_T")
_A = TypeVar("_A")
ExportFormat = Literal["json", "csv"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("json", "csv")
FORMAT_NAME = "hrv-readiness-history"
FORMAT_VERSION = 1

CSV_COLUMNS: tuple[str, ...] = (
    "record",
    "user",
    "date",
    "measured_at",
    "duration_s",
    "rmssd_ms",
    "ln_rmssd",
    "sdnn_ms",
    "mean_hr_bpm",
    "artifact_pct",
    "quality",
    "quality_reason",
    "source",
    "soreness",
    "energy",
    "sleep_quality",
    "stress",
    "heavy_legs",
    "session_type",
    "effort",
    "duration_min",
    "rr_ms",
    "readiness_json",
    "orthostatic_json",
    # Added with the illness watch; exports written before them still import.
    "breathing_rate_per_min",
    "breathing_quality",
    "ill",
)
#: The columns of an export written before the illness watch.
_CSV_COLUMNS_BEFORE_BREATHING = CSV_COLUMNS[:-3]


def format_from_path(path: Path) -> ExportFormat:
    """``json`` or ``csv`` from the file suffix."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix == "json":
        return "json"
    if suffix == "csv":
        return "csv"
    msg = f"cannot tell the format of {path} from its suffix: use .json or .csv, or --format"
    raise ImportFormatError(msg, path=path, location="file name")


# ------------------------------------------------------------------------------ export


def export_history(store: Store, path: Path, *, fmt: ExportFormat) -> int:
    """Write every user's history to ``path``; return the number of records written."""
    readings = store.all_readings()
    wellness = store.all_wellness()
    training = store.all_training()
    if fmt == "json":
        text = _to_json(readings, wellness, training)
    else:
        text = _to_csv(readings, wellness, training)
    _write_atomically(path, text)
    return len(readings) + len(wellness) + len(training)


def _to_json(
    readings: Iterable[StoredReading],
    wellness: Iterable[WellnessEntry],
    training: Iterable[TrainingEntry],
) -> str:
    document = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "readings": [r.model_dump(mode="json") for r in readings],
        "wellness": [w.model_dump(mode="json") for w in wellness],
        "training": [t.model_dump(mode="json") for t in training],
    }
    return json.dumps(document, indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _to_csv(
    readings: Iterable[StoredReading],
    wellness: Iterable[WellnessEntry],
    training: Iterable[TrainingEntry],
) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in readings:
        row = {
            name: _cell(getattr(r, name))
            for name in CSV_COLUMNS
            if name not in {"record", "rr_ms", "readiness_json"}
            and name in StoredReading.model_fields
        }
        row["record"] = "reading"
        row["rr_ms"] = " ".join(repr(v) for v in r.rr_ms)
        row["readiness_json"] = r.readiness.model_dump_json() if r.readiness is not None else ""
        row["orthostatic_json"] = (
            r.orthostatic.model_dump_json() if r.orthostatic is not None else ""
        )
        writer.writerow(row)
    for w in wellness:
        writer.writerow({"record": "wellness", **{k: _cell(v) for k, v in w}})
    for t in training:
        writer.writerow({"record": "training", **{k: _cell(v) for k, v in t}})
    return buffer.getvalue()


def _write_atomically(path: Path, text: str) -> None:
    path = path.expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            Path(temp_name).replace(path)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
    except OSError as err:
        msg = f"cannot write the export {path}: {err}"
        raise DatabaseUnavailableError(msg, path=path) from err


# ------------------------------------------------------------------------------ import


def import_history(store: Store, path: Path, *, fmt: ExportFormat | None = None) -> ImportSummary:
    """Validate the whole file, then add its records in one transaction."""
    path = path.expanduser()
    fmt = fmt or format_from_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        msg = f"cannot read {path}: {err}"
        raise ImportFormatError(msg, path=path, location="file") from err
    if fmt == "json":
        readings, wellness, training = _from_json(text, path)
    else:
        readings, wellness, training = _from_csv(text, path)
    return store.import_records(readings=readings, wellness=wellness, training=training)


def _validated(path: Path, location: str, build: Callable[[_A], _T], arg: _A) -> _T:
    try:
        return build(arg)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "record"
        msg = f"{path}: {location}: {where}: {first['msg']}"
        raise ImportFormatError(msg, path=path, location=location) from err
    except InvalidRecordError as err:
        msg = f"{path}: {location}: {err.field}: {err.problem}"
        raise ImportFormatError(msg, path=path, location=location) from err
    except ValueError as err:
        msg = f"{path}: {location}: {err}"
        raise ImportFormatError(msg, path=path, location=location) from err


_Records = tuple[list[StoredReading], list[WellnessEntry], list[TrainingEntry]]


def _from_json(text: str, path: Path) -> _Records:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        msg = f"{path} is not JSON: {err}"
        raise ImportFormatError(msg, path=path, location=f"line {err.lineno}") from err
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        msg = f'{path} is not an hrv-readiness history export (no "format": "{FORMAT_NAME}")'
        raise ImportFormatError(msg, path=path, location="format")
    if document.get("version") != FORMAT_VERSION:
        msg = (
            f"{path} has export version {document.get('version')!r}; "
            f"this hrv-collector reads version {FORMAT_VERSION}"
        )
        raise ImportFormatError(msg, path=path, location="version")
    sections: dict[str, list[Any]] = {}
    for key in ("readings", "wellness", "training"):
        value = document.get(key, [])
        if not isinstance(value, list):
            msg = f"{path}: {key!r} must be a list"
            raise ImportFormatError(msg, path=path, location=key)
        sections[key] = value
    readings = [
        _validated(path, f"readings[{i}]", StoredReading.model_validate, item)
        for i, item in enumerate(sections["readings"])
    ]
    wellness = [
        _validated(path, f"wellness[{i}]", WellnessEntry.model_validate, item)
        for i, item in enumerate(sections["wellness"])
    ]
    training = [
        _validated(path, f"training[{i}]", TrainingEntry.model_validate, item)
        for i, item in enumerate(sections["training"])
    ]
    return readings, wellness, training


def _optional(value: str) -> str | None:
    return value if value != "" else None


def _csv_reading(row: dict[str, str]) -> StoredReading:
    readiness_json = _optional(row["readiness_json"])
    return StoredReading.model_validate(
        {
            "user": row["user"],
            "measured_at": row["measured_at"],
            "date": row["date"],
            "duration_s": float(row["duration_s"]),
            "rr_ms": tuple(float(v) for v in row["rr_ms"].split()),
            "rmssd_ms": _optional_float(row["rmssd_ms"]),
            "ln_rmssd": _optional_float(row["ln_rmssd"]),
            "sdnn_ms": _optional_float(row["sdnn_ms"]),
            "mean_hr_bpm": _optional_float(row["mean_hr_bpm"]),
            "artifact_pct": float(row["artifact_pct"]),
            "quality": row["quality"],
            "quality_reason": row["quality_reason"],
            "source": row["source"],
            "breathing_rate_per_min": _optional_float(row.get("breathing_rate_per_min", "")),
            "breathing_quality": _optional(row.get("breathing_quality", "")),
            "readiness": (
                Readiness.model_validate_json(readiness_json)
                if readiness_json is not None
                else None
            ),
            # Files written before the orthostatic test have no such column.
            "orthostatic": (
                StoredOrthostatic.model_validate_json(orthostatic_json)
                if (orthostatic_json := _optional(row.get("orthostatic_json") or "")) is not None
                else None
            ),
        }
    )


def _optional_float(value: str) -> float | None:
    return float(value) if value != "" else None


def _csv_bool(value: str) -> bool:
    if value in {"true", "false"}:
        return value == "true"
    msg = f"heavy_legs must be true or false, got {value!r}"
    raise ValueError(msg)


def _csv_int(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError:
        msg = f"{name} must be a whole number, got {value!r}"
        raise ValueError(msg) from None


def _csv_ill(value: str) -> IllnessLevel:
    if value == "":
        return "none"  # an export written before the illness watch
    for level in ILLNESS_LEVELS:
        if value == level:
            return level
    msg = f"ill must be one of {', '.join(ILLNESS_LEVELS)}, got {value!r}"
    raise ValueError(msg)


def _csv_wellness(row: dict[str, str]) -> WellnessEntry:
    return WellnessEntry(
        user=row["user"],
        date=dt.date.fromisoformat(row["date"]),
        soreness=_csv_int(row["soreness"], "soreness"),
        energy=_csv_int(row["energy"], "energy"),
        sleep_quality=_csv_int(row["sleep_quality"], "sleep_quality"),
        stress=_csv_int(row["stress"], "stress"),
        heavy_legs=_csv_bool(row["heavy_legs"]),
        ill=_csv_ill(row.get("ill", "")),
    )


def _csv_training(row: dict[str, str]) -> TrainingEntry:
    return TrainingEntry.model_validate(
        {
            "user": row["user"],
            "date": row["date"],
            "session_type": row["session_type"],
            "effort": _csv_int(row["effort"], "effort"),
            "duration_min": _csv_int(row["duration_min"], "duration_min"),
        }
    )


def _from_csv(text: str, path: Path) -> _Records:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = tuple(reader.fieldnames or ())
    # Exports written before the illness watch end three columns earlier, before the
    # orthostatic test four.
    if header not in {CSV_COLUMNS, _CSV_COLUMNS_BEFORE_BREATHING, CSV_COLUMNS[:-4]}:
        missing = [c for c in CSV_COLUMNS if c not in header]
        msg = f"{path} is not an hrv-readiness CSV export: " + (
            f"missing columns {', '.join(missing)}" if missing else "unexpected columns"
        )
        raise ImportFormatError(msg, path=path, location="header")
    readings: list[StoredReading] = []
    wellness: list[WellnessEntry] = []
    training: list[TrainingEntry] = []
    for row in reader:
        location = f"line {reader.line_num}"
        if None in row or any(value is None for value in row.values()):
            msg = f"{path}: {location}: wrong number of fields"
            raise ImportFormatError(msg, path=path, location=location)
        kind = row["record"]
        if kind == "reading":
            readings.append(_validated(path, location, _csv_reading, row))
        elif kind == "wellness":
            wellness.append(_validated(path, location, _csv_wellness, row))
        elif kind == "training":
            training.append(_validated(path, location, _csv_training, row))
        else:
            msg = f"{path}: {location}: unknown record kind {kind!r}"
            raise ImportFormatError(msg, path=path, location=location)
    return readings, wellness, training
