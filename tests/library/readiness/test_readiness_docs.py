"""docs/model.md names only thresholds that are in the config, with the right defaults."""

from __future__ import annotations

import re
from pathlib import Path

from hrv_readiness.readiness import ReadinessSettings

DOC = Path(__file__).resolve().parents[3] / "docs" / "model.md"


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
