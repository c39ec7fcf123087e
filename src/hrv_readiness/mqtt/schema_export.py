"""Write the JSON Schema of every MQTT payload to ``src/hrv_readiness/mqtt/schemas/``.

Run ``python -m hrv_readiness.mqtt.schema_export`` after changing a payload model and
commit the result; ``--check`` only reports stale files (exit status 1), and a test
fails while the committed files are out of date.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from hrv_readiness.mqtt.payloads import SCHEMA_MODELS, json_schema
from hrv_readiness.schema_files import schema_main, stale_schemas

if TYPE_CHECKING:
    from collections.abc import Sequence

SCHEMA_DIR = Path(__file__).parent / "schemas"


def render(name: str) -> str:
    return json.dumps(json_schema(name), indent=2, sort_keys=True) + "\n"


def stale(directory: Path = SCHEMA_DIR) -> list[Path]:
    """Schema files that are missing or differ from what the models generate."""
    return stale_schemas(directory, SCHEMA_MODELS, render)


def main(argv: Sequence[str] | None = None, *, directory: Path = SCHEMA_DIR) -> int:
    return schema_main(
        argv,
        description=__doc__.splitlines()[0] if __doc__ else None,
        directory=directory,
        names=SCHEMA_MODELS,
        render=render,
    )


if __name__ == "__main__":
    sys.exit(main())
