"""Storing a reading taken on the command line, with its verdict, like the daemon does.

``measure --save`` and ``analyze FILE --save`` (and ``import`` of RR files) go through
the same pipeline as the collector daemon (:func:`hrv_readiness.pipeline.process_recording`):
analysed, assessed against the stored history, written with the verdict of that
morning, and the state and history queued for MQTT (the daemon publishes them when it
runs on this database; with ``--config`` under that collector's topics).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from hrv_readiness.commands.history_options import (
    add_db_argument,
    check_configured_user,
    db_path,
    load_config_of,
    readiness_settings,
)
from hrv_readiness.commands.json_output import SavedReading
from hrv_readiness.mqtt.changed import changed_outbox
from hrv_readiness.mqtt.topics import Topics
from hrv_readiness.pipeline import (
    ProcessedReading,
    RecordingInput,
    current_state,
    process_recording,
)
from hrv_readiness.store import Store

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

    from hrv_readiness.hrv import OrthostaticProtocol

#: Topics of a reading saved without a config: the collector id a daemon without
#: `collector.id` would not have, so nothing is published under a wrong name.
_NO_CONFIG_COLLECTOR = "cli"
_DEFAULT_BASE = "hrv_readiness"


def add_save_arguments(parser: argparse.ArgumentParser, *, config: bool = True) -> None:
    """``--save`` and where to: ``--db`` (and ``--config`` unless the command has one)."""
    parser.add_argument(
        "--save",
        action="store_true",
        help="store the reading and its verdict in --user's history (builds the baseline)",
    )
    add_db_argument(parser, config=config)


def _topics(args: argparse.Namespace) -> Topics:
    config = load_config_of(args)
    return (
        Topics(base=config.mqtt.base_topic, collector_id=config.collector.id)
        if config is not None
        else Topics(base=_DEFAULT_BASE, collector_id=_NO_CONFIG_COLLECTOR)
    )


def queue_state(args: argparse.Namespace, store: Store, user: str) -> None:
    """Queue ``user``'s state and history as of now for MQTT, after a change to the history.

    The daemon publishes them when it runs on this database, so Home Assistant shows
    the verdicts the history now gives (its long-term statistics too); a user left
    without readings gets the empty state and history that clear the retained ones
    ("no reading yet").
    """
    state = current_state(store, user=user, settings=readiness_settings(args, user))
    store.enqueue(
        changed_outbox(
            store,
            _topics(args),
            user,
            reading=None if state is None else state.reading,
            readiness=None if state is None else state.readiness,
            published_at=dt.datetime.now(dt.UTC),
        )
    )


def save_reading(
    args: argparse.Namespace,
    *,
    user: str,
    rr_ms: Sequence[float],
    measured_at: dt.datetime,
    day: dt.date,
    segment_starts: tuple[int, ...] = (0,),
    strap: tuple[str | None, str | None, int | None] = (None, None, None),
    orthostatic: OrthostaticProtocol | None = None,
    stand_index: int | None = None,
) -> tuple[ProcessedReading, SavedReading]:
    """Analyse, assess and store one reading of ``user`` for the morning ``day``.

    ``orthostatic``/``stand_index``: an orthostatic test and its phase mark.
    """
    check_configured_user(args, user)
    path = db_path(args)
    name, address, battery = strap
    with Store.open(path) as store:
        processed = process_recording(
            store,
            RecordingInput(
                user=user,
                rr_ms=rr_ms,
                measured_at=measured_at,
                date=day,
                strap_name=name,
                strap_address=address,
                battery_pct=battery,
                segment_starts=segment_starts,
                orthostatic=orthostatic,
                stand_index=stand_index,
            ),
            settings=readiness_settings(args, user),
        )
        # The state as of now (a back-filled morning is not it) and the history.
        queue_state(args, store, user)
    saved = SavedReading(
        user=user,
        date=day,
        reading_id=processed.reading_id,
        database=str(path),
        readiness=processed.stored.readiness,
    )
    return processed, saved


def readings_on(args: argparse.Namespace, user: str, day: dt.date) -> int:
    """How many readings ``user`` already has for the morning ``day`` (0 without a history)."""
    path = db_path(args)
    if not path.exists():
        return 0
    with Store.open(path) as store:
        return sum(1 for reading in store.readings(user, since=day) if reading.date == day)
