"""docs/model.md matches the code: thresholds and defaults, reason codes, worked examples."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import TYPE_CHECKING

from hrv_readiness.examples import main
from hrv_readiness.readiness import REASON_CODES, ReadinessSettings
from hrv_readiness.readiness.examples import EXAMPLES
from hrv_readiness.readiness.reasons import REASON_MEANINGS

if TYPE_CHECKING:
    import pytest

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "model.md"


def test_every_key_named_in_the_doc_is_a_setting() -> None:
    text = DOC.read_text(encoding="utf-8")
    named = set(re.findall(r"`readiness\.([a-z0-9_]+)`", text))
    fields = set(ReadinessSettings.model_fields)
    assert named, "docs/model.md names no settings"
    assert named - fields == set(), "named in docs/model.md but not in ReadinessSettings"
    assert fields - named == set(), "settings missing from docs/model.md"


def test_the_settings_table_states_the_defaults() -> None:
    text = DOC.read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `readiness\.([a-z0-9_]+)` \| ([0-9.]+) \|$", text, re.MULTILINE))
    defaults = ReadinessSettings()
    assert set(rows) == set(ReadinessSettings.model_fields)
    for key, stated in rows.items():
        assert float(stated) == float(getattr(defaults, key)), key


def test_defaults_quoted_in_the_prose_match() -> None:
    # "`readiness.soreness_high` (6)" style mentions must quote the real default.
    text = DOC.read_text(encoding="utf-8")
    defaults = ReadinessSettings()
    quoted = re.findall(r"`readiness\.([a-z0-9_]+)` \(([0-9.]+)\)", text)
    assert len(quoted) >= 10
    for key, stated in quoted:
        assert float(stated) == float(getattr(defaults, key)), key


_EXAMPLE_BLOCK = re.compile(
    r"^```text\n\$ python -m hrv_readiness\.examples ([^\n]*)\n(.*?)^```$",
    re.MULTILINE | re.DOTALL,
)


def _examples_in_doc() -> list[tuple[str, str]]:
    return _EXAMPLE_BLOCK.findall(DOC.read_text(encoding="utf-8"))


def test_every_worked_example_prints_what_the_doc_shows(
    capsys: pytest.CaptureFixture[str],
) -> None:
    blocks = _examples_in_doc()
    assert len(blocks) >= 10
    for args, shown in blocks:
        assert main(shlex.split(args)) == 0
        printed = capsys.readouterr().out
        assert printed == shown, args


def test_every_example_is_in_the_doc() -> None:
    documented = {shlex.split(args)[0] for args, _ in _examples_in_doc()}
    assert documented == set(EXAMPLES)


def test_every_reason_code_is_explained() -> None:
    model = DOC.read_text(encoding="utf-8")
    mqtt = (DOC.parent / "mqtt.md").read_text(encoding="utf-8")
    row = r"^\| `([a-z_]+)` \| (?:[0-9]+(?:, [0-9]+)*|baselines) \|"
    table = set(re.findall(row, model, re.MULTILINE))
    assert table == set(REASON_CODES)
    for code in REASON_CODES:
        assert f"`{code}`" in mqtt, code
    assert set(REASON_MEANINGS) == set(REASON_CODES)


def test_every_code_the_model_produces_is_in_the_closed_set() -> None:
    # The Literal is the only way to build a Reason; this guards the JSON Schema too.
    schema = json.loads(
        (ROOT / "src" / "hrv_readiness" / "mqtt" / "schemas" / "state.json").read_text(
            encoding="utf-8"
        )
    )
    text = json.dumps(schema)
    for code in REASON_CODES:
        assert f'"{code}"' in text, code
