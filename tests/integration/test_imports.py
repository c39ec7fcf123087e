"""Nothing of the library is imported on Home Assistant's event loop.

Home Assistant imports an integration's modules in its executor; a module imported
later, inside ``async_setup_entry``, is imported on the event loop and logs "Detected
blocking call to import_module ... inside the event loop". So the integration imports
everything a strap entry runs when it is imported, and no function imports anything.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
INTEGRATION = REPO / "custom_components" / "hrv_readiness"


def test_importing_the_integration_imports_what_a_strap_entry_runs(
    integration_imports: set[str],
) -> None:
    """A fresh interpreter imports the integration (started early: conftest.py)."""
    imported = integration_imports
    for module in (
        "custom_components.hrv_readiness.strap_hub",
        "custom_components.hrv_readiness.strap_source",
        "hrv_readiness.routine.routine",
        "hrv_readiness.ble.hosted",
        "hrv_readiness.ble.session",
        "hrv_readiness.pipeline",
        "hrv_readiness.store.store",
    ):
        assert module in imported, module


def test_no_function_of_the_integration_imports_anything() -> None:
    late = []
    for path in sorted(INTEGRATION.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            late.extend(
                f"{path.name}:{node.lineno}"
                for node in ast.walk(function)
                if isinstance(node, ast.Import | ast.ImportFrom)
            )
    assert late == []
