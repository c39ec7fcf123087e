"""The check over the real export files in ``<repo>/../shared/realfiles``.

Each file is given to the command line as a user would: ``hrv-collector import
--json`` (into a fresh database) and, for an RR recording, ``analyze --json``. What
comes out is compared with the expectations of ``PROVENANCE.md`` beside the files
(written down below, values computed there independently of this project): a daily
export gives the expected mornings (count, first and last date, first and last rMSSD
to 0.01); an RR file the expected intervals (count, first and last value, rMSSD over
all successive pairs, uncleaned); or the file is refused in one line saying what it
is. The files are read in place, never copied into the repository.

Run ``python tests/support/realfiles.py`` for the table (exit 1 on a mismatch);
``HRV_REALFILES=DIR`` points elsewhere (a worktree that is not beside ``shared/``).
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import math
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def realfiles_dir() -> Path:
    """``<repo root>/../shared/realfiles``, or ``$HRV_REALFILES`` when set."""
    override = os.environ.get("HRV_REALFILES")
    return Path(override) if override else ROOT.parent / "shared" / "realfiles"


@dataclass(frozen=True)
class Summary:
    count: int
    first: str
    last: str
    first_rmssd: float
    last_rmssd: float

    def __str__(self) -> str:
        return (
            f"{self.count} mornings {self.first}..{self.last}, "
            f"rMSSD {self.first_rmssd:.2f}..{self.last_rmssd:.2f}"
        )


@dataclass(frozen=True)
class Rr:
    count: int
    first: float
    last: float | None
    rmssd: float | None
    refusal: str | None = None  # an acceptable refusal of the import, by what it says

    def __str__(self) -> str:
        last = f"{self.last:g}" if self.last is not None else "?"
        rmssd = f", rMSSD {self.rmssd:.2f}" if self.rmssd is not None else ""
        return f"{self.count} RR {self.first:g}..{last}{rmssd}"


@dataclass(frozen=True)
class Refused:
    says: str

    def __str__(self) -> str:
        return f"refused: {self.says}"


#: PROVENANCE.md's expectations, by path under realfiles/.
EXPECTED: dict[str, Summary | Rr | Refused] = {
    "hrv4training/dfelicesm_MyMeasurements_Android.csv": Summary(
        48, "2020-08-05", "2020-09-22", 57.08, 45.52
    ),
    "hrv4training/gc_MyMeasurements_Android.csv": Summary(
        36, "2017-08-29", "2017-10-03", 48.03, 67.74
    ),
    "hrv4training/gc_MyMeasurements_Android_1.csv": Summary(
        68, "2017-07-27", "2017-10-03", 84.24, 89.50
    ),
    "hrv4training/gc_MyMeasurements_Android_2.csv": Summary(
        52, "2017-08-08", "2017-10-04", 27.01, 51.30
    ),
    "hrv4training/gc_2018_7_8_myMeasurements_ios_12h_CR.csv": Summary(
        42, "2018-05-18", "2018-07-08", 32.62, 25.20
    ),
    "hrv4training/gc_2017_7_28_myMeasurements.csv": Summary(
        119, "2017-04-01", "2017-07-28", 67.54, 103.94
    ),
    "elitehrv/gc_ElitHRV_Export - 2017-10-02.csv": Summary(
        23, "2017-09-06", "2017-10-02", 40.87, 67.63
    ),
    "elitehrv/gc_2017-07-19 07-50-42.txt": Rr(150, 1271, 1234, 66.65),
    "elitehrv/chriotte_2017-06-29 13-11-53_first400.txt": Rr(400, 720, 688, 38.26),
    "polar_sensor_logger/mwatson_ethan_BA_60_RR_3.txt": Rr(
        331, 478, 468, 36.16, refusal="an exercise recording"
    ),
    "polar_sensor_logger/mwatson_ethan_BA_60_RR_1_short.txt": Rr(
        18, 485, None, None, refusal="an exercise recording"
    ),
    "polar/rhenanbartels_noisy_rri_first400.hrm": Rr(323, 904, 828, 80.91),
    "polar/gc_10091901_first400.hrm": Refused("heart-rate samples every 5 s"),
    "polar/rhenanbartels_08012805_first400.txt": Rr(400, 971, 562, 89.83),
    "kubios_rr_txt/gc_rr-George_Ron_2017-08-03_08-28-50_first400.txt": Rr(400, 809, 802, 117.73),
    "kubios_rr_txt/oroce_polar_h7_export.csv": Rr(52, 1071.2, 1039.0, 37.16),
    "hrv_logger/koplenig_ot_a60_RRIntervals.csv": Rr(398, 894, 710, 26.79),
    "hrv_logger/koplenig_ot_a60_Features.csv": Refused("HRV Logger feature windows"),
    "welltory/welltory_ppg_subject_01_RR.txt": Rr(100, 1203, 1165, 127.01),
    "welltory/welltory_ppg_subject_02_RR.txt": Rr(101, 667, 817, 26.16),
    "whoop/theonerichy_physiological_cycles.csv": Refused("a WHOOP physiological_cycles export"),
    "oura/rerkki_oura_trends.csv": Refused("an Oura trends export"),
}


@dataclass(frozen=True)
class Row:
    name: str
    expected: str
    got: str
    analyze: str
    ok: bool


def _run(argv: list[str]) -> tuple[int, str, str]:
    from hrv_readiness.cli import main  # noqa: PLC0415 - after sys.path is set

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def _raw_rmssd(rr: list[float]) -> float:
    diffs = [b - a for a, b in itertools.pairwise(rr)]
    return math.sqrt(sum(d * d for d in diffs) / len(diffs))


def _analyze(path: Path) -> str:
    code, out, err = _run(["analyze", str(path), "--json"])
    if not out.strip():
        return f"exit {code}: {err.strip().split(': ', 2)[-1][:60]}"
    result: dict[str, Any] = json.loads(out)
    quality = result["quality"]
    if quality["level"] == "rejected":
        return f"rejected: {(quality['reason'] or '')[:60]}"
    return f"{quality['level']}, rMSSD {result['rmssd_ms']:.2f}"


def _check_rr(path: Path, want: Rr, entry: dict[str, Any]) -> tuple[str, bool]:
    from hrv_readiness.errors import HrvError  # noqa: PLC0415
    from hrv_readiness.formats import read_rr_file  # noqa: PLC0415

    try:
        rr = read_rr_file(path)
    except HrvError as err:
        return f"unreadable: {err}", False
    got = Rr(len(rr), rr[0], rr[-1], _raw_rmssd(rr) if len(rr) > 1 else None)
    same = (
        got.count == want.count
        and math.isclose(got.first, want.first)
        and (want.last is None or math.isclose(got.last or 0, want.last))
        and (want.rmssd is None or round(got.rmssd or 0, 2) == want.rmssd)
    )
    if entry["ok"]:
        note = "imported"
    elif want.refusal and want.refusal in entry["message"]:
        note = f"import refused: {want.refusal}"
    else:
        note = f"import refused: {entry['message']}"
        same = False
    return f"{got}; {note}", same


def _check(path: Path, want: Summary | Rr | Refused, db: Path) -> Row:
    code, out, err = _run(["import", str(path), "--user", "check", "--db", str(db), "--json"])
    if not out.strip():
        return Row(path.name, str(want), f"exit {code}: {err.strip()}", "", ok=False)
    entry: dict[str, Any] = json.loads(out)["files"][0]
    message = entry["message"].replace(f"{path}: ", "")
    if isinstance(want, Refused):
        return Row(path.name, str(want), f"refused: {message}", "", want.says in message)
    if isinstance(want, Summary):
        if not entry["ok"]:
            return Row(path.name, str(want), f"refused: {message}", "", ok=False)
        got = Summary(
            entry["readings_in_file"],
            entry["first_date"],
            entry["last_date"],
            round(entry["first_rmssd_ms"], 2),
            round(entry["last_rmssd_ms"], 2),
        )
        return Row(path.name, str(want), f"{entry['app']}: {got}", "", got == want)
    got_text, ok = _check_rr(path, want, entry)
    return Row(path.name, str(want), got_text, _analyze(path), ok)


def check(folder: Path) -> list[Row]:
    """One row per file of ``folder`` and per expectation without a file."""
    rows: list[Row] = []
    files = {
        str(p.relative_to(folder)): p
        for p in sorted(folder.glob("*/*"))
        if p.is_file() and p.name != "PROVENANCE.md"
    }
    with tempfile.TemporaryDirectory() as tmp:
        for number, (name, path) in enumerate(files.items()):
            want = EXPECTED.get(name)
            if want is None:
                rows.append(Row(name, "(no expectation)", "", "", ok=False))
                continue
            rows.append(_check(path, want, Path(tmp) / f"{number}.sqlite3"))
    rows += [
        Row(name, str(want), "missing", "", ok=False)
        for name, want in EXPECTED.items()
        if name not in files
    ]
    return rows


def table(rows: list[Row]) -> str:
    lines = []
    for row in rows:
        mark = "ok  " if row.ok else "FAIL"
        lines.append(f"{mark} {row.name}")
        lines.append(f"       expected  {row.expected}")
        lines.append(f"       got       {row.got}")
        if row.analyze:
            lines.append(f"       analyze   {row.analyze}")
    good = sum(row.ok for row in rows)
    lines.append(f"{good} of {len(rows)} real files as PROVENANCE.md expects")
    return "\n".join(lines)


def main() -> int:
    folder = realfiles_dir()
    if not folder.is_dir():
        print(f"skipped: no real export files at {folder}")
        return 0
    rows = check(folder)
    print(table(rows))
    return 0 if all(row.ok for row in rows) else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "tests"))
    raise SystemExit(main())
