"""One morning, one verdict: whichever path changes the history, every verdict follows.

Each way of changing a person's history (a questionnaire, a training entry, a
back-filled reading, an import, an edit, a deletion, an undo) is made through the
command line, as a person would. Afterwards:

* every morning ``report --json`` shows has the verdict of a reference history built
  in the natural order (questionnaires and training first, then each morning measured
  in date order through the pipeline), so no verdict is stale;
* the latest morning's verdict in ``report --json`` is the ``state`` the daemon
  publishes over MQTT (``pipeline.current_state``) and the one Home Assistant's
  Bluetooth mode shows (``store.verdicts.current_verdict``).

The clock is pinned (``clock.utc_now``, machine zone UTC): CI runs at any hour.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import TYPE_CHECKING

import pytest

from hrv_readiness.cli import main
from hrv_readiness.mqtt.state import state_outbox
from hrv_readiness.mqtt.topics import Topics
from hrv_readiness.pipeline import RecordingInput, current_state, process_recording
from hrv_readiness.readiness import ReadinessSettings, WellnessEntry
from hrv_readiness.simulation import RrScenario, synthesize_rr_ms
from hrv_readiness.store import Store
from hrv_readiness.store.changes import NameTakenError, record_wellness, rename_user, undo_last
from hrv_readiness.store.verdicts import current_verdict

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

TODAY = dt.date(2026, 3, 16)
#: 05:10 UTC: the hour CI often runs at, and a morning hour.
NOW = dt.datetime(2026, 3, 16, 5, 10, tzinfo=dt.UTC)
TOPICS = Topics("hrv_readiness", "cli")
SETTINGS = ReadinessSettings()
USER = "bob"


def _rr(day: dt.date, *, low: bool = False) -> list[float]:
    scenario = RrScenario(
        duration_s=150.0,
        resting_hr_bpm=62.0 if low else 55.0,
        target_rmssd_ms=28.0 if low else 62.0 + (day.toordinal() % 5),
        seed=day.toordinal(),
    )
    return [float(v) for v in synthesize_rr_ms(scenario)]


def _rr_file(tmp_path: Path, day: dt.date, *, low: bool = False) -> Path:
    path = tmp_path / f"{day.isoformat()} 06-40-00.txt"
    path.write_text("\n".join(f"{v:.3f}" for v in _rr(day, low=low)) + "\n", encoding="utf-8")
    return path


def _record(store: Store, day: dt.date, *, low: bool = False) -> None:
    process_recording(
        store,
        RecordingInput(
            user=USER,
            rr_ms=_rr(day, low=low),
            measured_at=dt.datetime.combine(day, dt.time(6, 40), tzinfo=dt.UTC),
            date=day,
        ),
        settings=SETTINGS,
        outbox=state_outbox(TOPICS, published_at=NOW),
    )


@pytest.fixture(autouse=True)
def _pinned_clock() -> Iterator[None]:
    """The wall clock at NOW, and the machine's zone UTC, so "today" is TODAY anywhere."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("hrv_readiness.clock.utc_now", lambda: NOW)
        patch.setenv("TZ", "UTC")
        time.tzset()
        yield
    time.tzset()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Bob's fortnight and a bit: 16 mornings up to today, a questionnaire most days."""
    path = tmp_path / "hrv.sqlite3"
    with Store.open(path) as store:
        for back in range(15, -1, -1):
            day = TODAY - dt.timedelta(days=back)
            if back % 3:
                store.add_wellness(
                    WellnessEntry(
                        user=USER, date=day, soreness=2, energy=7, sleep_quality=7, stress=3
                    )
                )
            _record(store, day, low=back in {4, 5})
    return path


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def _report(capsys: pytest.CaptureFixture[str], db: Path) -> dict[str, dict[str, object]]:
    out = _cli(capsys, "report", "--db", str(db), "--user", USER, "--days", "60", "--json")
    (user,) = json.loads(out)["users"]
    return {row["date"]: row for row in user["rows"]}


