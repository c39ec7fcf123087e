"""Each trap of a real app's export, reproduced by a synthetic file in tests/data/exports.

Every test goes through the command line (``import --json`` / ``analyze --json``) as a
user would, and checks the numbers a correct reader gives or the refusal that says
what the file is.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from hrv_readiness.cli import main
from hrv_readiness.mqtt.history import history_messages
from hrv_readiness.mqtt.topics import Topics
from hrv_readiness.store import Store

EXPORTS = Path(__file__).resolve().parents[2] / "data" / "exports"


def _import(capsys: pytest.CaptureFixture[str], db: Path, name: str, *extra: str) -> dict[str, Any]:
    code = main(
        ["import", str(EXPORTS / name), "--user", "alice", "--db", str(db), "--json", *extra]
    )
    entry: dict[str, Any] = json.loads(capsys.readouterr().out)["files"][0]
    assert code == (0 if entry["ok"] else 2)
    return entry


def _analyze(capsys: pytest.CaptureFixture[str], name: str) -> tuple[int, dict[str, Any], str]:
    code = main(["analyze", str(EXPORTS / name), "--json"])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else {}), err


def _days(db: Path) -> dict[dt.date, float | None]:
    with Store.open(db) as store:
        return {reading.date: reading.rmssd_ms for reading in store.readings("alice")}


def test_hrv4training_android_year_day_month_dates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "hrv.sqlite3"
    entry = _import(capsys, db, "hrv4training_android_MyMeasurements_Android.csv")
    assert entry["ok"], entry["message"]
    assert entry["app"] == "HRV4Training"
    # 22 calendar days, 5 of them 0.0 (no reading): 17 mornings, none at 0 ms.
    assert entry["readings_added"] == 17
    assert (entry["first_date"], entry["last_date"]) == ("2026-06-28", "2026-07-19")
    days = _days(db)
    # `2026-05-07` is 5 July (year-day-month), not 7 May.
    assert dt.date(2026, 7, 5) in days
    assert dt.date(2026, 5, 7) not in days
    assert dt.date(2026, 6, 29) not in days  # a 0.0 day
    assert all(rmssd and rmssd > 0 for rmssd in days.values())


def test_dates_valid_both_ways_take_the_order_with_a_row_per_day(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entry = _import(
        capsys, tmp_path / "hrv.sqlite3", "hrv4training_android_every_date_both_ways.csv"
    )
    assert entry["ok"], entry["message"]
    assert (entry["first_date"], entry["last_date"]) == ("2026-07-01", "2026-07-12")


def test_dates_that_read_two_ways_are_refused_until_date_order_says(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "hrv.sqlite3"
    entry = _import(capsys, db, "daily_day_month_ambiguous.csv")
    assert not entry["ok"]
    message = entry["message"]
    assert "'01/07/2026' as 2026-07-01 (day/month/year) or 2026-01-07 (month/day/year)" in message
    assert "--date-order dmy or --date-order mdy" in message
    assert _days(db) == {}
    entry = _import(capsys, db, "daily_day_month_ambiguous.csv", "--date-order", "dmy")
    assert entry["ok"], entry["message"]
    assert sorted(_days(db)) == [dt.date(2026, 7, 1), dt.date(2026, 7, 3), dt.date(2026, 7, 5)]


def test_hrv4training_ios_bare_cr_and_12_hour_clock(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "hrv.sqlite3"
    entry = _import(capsys, db, "hrv4training_ios_2026_7_10_myMeasurements.csv")
    assert entry["ok"], entry["message"]
    assert entry["readings_added"] == 7  # 10 days, 3 with '-' and test_duration 0
    assert (entry["first_date"], entry["last_date"]) == ("2026-07-02", "2026-07-10")
    assert entry["first_rmssd_ms"] == pytest.approx(49.0)
    with Store.open(db) as store:
        taken = {r.date: r.measured_at.time() for r in store.readings("alice")}
    assert taken[dt.date(2026, 7, 2)] == dt.time(7, 6, 9)  # "7:06:09 a. m. +0000", as written
    assert taken[dt.date(2026, 7, 6)] == dt.time(23, 11, 9)  # "11:11:09 p. m."


def test_hrv4training_ios_trimmed_to_timestamp_measurement(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entry = _import(capsys, tmp_path / "hrv.sqlite3", "hrv4training_ios_trimmed_myMeasurements.csv")
    assert entry["ok"], entry["message"]
    assert entry["readings_added"] == 5
    assert entry["first_rmssd_ms"] == pytest.approx(70.25)


def test_elite_hrv_export_reads_rmssd_not_the_hrv_score(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entry = _import(capsys, tmp_path / "hrv.sqlite3", "elitehrv_ElitHRV_Export - 2026-07-04.csv")
    assert entry["ok"], entry["message"]
    assert entry["app"] == "Elite HRV"
    assert entry["readings_added"] == 4
    assert entry["first_rmssd_ms"] == pytest.approx(42.5)  # not the score 60
    assert entry["last_rmssd_ms"] == pytest.approx(51.5)


@pytest.mark.parametrize(
    ("name", "beats"),
    [
        ("kubios_rr-Doe_Jane_2026-07-03_06-50-00.txt", 120),  # time RR in seconds
        ("polar_h7_time_rr_export.csv", 60),  # elapsed s <TAB> RR ms, zero-padded
        ("polar_rr_mode.hrm", 150),
        ("welltory_RR.txt", 90),  # one line, no newline at the end
        ("hrvlogger_2026-07-03_RRIntervals.csv", 130),  # blank line after the header
    ],
)
def test_rr_files_give_the_rr_column_in_ms(
    capsys: pytest.CaptureFixture[str], name: str, beats: int
) -> None:
    code, result, err = _analyze(capsys, name)
    assert code == 0, err
    assert result["beats"] == beats
    assert 800 < result["mean_rr_ms"] < 1200  # ms, not s, and no time column among them


def test_time_rr_seconds_become_ms() -> None:
    lines = (EXPORTS / "kubios_rr-Doe_Jane_2026-07-03_06-50-00.txt").read_text().split("\n")
    first_rr_s = float(lines[0].split()[1])
    from hrv_readiness.formats import read_rr_file  # noqa: PLC0415 - the reader itself

    rr = read_rr_file(EXPORTS / "kubios_rr-Doe_Jane_2026-07-03_06-50-00.txt")
    assert rr[0] == pytest.approx(first_rr_s * 1000)


def test_hrm_of_heart_rate_samples_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _analyze(capsys, "polar_hr_mode.hrm")
    assert code == 2
    assert "heart-rate samples every 5 s (Interval=5), not RR intervals" in err


def test_hrm_rr_mode_is_dated_by_its_params(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entry = _import(capsys, tmp_path / "hrv.sqlite3", "polar_rr_mode.hrm")
    assert entry["ok"], entry["message"]
    assert entry["first_date"] == "2026-07-03"
    assert entry["rr_count"] == 150


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("whoop_physiological_cycles.csv", "a WHOOP physiological_cycles export (2 cycles)"),
        ("oura_trends.csv", "an Oura trends export (2 days)"),
    ],
)
def test_overnight_exports_are_refused_naming_the_app(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, words: str
) -> None:
    entry = _import(capsys, tmp_path / "hrv.sqlite3", name)
    assert not entry["ok"]
    assert words in entry["message"]
    assert "measured overnight" in entry["message"]
    assert "no RR column" not in entry["message"]


def test_hrv_logger_feature_windows_are_refused_as_such(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entry = _import(capsys, tmp_path / "hrv.sqlite3", "hrvlogger_2026-07-03_Features.csv")
    assert not entry["ok"]
    assert "HRV Logger feature windows (4 windows" in entry["message"]
    assert "RRIntervals.csv instead" in entry["message"]


def test_an_exercise_recording_is_not_imported_as_a_morning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "hrv.sqlite3"
    entry = _import(capsys, db, "polarsensorlogger_exercise_RR.txt")
    assert not entry["ok"]
    assert "an exercise recording (Polar Sensor Logger), not a resting morning" in entry["message"]
    assert _days(db) == {}


def test_analyze_points_a_daily_export_to_import(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _analyze(capsys, "hrv4training_android_MyMeasurements_Android.csv")
    assert code == 2
    assert "a daily export of HRV4Training (17 mornings)" in err
    assert "hrv-collector import" in err


def test_imported_hrv4training_history_gives_the_next_morning_a_verdict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Acceptance: import an Android export, then `measure --simulate --save`.

    The dates are the file's (June-July 2026) and the measured morning is given with
    ``--date``, so the result does not depend on the hour or day the test runs.
    """
    db = tmp_path / "hrv.sqlite3"
    entry = _import(capsys, db, "hrv4training_android_MyMeasurements_Android.csv")
    assert entry["readings_added"] == 17
    code = main(
        [
            "measure",
            "--simulate",
            "--speed",
            "4000",
            "--duration",
            "60",
            "--settle",
            "0",
            "--save",
            "--user",
            "alice",
            "--date",
            "2026-07-20",
            "--db",
            str(db),
            "--json",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    with Store.open(db) as store:
        last = store.latest_reading("alice")
    assert last is not None
    assert last.date == dt.date(2026, 7, 20)
    assert last.status != "building_baseline"
    assert last.status in {"ready", "caution", "rest"}
    # The report shows the imported weeks, each morning assessed against those before.
    code = main(
        [
            "report",
            "--user",
            "alice",
            "--until",
            "2026-07-20",
            "--days",
            "30",
            "--db",
            str(db),
            "--json",
        ]
    )
    report = json.loads(capsys.readouterr().out)
    rows = report["users"][0]["rows"]
    assert code == 0
    assert len(rows) == 18
    assert rows[0]["date"] == "2026-06-28"
    assert rows[-2]["status"] != "building_baseline"  # the 17th imported morning
    # Home Assistant's long-term statistics are fed by the retained history message,
    # which now carries the imported mornings too.
    with Store.open(db) as store:
        (message,) = history_messages(
            store,
            Topics(base="hrv_readiness", collector_id="home"),
            ["alice"],
            published_at=dt.datetime(2026, 7, 20, 8, tzinfo=dt.UTC),
        )
    points = json.loads(message.payload)["points"]
    assert [p["date"] for p in points][:2] == ["2026-06-28", "2026-06-30"]
    assert len(points) == 18


def test_an_elite_hrv_export_of_open_readings_only_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = (EXPORTS / "elitehrv_ElitHRV_Export - 2026-07-04.csv").read_text(encoding="utf-8-sig")
    path = tmp_path / "ElitHRV_Export - open.csv"
    path.write_text(source.replace(",readiness,", ",open,"), encoding="utf-8")
    code = main(["import", str(path), "--user", "alice", "--db", str(tmp_path / "h.sqlite3")])
    assert code == 2
    assert "without morning readiness readings (Type: open)" in capsys.readouterr().err
