"""quality_scale.yaml is complete, and what it claims holds where the code can show it.

Each rule is done, exempt with a reason, or (Platinum beyond strict typing, not the
target) todo; a claim the code can prove or disprove is checked against the code.
"""

from __future__ import annotations

import ast
import inspect
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from custom_components.hrv_readiness import config_flow, hub
from custom_components.hrv_readiness.const import DOMAIN
from custom_components.hrv_readiness.sensor import SENSORS

ROOT = Path(__file__).resolve().parents[2]
COMPONENT = ROOT / "custom_components" / DOMAIN
PLATFORMS = ("binary_sensor", "button", "event", "sensor")

RULES = {
    "bronze": [
        "action-setup", "appropriate-polling", "brands", "common-modules",
        "config-flow-test-coverage", "config-flow", "dependency-transparency", "docs-actions",
        "docs-high-level-description", "docs-installation-instructions",
        "docs-removal-instructions", "entity-event-setup", "entity-unique-id",
        "has-entity-name", "runtime-data", "test-before-configure", "test-before-setup",
        "unique-config-entry",
    ],
    "silver": [
        "action-exceptions", "config-entry-unloading", "docs-configuration-parameters",
        "docs-installation-parameters", "entity-unavailable", "integration-owner",
        "log-when-unavailable", "parallel-updates", "reauthentication-flow", "test-coverage",
    ],
    "gold": [
        "devices", "diagnostics", "discovery-update-info", "discovery", "docs-data-update",
        "docs-examples", "docs-known-limitations", "docs-supported-devices",
        "docs-supported-functions", "docs-troubleshooting", "docs-use-cases",
        "dynamic-devices", "entity-category", "entity-device-class",
        "entity-disabled-by-default", "entity-translations", "exception-translations",
        "icon-translations", "reconfiguration-flow", "repair-issues", "stale-devices",
    ],
    "platinum": ["async-dependency", "inject-websession", "strict-typing"],
}  # fmt: skip


def _rules() -> dict[str, Any]:
    data = yaml.safe_load((COMPONENT / "quality_scale.yaml").read_text(encoding="utf-8"))
    rules: dict[str, Any] = data["rules"]
    return rules


def _status(rule: object) -> str:
    return str(rule["status"]) if isinstance(rule, dict) else str(rule)


def _module(name: str) -> ast.Module:
    return ast.parse((COMPONENT / f"{name}.py").read_text(encoding="utf-8"))


def test_every_rule_is_stated() -> None:
    rules = _rules()
    assert set(rules) == {rule for tier in RULES.values() for rule in tier}
    for name, rule in rules.items():
        if isinstance(rule, dict):
            assert rule["status"] == "exempt", name
            assert len(rule["comment"]) > 20, name
        elif name in RULES["platinum"] and name != "strict-typing":
            assert rule in {"done", "todo"}, name
        else:
            assert rule == "done", name


def test_has_entity_name() -> None:
    assert _status(_rules()["has-entity-name"]) == "done"
    for module, base in (("entity", "HrvEntity"), ("collector", "HrvCollectorEntity")):
        (cls,) = [n for n in _module(module).body if isinstance(n, ast.ClassDef) and n.name == base]
        assigned = {
            (t.id, n.value.value)
            for n in cls.body
            if isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant)
            for t in n.targets
            if isinstance(t, ast.Name)
        }
        assert ("_attr_has_entity_name", True) in assigned, base
    # Every entity class of every platform derives from one of these bases.
    for platform in PLATFORMS:
        for node in _module(platform).body:
            if isinstance(node, ast.ClassDef) and not node.name.endswith("Description"):
                bases = {b.id for b in node.bases if isinstance(b, ast.Name)}
                assert bases & {"HrvEntity", "HrvCollectorEntity"}, (platform, node.name)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_parallel_updates(platform: str) -> None:
    assert _status(_rules()["parallel-updates"]) == "done"
    assigned = {
        target.id
        for node in _module(platform).body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    assert "PARALLEL_UPDATES" in assigned


def test_config_entry_unloading_and_runtime_data() -> None:
    assert _status(_rules()["config-entry-unloading"]) == "done"
    init = _module("__init__")
    functions = {n.name for n in init.body if isinstance(n, ast.AsyncFunctionDef)}
    assert {"async_setup_entry", "async_unload_entry"} <= functions
    assert _status(_rules()["runtime-data"]) == "done"
    assert 'ConfigEntry["HrvHub"]' in inspect.getsource(hub)


def test_reconfiguration_and_options() -> None:
    assert _status(_rules()["reconfiguration-flow"]) == "done"
    assert hasattr(config_flow.HrvReadinessConfigFlow, "async_step_reconfigure")
    configured = _status(_rules()["docs-configuration-parameters"])
    has_options = "async_get_options_flow" in vars(config_flow.HrvReadinessConfigFlow)
    assert (configured == "done") is has_options


def test_entity_disabled_by_default() -> None:
    assert _status(_rules()["entity-disabled-by-default"]) == "done"
    assert any(d.entity_registry_enabled_default is False for d in SENSORS)


def test_dependency_transparency() -> None:
    manifest = json.loads((COMPONENT / "manifest.json").read_text(encoding="utf-8"))
    (requirement,) = manifest["requirements"]
    assert requirement.startswith("hrv-readiness==")
    assert "hrv-readiness" in _rules_comment("dependency-transparency")


def test_diagnostics_and_repairs_exist() -> None:
    assert _status(_rules()["diagnostics"]) == "done"
    diagnostics = _module("diagnostics")
    assert any(
        isinstance(n, ast.AsyncFunctionDef) and n.name == "async_get_config_entry_diagnostics"
        for n in diagnostics.body
    )
    assert _status(_rules()["repair-issues"]) == "done"
    strings = json.loads((COMPONENT / "strings.json").read_text(encoding="utf-8"))
    assert {"collector_offline", "no_reading", "strap_busy"} <= set(strings["issues"])


def _rules_comment(name: str) -> str:
    text = (COMPONENT / "quality_scale.yaml").read_text(encoding="utf-8")
    (line,) = [line for line in text.splitlines() if line.strip().startswith(f"{name}:")]
    return line
