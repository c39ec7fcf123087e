"""Writes readings forever, printing ``<id> <measured_at>`` after each commit.

Run by test_store_kill.py, which SIGKILLs it at random moments.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from hrv_readiness.store import OutboxMessage, Store
from tests.library.store.factories import reading


def main() -> None:
    path = Path(sys.argv[1])
    round_number = int(sys.argv[2])
    template = reading("alice", ticks=False, beats=400)
    with Store.open(path) as store:
        n = 0
        while True:
            measured_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(
                days=round_number, microseconds=n
            )
            item = template.model_copy(update={"measured_at": measured_at})
            message = OutboxMessage(
                topic="hrv/alice/reading", payload=b"x" * 2000, created_at=measured_at
            )
            row_id = store.add_reading(item, outbox=[message])
            # One write per acknowledgement, after COMMIT returned.
            sys.stdout.write(f"{row_id} {measured_at.isoformat()}\n")
            sys.stdout.flush()
            n += 1


if __name__ == "__main__":
    main()
