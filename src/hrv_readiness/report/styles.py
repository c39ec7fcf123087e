"""The colours of a verdict, shared by the terminal table and the command line's headline."""

from __future__ import annotations

from rich.text import Text

#: The colour of each status (rich styles; the chart uses matching hex colours).
STATUS_STYLES: dict[str, str] = {
    "ready": "bold green",
    "caution": "bold yellow",
    "rest": "bold red",
    "building_baseline": "cyan",
    "rejected": "magenta",
}


def status_text(status: str, suffix: str = "") -> Text:
    """``ready`` / ``caution`` / ``rest`` ... in its colour, underscores as spaces."""
    return Text(status.replace("_", " ") + suffix, style=STATUS_STYLES.get(status, ""))