def _reference(tmp_path: Path, db: Path) -> dict[str, tuple[str, int | None, str | None]]:
    """The verdicts of the same records entered in the natural order, in a fresh history."""
    fresh = tmp_path / "reference.sqlite3"
    fresh.unlink(missing_ok=True)
    with Store.open(db) as store:
        readings, wellness, training = (
            store.readings(USER),
            store.wellness(USER),
            store.training(USER),
        )
    with Store.open(fresh) as store:
        for entry in wellness:
            store.add_wellness(entry)
        for session in training:
            store.add_training(session)
        for reading in sorted(readings, key=lambda r: (r.date, r.measured_at)):
            process_recording(
                store,
                RecordingInput(
                    user=USER,
                    rr_ms=reading.rr_ms,
                    measured_at=reading.measured_at,
                    date=reading.date,
                ),
                settings=SETTINGS,
            )
        last: dict[str, tuple[str, int | None, str | None]] = {}
        for reading in store.readings(USER):
            if reading.readiness is not None:
                r = reading.readiness
                last[reading.date.isoformat()] = (r.status, r.score, r.fatigue_type)
    return last


def _verdicts(rows: dict[str, dict[str, object]]) -> dict[str, tuple[object, object, object]]:
    return {
        day: (row["status"], row["score"], row["fatigue_type"])
        for day, row in rows.items()
        if row["status"] != "rejected"
    }


def _mqtt_and_ha(db: Path) -> tuple[tuple[object, ...], tuple[object, ...]]:
    with Store.open(db) as store:
        state = current_state(store, user=USER, settings=SETTINGS)
        ha = current_verdict(store, USER, SETTINGS)
    assert state is not None
    assert state.readiness is not None
    assert ha is not None
    mqtt = (state.readiness.status, state.readiness.score, state.readiness.fatigue_type)
    return mqtt, (ha.status, ha.score, ha.fatigue_type)


def _day(back: int) -> str:
    return (TODAY - dt.timedelta(days=back)).isoformat()


