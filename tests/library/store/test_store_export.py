"""Export and import of the whole history, JSON and CSV, round-trip exactly."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from hrv_readiness.errors import InputError
from hrv_readiness.store import ImportFormatError, Store
from hrv_readiness.store.export import CSV_COLUMNS, export_history, format_from_path, import_history

from .factories import household

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def filled(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "source.sqlite3")
    readings, wellness, training = household(days=20)
    for reading in readings:
        store.add_reading(reading)
    for entry in wellness:
        store.add_wellness(entry)
    for session in training:
        store.add_training(session)
    yield store  # type: ignore[misc]
    store.close()


def _contents(store: Store) -> tuple[object, ...]:
    return (store.all_readings(), store.all_wellness(), store.all_training())


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_round_trip_is_exact(filled: Store, tmp_path: Path, fmt: str) -> None:
    first = tmp_path / f"first.{fmt}"
    count = export_history(filled, first, fmt=fmt)  # type: ignore[arg-type]
    assert count == 40 + 40 + 40
    with Store.open(tmp_path / "copy.sqlite3") as copy:
        summary = import_history(copy, first)
        assert (summary.readings_added, summary.wellness_added, summary.training_added) == (
            40,
            40,
            40,
        )
        # Every record, every float (RR included), every verdict comes back bit for bit.
        assert _contents(copy) == _contents(filled)
        second = tmp_path / f"second.{fmt}"
        export_history(copy, second, fmt=fmt)  # type: ignore[arg-type]
    assert second.read_bytes() == first.read_bytes()


def test_json_and_csv_carry_the_same_history(filled: Store, tmp_path: Path) -> None:
    export_history(filled, tmp_path / "h.json", fmt="json")
    export_history(filled, tmp_path / "h.csv", fmt="csv")
    with Store.open(tmp_path / "a.sqlite3") as a, Store.open(tmp_path / "b.sqlite3") as b:
        import_history(a, tmp_path / "h.json")
        import_history(b, tmp_path / "h.csv")
        assert _contents(a) == _contents(b) == _contents(filled)


def test_reimport_adds_nothing(filled: Store, tmp_path: Path) -> None:
    path = tmp_path / "h.json"
    export_history(filled, path, fmt="json")
    before = _contents(filled)
    summary = import_history(filled, path)
    assert (summary.readings_added, summary.wellness_added, summary.training_added) == (0, 0, 0)
    assert summary.readings_skipped == 40
    assert "already present" in str(summary)
    assert _contents(filled) == before


def test_export_writes_into_new_directories_and_leaves_no_temp_files(
    filled: Store, tmp_path: Path
) -> None:
    path = tmp_path / "exports" / "2026" / "h.csv"
    export_history(filled, path, fmt="csv")
    assert [p.name for p in path.parent.iterdir()] == ["h.csv"]
    assert path.read_text(encoding="utf-8").splitlines()[0] == ",".join(CSV_COLUMNS)


def _json_doc(filled: Store, tmp_path: Path) -> dict[str, object]:
    path = tmp_path / "good.json"
    export_history(filled, path, fmt="json")
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _break_json(doc: dict[str, object], how: str) -> str:  # noqa: PLR0911 - one case each
    if how == "truncated":
        return json.dumps(doc)[:500]
    if how == "not ours":
        return json.dumps({"hello": "world"})
    if how == "future version":
        return json.dumps({**doc, "version": 2})
    if how == "section not a list":
        return json.dumps({**doc, "training": {"a": 1}})
    readings = list(doc["readings"])  # type: ignore[call-overload]
    wellness = list(doc["wellness"])  # type: ignore[call-overload]
    if how == "soreness 11":
        wellness[7] = {**wellness[7], "soreness": 11}
        return json.dumps({**doc, "wellness": wellness})
    if how == "negative RR":
        readings[39] = {**readings[39], "rr_ms": [800.0, -3.0]}
        return json.dumps({**doc, "readings": readings})
    if how == "naive time":
        readings[2] = {**readings[2], "measured_at": "2026-01-03T06:30:00"}
        return json.dumps({**doc, "readings": readings})
    raise AssertionError(how)


@pytest.mark.parametrize(
    ("how", "location"),
    [
        ("truncated", "line 1"),
        ("not ours", "format"),
        ("future version", "version"),
        ("section not a list", "training"),
        ("soreness 11", "wellness[7]"),
        ("negative RR", "readings[39]"),
        ("naive time", "readings[2]"),
    ],
)
def test_bad_json_is_refused_whole(filled: Store, tmp_path: Path, how: str, location: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(_break_json(_json_doc(filled, tmp_path), how), encoding="utf-8")
    with Store.open(tmp_path / "target.sqlite3") as target:
        with pytest.raises(ImportFormatError) as info:
            import_history(target, path)
        assert info.value.location == location
        assert str(path) in str(info.value)
        assert isinstance(info.value, InputError)
        # Nothing was imported, not even the valid records before the bad one.
        assert _contents(target) == ([], [], [])


@pytest.mark.parametrize(
    ("mutate", "location"),
    [
        (lambda lines: ["user,date", *lines[1:]], "header"),
        (lambda lines: [*lines[:3], lines[3].replace(",good,", ",superb,"), *lines[4:]], "line 4"),
        (lambda lines: [*lines[:5], "party" + lines[5][7:], *lines[6:]], "line 6"),
        (lambda lines: [*lines[:2], lines[2] + ",extra", *lines[3:]], "line 3"),
        (lambda lines: [*lines[:45], lines[45].rsplit(",", 3)[0], *lines[46:]], "line 46"),
        (lambda lines: [*lines[:-1], lines[-1].rsplit(",", 7)[0] + ",lots,,,,,,"], "line 121"),
    ],
)
def test_bad_csv_is_refused_whole(
    filled: Store, tmp_path: Path, mutate: object, location: str | None
) -> None:
    good = tmp_path / "good.csv"
    export_history(filled, good, fmt="csv")
    lines = good.read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(mutate(lines)) + "\n", encoding="utf-8")  # type: ignore[operator]
    with Store.open(tmp_path / "target.sqlite3") as target:
        with pytest.raises(ImportFormatError) as info:
            import_history(target, bad)
        if location is not None:
            assert info.value.location == location
        assert _contents(target) == ([], [], [])


def test_unknown_suffix_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="suffix"):
        format_from_path(tmp_path / "history.xlsx")
    with (
        Store.open(tmp_path / "t.sqlite3") as target,
        pytest.raises(ImportFormatError, match="cannot read"),
    ):
        import_history(target, tmp_path / "missing.json")


def test_the_breathing_rate_and_illness_answers_travel_through_both_formats(
    filled: Store, tmp_path: Path
) -> None:
    readings, wellness = filled.all_readings(), filled.all_wellness()
    assert {r.breathing_quality for r in readings} >= {"good", "no_clear_peak", None}
    assert {w.ill for w in wellness} == {"none", "mild", "clear"}
    for fmt in ("json", "csv"):
        path = tmp_path / f"h.{fmt}"
        export_history(filled, path, fmt=fmt)  # type: ignore[arg-type]
        with Store.open(tmp_path / f"{fmt}.sqlite3") as copy:
            import_history(copy, path)
            assert [r.breathing_rate_per_min for r in copy.all_readings()] == [
                r.breathing_rate_per_min for r in readings
            ]
            assert [w.ill for w in copy.all_wellness()] == [w.ill for w in wellness]


def test_a_csv_written_before_the_breathing_columns_still_imports(
    filled: Store, tmp_path: Path
) -> None:
    """Exports made before the illness watch lack its three columns: no rate, not ill."""
    new = tmp_path / "new.csv"
    export_history(filled, new, fmt="csv")
    old = tmp_path / "old.csv"
    rows = [line.rsplit(",", 3)[0] for line in new.read_text(encoding="utf-8").splitlines()]
    assert rows[0].split(",") == list(CSV_COLUMNS[:-3])
    old.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with Store.open(tmp_path / "old.sqlite3") as copy:
        summary = import_history(copy, old)
        assert summary.readings_added == 40
        assert {r.breathing_rate_per_min for r in copy.all_readings()} == {None}
        assert {w.ill for w in copy.all_wellness()} == {"none"}


def test_an_unknown_illness_answer_in_a_csv_is_refused(filled: Store, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    export_history(filled, good, fmt="csv")
    text = good.read_text(encoding="utf-8").replace(",mild\n", ",very\n", 1)
    bad = tmp_path / "bad.csv"
    bad.write_text(text, encoding="utf-8")
    with Store.open(tmp_path / "t.sqlite3") as target:
        with pytest.raises(ImportFormatError, match="ill must be one of"):
            import_history(target, bad)
        assert _contents(target) == ([], [], [])
