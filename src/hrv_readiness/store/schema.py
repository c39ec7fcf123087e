"""The versioned SQLite schema: an ordered list of migrations.

``PRAGMA user_version`` holds the number of migrations applied. Each migration runs
in its own transaction together with the version bump, so a crash mid-migration
leaves the previous version intact. Never edit a released migration; append one.
"""

from __future__ import annotations

import struct

import numpy as np

MIGRATIONS: tuple[str, ...] = (
    # 1: readings, wellness, training, outbox
    """
    CREATE TABLE readings (
        id              INTEGER PRIMARY KEY,
        user            TEXT    NOT NULL,
        measured_at     TEXT    NOT NULL,      -- ISO 8601, UTC, microseconds
        date            TEXT    NOT NULL,      -- local morning, YYYY-MM-DD
        duration_s      REAL    NOT NULL,
        rr              BLOB    NOT NULL,      -- see encode_rr_ms
        rmssd_ms        REAL,
        ln_rmssd        REAL,
        sdnn_ms         REAL,
        mean_hr_bpm     REAL,
        artifact_pct    REAL    NOT NULL,
        quality         TEXT    NOT NULL CHECK (quality IN ('good', 'acceptable', 'rejected')),
        quality_reason  TEXT    NOT NULL DEFAULT '',
        source          TEXT    NOT NULL DEFAULT '',
        status          TEXT,
        score           INTEGER,
        fatigue_type    TEXT,
        readiness_json  TEXT,
        UNIQUE (user, measured_at)
    );
    CREATE INDEX readings_user_date ON readings (user, date);
    CREATE TABLE wellness (
        user            TEXT    NOT NULL,
        date            TEXT    NOT NULL,
        soreness        INTEGER NOT NULL CHECK (soreness BETWEEN 0 AND 10),
        energy          INTEGER NOT NULL CHECK (energy BETWEEN 0 AND 10),
        sleep_quality   INTEGER NOT NULL CHECK (sleep_quality BETWEEN 0 AND 10),
        stress          INTEGER NOT NULL CHECK (stress BETWEEN 0 AND 10),
        heavy_legs      INTEGER NOT NULL CHECK (heavy_legs IN (0, 1)),
        PRIMARY KEY (user, date)
    );
    CREATE TABLE training (
        id              INTEGER PRIMARY KEY,
        user            TEXT    NOT NULL,
        date            TEXT    NOT NULL,
        session_type    TEXT    NOT NULL,
        effort          INTEGER NOT NULL CHECK (effort BETWEEN 0 AND 10),
        duration_min    INTEGER NOT NULL CHECK (duration_min >= 0)
    );
    CREATE INDEX training_user_date ON training (user, date);
    CREATE TABLE outbox (
        id              INTEGER PRIMARY KEY,
        topic           TEXT    NOT NULL,
        payload         BLOB    NOT NULL,
        qos             INTEGER NOT NULL CHECK (qos IN (0, 1, 2)),
        retain          INTEGER NOT NULL CHECK (retain IN (0, 1)),
        created_at      TEXT    NOT NULL
    );
    """,
    # 2: what the state message shows besides the metrics: pNN50, the beats analysed and
    # the strap (its name is ``source``), so a state rebuilt from the store after a
    # restart says what the one published at measurement time said.
    """
    ALTER TABLE readings ADD COLUMN pnn50_pct REAL;
    ALTER TABLE readings ADD COLUMN beats INTEGER;
    ALTER TABLE readings ADD COLUMN strap_address TEXT;
    ALTER TABLE readings ADD COLUMN battery_pct INTEGER;
    """,
    # 3: the orthostatic part of a reading (phase mark, metrics or refusal) as JSON;
    # NULL for a plain reading.
    """
    ALTER TABLE readings ADD COLUMN orthostatic_json TEXT;
    """,
    # 4: the trash. A deletion, a replaced questionnaire or a renamed person moves the
    # records it removes here (as JSON, one batch per command), so `undo` can put the
    # last change back.
    """
    CREATE TABLE trash (
        id              INTEGER PRIMARY KEY,
        batch           INTEGER NOT NULL,
        deleted_at      TEXT    NOT NULL,      -- ISO 8601, UTC
        change          TEXT    NOT NULL,      -- what was done, in words
        kind            TEXT    NOT NULL
                        CHECK (kind IN ('reading', 'wellness', 'training', 'rename')),
        record          TEXT    NOT NULL       -- the record as JSON
    );
    CREATE INDEX trash_batch ON trash (batch);
    """,
    # 5: the illness watch (issue 26): the breathing rate the HRV engine read off the
    # reading (or why not), and the questionnaire's illness symptoms.
    """
    ALTER TABLE readings ADD COLUMN breathing_rate_per_min REAL;
    ALTER TABLE readings ADD COLUMN breathing_quality TEXT;
    ALTER TABLE wellness ADD COLUMN ill TEXT NOT NULL DEFAULT 'none'
        CHECK (ill IN ('none', 'mild', 'clear'));
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)

# RR blob formats. A strap sends RR in 1/1024 s ticks (docs/model.md); when every
# value is exactly ticks x 1000/1024 it is stored as uint16 ticks (2 bytes/beat),
# otherwise (corrected or foreign data) as float64 (8 bytes/beat). Both decode to
# exactly the floats that were stored.
_RR_TICKS = 1
_RR_FLOAT64 = 2
_HEADER = struct.Struct("<B")


def encode_rr_ms(rr_ms: tuple[float, ...]) -> bytes:
    """Pack RR intervals compactly; :func:`decode_rr_ms` returns exactly the same floats."""
    values = np.asarray(rr_ms, dtype=np.float64)
    ticks = np.rint(values * 1.024)
    if values.size and ticks.min() >= 0 and ticks.max() <= np.iinfo(np.uint16).max:
        as_ticks = ticks.astype("<u2")
        if np.array_equal(_ticks_to_ms(as_ticks), values):
            return _HEADER.pack(_RR_TICKS) + as_ticks.tobytes()
    return _HEADER.pack(_RR_FLOAT64) + values.astype("<f8").tobytes()


def decode_rr_ms(blob: bytes) -> tuple[float, ...]:
    """Inverse of :func:`encode_rr_ms`."""
    if not blob:
        msg = "empty RR blob"
        raise ValueError(msg)
    (kind,) = _HEADER.unpack_from(blob)
    body = blob[_HEADER.size :]
    if kind == _RR_TICKS:
        return tuple(float(v) for v in _ticks_to_ms(np.frombuffer(body, dtype="<u2")))
    if kind == _RR_FLOAT64:
        return tuple(float(v) for v in np.frombuffer(body, dtype="<f8"))
    msg = f"unknown RR blob format {kind}"
    raise ValueError(msg)


def _ticks_to_ms(
    ticks: np.ndarray[tuple[int], np.dtype[np.uint16]],
) -> np.ndarray[tuple[int], np.dtype[np.float64]]:
    return ticks.astype(np.float64) * 1000.0 / 1024.0
