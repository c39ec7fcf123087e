"""Every change to a user's history, each followed by the recomputation it needs.

The command line (``log``, ``delete``, ``rename``, ``undo``, ``import``), the daemon's
MQTT commands and Home Assistant's actions call these functions, never the store's
writes directly, so a morning's verdict is recomputed (:func:`reassess`) from the
first date a change touched, whichever path made it. Deletions, replaced
questionnaires and renames go to the store's trash; :func:`undo_last` puts the last
one back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hrv_readiness.errors import InputError
from hrv_readiness.store.verdicts import reassess

if TYPE_CHECKING:
    import datetime as dt

    from hrv_readiness.readiness import ReadinessSettings, TrainingEntry, WellnessEntry
    from hrv_readiness.store.store import Store, TrashBatch

#: The readiness settings of a user (a config's per-user overrides, else the defaults).
SettingsOf = Callable[[str], "ReadinessSettings"]


class HistoryChangeError(InputError):
    """A correction that cannot be made as asked (nothing to delete, a name taken)."""


class NameTakenError(HistoryChangeError):
    """A rename to a user id that already has a history (nothing is changed)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class WellnessChange:
    """What storing a questionnaire did."""

    replaced: WellnessEntry | None
    unchanged: bool
    verdicts_changed: int


def record_wellness(
    store: Store, entry: WellnessEntry, *, settings: ReadinessSettings, at: dt.datetime
) -> WellnessChange:
    """Store a questionnaire (replacing that morning's, which goes to the trash); recompute."""
    old = store.replace_wellness(entry, at=at)
    if old == entry:
        return WellnessChange(replaced=old, unchanged=True, verdicts_changed=0)
    changed = reassess(store, entry.user, since=entry.date, settings=settings)
    return WellnessChange(replaced=old, unchanged=False, verdicts_changed=changed)


def record_training(
    store: Store,
    entry: TrainingEntry,
    *,
    settings: ReadinessSettings,
    again: bool = False,
) -> bool:
    """Store a training entry and recompute; ``False``: an identical one is stored.

    A repeated entry is recognised and not added twice, unless ``again``.
    """
    if not again and store.has_training(entry):
        return False
    store.add_training(entry)
    reassess(store, entry.user, since=entry.date, settings=settings)
    return True


def delete_entries(
    store: Store,
    user: str,
    *,
    day: dt.date,
    readings: bool = False,
    wellness: bool = False,
    training: bool = False,
    session_type: str | None = None,
    settings: ReadinessSettings,
    at: dt.datetime,
) -> TrashBatch:
    """Move ``user``'s records of the morning ``day`` to the trash and recompute from it.

    Raises :class:`HistoryChangeError` when nothing matched (nothing is changed).
    """
    what = [
        name
        for name, wanted in (
            ("reading", readings),
            ("questionnaire", wellness),
            (f"{session_type} training" if session_type else "training", training),
        )
        if wanted
    ]
    batch = store.delete_records(
        user,
        day=day,
        readings=readings,
        wellness=wellness,
        training=training,
        session_type=session_type,
        change=f"deleted {user}'s {' and '.join(what)} of {day}",
        at=at,
    )
    if not batch.records:
        msg = f"{user} has no {' or '.join(what)} on {day}: nothing deleted"
        raise HistoryChangeError(msg)
    reassess(store, user, since=day, settings=settings)
    return batch


#: What each entry name of a ``delete`` (CLI, MQTT command, HA action) removes.
ENTRY_KINDS: dict[str, tuple[bool, bool, bool]] = {
    "reading": (True, False, False),
    "questionnaire": (False, True, False),
    "training": (False, False, True),
    "all": (True, True, True),
}


def delete_entry(
    store: Store,
    user: str,
    *,
    day: dt.date,
    entry: str,
    settings: ReadinessSettings,
    at: dt.datetime,
) -> TrashBatch:
    """:func:`delete_entries` by name: ``reading``, ``questionnaire``, ``training``, ``all``."""
    readings, wellness, training = ENTRY_KINDS[entry]
    return delete_entries(
        store,
        user,
        day=day,
        readings=readings,
        wellness=wellness,
        training=training,
        settings=settings,
        at=at,
    )


def remove_user(store: Store, user: str, *, at: dt.datetime) -> TrashBatch:
    """Move a person's whole history to the trash (``undo`` brings it back)."""
    if user not in store.users():
        msg = f"no history for {user}: nothing removed"
        raise HistoryChangeError(msg)
    return store.delete_records(
        user,
        day=None,
        readings=True,
        wellness=True,
        training=True,
        change=f"removed {user} and their whole history",
        at=at,
    )


def rename_user(
    store: Store, old: str, new: str, *, settings: ReadinessSettings, at: dt.datetime
) -> TrashBatch:
    """Give ``old``'s history to ``new`` (who must have none); recompute with ``settings``."""
    users = store.users()
    if old not in users:
        msg = f"no history for {old}: nothing renamed"
        raise HistoryChangeError(msg)
    if new in users:
        msg = f"{new} already has a history: rename {old} to a name not in use"
        raise NameTakenError(msg)
    batch = store.rename_user(old, new, at=at)
    reassess(store, new, since=None, settings=settings)
    return batch


def undo_last(store: Store, *, settings_of: SettingsOf, user: str | None = None) -> TrashBatch:
    """Put back the last change kept in the trash (``user``'s, if given); recompute."""
    batch, users = store.restore_last(user)
    if batch is None:
        whose = f" for {user}" if user is not None else ""
        msg = f"the trash is empty{whose}: nothing to undo"
        raise HistoryChangeError(msg)
    for touched in users:
        reassess(store, touched, since=None, settings=settings_of(touched))
    return batch
