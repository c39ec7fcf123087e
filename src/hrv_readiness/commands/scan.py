"""``hrv-collector scan``: list the heart-rate straps in range (name, address, RSSI)."""

from __future__ import annotations

import argparse
import asyncio
from typing import TYPE_CHECKING

from rich.box import SIMPLE_HEAD
from rich.table import Table

from hrv_readiness.ble.scanner import scan_for_straps
from hrv_readiness.commands.console import console, print_json
from hrv_readiness.commands.json_output import ScanOutput, StrapOutput

if TYPE_CHECKING:
    from hrv_readiness.commands.subcommand import AddCommand


def register(add: AddCommand) -> None:
    parser = add(
        "scan",
        "list heart-rate straps in range (name, address, RSSI)",
        description="Scan for Bluetooth LE devices advertising the Heart Rate service "
        "(0x180D) and list them, strongest signal first. A strap held by a phone app "
        "usually does not advertise: close the app if yours is missing.",
    )
    parser.add_argument(
        "--timeout",
        type=_positive_seconds,
        default=5.0,
        metavar="SECONDS",
        help="how long to scan (default: 5)",
    )
    parser.add_argument("--adapter", help="Bluetooth adapter to use, e.g. hci1 (default: first)")
    parser.add_argument("--json", action="store_true", help="print the straps as JSON")
    parser.set_defaults(func=run)


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value <= 3600:  # noqa: PLR2004 - an hour is plenty for any wait
        raise argparse.ArgumentTypeError(f"must be between 0 and 3600 seconds, got {text}")
    return value


def run(args: argparse.Namespace) -> int:
    straps = asyncio.run(scan_for_straps(args.timeout, adapter=args.adapter))
    if args.json:
        print_json(
            ScanOutput(
                timeout_s=args.timeout,
                straps=[
                    StrapOutput(name=s.name, address=s.address, rssi_dbm=s.rssi_dbm) for s in straps
                ],
            )
        )
        return 0 if straps else 1
    if not straps:
        print(
            f"no heart-rate strap found in {args.timeout:g} s — is it worn (moist electrodes),"
            " in range and not connected to a phone app?"
        )
        return 1
    table = Table(box=SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for column in ("NAME", "ADDRESS", "RSSI"):
        table.add_column(column, justify="right" if column == "RSSI" else "left")
    for strap in straps:
        rssi = f"{strap.rssi_dbm} dBm" if strap.rssi_dbm is not None else "?"
        table.add_row(strap.name, strap.address, rssi)
    console().print(table)
    return 0
