"""One version: the package, the integration's manifest and the CHANGELOG agree.

The version is written once, in ``src/hrv_readiness/__init__.py`` (setuptools reads it
as dynamic metadata). ``manifest.json`` repeats it twice (``version`` and the pinned
``requirements`` entry HA installs) and ``CHANGELOG.md``'s latest release heading names
it; this test fails as soon as any of them is edited alone.
"""

from __future__ import annotations

import ast
import json
import re
from importlib.metadata import version as installed_version
from pathlib import Path

import hrv_readiness

ROOT = Path(__file__).resolve().parents[3]
MANIFEST = ROOT / "custom_components" / "hrv_readiness" / "manifest.json"
CHANGELOG = ROOT / "CHANGELOG.md"
SOURCE = ROOT / "src" / "hrv_readiness" / "__init__.py"
RELEASE_HEADING = re.compile(
    r"^## \[(?P<version>\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$", re.MULTILINE
)


def _source_version() -> str:
    tree = ast.parse(SOURCE.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == [
            "__version__"
        ]:
            assert isinstance(node.value, ast.Constant)
            return str(node.value.value)
    msg = f"{SOURCE} assigns no __version__"
    raise AssertionError(msg)


def _changelog_version() -> str:
    match = RELEASE_HEADING.search(CHANGELOG.read_text(encoding="utf-8"))
    assert match, "CHANGELOG.md has no '## [x.y.z] - YYYY-MM-DD' release heading"
    return match["version"]


def test_package_manifest_and_changelog_agree() -> None:
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    source = _source_version()
    found = {
        "src/hrv_readiness/__init__.py": source,
        "installed hrv_readiness.__version__": hrv_readiness.__version__,
        "installed distribution metadata": installed_version("hrv-readiness"),
        "manifest.json version": manifest["version"],
        "manifest.json requirements": next(
            (
                r.removeprefix("hrv-readiness==")
                for r in manifest["requirements"]
                if r.startswith("hrv-readiness==")
            ),
            "<no hrv-readiness== requirement>",
        ),
        "CHANGELOG.md latest release": _changelog_version(),
    }
    assert set(found.values()) == {source}, found


def test_version_is_semantic() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", hrv_readiness.__version__)
