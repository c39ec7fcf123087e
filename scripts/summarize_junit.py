"""Print one closing line with the passed/failed/skipped totals of JUnit XML reports."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def main(paths: list[str]) -> int:
    passed = failed = skipped = 0
    for path in paths:
        if not Path(path).exists():
            continue
        root = ET.parse(path).getroot()  # noqa: S314 - our own pytest output
        for suite in root.iter("testsuite"):
            total = int(suite.get("tests", 0))
            fail = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            skip = int(suite.get("skipped", 0))
            passed += total - fail - skip
            failed += fail
            skipped += skip
    print(f"total: {passed} passed, {failed} failed, {skipped} skipped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
