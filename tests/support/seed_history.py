"""Write a person's earlier mornings into a history database (end-to-end tests).

    python tests/support/seed_history.py DB --user alice --stable-days 24 --suppressed-days 3

Every morning goes through the collector's real pipeline (synthetic RR → HRV engine →
readiness → store), measured at 06:30 and ending the day before ``now``. ``now`` (aware)
is always given by the caller, from the clock and time zone of the code under test (Home
Assistant's in the strap tests, the collector's in the MQTT ones): a helper that took the
process's own date disagreed with Home Assistant's between midnight in one zone and
midnight in the other (issue 20). Stable mornings: lnRMSSD about 4.25,
resting HR about 52 bpm, low soreness, endurance training. Suppressed mornings (the
last ones): lnRMSSD about 3.5, resting HR about 60 bpm, low soreness and energy after
heavy compound sessions — the systemic pattern. The outbox is emptied (already sent).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
from pathlib import Path

import numpy as np

from hrv_readiness.mqtt.state import state_outbox
from hrv_readiness.mqtt.topics import Topics
from hrv_readiness.pipeline import RecordingInput, process_recording
from hrv_readiness.readiness import ReadinessSettings, TrainingEntry, WellnessEntry
from hrv_readiness.simulation import RrScenario, synthesize_rr_ms
from hrv_readiness.store import Store


def seed(
    db: Path,
    user: str,
    collector_id: str,
    stable_days: int,
    suppressed_days: int,
    *,
    now: dt.datetime,
) -> None:
    if now.tzinfo is None:
        msg = "now must be aware: the morning's date depends on its time zone"
        raise ValueError(msg)
    rng = np.random.default_rng(7)
    today = now.date()
    total = stable_days + suppressed_days
    topics = Topics("hrv_readiness", collector_id)
    with Store.open(db) as store:
        for index in range(total):
            day = today - dt.timedelta(days=total - index)
            suppressed = index >= stable_days
            ln_rmssd = (3.5 if suppressed else 4.25) + rng.normal(0, 0.05)
            hr = (60.0 if suppressed else 52.0) + rng.normal(0, 1.0)
            store.add_wellness(
                WellnessEntry(
                    user=user,
                    date=day,
                    soreness=2,
                    energy=3 if suppressed else 7,
                    sleep_quality=5 if suppressed else 7,
                    stress=3,
                )
            )
            store.add_training(
                TrainingEntry(
                    user=user,
                    date=day - dt.timedelta(days=1),
                    session_type="heavy_compound" if suppressed else "endurance",
                    effort=9 if suppressed else 5,
                    duration_min=70,
                )
            )
            rr = synthesize_rr_ms(
                RrScenario(
                    resting_hr_bpm=hr,
                    target_rmssd_ms=math.exp(ln_rmssd),
                    ectopic_rate=0.0,
                    seed=index,
                )
            )
            process_recording(
                store,
                RecordingInput(
                    user=user,
                    rr_ms=rr.tolist(),
                    date=day,
                    measured_at=dt.datetime.combine(day, dt.time(6, 30), tzinfo=now.tzinfo),
                ),
                settings=ReadinessSettings(),
                outbox=state_outbox(topics, published_at=now.astimezone(dt.UTC)),
            )
        store.mark_sent([m.id for m in store.pending_outbox(limit=10_000) if m.id is not None])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("db", type=Path)
    parser.add_argument("--user", default="alice")
    parser.add_argument("--collector-id", default="e2e")
    parser.add_argument("--stable-days", type=int, default=24)
    parser.add_argument("--suppressed-days", type=int, default=3)
    parser.add_argument(
        "--now",
        type=dt.datetime.fromisoformat,
        required=True,
        help="the moment after the seeded mornings, with its UTC offset "
        "(e.g. 2026-12-06T02:30:00+00:00): the collector's clock",
    )
    args = parser.parse_args()
    seed(
        args.db,
        args.user,
        args.collector_id,
        args.stable_days,
        args.suppressed_days,
        now=args.now,
    )


if __name__ == "__main__":
    main()
