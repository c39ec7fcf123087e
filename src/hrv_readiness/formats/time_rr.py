"""Two-column ``time RR`` text without a header: Kubios's "type 2" RR input.

Examples: GoldenCheetah's ``rr-<Last>_<First>_<date>_<time>.txt`` test file
(``0.000 0.809``: beat time in s and RR in s, space separated) and a Polar H7 logger's
``export.csv`` (``0.997<TAB>1071.2``: elapsed s and RR in ms, zero-padded ``0995.1``).

Trap: read as a plain list, both columns become "RR" (800 values for 400 beats, and
every other one a time). The file is recognised by its shape: every row exactly two
numbers, the first column increasing, its steps the size of the second column's
values (the same unit, or seconds against milliseconds). The RR column's unit is
decided from its values: a median under 10 means seconds (no heart beats in 10 ms).
"""

from __future__ import annotations

import itertools
import re
import statistics

from hrv_readiness.formats.errors import RrFileError
from hrv_readiness.formats.rr_plain import to_float

_SEPARATORS = re.compile(r"[\t ;]+")
_MIN_ROWS = 3
_SECONDS_BELOW = 10.0
#: How far the first column's median step may be from the median RR (either unit).
_STEP_TOLERANCE = 2.0


def _pairs(lines: list[str]) -> list[tuple[float, float]] | None:
    pairs: list[tuple[float, float]] = []
    for line in lines:
        cells = [cell for cell in _SEPARATORS.split(line) if cell]
        if len(cells) != 2:  # noqa: PLR2004 - time and RR
            return None
        time, rr = to_float(cells[0], decimal_comma=True), to_float(cells[1], decimal_comma=True)
        if time is None or rr is None:
            return None
        pairs.append((time, rr))
    return pairs


def _same_scale(step: float, rr: float) -> bool:
    return any(
        rr * unit / _STEP_TOLERANCE <= step <= rr * unit * _STEP_TOLERANCE
        for unit in (1.0, 0.001, 1000.0)
    )


def looks_like_time_rr(lines: list[str]) -> bool:
    """Whether ``lines`` (no header) are ``time RR`` rows rather than a list of RR."""
    pairs = _pairs(lines)
    if pairs is None or len(pairs) < _MIN_ROWS:
        return False
    times = [time for time, _ in pairs]
    steps = [b - a for a, b in itertools.pairwise(times)]
    if any(step <= 0 for step in steps):
        return False
    rr = [value for _, value in pairs]
    return min(rr) > 0 and _same_scale(statistics.median(steps), statistics.median(rr))


def parse_time_rr(lines: list[str], source: str) -> list[float]:
    """The RR column in ms (converted from seconds when its values are seconds)."""
    pairs = _pairs(lines)
    if pairs is None:  # pragma: no cover - callers check looks_like_time_rr first
        msg = f"{source}: not a two-column 'time RR' file"
        raise RrFileError(msg)
    rr = [value for _, value in pairs]
    scale = 1000.0 if statistics.median(rr) < _SECONDS_BELOW else 1.0
    return [round(value * scale, 6) for value in rr]
