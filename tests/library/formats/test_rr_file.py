"""Reading RR files: the formats people export, and clear errors for the rest."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hrv_readiness.errors import HrvError
from hrv_readiness.formats import RrFileError, parse_rr_text, read_rr_file

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("800\n810\n790\n", [800.0, 810.0, 790.0]),  # Elite HRV / Polar Flow RR .txt
        ("\ufeff800\r\n810\r\n\r\n790", [800.0, 810.0, 790.0]),  # BOM, CRLF, blank line
        ("# exported 2026-11-22\n800\n810.5\n", [800.0, 810.5]),
        ("800, 810, 790", [800.0, 810.0, 790.0]),
        ("800 810\n790", [800.0, 810.0, 790.0]),
        ("rr\n800\n810\n", [800.0, 810.0]),
        ("time,rr_ms\n0.8,800\n1.61,810\n", [800.0, 810.0]),
        ("timestamp;RR\n1;800\n2;810\n", [800.0, 810.0]),
        (
            (
                "Phone timestamp;RR-interval [ms]\n2026-11-22T06:30:00.100;812\n"
                "2026-11-22T06:30:00.900;\n2026-11-22T06:30:01.700;798\n"
            ),
            [812.0, 798.0],
        ),
        ("hr\tRR interval (ms)\n60\t1000\n61\t985\n", [1000.0, 985.0]),
        ('"time","rr"\n"0","800"\n"1","805"\n', [800.0, 805.0]),
        ("RRi,rr_ms\n1,800\n2,810\n", [800.0, 810.0]),  # an exact "rr_ms" wins
        (
            "[Params]\nVersion=106\nSMode=000000000\nInterval=238\n\n[HRData]\n812\n798\n805\n",
            [812.0, 798.0, 805.0],
        ),
        ("[Params]\nInterval=238\n[HRData]\n812\t60\n798\t61\n[Other]\n5\n", [812.0, 798.0]),
    ],
)
def test_formats(text: str, expected: list[float]):
    assert parse_rr_text(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("# only a comment\n\n", "the file is empty"),
        ("time,hr\n1,60\n", "no RR column"),
        ("800\n81O\n", "'81O' on data line 2 is not a number"),
        ("rr\n800\nabc\n", "'abc' in column 'rr' on line 3"),
        ("rr\n\n", "holds no values"),
        ("[Params]\nInterval=238\n[HRData]\n", "holds no RR intervals"),
        ("[Params]\nInterval=238\n[HRData]\nx\n", "'x' in [HRData]"),
        ("[HRData]\n800\n", "without Interval in [Params]"),
    ],
)
def test_bad_files_say_what_is_wrong(text: str, message: str):
    with pytest.raises(RrFileError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_rr_text(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Decimal commas, one value per line: never two beats (891 and 421 ms).
        ("891,421\n902,004\n887,5\n", [891.421, 902.004, 887.5]),
        ("891,421\n", [891.421]),
        ("# export\r\n1002,3\r\n998,7\r\n", [1002.3, 998.7]),
        # Separated by semicolons or tabs, a comma can only be a decimal comma.
        ("891,4;902,1\n887,5\n", [891.4, 902.1, 887.5]),
        ("Phone timestamp;RR-interval [ms]\n1;891,421\n2;902,5\n", [891.421, 902.5]),
        ("time\trr\n0\t812,25\n1\t798,75\n", [812.25, 798.75]),
        ('time,rr\n0,"812,25"\n1,"798,75"\n', [812.25, 798.75]),
        ("[Params]\nInterval=238\n[HRData]\n812,5\t60\n798,25\t61\n", [812.5, 798.25]),
        # Whole-ms pairs of successive beats keep meaning two values.
        ("800,810\n790,805\n", [800.0, 810.0, 790.0, 805.0]),
    ],
)
def test_decimal_commas_are_one_value(text: str, expected: list[float]):
    assert parse_rr_text(text) == pytest.approx(expected)


def test_decimal_comma_file_from_disk_keeps_every_beat(tmp_path: Path):
    # A spreadsheet export with decimal commas: one beat per line, none split.
    rng = [891.421, 902.004, 887.5, 1012.25, 958.0, 930.75]
    path = tmp_path / "rr.txt"
    path.write_text("".join(f"{v}".replace(".", ",") + "\n" for v in rng), encoding="utf-8")
    assert read_rr_file(path) == pytest.approx(rng)


def test_decimal_commas_in_a_comma_table_are_refused_clearly():
    with pytest.raises(RrFileError, match="decimal commas in a comma-separated table"):
        parse_rr_text("time,rr\n0,812,25\n1,798,75\n")


def test_read_rr_file_from_disk(tmp_path: Path):
    path = tmp_path / "morning.csv"
    path.write_text("rr_ms\n800\n810\n", encoding="utf-8")
    assert read_rr_file(path) == [800.0, 810.0]
    latin = tmp_path / "latin.txt"
    latin.write_bytes("# Messung \xfc\n800\n".encode("latin-1"))
    assert read_rr_file(latin) == [800.0]


def test_unreadable_paths(tmp_path: Path):
    with pytest.raises(RrFileError, match="no such file"):
        read_rr_file(tmp_path / "missing.txt")
    with pytest.raises(RrFileError, match="is a directory"):
        read_rr_file(tmp_path)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_parses_or_raises_a_project_error(text: str):
    try:
        values = parse_rr_text(text)
    except HrvError:
        return
    assert all(isinstance(v, float) for v in values)
