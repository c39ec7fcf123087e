"""The terminal side of the command line: one rich console, colour only where it helps.

Colour and live redraws are used only when the stream is a terminal; ``NO_COLOR``
(https://no-color.org) turns colour off there too, ``FORCE_COLOR`` turns it on for a
pipe. Redirected output is plain text, 120 columns wide, one line per table row.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

from rich.console import Console

if TYPE_CHECKING:
    from pydantic import BaseModel

#: Width of plain output to a file or a pipe (rich would use 80 and wrap the tables).
_PLAIN_WIDTH = 120


def console(*, stderr: bool = False) -> Console:
    """A console on stdout (or stderr) as it is now (tests replace sys.stdout)."""
    stream = sys.stderr if stderr else sys.stdout
    tty = stream.isatty()
    return Console(
        file=stream,
        highlight=False,
        emoji=False,
        width=None if tty else _PLAIN_WIDTH,
        soft_wrap=not tty,
    )


def print_json(model: BaseModel) -> None:
    """Print one ``--json`` document (no colour, no wrapping: it is for programs)."""
    print(json.dumps(model.model_dump(mode="json"), indent=2, ensure_ascii=False))
