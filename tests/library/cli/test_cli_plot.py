"""The report chart: ribbon, markers and names; short histories; format by extension."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from PIL import Image

from hrv_readiness.cli import main
from hrv_readiness.simulation import RrScenario, synthesize_rr_ms

if TYPE_CHECKING:
    from pathlib import Path

CONFIG = """\
mqtt:
  host: localhost
collector:
  id: pi
users:
  - id: alice
    name: Alice Example
"""


@pytest.fixture
def one_morning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    db = tmp_path / "hrv.sqlite3"
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    rr = tmp_path / "2026-03-02.txt"
    rr.write_text("\n".join(f"{v:.0f}" for v in synthesize_rr_ms(RrScenario(seed=5))))
    assert main(["import", str(rr), "--user", "alice", "--db", str(db)]) == 0
    assert (
        main(
            [
                "log",
                "--db",
                str(db),
                "--user",
                "alice",
                "--date",
                "2026-03-02",
                "--soreness",
                "2",
                "--energy",
                "7",
                "--sleep",
                "8",
                "--stress",
                "3",
                "--heavy-legs",
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "log",
                "--db",
                str(db),
                "--user",
                "alice",
                "--date",
                "2026-03-01",
                "--training",
                "intervals",
                "--effort",
                "8",
                "--minutes",
                "50",
            ]
        )
        == 0
    )
    capsys.readouterr()
    return db, config


def _plot(db: Path, config: Path, target: Path) -> int:
    return main(
        [
            "report",
            "--db",
            str(db),
            "--config",
            str(config),
            "--until",
            "2026-03-02",
            "--plot",
            str(target),
        ]
    )


def test_svg_is_svg_with_the_name_the_ribbon_and_the_markers(
    one_morning: tuple[Path, Path], tmp_path: Path
) -> None:
    db, config = one_morning
    target = tmp_path / "chart.svg"
    assert _plot(db, config, target) == 0
    text = target.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml")
    assert "<svg" in text
    assert "Alice Example: readiness" in text
    assert "alice:" not in text
    for label in ("status · score", "fatigue type", "training", "questionnaire"):
        assert label in text


def test_short_history_gets_a_week_of_axis_not_years(
    one_morning: tuple[Path, Path], tmp_path: Path
) -> None:
    db, config = one_morning
    target = tmp_path / "chart.svg"
    assert _plot(db, config, target) == 0
    text = target.read_text(encoding="utf-8")
    assert "02 Mar" in text
    assert "07 Mar" in text  # a week from the session before the one morning
    assert "2027" not in text
    assert "2025" not in text
    assert "Jan" not in text


def test_pdf_and_png_by_extension(one_morning: tuple[Path, Path], tmp_path: Path) -> None:
    db, config = one_morning
    pdf, png = tmp_path / "chart.pdf", tmp_path / "chart.PNG"
    assert _plot(db, config, pdf) == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    assert _plot(db, config, png) == 0
    with Image.open(png) as image:
        assert image.format == "PNG"


def test_unknown_extension_is_one_line_before_any_work(
    one_morning: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, config = one_morning
    target = tmp_path / "chart.jpg"
    assert _plot(db, config, target) == 2
    _, err = capsys.readouterr()
    assert err.strip() == (
        f"hrv-collector report: --plot {target}: the chart is written as .png, .svg or .pdf;"
        " name the file so"
    )
    assert not target.exists()


def test_date_of_the_import_came_from_the_file_name(one_morning: tuple[Path, Path]) -> None:
    db, _ = one_morning
    from hrv_readiness.store import Store  # noqa: PLC0415

    with Store.open(db) as store:
        (reading,) = store.readings("alice")
    assert reading.date == dt.date(2026, 3, 2)
