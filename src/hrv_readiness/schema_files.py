"""Committed JSON Schema files generated from models: write them, or say which are stale.

The MQTT payloads (:mod:`hrv_readiness.mqtt.schema_export`) and the command line's
``--json`` outputs (:mod:`hrv_readiness.commands.json_output`) each keep one file per
model, ``<name>.json``, and a test fails while a committed file is out of date.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Sequence
    from pathlib import Path


def stale_schemas(
    directory: Path, names: Collection[str], render: Callable[[str], str]
) -> list[Path]:
    """Schema files that are missing or differ from what ``render(name)`` generates."""
    paths = [directory / f"{name}.json" for name in names]
    return [
        path
        for path, name in zip(paths, names, strict=True)
        if not path.is_file() or path.read_text(encoding="utf-8") != render(name)
    ]


def schema_main(
    argv: Sequence[str] | None,
    *,
    description: str | None,
    directory: Path,
    names: Collection[str],
    render: Callable[[str], str],
) -> int:
    """Write every ``<name>.json`` to ``directory``; with ``--check``, only report stale ones."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--check", action="store_true", help="only report stale files")
    args = parser.parse_args(argv)
    if args.check:
        outdated = stale_schemas(directory, names, render)
        for path in outdated:
            print(f"out of date: {path}", file=sys.stderr)
        return 1 if outdated else 0
    directory.mkdir(parents=True, exist_ok=True)
    for name in names:
        (directory / f"{name}.json").write_text(render(name), encoding="utf-8")
    print(f"wrote {len(names)} schemas to {directory}")
    return 0
