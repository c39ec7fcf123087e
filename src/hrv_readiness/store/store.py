"""The SQLite history store: readings, wellness, training and the MQTT outbox.

One file per installation, WAL mode, ``synchronous=FULL``: a write is acknowledged
(the method returns) only after its transaction is committed, so a process killed
at any moment loses nothing acknowledged and leaves a consistent database. Every
public write is one ``BEGIN IMMEDIATE`` ... ``COMMIT`` transaction; a reading and
the MQTT messages announcing it are committed together (the outbox pattern), so a
reading is stored before it is published and never published without being stored.

sqlite3 errors are translated here, once, into :class:`StoreError` children.
The store may be shared between threads (the daemon calls it via
``asyncio.to_thread``); a lock serialises access to the one connection.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Self

from hrv_readiness.errors import StoreError
from hrv_readiness.readiness.models import Readiness, TrainingEntry, WellnessEntry
from hrv_readiness.store.errors import (
    DatabaseUnavailableError,
    RecordRefusedError,
    SchemaTooNewError,
)
from hrv_readiness.store.models import OutboxMessage, StoredOrthostatic, StoredReading
from hrv_readiness.store.schema import MIGRATIONS, SCHEMA_VERSION, decode_rr_ms, encode_rr_ms

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from types import TracebackType

_BUSY_TIMEOUT_MS = 10_000


class DuplicateReadingError(StoreError):
    """A reading with the same user and measurement time is already stored."""

    def __init__(self, message: str, *, user: str, measured_at: dt.datetime) -> None:
        super().__init__(message)
        self.user = user
        self.measured_at = measured_at


_READING_COLUMNS = (
    "user, measured_at, date, duration_s, rr, rmssd_ms, ln_rmssd, sdnn_ms, mean_hr_bpm, "
    "artifact_pct, quality, quality_reason, source, status, score, fatigue_type, readiness_json, "
    "pnn50_pct, beats, strap_address, battery_pct, orthostatic_json, breathing_rate_per_min, "
    "breathing_quality"
)


_READING_PLACEHOLDERS = ", ".join("?" * len(_READING_COLUMNS.split(",")))


def _iso_utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


class Store:
    """A user-partitioned history in one SQLite file. Use :meth:`open`."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._conn = connection
        self._lock = threading.RLock()
        self.path = path

    # ------------------------------------------------------------------ lifecycle

    @classmethod
    def open(cls, path: Path) -> Self:
        """Open (creating parent directories and the file) and migrate to the current schema."""
        path = Path(path).expanduser()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                path,
                timeout=_BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,  # we issue BEGIN/COMMIT ourselves
                check_same_thread=False,
            )
        except (OSError, sqlite3.Error) as err:
            msg = f"cannot open the history database {path}: {err}"
            raise DatabaseUnavailableError(msg, path=path) from err
        store = cls(conn, path)
        try:
            store._configure()
            store._migrate()
        except BaseException:
            conn.close()
            raise
        return store

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _configure(self) -> None:
        try:
            self._conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
            mode = self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                msg = f"{self.path}: SQLite refused WAL mode (got {mode!r})"
                raise DatabaseUnavailableError(msg, path=self.path)
            # FULL: a committed transaction survives power loss too, not only a killed process.
            self._conn.execute("PRAGMA synchronous = FULL")
        except sqlite3.Error as err:
            msg = f"{self.path} is not a usable SQLite database: {err}"
            raise DatabaseUnavailableError(msg, path=self.path) from err

    def _migrate(self) -> None:
        with self._lock:
            version = self.schema_version()
            if version > SCHEMA_VERSION:
                msg = (
                    f"{self.path} has schema version {version}, newer than the {SCHEMA_VERSION} "
                    "this version of hrv-collector understands: upgrade hrv-collector"
                )
                raise SchemaTooNewError(msg, found=version, supported=SCHEMA_VERSION)
            for number in range(version + 1, SCHEMA_VERSION + 1):
                script = MIGRATIONS[number - 1]
                try:
                    self._conn.executescript(
                        f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;"
                    )
                except sqlite3.Error as err:
                    if self._conn.in_transaction:
                        self._conn.rollback()
                    msg = f"{self.path}: migration to schema version {number} failed: {err}"
                    raise DatabaseUnavailableError(msg, path=self.path) from err

    def schema_version(self) -> int:
        try:
            return int(self._conn.execute("PRAGMA user_version").fetchone()[0])
        except sqlite3.Error as err:
            msg = f"{self.path} is not a usable SQLite database: {err}"
            raise DatabaseUnavailableError(msg, path=self.path) from err

    def integrity_check(self) -> list[str]:
        """``PRAGMA integrity_check`` rows; ``["ok"]`` for a healthy file."""
        with self._lock:
            rows = self._conn.execute("PRAGMA integrity_check").fetchall()
        return [str(row[0]) for row in rows]

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; committed on success, rolled back on any error."""
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as err:
                msg = f"cannot write to {self.path}: {err}"
                raise DatabaseUnavailableError(msg, path=self.path) from err
            try:
                yield self._conn
            except sqlite3.IntegrityError as err:
                self._rollback()
                msg = f"{self.path} refused the record: {err}"
                raise RecordRefusedError(msg, path=self.path) from err
            except sqlite3.Error as err:
                # Raised by a statement of the body (locked, read-only, disk full,
                # corrupt page): translated here once, for every write.
                self._rollback()
                msg = f"cannot write to {self.path}: {err}"
                raise DatabaseUnavailableError(msg, path=self.path) from err
            except BaseException:
                self._rollback()
                raise
            try:
                self._conn.execute("COMMIT")
            except sqlite3.Error as err:
                self._rollback()
                msg = f"cannot commit to {self.path}: {err}"
                raise DatabaseUnavailableError(msg, path=self.path) from err

    def _rollback(self) -> None:
        """Roll back the open transaction; a failing rollback must not hide the error."""
        try:
            if self._conn.in_transaction:
                self._conn.rollback()
        except sqlite3.Error:  # the connection is broken; the cause is raised anyway
            pass

    def _query(self, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                cursor = self._conn.execute(sql, params)
                cursor.row_factory = sqlite3.Row
                return list(cursor.fetchall())
            except sqlite3.Error as err:
                msg = f"cannot read {self.path}: {err}"
                raise DatabaseUnavailableError(msg, path=self.path) from err

    # ------------------------------------------------------------------- readings

    def add_reading(self, reading: StoredReading, *, outbox: Sequence[OutboxMessage] = ()) -> int:
        """Store a reading and enqueue its MQTT messages in ONE transaction; return its id."""
        with self._transaction() as conn:
            try:
                cursor = conn.execute(
                    f"INSERT INTO readings ({_READING_COLUMNS}) "  # noqa: S608 - constant columns
                    f"VALUES ({_READING_PLACEHOLDERS})",
                    _reading_row(reading),
                )
            except sqlite3.IntegrityError as err:
                msg = (
                    f"a reading of {reading.user} measured at "
                    f"{reading.measured_at.isoformat()} is already stored"
                )
                raise DuplicateReadingError(
                    msg, user=reading.user, measured_at=reading.measured_at
                ) from err
            except sqlite3.Error as err:
                msg = f"cannot write to {self.path}: {err}"
                raise DatabaseUnavailableError(msg, path=self.path) from err
            self._insert_outbox(conn, outbox)
            reading_id = cursor.lastrowid
        if reading_id is None:  # pragma: no cover - sqlite always sets it after INSERT
            msg = "SQLite returned no row id"
            raise StoreError(msg)
        return reading_id

    def readings(self, user: str, *, since: dt.date | None = None) -> list[StoredReading]:
        """The user's readings, oldest first (all qualities), from ``since`` on."""
        sql = f"SELECT {_READING_COLUMNS} FROM readings WHERE user = ?"  # noqa: S608
        params: list[object] = [user]
        if since is not None:
            sql += " AND date >= ?"
            params.append(since.isoformat())
        sql += " ORDER BY measured_at, id"
        return [_reading_from_row(row) for row in self._query(sql, params)]

    def numbered_readings(self, user: str) -> list[tuple[int, StoredReading]]:
        """The user's readings with their row ids, oldest first (for updating verdicts)."""
        rows = self._query(
            f"SELECT id, {_READING_COLUMNS} FROM readings WHERE user = ? "  # noqa: S608
            "ORDER BY measured_at, id",
            [user],
        )
        return [(int(row["id"]), _reading_from_row(row)) for row in rows]

    def set_verdicts(self, verdicts: Sequence[tuple[int, Readiness | None]]) -> None:
        """Replace the stored verdicts of readings (by row id) in ONE transaction."""
        if not verdicts:
            return
        with self._transaction() as conn:
            conn.executemany(
                "UPDATE readings SET status = ?, score = ?, fatigue_type = ?, readiness_json = ? "
                "WHERE id = ?",
                [
                    (
                        verdict.status if verdict else None,
                        verdict.score if verdict else None,
                        verdict.fatigue_type if verdict else None,
                        verdict.model_dump_json() if verdict else None,
                        reading_id,
                    )
                    for reading_id, verdict in verdicts
                ],
            )

    def latest_reading(self, user: str) -> StoredReading | None:
        """The reading of the latest morning (by date, then time): not the last one saved."""
        rows = self._query(
            f"SELECT {_READING_COLUMNS} FROM readings WHERE user = ? "  # noqa: S608
            "ORDER BY date DESC, measured_at DESC, id DESC LIMIT 1",
            [user],
        )
        return _reading_from_row(rows[0]) if rows else None

    def all_readings(self) -> list[StoredReading]:
        rows = self._query(
            f"SELECT {_READING_COLUMNS} FROM readings ORDER BY user, measured_at, id"  # noqa: S608
        )
        return [_reading_from_row(row) for row in rows]

    # ------------------------------------------------------------------- wellness

    def add_wellness(self, entry: WellnessEntry) -> None:
        """Store a questionnaire; a second one for the same morning replaces the first."""
        with self._transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO wellness "
                "(user, date, soreness, energy, sleep_quality, stress, heavy_legs, ill) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                _wellness_row(entry),
            )

    def wellness(self, user: str, *, since: dt.date | None = None) -> list[WellnessEntry]:
        sql = "SELECT * FROM wellness WHERE user = ?"
        params: list[object] = [user]
        if since is not None:
            sql += " AND date >= ?"
            params.append(since.isoformat())
        return [_wellness_from_row(row) for row in self._query(sql + " ORDER BY date", params)]

    def wellness_for(self, user: str, day: dt.date) -> WellnessEntry | None:
        rows = self._query(
            "SELECT * FROM wellness WHERE user = ? AND date = ?", [user, day.isoformat()]
        )
        return _wellness_from_row(rows[0]) if rows else None

    def all_wellness(self) -> list[WellnessEntry]:
        return [
            _wellness_from_row(row)
            for row in self._query("SELECT * FROM wellness ORDER BY user, date")
        ]

    # ------------------------------------------------------------------- training

    def add_training(self, entry: TrainingEntry) -> int:
        with self._transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO training (user, date, session_type, effort, duration_min) "
                "VALUES (?, ?, ?, ?, ?)",
                _training_row(entry),
            )
            row_id = cursor.lastrowid
        return int(row_id or 0)

    def training(self, user: str, *, since: dt.date | None = None) -> list[TrainingEntry]:
        sql = "SELECT * FROM training WHERE user = ?"
        params: list[object] = [user]
        if since is not None:
            sql += " AND date >= ?"
            params.append(since.isoformat())
        rows = self._query(sql + " ORDER BY date, id", params)
        return [_training_from_row(row) for row in rows]

    def all_training(self) -> list[TrainingEntry]:
        rows = self._query("SELECT * FROM training ORDER BY user, date, id")
        return [_training_from_row(row) for row in rows]

    def users(self) -> list[str]:
        rows = self._query(
            "SELECT user FROM readings UNION SELECT user FROM wellness "
            "UNION SELECT user FROM training ORDER BY user"
        )
        return [str(row["user"]) for row in rows]

    # ---------------------------------------------------------------- corrections

    def has_training(self, entry: TrainingEntry) -> bool:
        """True when an identical training entry (same day, type, effort, minutes) is stored."""
        rows = self._query(
            "SELECT 1 FROM training WHERE user = ? AND date = ? AND session_type = ? "
            "AND effort = ? AND duration_min = ? LIMIT 1",
            _training_row(entry),
        )
        return bool(rows)

    def replace_wellness(self, entry: WellnessEntry, *, at: dt.datetime) -> WellnessEntry | None:
        """Store a questionnaire; one already stored for that morning goes to the trash.

        Returns the replaced entry (``None`` if there was none). Storing the same
        answers again changes nothing and trashes nothing.
        """
        with self._transaction() as conn:
            rows = _rows(
                conn,
                "SELECT * FROM wellness WHERE user = ? AND date = ?",
                [entry.user, entry.date.isoformat()],
            )
            old = _wellness_from_row(rows[0]) if rows else None
            if old == entry:
                return old
            if old is not None:
                self._to_trash(
                    conn,
                    [("wellness", old.model_dump_json())],
                    change=f"questionnaire of {entry.user} on {entry.date} replaced",
                    at=at,
                )
            conn.execute(
                "INSERT OR REPLACE INTO wellness "
                "(user, date, soreness, energy, sleep_quality, stress, heavy_legs, ill) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                _wellness_row(entry),
            )
        return old

    def delete_records(
        self,
        user: str,
        *,
        day: dt.date | None,
        readings: bool,
        wellness: bool,
        training: bool,
        session_type: str | None = None,
        change: str,
        at: dt.datetime,
    ) -> TrashBatch:
        """Move ``user``'s records of ``day`` (``None``: every day) to the trash.

        ONE transaction; :meth:`restore_last` puts them back.

        ``session_type`` limits the training entries deleted to one type.
        """
        where = "user = ?" + (" AND date = ?" if day is not None else "")
        params: list[object] = [user]
        if day is not None:
            params.append(day.isoformat())
        trashed: list[tuple[str, str]] = []
        with self._transaction() as conn:
            if readings:
                rows = _rows(
                    conn,
                    f"SELECT {_READING_COLUMNS} FROM readings WHERE {where}",  # noqa: S608 - constant columns
                    params,
                )
                trashed += [("reading", _reading_from_row(r).model_dump_json()) for r in rows]
                conn.execute(f"DELETE FROM readings WHERE {where}", params)  # noqa: S608
            if wellness:
                rows = _rows(
                    conn,
                    f"SELECT * FROM wellness WHERE {where}",  # noqa: S608 - constant columns
                    params,
                )
                trashed += [("wellness", _wellness_from_row(r).model_dump_json()) for r in rows]
                conn.execute(f"DELETE FROM wellness WHERE {where}", params)  # noqa: S608
            if training:
                t_where, t_params = where, list(params)
                if session_type is not None:
                    t_where += " AND session_type = ?"
                    t_params.append(session_type)
                rows = _rows(
                    conn,
                    f"SELECT * FROM training WHERE {t_where}",  # noqa: S608 - constant columns
                    t_params,
                )
                trashed += [("training", _training_from_row(r).model_dump_json()) for r in rows]
                conn.execute(f"DELETE FROM training WHERE {t_where}", t_params)  # noqa: S608
            batch = self._to_trash(conn, trashed, change=change, at=at) if trashed else None
        return TrashBatch(batch=batch, change=change, records=tuple(kind for kind, _ in trashed))

    def rename_user(self, old: str, new: str, *, at: dt.datetime) -> TrashBatch:
        """Give ``old``'s whole history to ``new`` (who must have none), in ONE transaction."""
        change = f"{old} renamed to {new}"
        with self._transaction() as conn:
            for table in ("readings", "wellness", "training"):
                conn.execute(
                    f"UPDATE {table} SET user = ? WHERE user = ?",  # noqa: S608 - constant names
                    [new, old],
                )
            record = json.dumps({"from": old, "to": new})
            batch = self._to_trash(conn, [("rename", record)], change=change, at=at)
        return TrashBatch(batch=batch, change=change, records=("rename",))

    def last_trash(self, user: str | None = None) -> TrashBatch | None:
        """The last change the trash can undo (of ``user``'s records if given; ``None``: none)."""
        batch = self._last_batch(self._conn, user)
        if batch is None:
            return None
        rows = self._query("SELECT change, kind FROM trash WHERE batch = ? ORDER BY id", [batch])
        return TrashBatch(
            batch=batch,
            change=str(rows[0]["change"]),
            records=tuple(str(row["kind"]) for row in rows),
        )

    def restore_last(self, user: str | None = None) -> tuple[TrashBatch | None, list[str]]:
        """Undo the last change in the trash (``user``'s, if given), in ONE transaction.

        Returns it and the users it touched. Records put back that meanwhile exist
        again (the same reading or morning) are left as they are now.
        """
        users: set[str] = set()
        with self._transaction() as conn:
            batch = self._last_batch(conn, user)
            if batch is None:
                return None, []
            rows = conn.execute(
                "SELECT change, kind, record FROM trash WHERE batch = ? ORDER BY id", [batch]
            ).fetchall()
            for _, kind, record in rows:
                users.update(self._put_back(conn, str(kind), str(record)))
            conn.execute("DELETE FROM trash WHERE batch = ?", [batch])
        restored = TrashBatch(
            batch=batch, change=str(rows[0][0]), records=tuple(str(r[1]) for r in rows)
        )
        return restored, sorted(users)

    def _last_batch(self, conn: sqlite3.Connection, user: str | None) -> int | None:
        """The newest trash batch (holding a record of ``user``, if given)."""
        with self._lock:
            if user is None:
                row = conn.execute("SELECT MAX(batch) FROM trash").fetchone()
                return None if row[0] is None else int(row[0])
            for batch, kind, record in conn.execute(
                "SELECT batch, kind, record FROM trash ORDER BY batch DESC, id"
            ):
                data = json.loads(record)
                owners = {data.get("from"), data.get("to")} if kind == "rename" else {data["user"]}
                if user in owners:
                    return int(batch)
        return None

    @staticmethod
    def _put_back(conn: sqlite3.Connection, kind: str, record: str) -> set[str]:
        if kind == "rename":
            names = json.loads(record)
            for table in ("readings", "wellness", "training"):
                conn.execute(
                    f"UPDATE {table} SET user = ? WHERE user = ?",  # noqa: S608 - constant names
                    [names["from"], names["to"]],
                )
            return {str(names["from"]), str(names["to"])}
        if kind == "reading":
            reading = StoredReading.model_validate_json(record)
            conn.execute(
                f"INSERT OR IGNORE INTO readings ({_READING_COLUMNS}) "  # noqa: S608
                f"VALUES ({_READING_PLACEHOLDERS})",
                _reading_row(reading),
            )
            return {reading.user}
        if kind == "wellness":
            entry = WellnessEntry.model_validate_json(record)
            conn.execute(
                "INSERT OR REPLACE INTO wellness "
                "(user, date, soreness, energy, sleep_quality, stress, heavy_legs, ill) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                _wellness_row(entry),
            )
            return {entry.user}
        session = TrainingEntry.model_validate_json(record)
        conn.execute(
            "INSERT INTO training (user, date, session_type, effort, duration_min) "
            "VALUES (?, ?, ?, ?, ?)",
            _training_row(session),
        )
        return {session.user}

    @staticmethod
    def _to_trash(
        conn: sqlite3.Connection,
        records: Sequence[tuple[str, str]],
        *,
        change: str,
        at: dt.datetime,
    ) -> int:
        batch = int(conn.execute("SELECT COALESCE(MAX(batch), 0) + 1 FROM trash").fetchone()[0])
        conn.executemany(
            "INSERT INTO trash (batch, deleted_at, change, kind, record) VALUES (?, ?, ?, ?, ?)",
            [(batch, _iso_utc(at), change, kind, record) for kind, record in records],
        )
        return batch

    # --------------------------------------------------------------------- outbox

    def enqueue(self, messages: Sequence[OutboxMessage]) -> list[int]:
        """Enqueue MQTT messages on their own (events without a reading)."""
        with self._transaction() as conn:
            return self._insert_outbox(conn, messages)

    def pending_outbox(self, limit: int = 100) -> list[OutboxMessage]:
        """Messages not yet published, oldest first."""
        rows = self._query(
            "SELECT id, topic, payload, qos, retain, created_at FROM outbox ORDER BY id LIMIT ?",
            [limit],
        )
        return [
            OutboxMessage(
                id=int(row["id"]),
                topic=str(row["topic"]),
                payload=bytes(row["payload"]),
                qos=int(row["qos"]),  # type: ignore[arg-type]  # CHECK constraint keeps 0..2
                retain=bool(row["retain"]),
                created_at=dt.datetime.fromisoformat(str(row["created_at"])),
            )
            for row in rows
        ]

    def mark_sent(self, ids: Sequence[int]) -> None:
        """Forget messages the broker has acknowledged."""
        if not ids:
            return
        with self._transaction() as conn:
            conn.executemany("DELETE FROM outbox WHERE id = ?", [(int(i),) for i in ids])

    @staticmethod
    def _insert_outbox(conn: sqlite3.Connection, messages: Sequence[OutboxMessage]) -> list[int]:
        ids: list[int] = []
        for message in messages:
            cursor = conn.execute(
                "INSERT INTO outbox (topic, payload, qos, retain, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    message.topic,
                    message.payload,
                    message.qos,
                    int(message.retain),
                    _iso_utc(message.created_at),
                ),
            )
            ids.append(int(cursor.lastrowid or 0))
        return ids

    # ----------------------------------------------------------------- bulk import

    def import_records(
        self,
        *,
        readings: Sequence[StoredReading],
        wellness: Sequence[WellnessEntry],
        training: Sequence[TrainingEntry],
    ) -> ImportSummary:
        """Add records in ONE transaction; records already present are skipped.

        A reading is "present" when the user and measurement time match, a wellness
        entry when the user and date match (the stored one wins), a training entry
        when an identical row exists.
        """
        added_readings = added_wellness = added_training = 0
        with self._transaction() as conn:
            for reading in readings:
                cursor = conn.execute(
                    f"INSERT OR IGNORE INTO readings ({_READING_COLUMNS}) "  # noqa: S608
                    f"VALUES ({_READING_PLACEHOLDERS})",
                    _reading_row(reading),
                )
                added_readings += cursor.rowcount
            for entry in wellness:
                cursor = conn.execute(
                    "INSERT OR IGNORE INTO wellness "
                    "(user, date, soreness, energy, sleep_quality, stress, heavy_legs, ill) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    _wellness_row(entry),
                )
                added_wellness += cursor.rowcount
            existing = {_training_row(t) for t in self.all_training()}
            for session in training:
                row = _training_row(session)
                if row in existing:
                    continue
                conn.execute(
                    "INSERT INTO training (user, date, session_type, effort, duration_min) "
                    "VALUES (?, ?, ?, ?, ?)",
                    row,
                )
                added_training += 1
        return ImportSummary(
            readings_added=added_readings,
            readings_skipped=len(readings) - added_readings,
            wellness_added=added_wellness,
            wellness_skipped=len(wellness) - added_wellness,
            training_added=added_training,
            training_skipped=len(training) - added_training,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class TrashBatch:
    """One change kept in the trash: what was done and the kinds of the records it holds."""

    batch: int | None
    change: str
    records: tuple[str, ...]

    def count(self, kind: str) -> int:
        return self.records.count(kind)


@dataclass(slots=True, kw_only=True)
class ImportSummary:
    """How many records an import added and skipped (already present)."""

    readings_added: int
    readings_skipped: int
    wellness_added: int
    wellness_skipped: int
    training_added: int
    training_skipped: int

    def __str__(self) -> str:
        return (
            f"readings: {self.readings_added} added, {self.readings_skipped} already present; "
            f"wellness: {self.wellness_added} added, {self.wellness_skipped} already present; "
            f"training: {self.training_added} added, {self.training_skipped} already present"
        )


# ------------------------------------------------------------------------ row codecs


def _reading_row(r: StoredReading) -> tuple[object, ...]:
    readiness = r.readiness
    return (
        r.user,
        _iso_utc(r.measured_at),
        r.date.isoformat(),
        r.duration_s,
        encode_rr_ms(r.rr_ms),
        r.rmssd_ms,
        r.ln_rmssd,
        r.sdnn_ms,
        r.mean_hr_bpm,
        r.artifact_pct,
        r.quality,
        r.quality_reason,
        r.source,
        readiness.status if readiness else None,
        readiness.score if readiness else None,
        readiness.fatigue_type if readiness else None,
        readiness.model_dump_json() if readiness else None,
        r.pnn50_pct,
        r.beats,
        r.strap_address,
        r.battery_pct,
        r.orthostatic.model_dump_json() if r.orthostatic is not None else None,
        r.breathing_rate_per_min,
        r.breathing_quality,
    )


def _reading_from_row(row: sqlite3.Row) -> StoredReading:
    readiness_json = row["readiness_json"]
    return StoredReading(
        user=row["user"],
        measured_at=dt.datetime.fromisoformat(row["measured_at"]),
        date=dt.date.fromisoformat(row["date"]),
        duration_s=row["duration_s"],
        rr_ms=decode_rr_ms(bytes(row["rr"])),
        rmssd_ms=row["rmssd_ms"],
        ln_rmssd=row["ln_rmssd"],
        sdnn_ms=row["sdnn_ms"],
        mean_hr_bpm=row["mean_hr_bpm"],
        artifact_pct=row["artifact_pct"],
        quality=row["quality"],
        quality_reason=row["quality_reason"],
        source=row["source"],
        readiness=(
            Readiness.model_validate_json(readiness_json) if readiness_json is not None else None
        ),
        pnn50_pct=row["pnn50_pct"],
        beats=row["beats"],
        strap_address=row["strap_address"],
        battery_pct=row["battery_pct"],
        orthostatic=(
            StoredOrthostatic.model_validate_json(row["orthostatic_json"])
            if row["orthostatic_json"] is not None
            else None
        ),
        breathing_rate_per_min=row["breathing_rate_per_min"],
        breathing_quality=row["breathing_quality"],
    )


def _wellness_row(w: WellnessEntry) -> tuple[object, ...]:
    return (
        w.user,
        w.date.isoformat(),
        w.soreness,
        w.energy,
        w.sleep_quality,
        w.stress,
        int(w.heavy_legs),
        w.ill,
    )


def _rows(conn: sqlite3.Connection, sql: str, params: Sequence[object]) -> list[sqlite3.Row]:
    cursor = conn.execute(sql, params)
    cursor.row_factory = sqlite3.Row
    return list(cursor.fetchall())


def _wellness_from_row(row: sqlite3.Row) -> WellnessEntry:
    return WellnessEntry(
        user=row["user"],
        date=dt.date.fromisoformat(row["date"]),
        soreness=row["soreness"],
        energy=row["energy"],
        sleep_quality=row["sleep_quality"],
        stress=row["stress"],
        heavy_legs=bool(row["heavy_legs"]),
        ill=row["ill"],
    )


def _training_row(t: TrainingEntry) -> tuple[str, str, str, int, int]:
    return (t.user, t.date.isoformat(), t.session_type, t.effort, t.duration_min)


def _training_from_row(row: sqlite3.Row) -> TrainingEntry:
    return TrainingEntry(
        user=row["user"],
        date=dt.date.fromisoformat(row["date"]),
        session_type=row["session_type"],
        effort=row["effort"],
        duration_min=row["duration_min"],
    )
