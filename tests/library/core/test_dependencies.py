"""Declared dependencies are what the code imports, and the core imports only numpy/pydantic.

Home Assistant installs the integration's requirement (the library) into its own
environment, where it pins bleak, numpy and pydantic itself. So the core — everything
the integration may import — must need nothing but numpy and pydantic, and every
third-party module the code imports anywhere must be declared (as a dependency or in an
extra), mapped to its distribution through the installed metadata.
"""

from __future__ import annotations

import ast
import functools
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "src" / "hrv_readiness"
#: The modules Home Assistant's environment may import (and what they import in turn).
CORE_ROOTS = (
    "hrv_readiness.errors",
    "hrv_readiness.hrv",
    "hrv_readiness.readiness",
    "hrv_readiness.store",
    "hrv_readiness.ble.parser",
    "hrv_readiness.ble.session",
    "hrv_readiness.ble.source",
)
CORE_DISTRIBUTIONS = {"numpy", "pydantic"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    """Module name → the absolute module names it imports (type-checking-only excluded)."""
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                node.body = []  # annotations only; never imported at run time
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
        graph[_module_name(path)] = names
    return graph


def _third_party(names: set[str]) -> set[str]:
    tops = {name.split(".")[0] for name in names}
    return {t for t in tops if t != "hrv_readiness" and t not in sys.stdlib_module_names}


def _closure(graph: dict[str, set[str]], roots: tuple[str, ...]) -> set[str]:
    seen: set[str] = set()
    todo = [m for m in graph if any(m == r or m.startswith(r + ".") for r in roots)]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        for imported in graph[module]:
            name = imported
            while name and name not in graph:  # `from a.b import c` names a.b.c
                name = name.rpartition(".")[0]
            if name.startswith("hrv_readiness"):
                todo.append(name)
                parent = name.rpartition(".")[0]
                while parent:  # importing a.b.c runs a/__init__ and a/b/__init__
                    todo.append(parent)
                    parent = parent.rpartition(".")[0]
    return seen


@functools.cache
def _distributions() -> dict[str, list[str]]:
    return dict(packages_distributions())


def _distribution(module: str) -> str:
    found = _distributions().get(module)
    assert found, f"no installed distribution provides {module!r}"
    return _normalise(found[0])


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> tuple[set[str], set[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

    def names(requirements: list[str]) -> set[str]:
        return {_normalise(re.split(r"[\s<>=!~\[;]", r, maxsplit=1)[0]) for r in requirements}

    extras = set().union(*(names(v) for v in project["optional-dependencies"].values()))
    return names(project["dependencies"]), extras


def test_the_core_imports_only_numpy_and_pydantic() -> None:
    graph = _imports()
    core = _closure(graph, CORE_ROOTS)
    assert "hrv_readiness.readiness" in core
    offenders = {
        module: sorted(_third_party(graph[module]) - CORE_DISTRIBUTIONS)
        for module in sorted(core)
        if _third_party(graph[module]) - CORE_DISTRIBUTIONS
    }
    assert offenders == {}


def test_every_imported_distribution_is_declared() -> None:
    graph = _imports()
    core_declared, extras = _declared()
    assert core_declared == CORE_DISTRIBUTIONS
    imported = {_distribution(t) for names in graph.values() for t in _third_party(names)}
    assert imported - core_declared - extras == set()
