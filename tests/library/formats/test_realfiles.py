"""The real export files beside the repository import as PROVENANCE.md expects.

Skipped only when ``<repo>/../shared/realfiles`` is absent (``HRV_REALFILES`` points
elsewhere). ``python tests/support/realfiles.py`` prints the table; the test command
(scripts/test.sh) runs that too.
"""

from __future__ import annotations

import pytest
from support.realfiles import EXPECTED, check, realfiles_dir, table


def test_every_real_file_reads_right_or_is_refused_for_what_it_is() -> None:
    folder = realfiles_dir()
    if not folder.is_dir():
        pytest.skip(f"no real export files at {folder}")
    rows = check(folder)
    report = table(rows)
    print(report)
    assert len(rows) >= len(EXPECTED)
    assert all(row.ok for row in rows), report
