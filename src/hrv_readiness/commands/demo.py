"""``hrv-collector demo``: a simulated household morning through the real pipeline.

Everything but the radio is real: RR series from a physiological model
(`hrv_readiness.simulation`) are replayed as genuine 0x2A37 notifications by a
simulated strap into the same measurement session the daemon uses, analysed by the
HRV engine, assessed against the stored history, written to SQLite and published as
retained JSON to the MQTT broker.

By default the household of `hrv_readiness.simulation.household` is replayed: two months
of earlier mornings (Alice through a heavy block into systemic fatigue and back,
Bob through a sore-but-fine week), then this morning is measured live. ``--days 1``
shows a first morning with no history ("building baseline").

Each story has its own database in ``--data-dir`` (``hrv.sqlite3`` for the whole
story, ``hrv-days-N.sqlite3`` for ``--days N``), so a short demo never replaces the
two-month one. Rerunning a story replaces that story's database and says so; a
database that holds anyone but the demo household is never touched.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from hrv_readiness.ble.models import MeasurementSettings
from hrv_readiness.ble.session import run_measurement
from hrv_readiness.ble.simulated import SimulatedStrap
from hrv_readiness.commands.console import console
from hrv_readiness.commands.progress import ProgressDisplay
from hrv_readiness.commands.verdict import verdict_lines
from hrv_readiness.errors import BrokerError, HrvError
from hrv_readiness.mqtt.history import history_messages
from hrv_readiness.mqtt.oneshot import publish_pending
from hrv_readiness.mqtt.payloads import AnnouncedUser
from hrv_readiness.mqtt.settings import MqttSettings
from hrv_readiness.mqtt.state import state_outbox
from hrv_readiness.mqtt.topics import Topics
from hrv_readiness.pipeline import ProcessedReading, RecordingInput, process_recording
from hrv_readiness.readiness import ReadinessSettings
from hrv_readiness.report.plot import UserChart, plot_format, render_plot
from hrv_readiness.report.rows import ReportRow, report_rows
from hrv_readiness.report.table import render_table
from hrv_readiness.simulation import synthesize_rr_ms
from hrv_readiness.simulation.household import HOUSEHOLD, SimulatedDay, simulate_person
from hrv_readiness.store import Store

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

    from hrv_readiness.commands.subcommand import AddCommand
    from hrv_readiness.simulation.household import SimulatedPerson

COLLECTOR_ID = "demo"
MORNING = dt.time(6, 30)
DEFAULT_DATA_DIR = Path("data/demo")


def register(add: AddCommand) -> None:
    parser = add("demo", "simulated household morning: strap → HRV → readiness → SQLite → MQTT")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=DEFAULT_DATA_DIR,
        help=f"where the demo databases and chart are written (default: {DEFAULT_DATA_DIR})",
    )
    parser.add_argument(
        "--days",
        type=int,
        default=None,
        help="mornings to simulate per person, today included (default: the whole "
        "two-month story; 1 = a first morning with no history)",
    )
    parser.add_argument(
        "--plot",
        type=Path,
        default=None,
        metavar="FILE",
        help="where the chart of both histories goes (.png, .svg or .pdf; "
        "default: household.png in --data-dir)",
    )
    parser.add_argument("--mqtt-host", default="localhost", help="broker host (default: localhost)")
    parser.add_argument("--mqtt-port", type=int, default=1883, help="broker port (default: 1883)")
    parser.add_argument(
        "--speed",
        type=float,
        default=40.0,
        help="how much faster than real time the strap replays (default: 40)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.days is not None and args.days < 1:
        print(
            f"hrv-collector demo: --days {args.days}: must be at least 1 (1 = a first morning)",
            file=sys.stderr,
        )
        return 2
    if args.plot is not None:
        try:
            plot_format(args.plot)
        except HrvError as err:
            print(f"hrv-collector demo: {err}", file=sys.stderr)
            return 2
    db_path = demo_db_path(args.data_dir, args.days)
    if db_path.exists():
        if not _made_by_demo(db_path):
            print(
                f"hrv-collector demo: {db_path} holds users the demo did not make; "
                "it is left alone: choose another --data-dir",
                file=sys.stderr,
            )
            return 2
        print(f"Replacing {db_path}, the database of an earlier run of this demo story")
        for stale in (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
            stale.unlink(missing_ok=True)
    return asyncio.run(_demo(args, db_path))


def demo_db_path(data_dir: Path, days: int | None) -> Path:
    """The database of one demo story: one per ``--days``, the whole story apart."""
    return data_dir / ("hrv.sqlite3" if days is None else f"hrv-days-{days}.sqlite3")


def _made_by_demo(path: Path) -> bool:
    try:
        with Store.open(path) as store:
            users = set(store.users())
    except HrvError:
        return False
    return users <= {person.user for person in HOUSEHOLD}


async def _demo(args: argparse.Namespace, db_path: Path) -> int:
    data_dir: Path = args.data_dir
    topics = Topics(base="hrv_readiness", collector_id=COLLECTOR_ID)
    settings = ReadinessSettings()
    today = dt.datetime.now().astimezone().date()
    print(f"HRV Readiness demo — database {db_path}")

    results: list[tuple[SimulatedPerson, ProcessedReading | None]] = []
    with Store.open(db_path) as store:
        for person in HOUSEHOLD:
            days = simulate_person(person, last_day=today)
            if args.days is not None:
                days = days[-args.days :]
            history, this_morning = days[:-1], days[-1]
            if history:
                print(f"\n{person.name}: replaying {len(history)} earlier mornings ...", end="")
                for day in history:
                    _log_context(store, day)
                    rr_ms = synthesize_rr_ms(day.scenario).tolist()
                    _store_morning(store, day, rr_ms, topics, settings)
                print(" done")
            _log_context(store, this_morning)
            print(f"\n{person.name}: this morning's reading (simulated strap, {args.speed:g}x)")
            results.append(
                (person, await _measure(store, this_morning, topics, settings, args.speed))
            )

        reports = [
            (person.user, _history_rows(store, person.user, settings, today))
            for person, _ in results
        ]
        charts = [
            UserChart(
                name=person.name,
                rows=rows,
                training=store.training(user),
                wellness=store.wellness(user),
            )
            for (person, _), (user, rows) in zip(results, reports, strict=True)
        ]
        print()
        await _publish(store, args, topics)
    names = {person.user: person.name for person in HOUSEHOLD}
    out = console()
    for user, rows in reports:
        out.print()
        out.print(render_table(names.get(user, user), rows))
    chart = args.plot or data_dir / f"{db_path.stem.replace('hrv', 'household', 1)}.png"
    _write_chart(charts, chart)
    for person, processed in results:
        _print_summary(person, processed)
    return 0


def _history_rows(
    store: Store, user: str, settings: ReadinessSettings, today: dt.date
) -> list[ReportRow]:
    return report_rows(
        readings=store.readings(user),
        wellness=store.wellness(user),
        training=store.training(user),
        settings=settings,
        since=today - dt.timedelta(days=60),
        until=today,
    )


def _write_chart(charts: list[UserChart], path: Path) -> None:
    try:
        render_plot(charts, path)
    except HrvError as err:
        print(f"\n(no chart: {err})")
        return
    print(f"\nChart of both histories: {path}")


def _log_context(store: Store, day: SimulatedDay) -> None:
    store.add_wellness(day.wellness)
    store.add_training(day.training)


def _store_morning(
    store: Store,
    day: SimulatedDay,
    rr_ms: Sequence[float],
    topics: Topics,
    settings: ReadinessSettings,
    *,
    measured_at: dt.datetime | None = None,
    strap: tuple[str, str, int | None] | None = None,
    segment_starts: tuple[int, ...] = (0,),
) -> ProcessedReading:
    if measured_at is None:
        measured_at = dt.datetime.combine(day.date, MORNING).astimezone()
    name, address, battery = strap if strap is not None else (None, None, None)
    return process_recording(
        store,
        RecordingInput(
            user=day.user,
            rr_ms=rr_ms,
            measured_at=measured_at,
            date=day.date,
            strap_name=name,
            strap_address=address,
            battery_pct=battery,
            segment_starts=segment_starts,
        ),
        settings=settings,
        outbox=state_outbox(topics, published_at=dt.datetime.now(dt.UTC)),
    )


async def _measure(
    store: Store,
    day: SimulatedDay,
    topics: Topics,
    settings: ReadinessSettings,
    speed: float,
) -> ProcessedReading | None:
    session = MeasurementSettings(duration_s=120.0, settle_s=10.0)
    # Beats enough for settling, the planned window and a full extension.
    lasts_s = session.settle_s + session.duration_s + session.max_extension_s + 10.0
    strap = SimulatedStrap(
        synthesize_rr_ms(dataclasses.replace(day.scenario, duration_s=lasts_s)).tolist(),
        speed=speed,
        name=f"Simulated H10 {day.user.upper()}",
    )
    with ProgressDisplay() as display:
        result = await run_measurement(strap, session, on_event=display)
    if result.recording is None:
        print(f"  measurement {result.state}: {result.reason}")
        return None
    recording = result.recording
    try:
        return _store_morning(
            store,
            day,
            recording.rr_ms,
            topics,
            settings,
            measured_at=recording.started_at,
            segment_starts=recording.segment_starts,
            strap=(recording.strap_name, recording.strap_address, recording.battery_pct),
        )
    except HrvError as err:
        print(f"  reading not usable: {err}")
        return None


async def _publish(store: Store, args: argparse.Namespace, topics: Topics) -> None:
    mqtt = MqttSettings(host=args.mqtt_host, port=args.mqtt_port, base_topic=topics.base)
    users = [AnnouncedUser(id=person.user, name=person.name) for person in HOUSEHOLD]
    try:
        # The mornings as one retained history per person: charts get real dates
        # instead of 42 states arriving in the same second.
        history = history_messages(
            store, topics, [user.id for user in users], published_at=dt.datetime.now(dt.UTC)
        )
        sent = await publish_pending(
            mqtt, COLLECTOR_ID, users, store, timeout_s=3.0, retained=history
        )
    except BrokerError as err:
        print(f"MQTT: {err} — the results are stored and shown below, but not published.")
        return
    print(
        f"MQTT: published {sent} retained messages to {args.mqtt_host}:{args.mqtt_port} "
        f"under {topics.root}/ (try: mosquitto_sub -t '{topics.root}/#' -v)"
    )


def _print_summary(person: SimulatedPerson, processed: ProcessedReading | None) -> None:
    print(f"\n=== {person.name} — this morning ===")
    if processed is None:
        print("  no reading")
        return
    hrv = processed.hrv
    print(
        f"  reading    {hrv.beats} beats, {processed.stored.duration_s:.0f} s, "
        f"quality {hrv.quality.level}" + (f" ({hrv.quality.reason})" if hrv.quality.reason else "")
    )
    if hrv.usable:
        print(
            f"             RMSSD {hrv.rmssd_ms:.1f} ms   lnRMSSD {hrv.ln_rmssd:.2f}   "
            f"resting HR {hrv.mean_hr_bpm:.1f} bpm   artifacts {hrv.artifacts.artifact_pct:.1f} %"
        )
    out = console()
    for line in verdict_lines(processed.readiness):
        out.print(line)
