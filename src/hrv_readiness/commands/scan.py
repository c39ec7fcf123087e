"""``hrv-collector scan``: list the heart-rate straps in range (name, address, RSSI)."""

from __future__ import annotations

import argparse
import asyncio

from hrv_readiness.ble.scanner import scan_for_straps


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "scan",
        help="list heart-rate straps in range (name, address, RSSI)",
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
    if not straps:
        print(
            f"no heart-rate strap found in {args.timeout:g} s — is it worn (moist electrodes),"
            " in range and not connected to a phone app?"
        )
        return 1
    width = max(len(s.name) for s in straps)
    print(f"{'NAME':<{width}}  {'ADDRESS':<17}  RSSI")
    for strap in straps:
        rssi = f"{strap.rssi_dbm} dBm" if strap.rssi_dbm is not None else "?"
        print(f"{strap.name:<{width}}  {strap.address:<17}  {rssi}")
    return 0
