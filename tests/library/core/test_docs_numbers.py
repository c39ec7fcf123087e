"""The numbers the docs quote are the code's: baseline length, score bands, demo size.

Each check reads a sentence a reader acts on and compares its number with the
setting or the simulation it describes, so a changed default cannot leave a page
saying something else (docs/home-assistant.md once said seven mornings; the code
and the other pages say 14).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from hrv_readiness.readiness import ReadinessSettings
from hrv_readiness.simulation.household import HOUSEHOLD, simulate_person

ROOT = Path(__file__).resolve().parents[3]
DEFAULTS = ReadinessSettings()


def _text(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("page", "pattern"),
    [
        ("docs/home-assistant.md", r"The first (\w+) mornings build the baseline"),
        ("README.md", r"after (\d+)\s+mornings the verdict replaces"),
        ("docs/mqtt.md", r"before the baseline existed \(the first (\d+) mornings\)"),
        ("docs/model.md", r"Until `readiness.min_history_readings` \((\d+)\) readings"),
    ],
)
def test_the_baseline_takes_as_many_mornings_as_the_setting(page: str, pattern: str) -> None:
    match = re.search(pattern, _text(page))
    assert match is not None, f"{page}: the sentence quoting the baseline length is gone"
    assert match[1] == str(DEFAULTS.min_history_readings), page


def test_the_score_bands_quoted_are_the_settings() -> None:
    model = _text("docs/model.md")
    low, high = DEFAULTS.score_rest_below, DEFAULTS.score_caution_below
    assert f"`caution` {low}–{high - 1}" in model
    assert f"`rest` 0–{low - 1}" in model
    assert f"`ready` {high}–100" in model


def test_the_demo_household_size_quoted_is_the_simulation() -> None:
    mornings = sum(
        len(simulate_person(person, last_day=dt.date(2026, 12, 6))) for person in HOUSEHOLD
    )
    match = re.search(r"The demo household's (\d+)\s+simulated", _text("docs/hrv.md"))
    assert match is not None
    assert int(match[1]) == mornings
    per_person = {len(simulate_person(p, last_day=dt.date(2026, 12, 6))) for p in HOUSEHOLD}
    assert per_person == {mornings // len(HOUSEHOLD)}
