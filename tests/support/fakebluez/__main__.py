"""Run a private dbus-daemon and the fake BlueZ as a process (for end-to-end tests).

    python -m support.fakebluez --strap A0:9E:1A:00:00:01:"Polar H10 ANNA":52 --speed 30

(with ``tests/`` on ``sys.path``). The first line on stdout is
``DBUS_SYSTEM_BUS_ADDRESS=<address>``; then ``ready``. Faults are commands on stdin,
one per line, each answered with ``ok`` or ``error: ...``::

    drop ADDRESS [AWAY_S]     refuse ADDRESS TIMES     vanish ADDRESS
    reappear ADDRESS          stall ADDRESS            resume ADDRESS
    power off|on              bluetoothd exit|restart  quit

Closing stdin or SIGTERM stops it (and the dbus-daemon).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys

from support.fakebluez.bluez import FakeBluez, VirtualStrap
from support.fakebluez.daemon import DBusDaemon


def _strap(spec: str, speed: float, seed: int) -> VirtualStrap:
    """Parse ``ADDRESS[:NAME[:HR_BPM[:RMSSD_MS]]]`` (the address has 6 colon-separated parts)."""
    parts = spec.split(":")
    if len(parts) < 6:
        raise argparse.ArgumentTypeError(f"not ADDRESS[:NAME[:HR]]: {spec!r}")
    address = ":".join(parts[:6]).upper()
    name = parts[6] if len(parts) > 6 and parts[6] else f"Polar H10 {address[-5:]}"
    hr = float(parts[7]) if len(parts) > 7 else 58.0
    rmssd = float(parts[8]) if len(parts) > 8 else 60.0
    from hrv_readiness.simulation import RrScenario, synthesize_rr_ms  # noqa: PLC0415

    scenario = RrScenario(duration_s=600, resting_hr_bpm=hr, target_rmssd_ms=rmssd, seed=seed)
    rr = synthesize_rr_ms(scenario)
    return VirtualStrap(address=address, rr_ms=rr.tolist(), name=name, speed=speed)


async def _command(bluez: FakeBluez, words: list[str]) -> None:  # noqa: C901
    match words:
        case ["drop", address]:
            await bluez.drop_link(address)
        case ["drop", address, away_s]:
            await bluez.drop_link(address, away_s=float(away_s))
        case ["refuse", address, times]:
            bluez.refuse_connects(address, int(times))
        case ["vanish", address]:
            await bluez.vanish(address)
        case ["reappear", address]:
            bluez.reappear(address)
        case ["stall", address]:
            bluez.stall(address)
        case ["resume", address]:
            bluez.resume(address)
        case ["power", "off"]:
            await bluez.power_off()
        case ["power", "on"]:
            await bluez.power_on()
        case ["bluetoothd", "exit"]:
            await bluez.exit_bluetoothd()
        case ["bluetoothd", "restart"]:
            await bluez.restart_bluetoothd()
        case _:
            raise ValueError(f"unknown command: {' '.join(words)!r}")


async def _serve(args: argparse.Namespace) -> None:
    with DBusDaemon() as daemon:
        straps = [_strap(spec, args.speed, seed) for seed, spec in enumerate(args.strap)]
        async with FakeBluez(daemon.address, straps) as bluez:
            print(f"DBUS_SYSTEM_BUS_ADDRESS={daemon.address}", flush=True)
            print("ready", flush=True)
            loop = asyncio.get_running_loop()
            stop = asyncio.Event()
            loop.add_signal_handler(signal.SIGTERM, stop.set)
            reader = asyncio.StreamReader()
            await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
            while not stop.is_set():
                line_task = asyncio.ensure_future(reader.readline())
                stop_task = asyncio.ensure_future(stop.wait())
                done, _ = await asyncio.wait(
                    {line_task, stop_task}, return_when=asyncio.FIRST_COMPLETED
                )
                for task in (line_task, stop_task):
                    if task not in done:
                        task.cancel()
                        with contextlib.suppress(asyncio.CancelledError):
                            await task
                if stop_task in done:
                    break
                line = line_task.result()
                words = line.decode().split()
                if not line or words == ["quit"]:
                    break
                if not words:
                    continue
                try:
                    await _command(bluez, words)
                except (ValueError, KeyError) as err:
                    print(f"error: {err}", flush=True)
                else:
                    print("ok", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m support.fakebluez", description=__doc__)
    parser.add_argument(
        "--strap",
        action="append",
        default=[],
        help="ADDRESS[:NAME[:HR_BPM]] of a virtual strap (repeatable)",
    )
    parser.add_argument("--speed", type=float, default=1.0, help="replay speed of the straps")
    asyncio.run(_serve(parser.parse_args()))


if __name__ == "__main__":
    main()
