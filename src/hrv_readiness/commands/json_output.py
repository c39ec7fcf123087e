"""The shapes of every ``--json`` output of the command line, with their JSON Schemas.

One pydantic model per command; ``schemas/<command>.json`` is generated from it and
committed (``python -m hrv_readiness.commands.json_output`` writes them, ``--check``
reports stale files), and the tests validate each command's real output against
its schema. Add fields, never rename them: scripts read these.

``analyze --json`` prints the HRV engine's :class:`hrv_readiness.hrv.HrvResult`
(schema ``analyze.json``).
"""

from __future__ import annotations

import datetime as dt  # noqa: TC003 - pydantic needs it at runtime
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

from hrv_readiness.hrv import HrvResult, OrthostaticMetrics, OrthostaticRefusal
from hrv_readiness.readiness import Readiness, TrainingEntry, WellnessEntry  # noqa: TC001
from hrv_readiness.report.rows import ReportRow  # noqa: TC001 - pydantic needs it
from hrv_readiness.schema_files import schema_main, stale_schemas

if TYPE_CHECKING:
    from collections.abc import Sequence

SCHEMA_DIR = Path(__file__).parent / "schemas"


class _Output(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class UserReport(_Output):
    user: str
    name: str
    rows: list[ReportRow]


class ReportOutput(_Output):
    """``report --json``: one entry per user, one row per morning, oldest first."""

    since: dt.date
    until: dt.date
    users: list[UserReport]
    chart: str | None = None


class RecordingOutput(_Output):
    started_at: dt.datetime
    duration_s: float
    beats: int
    strap_name: str
    strap_address: str
    battery_pct: int | None
    reconnects: int
    dropped_rr: int
    segment_starts: list[int]
    #: Seconds recorded in all (more than ``duration_s`` when the recording was
    #: extended), where the analysed window starts, and which window it is, in words.
    recorded_s: float = 0.0
    window_start_s: float = 0.0
    window: str = ""


class SavedReading(_Output):
    """Where a reading went into the history and the verdict it got."""

    user: str
    date: dt.date
    reading_id: int
    database: str
    readiness: Readiness | None


class OrthostaticOutput(_Output):
    """``measure --orthostatic``: the phase mark, and the metrics or why they were refused."""

    stand_index: int | None
    metrics: OrthostaticMetrics | None
    refusal: OrthostaticRefusal | None
    reason: str | None


class MeasureOutput(_Output):
    """``measure --json``: how the session ended, the recording, its HRV, what was saved.

    With ``--orthostatic``, ``hrv`` is the lying part's (the morning reading) and
    ``orthostatic`` the test.
    """

    state: Literal["complete", "aborted", "failed"]
    reason: str | None
    recording: RecordingOutput | None
    hrv: HrvResult | None
    hrv_error: str | None = None
    saved: SavedReading | None = None
    orthostatic: OrthostaticOutput | None = None


class StrapOutput(_Output):
    name: str
    address: str
    rssi_dbm: int | None


class ScanOutput(_Output):
    """``scan --json``: the straps in range, strongest first (empty when none)."""

    timeout_s: float
    straps: list[StrapOutput]


class LogOutput(_Output):
    """``log --json``: the entries written."""

    wellness: WellnessEntry | None
    training: TrainingEntry | None
    replaced_wellness: bool


class ImportedFile(_Output):
    """One file of ``import``; ``app`` and what the file held for another app's export.

    ``readings_in_file`` counts the mornings of a daily export (one for an RR file),
    ``first_*``/``last_*`` are its first and last morning, ``rr_count`` the RR
    intervals of a recording; all ``None`` for a file refused or a history export.
    """

    path: str
    kind: Literal["history", "rr", "summary"] | None
    ok: bool
    message: str
    readings_added: int = 0
    readings_skipped: int = 0
    wellness_added: int = 0
    training_added: int = 0
    app: str | None = None
    readings_in_file: int | None = None
    first_date: dt.date | None = None
    last_date: dt.date | None = None
    first_rmssd_ms: float | None = None
    last_rmssd_ms: float | None = None
    rr_count: int | None = None


class ImportOutput(_Output):
    """``import --json``: one entry per file; ``ok`` is false for a file not imported."""

    database: str
    files: list[ImportedFile]


class CheckedUser(_Output):
    id: str
    name: str | None
    strap_address: str | None
    strap_name_pattern: str | None


class CheckOutput(_Output):
    """``run --check --json``: the validated configuration's summary."""

    config: str
    ok: Literal[True]
    collector_id: str
    users: list[CheckedUser]
    morning_window_start: str
    morning_window_end: str
    mqtt_host: str
    mqtt_port: int
    database: str


SCHEMA_MODELS: dict[str, type[BaseModel]] = {
    "analyze": HrvResult,
    "import": ImportOutput,
    "log": LogOutput,
    "measure": MeasureOutput,
    "report": ReportOutput,
    "run_check": CheckOutput,
    "scan": ScanOutput,
}


def render(name: str) -> str:
    schema = SCHEMA_MODELS[name].model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def stale(directory: Path = SCHEMA_DIR) -> list[Path]:
    """Schema files that are missing or differ from what the models generate."""
    return stale_schemas(directory, SCHEMA_MODELS, render)


def main(argv: Sequence[str] | None = None) -> int:
    return schema_main(
        argv,
        description="write the JSON Schemas of the --json outputs",
        directory=SCHEMA_DIR,
        names=SCHEMA_MODELS,
        render=render,
    )


if __name__ == "__main__":
    sys.exit(main())
