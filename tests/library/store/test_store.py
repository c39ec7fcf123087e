"""The SQLite store on real files: schema, readings, wellness, training, outbox, errors."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from hrv_readiness.errors import StoreError
from hrv_readiness.readiness import InvalidRecordError, TrainingEntry, WellnessEntry
from hrv_readiness.store import (
    SCHEMA_VERSION,
    DatabaseUnavailableError,
    DuplicateReadingError,
    OutboxMessage,
    RecordRefusedError,
    SchemaTooNewError,
    Store,
    daily_history,
    default_data_dir,
    default_db_path,
)
from hrv_readiness.store import schema as schema_module
from hrv_readiness.store.schema import decode_rr_ms, encode_rr_ms

from .factories import START, household, reading

if TYPE_CHECKING:
    from pathlib import Path

NOW = dt.datetime(2026, 1, 1, 7, 0, tzinfo=dt.UTC)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.open(tmp_path / "nested" / "dir" / "hrv.sqlite3")
    yield opened  # type: ignore[misc]
    opened.close()


def test_open_creates_directories_wal_and_current_schema(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "hrv.sqlite3"
    with Store.open(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.integrity_check() == ["ok"]
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    finally:
        conn.close()
    assert {"readings", "wellness", "training", "outbox"} <= tables


def test_reopening_keeps_data_and_does_not_migrate_twice(tmp_path: Path) -> None:
    path = tmp_path / "hrv.sqlite3"
    with Store.open(path) as store:
        store.add_reading(reading())
    with Store.open(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert len(store.readings("alice")) == 1


def test_a_failing_migration_leaves_the_previous_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "hrv.sqlite3"
    with Store.open(path) as store:
        store.add_reading(reading())
    broken = (*schema_module.MIGRATIONS, "CREATE TABLE extra (x INT); SELECT * FROM no_such_table;")
    monkeypatch.setattr("hrv_readiness.store.store.MIGRATIONS", broken)
    monkeypatch.setattr("hrv_readiness.store.store.SCHEMA_VERSION", len(broken))
    failing = len(broken)
    with pytest.raises(
        DatabaseUnavailableError, match=f"migration to schema version {failing} failed"
    ):
        Store.open(path)
    monkeypatch.undo()
    with Store.open(path) as store:
        assert store.schema_version() == failing - 1
        assert len(store.readings("alice")) == 1
        names = [r[0] for r in store._conn.execute("SELECT name FROM sqlite_master").fetchall()]
        assert "extra" not in names


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "hrv.sqlite3"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(SchemaTooNewError, match="upgrade") as info:
        Store.open(path)
    assert (info.value.found, info.value.supported) == (99, SCHEMA_VERSION)


def test_a_file_that_is_not_a_database_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "hrv.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(DatabaseUnavailableError, match="not a usable SQLite database"):
        Store.open(path)
    assert path.read_bytes() == b"this is not sqlite" * 100  # untouched


def test_an_impossible_path_gives_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(DatabaseUnavailableError, match="cannot open") as info:
        Store.open(blocker / "hrv.sqlite3")
    assert isinstance(info.value, StoreError)
    assert info.value.path == blocker / "hrv.sqlite3"


def test_readings_round_trip_exactly(store: Store) -> None:
    readings, _, _ = household(days=16)
    for item in readings:
        store.add_reading(item)
    got = store.readings("alice") + store.readings("bob")
    assert got == readings
    assert any(r.readiness is not None for r in got)
    assert store.latest_reading("bob") == readings[-1]
    assert store.latest_reading("nobody") is None
    assert store.readings("alice", since=START + dt.timedelta(days=10)) == [
        r for r in readings if r.user == "alice" and r.date >= START + dt.timedelta(days=10)
    ]


def test_readiness_fields_are_queryable_columns(store: Store) -> None:
    readings, _, _ = household(days=16)
    for item in readings:
        store.add_reading(item)
    rows = store._conn.execute(
        "SELECT status, score, fatigue_type FROM readings WHERE readiness_json IS NOT NULL"
    ).fetchall()
    assert {row[0] for row in rows} <= {"ready", "caution", "rest", "building_baseline"}
    last = readings[-1]
    assert (last.status, last.score, last.fatigue_type) == rows[-1]


def test_a_reading_and_its_messages_are_one_transaction(store: Store) -> None:
    message = OutboxMessage(
        topic="hrv/alice/state", payload=b"{}", qos=1, retain=True, created_at=NOW
    )
    first = store.add_reading(reading(), outbox=[message])
    assert first == 1
    pending = store.pending_outbox()
    assert [(m.topic, m.payload, m.qos, m.retain, m.created_at) for m in pending] == [
        ("hrv/alice/state", b"{}", 1, True, NOW)
    ]
    # The same reading again is refused, and its messages are not enqueued either.
    with pytest.raises(DuplicateReadingError, match="already stored") as info:
        store.add_reading(reading(), outbox=[message, message])
    assert info.value.user == "alice"
    assert len(store.pending_outbox()) == 1
    assert len(store.readings("alice")) == 1


def test_outbox_drains_in_order(store: Store) -> None:
    ids = store.enqueue(
        [
            OutboxMessage(topic=f"t/{i}", payload=bytes([i]), created_at=NOW, qos=i % 3)
            for i in range(5)
        ]
    )
    assert ids == sorted(ids)
    assert [m.topic for m in store.pending_outbox(limit=3)] == ["t/0", "t/1", "t/2"]
    store.mark_sent(ids[:2])
    store.mark_sent([])
    assert [m.id for m in store.pending_outbox()] == ids[2:]


def test_wellness_replaces_the_same_morning(store: Store) -> None:
    day = START
    first = WellnessEntry(user="alice", date=day, soreness=2, energy=7, sleep_quality=7, stress=3)
    second = first.model_copy(update={"soreness": 8, "heavy_legs": True})
    store.add_wellness(first)
    store.add_wellness(second)
    assert store.wellness("alice") == [second]
    assert store.wellness_for("alice", day) == second
    assert store.wellness_for("alice", day + dt.timedelta(days=1)) is None


def test_training_and_users(store: Store) -> None:
    _, wellness, training = household(days=4)
    for entry in training:
        store.add_training(entry)
    store.add_wellness(wellness[0])
    store.add_wellness(wellness[0].model_copy(update={"user": "carol"}))
    assert store.training("bob") == [t for t in training if t.user == "bob"]
    assert store.training("bob", since=START + dt.timedelta(days=2)) == [
        t for t in training if t.user == "bob" and t.date >= START + dt.timedelta(days=2)
    ]
    assert store.users() == ["alice", "bob", "carol"]


def test_database_constraints_back_the_models(store: Store) -> None:
    # Even a caller that bypasses validation cannot store an impossible questionnaire.
    bad = WellnessEntry.model_construct(
        user="alice", date=START, soreness=12, energy=1, sleep_quality=1, stress=1, heavy_legs=False
    )
    with pytest.raises(RecordRefusedError, match="CHECK constraint failed") as caught:
        store.add_wellness(bad)
    assert isinstance(caught.value.__cause__, sqlite3.IntegrityError)
    assert store.wellness("alice") == []
    assert store.integrity_check() == ["ok"]


@pytest.mark.parametrize(
    "update",
    [
        {"measured_at": dt.datetime(2026, 1, 1, 6, 30)},  # noqa: DTZ001 - naive on purpose
        {"rr_ms": (800.0, -1.0)},
        {"rr_ms": (800.0, float("nan"))},
        {"quality": "great"},
        {"artifact_pct": 140.0},
        {"user": ""},
        {"user": "alice/../../etc"},
    ],
)
def test_bad_readings_are_refused_before_the_store(update: dict[str, object]) -> None:
    data = reading().model_dump()
    data.update(update)
    with pytest.raises(ValidationError):
        type(reading()).model_validate(data)


def test_measured_at_is_normalised_to_utc() -> None:
    data = reading().model_dump()
    data["measured_at"] = dt.datetime(2026, 1, 1, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    stored = type(reading()).model_validate(data)
    assert stored.measured_at == dt.datetime(2026, 1, 1, 6, 30, tzinfo=dt.UTC)
    assert stored.measured_at.utcoffset() == dt.timedelta(0)


def test_concurrent_writers_from_threads(tmp_path: Path) -> None:
    with Store.open(tmp_path / "hrv.sqlite3") as store:
        errors: list[BaseException] = []

        def write(user: str) -> None:
            try:
                for day in range(25):
                    store.add_reading(reading(user, day=day, seed=day))
            except BaseException as err:  # noqa: BLE001 - reported below
                errors.append(err)

        threads = [threading.Thread(target=write, args=(u,)) for u in ("alice", "bob", "carol")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == []
        assert [len(store.readings(u)) for u in ("alice", "bob", "carol")] == [25, 25, 25]


def test_daily_history_takes_the_last_usable_reading_per_morning() -> None:
    morning = reading(day=3, seed=1)
    remeasured = reading(day=3, seed=2)
    rejected = reading(day=3, seed=3, quality="rejected")
    earlier = reading(day=1, seed=4)
    history = daily_history([remeasured, rejected, morning, earlier])
    assert [h.date for h in history] == [earlier.date, morning.date]
    assert history[1].ln_rmssd == remeasured.ln_rmssd
    assert daily_history([earlier, morning], before=morning.date) == history[:1]


# ----------------------------------------------------------------------- RR codec


@pytest.mark.parametrize(
    ("rr_ms", "bytes_per_beat"),
    [
        ((1000.0, 800.78125, 0.9765625), 2),  # exact 1/1024 s ticks
        ((1000.0, 800.7), 8),  # arbitrary floats
        ((), 8),
    ],
)
def test_rr_is_stored_compactly(rr_ms: tuple[float, ...], bytes_per_beat: int) -> None:
    blob = encode_rr_ms(rr_ms)
    assert len(blob) == 1 + bytes_per_beat * len(rr_ms)
    assert decode_rr_ms(blob) == rr_ms


@given(st.lists(st.integers(min_value=0, max_value=65535), max_size=300))
def test_rr_ticks_round_trip(ticks: list[int]) -> None:
    rr = tuple(t * 1000.0 / 1024.0 for t in ticks)
    assert decode_rr_ms(encode_rr_ms(rr)) == rr


@given(st.lists(st.floats(min_value=1e-3, max_value=1e6, allow_nan=False), max_size=300))
def test_rr_floats_round_trip_bit_for_bit(rr: list[float]) -> None:
    assert decode_rr_ms(encode_rr_ms(tuple(rr))) == tuple(rr)


@pytest.mark.parametrize("blob", [b"", b"\x07abc"])
def test_corrupt_rr_blob_is_an_error(blob: bytes) -> None:
    with pytest.raises(ValueError, match="RR blob"):
        decode_rr_ms(blob)


# ---------------------------------------------------------------------------- paths


def test_default_paths(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HRV_READINESS_DATA_DIR", str(tmp_path / "data"))
    assert default_data_dir() == tmp_path / "data"
    assert default_db_path() == tmp_path / "data" / "hrv.sqlite3"
    monkeypatch.delenv("HRV_READINESS_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_data_dir() == tmp_path / "xdg" / "hrv-readiness"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert (
        default_db_path()
        == tmp_path / "home" / ".local" / "share" / "hrv-readiness" / "hrv.sqlite3"
    )


def test_training_session_types_are_validated() -> None:
    # The readiness records raise the project's InputError family (issue 13).
    with pytest.raises(InvalidRecordError, match="session_type"):
        TrainingEntry.model_validate(
            {"user": "a", "date": START, "session_type": "yoga", "effort": 3, "duration_min": 5}
        )


def test_an_error_inside_a_write_is_a_store_error_and_rolls_back(tmp_path: Path) -> None:
    """A statement failing inside the transaction (here: a table another program dropped)
    is translated like every other store failure, never a raw sqlite3 error."""
    path = tmp_path / "hrv.sqlite3"
    with Store.open(path) as store:
        other = sqlite3.connect(path)
        other.execute("DROP TABLE training")
        other.close()
        entry = TrainingEntry(
            user="alice",
            date=dt.date(2026, 11, 22),
            session_type="endurance",
            effort=5,
            duration_min=40,
        )
        with pytest.raises(DatabaseUnavailableError, match="no such table: training"):
            store.add_training(entry)
        assert not store._conn.in_transaction
        store.add_reading(reading())  # the store is still usable
        assert len(store.readings("alice")) == 1


def test_a_version_2_database_gains_the_breathing_and_illness_columns(tmp_path: Path) -> None:
    """Migration 3 (issue 26): old rows keep their values, no breathing rate, not ill."""
    import sqlite3  # noqa: PLC0415

    from hrv_readiness.store.schema import MIGRATIONS  # noqa: PLC0415

    path = tmp_path / "v2.sqlite3"
    conn = sqlite3.connect(path)
    for migration in MIGRATIONS[:2]:
        conn.executescript(migration)
    conn.execute("PRAGMA user_version = 2")
    conn.execute(
        "INSERT INTO wellness (user, date, soreness, energy, sleep_quality, stress, heavy_legs) "
        "VALUES ('alice', '2026-01-01', 2, 7, 7, 3, 0)"
    )
    conn.commit()
    conn.close()
    with Store.open(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        (entry,) = store.wellness("alice")
        assert entry.ill == "none"
        store.add_reading(reading())
        (stored,) = store.readings("alice")
        assert stored.breathing_rate_per_min == reading().breathing_rate_per_min
