"""The repository cites only what a reader can open: no internal notes, no old package."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
#: Our private reference notes are not part of the repository; docs/model.md and the
#: papers are what the code and docs cite.
DEAD_REFERENCE = re.compile(r"DOMAIN\.md|seed article", re.IGNORECASE)


def _tracked_text_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True
    ).stdout.split(b"\0")
    paths = [ROOT / name.decode() for name in listed if name]
    return [p for p in paths if p.is_file() and p.suffix not in {".png", ".npy", ".zip"}]


def test_no_tracked_file_cites_notes_outside_the_repository() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _tracked_text_files()
        if path != Path(__file__).resolve()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if DEAD_REFERENCE.search(line)
    ]
    assert offenders == []


def test_no_collector_package_remains() -> None:
    assert not (ROOT / "collector").exists()
    assert not (ROOT / "src" / "collector").exists()
    assert (ROOT / "src" / "hrv_readiness" / "__init__.py").is_file()
    assert (ROOT / "custom_components" / "hrv_readiness" / "manifest.json").is_file()
