"""Live display of a measurement session's events on a terminal (or a log file).

On a terminal the progress line redraws itself; when output goes to a file or a
pipe, one line is printed every ``every_s`` seconds of recording so logs stay short.
"""

from __future__ import annotations

import sys
from typing import TextIO

from hrv_readiness.ble.models import SessionEvent, SessionState

_BAR_WIDTH = 20


class ProgressDisplay:
    """A callable ``on_event`` for :func:`hrv_readiness.ble.session.run_measurement`."""

    def __init__(self, stream: TextIO | None = None, *, every_s: float = 30.0) -> None:
        self._stream = stream if stream is not None else sys.stdout
        self._tty = self._stream.isatty()
        self._every_s = every_s
        self._next_line_s = 0.0
        self._open_line = False

    def __call__(self, event: SessionEvent) -> None:
        if event.progress is not None:
            self._progress(event)
            return
        if event.state is SessionState.RECORDING:
            return
        self._end_line()
        text = event.state.value.replace("_", " ")
        if event.message:
            text += f": {event.message}"
        print(f"  {text}", file=self._stream, flush=True)

    def _progress(self, event: SessionEvent) -> None:
        p = event.progress
        assert p is not None  # noqa: S101 - checked by the caller
        fraction = min(p.elapsed_s / p.total_s, 1.0) if p.total_s > 0 else 0.0
        bar = "#" * int(_BAR_WIDTH * fraction)
        line = (
            f"  recording [{bar:<{_BAR_WIDTH}}] {p.elapsed_s:3.0f}/{p.total_s:.0f} s  "
            f"HR {p.heart_rate_bpm:3d} bpm  beats {p.beats:3d}  artifacts {p.artifacts}"
        )
        if self._tty:
            print(f"\r{line}", end="", file=self._stream, flush=True)
            self._open_line = True
        elif p.elapsed_s >= self._next_line_s or fraction >= 1.0:
            print(line, file=self._stream, flush=True)
            self._next_line_s = p.elapsed_s + self._every_s

    def _end_line(self) -> None:
        if self._open_line:
            print(file=self._stream)
            self._open_line = False
