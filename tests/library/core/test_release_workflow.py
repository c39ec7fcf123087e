"""The release workflow builds and tests with the developers' own commands.

``.github/workflows/release.yml`` must parse, run on version tags only, test with
``make test`` (what ``.ci/run`` runs), build with ``make dist`` (whose recipe is
``build_dist`` in scripts/lib.sh, the same one ``make test`` builds with), publish only
the sdist and the wheel with trusted publishing (no stored token) and attach the zip
``hacs.json`` names to the GitHub release.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[3]
WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"


def _workflow() -> dict[str, Any]:
    loaded = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _runs(job: dict[str, Any]) -> list[str]:
    return [step["run"].strip() for step in job["steps"] if "run" in step]


def _uses(job: dict[str, Any]) -> list[str]:
    return [step["uses"] for step in job["steps"] if "uses" in step]


def _make_recipe(target: str) -> list[str]:
    """The recipe lines of a Makefile target."""
    lines = (ROOT / "Makefile").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{target}:"))
    recipe = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip().lstrip("@"))
    return recipe


def test_runs_on_version_tags_only() -> None:
    # PyYAML reads the key ``on`` as True (YAML 1.1).
    trigger = _workflow()[True]
    assert list(trigger) == ["push"]
    assert list(trigger["push"]) == ["tags"]
    [pattern] = trigger["push"]["tags"]
    assert pattern.startswith("v")


def test_tests_with_the_test_command_ci_runs() -> None:
    jobs = _workflow()["jobs"]
    assert "make test" in _runs(jobs["test"])
    assert (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().endswith("exec make test")
    assert _make_recipe("test") == ["bash scripts/test.sh"]
    # The test job runs as root on Debian: the sid root needs debootstrap and chroot.
    assert jobs["test"]["container"]["image"].startswith("debian:")
    assert "--privileged" in jobs["test"]["container"]["options"]


def test_builds_with_make_dist_as_the_test_command_does() -> None:
    jobs = _workflow()["jobs"]
    assert jobs["build"]["needs"] == "test"
    assert "make dist" in _runs(jobs["build"])
    assert _make_recipe("dist") == ["bash -c 'source scripts/lib.sh && build_dist'"]
    test_script = (ROOT / "scripts" / "test.sh").read_text(encoding="utf-8")
    assert re.search(r"^build_dist$", test_script, re.MULTILINE)


def test_publishes_sdist_and_wheel_with_trusted_publishing() -> None:
    job = _workflow()["jobs"]["publish-pypi"]
    assert job["needs"] == "build"
    assert job["permissions"] == {"id-token": "write"}
    assert job["environment"]["name"] == "pypi"
    assert "pypa/gh-action-pypi-publish@release/v1" in _uses(job)
    publish = next(s for s in job["steps"] if s.get("uses", "").startswith("pypa/"))
    assert "with" not in publish or "password" not in publish["with"]  # no stored token
    # The zip is not a Python distribution: it is moved out of dist/ before publishing.
    assert any("mv dist/hrv_readiness.zip" in run for run in _runs(job))


def test_attaches_the_zip_hacs_names_to_the_release() -> None:
    job = _workflow()["jobs"]["github-release"]
    assert job["needs"] == "publish-pypi"
    assert job["permissions"] == {"contents": "write"}
    zip_name = json.loads((ROOT / "hacs.json").read_text(encoding="utf-8"))["filename"]
    assert any(f"dist/{zip_name}" in run for run in _runs(job))


def test_hacs_minimum_is_the_oldest_release_the_tests_run() -> None:
    """``hacs.json`` and the README name the Home Assistant the oldest suite runs on."""
    pins = (ROOT / "requirements" / "ha-test.txt").read_text(encoding="utf-8")
    [oldest] = re.findall(r"^homeassistant==(\S+)$", pins, re.MULTILINE)
    hacs = json.loads((ROOT / "hacs.json").read_text(encoding="utf-8"))
    assert hacs["homeassistant"] == oldest
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"Home Assistant {oldest} and later" in readme
