"""The pure core stays pure: ``hrv/`` and ``readiness/`` import no I/O.

Arrays and records in, records out (docs/architecture.md): no files, sockets,
processes, clocks of the machine, argument parsing or printing to a terminal. The
test reads every module's imports (also those inside functions) and the names it calls.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[3] / "src" / "hrv_readiness"
PURE = ("hrv", "readiness")

#: Standard-library and third-party modules that do I/O (or read the machine's state).
IO_MODULES = frozenset(
    {
        "argparse", "asyncio", "csv", "glob", "io", "logging", "os", "pathlib", "shutil",
        "socket", "sqlite3", "subprocess", "sys", "tempfile", "time", "urllib", "zipfile",
        "aiomqtt", "bleak", "bleak_retry_connector", "dbus_fast", "yaml",
    }
)  # fmt: skip
#: Parts of this project that are the I/O shell.
SHELL = frozenset(
    {"ble", "commands", "config", "daemon", "formats", "mqtt", "pipeline", "routine", "store"}
)
#: Calls that read files, the terminal or the clock.
IO_CALLS = frozenset({"open", "print", "input"})
IO_METHODS = frozenset({"now", "today", "utcnow", "read_text", "write_text"})


def _modules() -> list[Path]:
    return sorted(path for package in PURE for path in (SRC / package).rglob("*.py"))


def _imports(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_a_pure_module_imports_no_io(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad = []
    for name in _imports(tree):
        parts = [*name.split("."), ""]
        shell = parts[0] == "hrv_readiness" and parts[1] in SHELL
        if parts[0] in IO_MODULES or shell:
            bad.append(name)
    calls = {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    methods = {
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
    bad.extend(sorted(calls & IO_CALLS))
    bad.extend(sorted(methods & IO_METHODS))
    assert bad == []


def test_the_pure_packages_are_there() -> None:
    assert len(_modules()) > 10
