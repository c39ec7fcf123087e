"""docs/mqtt.md shows what the collector really publishes."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from hrv_readiness.mqtt.payloads import StatePayload
from hrv_readiness.mqtt.state import readiness_payload
from hrv_readiness.readiness import DailyReading, ReadinessSettings, assess

DOC = Path(__file__).resolve().parents[3] / "docs" / "mqtt.md"


def _state_example() -> dict[str, object]:
    blocks = re.findall(r"```json\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    states = [json.loads(block) for block in blocks if '"readiness"' in block]
    assert states, "docs/mqtt.md has no state example"
    return states[0]  # type: ignore[no-any-return]


def test_the_state_example_is_a_valid_state() -> None:
    StatePayload.model_validate(_state_example())


def test_the_building_baseline_example_says_what_the_collector_says() -> None:
    example = _state_example()["readiness"]
    assert isinstance(example, dict)
    settings = ReadinessSettings()
    today = dt.date(2026, 11, 22)
    have = settings.min_history_readings - int(example["readings_needed"]) - 1  # + today
    history = [
        DailyReading(date=today - dt.timedelta(days=n + 1), ln_rmssd=4.2, resting_hr_bpm=52.0)
        for n in range(have)
    ]
    real = assess(
        history=history,
        today=DailyReading(date=today, ln_rmssd=4.2, resting_hr_bpm=52.0),
        wellness=None,
        training=[],
        settings=settings,
    )
    published = json.loads(readiness_payload(real).model_dump_json())
    for key in ("status", "fatigue_type", "readings_needed"):
        assert example[key] == published[key], key
    # The codes are the contract; the wording may be edited in the rules.
    assert [r["code"] for r in example["reasons"]] == [r["code"] for r in published["reasons"]]
