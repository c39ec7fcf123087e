"""Polar ProTrainer ``.hrm`` files (Polar Precision Performance / ProTrainer 5 export).

Sections in brackets; ``[Params]`` holds ``key=value`` lines and ``[HRData]`` one row
per sample. ``Interval`` says what a row is: **238** means R-R recording, one RR
interval in ms per row (first column); any other value is the sampling period in
seconds of **heart-rate samples** (``Interval=5``: ``HR<TAB>speed<TAB>cadence<TAB>
altitude``). Trap: taking the first column regardless returns heart rates (92, 92,
93 ...) as "RR in ms". A file without ``Interval`` is refused: it cannot be told.
``Date=20080125`` and ``StartTime=08:57:29.0`` give the recording's day and start.
"""

from __future__ import annotations

import datetime as dt

from hrv_readiness.formats.errors import RrFileError
from hrv_readiness.formats.models import RrRecording
from hrv_readiness.formats.rr_plain import CELL_SEPARATORS, to_float

APP = "Polar .hrm (ProTrainer)"
_RR_MODE = "238"


def is_hrm(lines: list[str]) -> bool:
    return any(line.lower() == "[hrdata]" for line in lines)


def _params(lines: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    inside = False
    for line in lines:
        if line.startswith("["):
            inside = line.lower() == "[params]"
        elif inside and "=" in line:
            key, _, value = line.partition("=")
            params.setdefault(key.strip().lower(), value.strip())
    return params


def _start(params: dict[str, str]) -> tuple[dt.date | None, dt.datetime | None]:
    try:
        day = dt.datetime.strptime(params.get("date", ""), "%Y%m%d").date()  # noqa: DTZ007
    except ValueError:
        return None, None
    try:
        clock = dt.time.fromisoformat(params.get("starttime", "").split(".")[0])
    except ValueError:
        return day, None
    return day, dt.datetime.combine(day, clock).astimezone()


def parse_hrm(lines: list[str], source: str) -> RrRecording:
    """The RR intervals of an R-R mode ``.hrm``; :class:`RrFileError` otherwise."""
    params = _params(lines)
    interval = params.get("interval")
    if interval is None:
        msg = (
            f"{source}: a Polar .hrm without Interval in [Params]: cannot tell RR intervals "
            "from heart-rate samples (Interval=238 means R-R recording)"
        )
        raise RrFileError(msg)
    if interval != _RR_MODE:
        msg = (
            f"{source}: a Polar .hrm of heart-rate samples every {interval} s "
            f"(Interval={interval}), not RR intervals: HRV needs an R-R recording "
            "(Interval=238)"
        )
        raise RrFileError(msg)
    start = next(i for i, line in enumerate(lines) if line.lower() == "[hrdata]") + 1
    values: list[float] = []
    for line in lines[start:]:
        if line.startswith("["):
            break
        first = CELL_SEPARATORS.split(line)[0]
        value = to_float(first, decimal_comma=True)
        if value is None:
            raise RrFileError(f"{source}: {first!r} in [HRData] is not an RR interval")
        values.append(value)
    if not values:
        raise RrFileError(f"{source}: the [HRData] section holds no RR intervals")
    day, started_at = _start(params)
    return RrRecording(rr_ms=tuple(values), app=APP, day=day, started_at=started_at)
