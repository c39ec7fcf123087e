"""Write the JSON Schema of every MQTT payload to ``src/hrv_readiness/mqtt/schemas/``.

Run ``python -m hrv_readiness.mqtt.schema_export`` after changing a payload model and
commit the result; ``--check`` only reports stale files (exit status 1), and a test
fails while the committed files are out of date.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from hrv_readiness.mqtt.payloads import SCHEMA_MODELS, json_schema

if TYPE_CHECKING:
    from collections.abc import Sequence

SCHEMA_DIR = Path(__file__).parent / "schemas"


def render(name: str) -> str:
    return json.dumps(json_schema(name), indent=2, sort_keys=True) + "\n"


def stale(directory: Path = SCHEMA_DIR) -> list[Path]:
    """Schema files that are missing or differ from what the models generate."""
    paths = [directory / f"{name}.json" for name in SCHEMA_MODELS]
    return [
        path
        for path, name in zip(paths, SCHEMA_MODELS, strict=True)
        if not path.is_file() or path.read_text(encoding="utf-8") != render(name)
    ]


def main(argv: Sequence[str] | None = None, *, directory: Path = SCHEMA_DIR) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="only report stale files")
    args = parser.parse_args(argv)
    outdated = stale(directory)
    if args.check:
        for path in outdated:
            print(f"out of date: {path}", file=sys.stderr)
        return 1 if outdated else 0
    directory.mkdir(parents=True, exist_ok=True)
    for name in SCHEMA_MODELS:
        (directory / f"{name}.json").write_text(render(name), encoding="utf-8")
    print(f"wrote {len(SCHEMA_MODELS)} schemas to {directory}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
