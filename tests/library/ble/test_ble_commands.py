"""``hrv-collector scan`` and ``measure``: run as real processes against the fake BlueZ."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import jsonschema
import pytest
from conftest import rr_series
from support.fakebluez import VirtualStrap

from hrv_readiness.cli import main
from hrv_readiness.commands.json_output import SCHEMA_DIR

REPO = Path(__file__).resolve().parents[3]
BOUND_S = 60.0


async def run_cli(*args: str, bus_address: str) -> tuple[int, str, str]:
    env = {**os.environ, "DBUS_SYSTEM_BUS_ADDRESS": bus_address}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "hrv_readiness",
        *args,
        cwd=REPO,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), BOUND_S)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


@pytest.mark.bluez
async def test_measure_shows_progress_and_the_summary(bluez):
    strap = VirtualStrap(
        address="A0:9E:1A:00:00:21", rr_ms=rr_series(21), name="Polar H10 CLI", speed=60
    )
    bluez.add_strap(strap)
    code, out, err = await run_cli(
        "measure",
        "--user",
        "anna",
        "--address",
        strap.address,
        "--duration",
        "60",
        "--settle",
        "2",
        bus_address=bluez.bus_address,
    )
    assert code == 0, err
    assert "measuring 60 s for anna" in out
    progress = [line for line in out.splitlines() if line.strip().startswith("recording ")]
    assert len(progress) >= 3
    assert all("HR" in line and "beats" in line and "artifacts" in line for line in progress)
    assert "60/60 s" in progress[-1]
    summary = out[out.index("reading complete:") :]
    assert "from Polar H10 CLI (A0:9E:1A:00:00:21)" in summary
    assert "battery 80 %" in summary
    assert "sensor chest" in summary
    assert "lnRMSSD" in summary
    assert "Traceback" not in err


@pytest.mark.bluez
async def test_measure_without_adapter_fails_with_one_line(bluez):
    await bluez.power_off()
    code, out, err = await run_cli("measure", "--adapter-wait", "1", bus_address=bluez.bus_address)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("hrv-collector measure: failed: Bluetooth adapter not available")
    assert "waiting for it" in out  # the wait was shown while it lasted


async def test_measure_without_any_dbus_fails_with_one_line(tmp_path):
    code, _out, err = await run_cli(
        "measure",
        "--adapter-wait",
        "0.5",
        bus_address=f"unix:path={tmp_path / 'no-such-bus'}",
    )
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert "Bluetooth adapter not available" in lines[0]


@pytest.mark.bluez
async def test_scan_lists_straps_in_range(bluez):
    bluez.add_strap(VirtualStrap(address="A0:9E:1A:00:00:31", rr_ms=[1000.0], name="Polar H10 A"))
    bluez.add_strap(
        VirtualStrap(address="A0:9E:1A:00:00:32", rr_ms=[900.0], name="Polar H10 B", rssi_dbm=-80)
    )
    code, out, err = await run_cli("scan", "--timeout", "1", bus_address=bluez.bus_address)
    assert code == 0, err
    lines = out.strip().splitlines()
    assert lines[0].split() == ["NAME", "ADDRESS", "RSSI"]
    rows = [line for line in lines if "A0:9E:1A" in line]
    assert "Polar H10 A" in rows[0]
    assert "A0:9E:1A:00:00:31" in rows[0]
    assert "dBm" in rows[0]
    assert "Polar H10 B" in rows[1]  # weaker signal listed second
    assert "A0:9E:1A:00:00:32" in rows[1]
    code, out, err = await run_cli(
        "scan", "--timeout", "1", "--json", bus_address=bluez.bus_address
    )
    assert code == 0, err
    document = json.loads(out)
    jsonschema.validate(document, json.loads((SCHEMA_DIR / "scan.json").read_text()))
    assert [s["address"] for s in document["straps"]] == [
        "A0:9E:1A:00:00:31",
        "A0:9E:1A:00:00:32",
    ]


@pytest.mark.bluez
async def test_scan_with_nothing_in_range(bluez):
    code, out, _err = await run_cli("scan", "--timeout", "0.5", bus_address=bluez.bus_address)
    assert code == 1
    assert "no heart-rate strap found" in out


@pytest.mark.bluez
async def test_scan_with_adapter_off_fails_with_one_line(bluez):
    await bluez.power_off()
    code, _out, err = await run_cli("scan", "--timeout", "0.5", bus_address=bluez.bus_address)
    assert code == 2
    expected = (
        "hrv-collector scan: Bluetooth adapter not available: No powered Bluetooth adapters"
        " found. Turn on Bluetooth and try again."
    )
    assert err.strip().splitlines() == [expected]


def test_measure_simulated_in_process(capsys):
    code = main(["measure", "--simulate", "--speed", "200", "--duration", "60", "--settle", "2"])
    out = capsys.readouterr().out
    assert code == 0
    assert "recording  60/60 s" in out
    assert "reading complete: 6" in out
    assert "from Simulated H10" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--duration", "30"], "--duration 30: must be at least 60"),
        (["--duration", "301"], "--duration 301: must be at most 300"),
        (["--settle", "-1"], "--settle -1: must be at least 0"),
        (["--simulate", "--speed", "0"], "--speed 0: must be more than 0"),
    ],
)
def test_measure_rejects_bad_options(capsys, args, message):
    code = main(["measure", *args])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("timeout", ["0", "-1", "abc", "4000"])
def test_scan_rejects_bad_timeouts(capsys, timeout):
    with pytest.raises(SystemExit) as info:
        main(["scan", "--timeout", timeout])
    assert info.value.code == 2
    assert "--timeout" in capsys.readouterr().err


@pytest.mark.bluez
async def test_fake_bluez_as_a_process_serves_the_cli():
    """The end-to-end setup: fake BlueZ and collector are separate processes."""
    fake = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "support.fakebluez",
        "--strap",
        "A0:9E:1A:00:00:41:Polar H10 E2E:64",
        "--speed",
        "60",
        cwd=REPO / "tests",
        env={**os.environ, "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}"},
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert fake.stdin is not None
    assert fake.stdout is not None
    try:
        first = await asyncio.wait_for(fake.stdout.readline(), 20)
        key, _, address = first.decode().strip().partition("=")
        assert key == "DBUS_SYSTEM_BUS_ADDRESS"
        assert await asyncio.wait_for(fake.stdout.readline(), 20) == b"ready\n"
        code, out, err = await run_cli(
            "measure", "--duration", "60", "--settle", "2", bus_address=address
        )
        assert code == 0, err
        assert "from Polar H10 E2E (A0:9E:1A:00:00:41)" in out
        fake.stdin.write(b"power off\n")
        await fake.stdin.drain()
        assert await asyncio.wait_for(fake.stdout.readline(), 20) == b"ok\n"
        code, _out, err = await run_cli("scan", "--timeout", "0.5", bus_address=address)
        assert code == 2
        assert "Bluetooth adapter not available" in err
        fake.stdin.write(b"quit\n")
        await fake.stdin.drain()
        assert await asyncio.wait_for(fake.wait(), 20) == 0
    finally:
        if fake.returncode is None:
            fake.kill()
            await fake.wait()


CONFIG = """
users:
  - id: anna
    strap:
      address: "A0:9E:1A:00:00:61"
  - id: ben
    strap:
      name_pattern: "Polar H10 B*"
  - id: carl
