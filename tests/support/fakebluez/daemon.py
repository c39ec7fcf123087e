"""A private ``dbus-daemon`` for tests: the fake BlueZ and unmodified bleak meet on it.

Standard library only. ``DBusDaemon().start()`` launches
``dbus-daemon --session --nofork --print-address=1`` and reads its address; point
``DBUS_SYSTEM_BUS_ADDRESS`` at it before bleak first connects.
"""

from __future__ import annotations

import contextlib
import select
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from typing import Self


def find_dbus_daemon() -> str:
    found = shutil.which("dbus-daemon") or shutil.which("dbus-daemon", path="/usr/bin:/bin")
    if found is None:
        msg = "dbus-daemon is not installed; `make test` installs the Debian package `dbus`"
        raise RuntimeError(msg)
    return found


@dataclass
class DBusDaemon:
    """One private message bus, alive between ``start()`` and ``stop()``."""

    address: str = ""
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def start(self, timeout_s: float = 10.0) -> Self:
        self.process = subprocess.Popen(
            [find_dbus_daemon(), "--session", "--nofork", "--print-address=1"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout_s
        line = b""
        while not line.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            ready, _, _ = select.select([self.process.stdout], [], [], max(0.0, remaining))
            if not ready:
                self.stop()
                msg = f"dbus-daemon printed no address within {timeout_s} s"
                raise RuntimeError(msg)
            chunk = self.process.stdout.read1(4096)
            if not chunk:
                err = self.process.stderr.read() if self.process.stderr else b""
                self.stop()
                msg = f"dbus-daemon exited: {err.decode(errors='replace')}"
                raise RuntimeError(msg)
            line += chunk
        self.address = line.decode().strip()
        return self

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        self.process = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
