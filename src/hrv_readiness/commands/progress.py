"""Live display of a measurement session's events on a terminal (or a log file).

On a terminal a rich progress bar redraws itself with the time left, heart rate,
beats and artifacts so far; when output goes to a file or a pipe, one plain line is
printed every ``every_s`` seconds of recording so logs stay short. State changes
(connecting, skin contact, settling ...) are one line each in both cases.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Self, TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)

from hrv_readiness.ble.models import SessionEvent, SessionState

if TYPE_CHECKING:
    from hrv_readiness.ble.models import Progress as SessionProgress


class ProgressDisplay:
    """A callable ``on_event`` for :func:`hrv_readiness.ble.session.run_measurement`.

    Call :meth:`close` (or use it as a context manager) when the session is over.
    """

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        every_s: float = 30.0,
        quiet: bool = False,
        stand_up_at_s: float | None = None,
    ) -> None:
        self._stream = stream if stream is not None else sys.stdout
        self._console = Console(file=self._stream, highlight=False)
        self._tty = self._console.is_terminal
        self._every_s = every_s
        self._quiet = quiet
        self._next_line_s = 0.0
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        #: Orthostatic test: recorded seconds of the cue (the countdown runs to it).
        self._stand_up_at_s = stand_up_at_s
        self._stood = False
        self._extending = False

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __call__(self, event: SessionEvent) -> None:
        if self._quiet:
            return
        if event.stand_up:
            self._stand_up()
            return
        if event.progress is not None:
            self._progress(event.progress)
            return
        if event.state is SessionState.RECORDING:
            return
        text = event.state.value.replace("_", " ")
        if event.message:
            text += f": {event.message}"
        if event.state in {SessionState.COMPLETE, SessionState.ABORTED, SessionState.FAILED}:
            self.close()
        self._console.print(f"  {text}", markup=False)

    def _stand_up(self) -> None:
        """The cue of an orthostatic test: loud and clear, with the terminal bell."""
        self._stood = True
        self.close()
        # BEL: the terminal beeps (or flashes) even when the person is not looking.
        self._stream.write("\a")
        self._console.print("  >>> STAND UP NOW <<<  and stand still until the end", markup=False)
        self._stream.flush()

    def _phase(self, p: SessionProgress) -> str:
        """What the person is doing: the countdown to the cue, or standing."""
        if self._stand_up_at_s is None:
            return ""
        if self._stood:
            return "  standing"
        return f"  lying, stand up in {max(self._stand_up_at_s - p.elapsed_s, 0.0):3.0f} s"

    def _progress(self, p: SessionProgress) -> None:
        if p.extending and not self._extending:
            # Once: why the recording runs longer than planned (the bar grows with it).
            self._extending = True
            self._console.print(f"  {p.extending}", markup=False)
        if self._tty:
            self._live(p)
            return
        fraction = min(p.elapsed_s / p.total_s, 1.0) if p.total_s > 0 else 0.0
        if p.elapsed_s >= self._next_line_s or fraction >= 1.0:
            print(
                f"  recording {p.elapsed_s:3.0f}/{p.total_s:.0f} s  HR {p.heart_rate_bpm:3d} bpm"
                f"  beats {p.beats:3d}  artifacts {p.artifacts}{self._phase(p)}",
                file=self._stream,
                flush=True,
            )
            self._next_line_s = p.elapsed_s + self._every_s

    def _live(self, p: SessionProgress) -> None:
        if self._bar is None:
            self._bar = Progress(
                TextColumn("  recording"),
                BarColumn(bar_width=30),
                TextColumn("{task.completed:3.0f}/{task.total:.0f} s"),
                TimeRemainingColumn(compact=True),
                TextColumn("{task.fields[detail]}"),
                console=self._console,
                transient=False,
            )
            self._bar.start()
            self._task = self._bar.add_task("recording", total=p.total_s, detail="")
        assert self._task is not None  # noqa: S101 - set with the bar
        self._bar.update(
            self._task,
            total=p.total_s,
            completed=p.elapsed_s,
            detail=f"left  HR {p.heart_rate_bpm} bpm  beats {p.beats}  artifacts {p.artifacts}"
            f"{self._phase(p)}",
        )

    def close(self) -> None:
        """Stop the live bar (it stays on screen as the last line)."""
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