measurement:
  duration_s: 60
  settle_s: 2
  adapter_wait_s: 2
"""


@pytest.mark.bluez
@pytest.mark.parametrize(
    ("user", "strap_name"), [("anna", "Polar H10 ANNA"), ("ben", "Polar H10 BEN")]
)
async def test_measure_takes_the_users_strap_from_the_config(bluez, tmp_path, user, strap_name):
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG)
    for i, name in enumerate(["Polar H10 ANNA", "Polar H10 BEN"]):
        bluez.add_strap(
            VirtualStrap(
                address=f"A0:9E:1A:00:00:6{i + 1}", rr_ms=rr_series(60 + i), name=name, speed=60
            )
        )
    code, out, err = await run_cli(
        "measure", "--config", str(config), "--user", user, bus_address=bluez.bus_address
    )
    assert code == 0, err
    assert "measuring 60 s" in out
    assert f"from {strap_name} (" in out


@pytest.mark.parametrize(
    ("user", "message"),
    [
        ("nobody", "no user 'nobody' in the config (known: anna, ben, carl)"),
        ("carl", "user 'carl' has no strap in"),
    ],
)
def test_measure_config_user_errors_are_one_line(capsys, tmp_path, user, message):
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG)
    code = main(["measure", "--config", str(config), "--user", user])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_measure_options_override_the_config(capsys, tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG)
    args = ["measure", "--config", str(config), "--simulate", "--speed", "300"]
    assert main(args) == 0
    assert "measuring 60 s" in capsys.readouterr().out  # from the config
    assert main([*args, "--duration", "75"]) == 0
    assert "measuring 75 s" in capsys.readouterr().out
    assert main([*args, "--duration", "20"]) == 2
    assert "--duration 20: must be at least 60" in capsys.readouterr().err
