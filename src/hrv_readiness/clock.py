"""The collector's one wall clock, and the rule that says which morning a moment belongs to.

**A morning is the calendar date, in the household's time zone, of the moment the
reading was taken.** Whoever owns a history dates every entry of it by one clock in one
zone:

- the collector (daemon, and the command line given its ``--config``): the zone of
  ``collector.timezone``, else the machine's own;
- Home Assistant measuring through its own Bluetooth: Home Assistant's time zone;
- the command line without ``--config``: the machine it runs on.

Home Assistant connected over MQTT never dates a morning for the collector: an action
without a ``date`` is dated by the collector's clock when it arrives. So a Pi left on
UTC and a Home Assistant set to Pacific/Auckland cannot give one person two mornings,
or none, on one day: only the collector's zone counts, and ``collector.timezone`` puts
it where the household lives.

Tests drive time by replacing :func:`utc_now` (the one place the collector reads the
wall clock outside the daemon's injected ``now``).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo


def utc_now() -> dt.datetime:
    """The wall clock, aware, in UTC."""
    return dt.datetime.now(dt.UTC)


def now_in(name: str | None) -> dt.datetime:
    """The current time in the zone called ``name`` (None: the machine's zone)."""
    moment = utc_now()
    return moment.astimezone(zoneinfo.ZoneInfo(name)) if name else moment.astimezone()
