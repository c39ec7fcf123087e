"""The worked examples of docs/model.md from the command line.

    python -m hrv_readiness.examples              # list them
    python -m hrv_readiness.examples chronic_fatigue
    python -m hrv_readiness.examples chronic_fatigue --set baseline_hold_max_days=7

The examples themselves are pure (:mod:`hrv_readiness.readiness.examples`); this
module is the thin shell that reads arguments and prints.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from hrv_readiness.errors import InputError
from hrv_readiness.readiness.examples import EXAMPLES, run
from hrv_readiness.readiness.settings import ReadinessSettings

if TYPE_CHECKING:
    from collections.abc import Sequence


def _settings(pairs: Sequence[str]) -> ReadinessSettings:
    overrides: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            msg = f"--set wants KEY=VALUE, got {pair!r}"
            raise InputError(msg)
        overrides[key.strip()] = value.strip()
    try:
        return ReadinessSettings.model_validate(overrides)
    except ValueError as err:  # pydantic's ValidationError is a ValueError
        msg = f"invalid --set: {err}"
        raise InputError(msg) from err


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m hrv_readiness.examples",
        description="Run a worked example of docs/model.md through the readiness model.",
    )
    parser.add_argument("name", nargs="?", choices=sorted(EXAMPLES), help="example to run")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a readiness setting (as in the config's readiness: section)",
    )
    args = parser.parse_args(argv)
    if args.name is None:
        for name, example in EXAMPLES.items():
            print(f"{name:16} {example.title}")
        return 0
    try:
        settings = _settings(args.set)
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    _, lines = run(args.name, settings)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
