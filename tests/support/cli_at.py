"""Run ``hrv-collector`` commands at a pinned wall clock, in one long-lived process.

``python -m support.cli_at NOW``: ``NOW`` an aware ISO time that
:func:`hrv_readiness.clock.utc_now` returns from then on. Each line read from stdin is
a JSON list of argv lists; the answer is one line, a JSON list of ``{"code", "out",
"err"}``, one per command. Tests of Home Assistant run the command line this way, as a
person would on the collector's machine, at the scenario's clock (CI runs at any
hour), paying the start-up of the command line once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import sys

from hrv_readiness import clock
from hrv_readiness.cli import main as cli_main


def main(argv: list[str]) -> int:
    now = dt.datetime.fromisoformat(argv[0])
    clock.utc_now = lambda: now
    for line in sys.stdin:
        results = []
        for command in json.loads(line):
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = cli_main(command)
            results.append({"code": code, "out": out.getvalue(), "err": err.getvalue()})
        sys.stdout.write(json.dumps(results) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
