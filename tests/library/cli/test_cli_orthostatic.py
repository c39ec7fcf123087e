"""``measure --orthostatic --simulate`` in process: the person stands at the cue."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import jsonschema

from hrv_readiness.cli import main
from hrv_readiness.commands.json_output import SCHEMA_DIR

if TYPE_CHECKING:
    import pytest


def test_the_json_carries_the_test_and_validates(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["measure", "--orthostatic", "--simulate", "--speed", "400", "--settle", "2"]
    assert main([*argv, "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    schema = json.loads((SCHEMA_DIR / "measure.json").read_text(encoding="utf-8"))
    jsonschema.validate(document, schema)
    test = document["orthostatic"]
    assert test["refusal"] is None, test["reason"]
    assert test["metrics"]["hr_rise_bpm"] > 25.0
    # The reading's HRV is the lying part's.
    assert document["hrv"]["ln_rmssd"] == test["metrics"]["supine_ln_rmssd"]
    assert document["recording"]["duration_s"] >= 359.0


def test_the_terminal_shows_the_countdown_the_cue_and_the_response(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["measure", "--orthostatic", "--simulate", "--speed", "400"]) == 0
    out = capsys.readouterr().out
    assert "orthostatic test, 360 s" in out
    assert "lying, stand up in" in out
    assert out.count("\a") == 1
    assert out.count("STAND UP NOW") == 1
    assert "response: peak HR" in out
    assert "standing: lnRMSSD" in out
