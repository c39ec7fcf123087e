"""Read back the numbers a reason text prints and check the comparison it states.

A reason is decided on full-precision values but read by people on rounded ones:
"Resting HR 54 bpm is above your normal range (up to 54 bpm)" contradicts itself.
Each pattern below is one comparison sentence of the model's wording; the check
parses the printed numbers and evaluates the stated relation on them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from hrv_readiness.readiness import Readiness

_NUM = r"(-?\d+(?:\.\d+)?)"

#: (pattern, relation on the parsed numbers, what the sentence claims)
_CHECKS: list[tuple[re.Pattern[str], Callable[..., bool], str]] = [
    (
        re.compile(rf"7-day mean lnRMSSD {_NUM} is below your [^0-9]*band {_NUM}-{_NUM}"),
        lambda x, lo, _hi: x < lo,
        "below the band",
    ),
    (
        re.compile(rf"7-day mean lnRMSSD {_NUM} is above your band {_NUM}-{_NUM}"),
        lambda x, _lo, hi: x > hi,
        "above the band",
    ),
    (
        re.compile(rf"7-day mean lnRMSSD {_NUM} is inside your band {_NUM}-{_NUM}"),
        lambda x, lo, hi: lo <= x <= hi,
        "inside the band",
    ),
    (
        re.compile(rf"Today's lnRMSSD {_NUM} is below your \d+-day normal range \(from {_NUM}\)"),
        lambda x, lo: x < lo,
        "below the normal range",
    ),
    (
        re.compile(rf"Resting HR {_NUM} bpm is above your normal range \(up to {_NUM} bpm\)"),
        lambda x, hi: x > hi,
        "resting HR above its range",
    ),
    (
        re.compile(rf"7-day mean resting HR {_NUM} bpm is above your normal range \(up to {_NUM}"),
        lambda x, hi: x > hi,
        "7-day resting HR above its range",
    ),
    (
        re.compile(rf"fell from {_NUM} % to {_NUM} %"),
        lambda before, now: now < before,
        "CV fell",
    ),
    (
        re.compile(rf"combined score {_NUM} is below {_NUM}"),
        lambda score, limit: score < limit,
        "score below the caution limit",
    ),
    (
        re.compile(rf"7-day mean lnRMSSD {_NUM} is above your normal range \(up to {_NUM}\)"),
        lambda x, hi: x > hi,
        "7-day mean above the normal range",
    ),
]


def contradictions(result: Readiness) -> list[str]:
    """The reason texts of ``result`` whose printed numbers contradict their claim."""
    found: list[str] = []
    for reason in result.reasons:
        for pattern, holds, claim in _CHECKS:
            for match in pattern.finditer(reason.text):
                numbers = [float(g) for g in match.groups()]
                if not holds(*numbers):
                    found.append(f"{claim}: {reason.text}")
    return found