CHANGES: dict[str, tuple[Callable[..., None], bool]] = {
    # name: (the change, whether it must change some stored verdict)
    "questionnaire": (
        lambda c, db, _: _cli(
            c,
            "log",
            "--db",
            str(db),
            "--user",
            USER,
            *("--soreness", "10", "--energy", "1", "--sleep", "1", "--stress", "10"),
            "--heavy-legs",
        ),
        True,
    ),
    "training": (
        lambda c, db, _: _cli(
            c,
            "log",
            "--db",
            str(db),
            "--user",
            USER,
            *("--training", "heavy_compound", "--effort", "9", "--minutes", "80"),
        ),
        False,
    ),
    "back-fill": (
        lambda c, db, tmp: _cli(
            c,
            "analyze",
            str(_rr_file(tmp, TODAY - dt.timedelta(days=20), low=True)),
            "--save",
            "--db",
            str(db),
            "--user",
            USER,
            "--date",
            _day(20),
        ),
        True,
    ),
    "import": (
        lambda c, db, tmp: _cli(
            c,
            "import",
            str(_rr_file(tmp, TODAY - dt.timedelta(days=17), low=True)),
            "--db",
            str(db),
            "--user",
            USER,
        ),
        True,
    ),
    "edit": (
        lambda c, db, _: _cli(
            c,
            "log",
            "--db",
            str(db),
            "--user",
            USER,
            "--date",
            _day(1),
            *("--soreness", "9", "--energy", "2", "--sleep", "2", "--stress", "9"),
        ),
        True,
    ),
    "delete": (
        lambda c, db, _: _cli(
            c, "delete", "--db", str(db), "--user", USER, "--date", _day(4), "--reading"
        ),
        True,
    ),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_every_change_recomputes_and_every_view_agrees(
    change: str, db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _verdicts(_report(capsys, db))
    assert before == _reference(tmp_path, db)  # the starting history is consistent
    apply, must_change = CHANGES[change]
    apply(capsys, db, tmp_path)
    after = _verdicts(_report(capsys, db))
    assert after == _reference(tmp_path, db), f"stale verdicts after {change}"
    if must_change:
        assert any(after.get(day) != verdict for day, verdict in before.items())
    mqtt, ha = _mqtt_and_ha(db)
    assert mqtt == ha == after[TODAY.isoformat()]


def test_undo_restores_the_verdicts_a_deletion_changed(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _verdicts(_report(capsys, db))
    _cli(capsys, "delete", "--db", str(db), "--user", USER, "--date", _day(5))
    assert _verdicts(_report(capsys, db)) != before
    out = _cli(capsys, "undo", "--db", str(db))
    assert "undone: deleted bob's reading and questionnaire and training" in out
    assert _verdicts(_report(capsys, db)) == before == _reference(tmp_path, db)


def test_a_replaced_questionnaire_keeps_every_answer_in_the_trash(db: Path) -> None:
    """Replacing a questionnaire that reported illness, then undoing, brings it all back."""
    day = TODAY - dt.timedelta(days=1)
    ill = WellnessEntry(
        user=USER, date=day, soreness=2, energy=7, sleep_quality=7, stress=3, ill="clear"
    )
    well = ill.model_copy(update={"ill": "none"})
    at = NOW
    with Store.open(db) as store:
        record_wellness(store, ill, settings=SETTINGS, at=at)
        # Only the illness answer differs: a change, not the same entry again.
        change = record_wellness(store, well, settings=SETTINGS, at=at)
        assert not change.unchanged
        assert change.replaced == ill
        undo_last(store, settings_of=lambda _user: SETTINGS, user=USER)
        assert store.wellness_for(USER, day) == ill


def test_deleting_the_only_reading_leaves_no_reading_in_any_view(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Carol's one reading deleted: ``report`` has no morning of hers, the state the
    daemon would publish is "no reading yet", and the MQTT state queued by the command
    clears the retained one (an empty payload), so Home Assistant shows unknown."""
    with Store.open(db) as store:
        process_recording(
            store,
            RecordingInput(
                user="carol",
                rr_ms=_rr(TODAY),
                measured_at=dt.datetime.combine(TODAY, dt.time(6, 40), tzinfo=dt.UTC),
                date=TODAY,
            ),
            settings=SETTINGS,
            outbox=state_outbox(TOPICS, published_at=NOW),
        )
        store.mark_sent([m.id for m in store.pending_outbox(limit=10_000) if m.id is not None])
    _cli(capsys, "delete", "--db", str(db), "--user", "carol", "--date", TODAY.isoformat())
    out = _cli(capsys, "report", "--db", str(db), "--days", "60", "--json")
    assert [user["user"] for user in json.loads(out)["users"]] == [USER]
    with Store.open(db) as store:
        assert current_state(store, user="carol", settings=SETTINGS) is None
        assert current_verdict(store, "carol", SETTINGS) is None
        queued = [m for m in store.pending_outbox() if m.topic == TOPICS.state("carol")]
    assert [(m.payload, m.retain) for m in queued] == [(b"", True)]
    _cli(capsys, "undo", "--db", str(db))
    with Store.open(db) as store:
        queued = [m for m in store.pending_outbox() if m.topic == TOPICS.state("carol")]
    assert queued[-1].payload != b""


def test_a_rename_to_a_name_with_a_history_is_refused_and_changes_nothing(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(db) as store:
        store.add_wellness(
            WellnessEntry(user="carol", date=TODAY, soreness=1, energy=8, sleep_quality=8, stress=1)
        )
        before = (store.readings(USER), store.wellness("carol"))
        with pytest.raises(NameTakenError, match="carol already has a history"):
            rename_user(store, USER, "carol", settings=SETTINGS, at=NOW)
        assert (store.readings(USER), store.wellness("carol")) == before
        assert store.last_trash() is None
    code = main(["rename", "--db", str(db), "--user", USER, "--to", "carol"])
    assert code == 2
    assert "carol already has a history" in capsys.readouterr().err
