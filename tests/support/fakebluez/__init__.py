"""A fake BlueZ on a private D-Bus that unmodified bleak talks to (docs/model.md).

    with DBusDaemon() as daemon:                      # private dbus-daemon
        os.environ["DBUS_SYSTEM_BUS_ADDRESS"] = daemon.address
        async with FakeBluez(daemon.address, [VirtualStrap(address, rr_ms)]) as bluez:
            ...                                        # bleak sees hci0 and the strap
            await bluez.drop_link(address, away_s=3)   # faults: see support.fakebluez.bluez

``python -m support.fakebluez`` (with tests/ on sys.path) runs the daemon and the fake
as a separate process for end-to-end tests and prints the bus address.
"""

from __future__ import annotations

from support.fakebluez.bluez import FakeBluez, VirtualStrap, encode_payload, heart_rate_packets
from support.fakebluez.daemon import DBusDaemon

__all__ = ["DBusDaemon", "FakeBluez", "VirtualStrap", "encode_payload", "heart_rate_packets"]
