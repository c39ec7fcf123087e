"""A real Home Assistant process for the browser check: config, start, onboarding, API.

The config directory is made from scratch: the config entries (MQTT and a collector's,
or Home Assistant's bluetooth adapter and a strap's) are written into ``.storage`` as
Home Assistant keeps them, the integration is linked
into ``custom_components``, the example dashboard is a YAML dashboard, and the owner
account is created through the onboarding API as the frontend would.
"""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "docs" / "dashboard.yaml"
DASHBOARD_PATH = "hrv-readiness"
START_TIMEOUT_S = 120.0
#: Requirements ``hass`` is told not to install (``--skip-pip-packages``) when it runs
#: without ``--skip-pip``: HA 2026.11 checks the requirements of bluetooth_adapters'
#: after-dependencies (esphome, not set up here), and esphome's pin aioesphomeapi
#: 46.25.0 is not on the package index this machine reaches (requirements/hass-e2e.txt
#: pre-installs everything else HA asks for).
SKIP_PIP_PACKAGES = ("aioesphomeapi",)

CONFIGURATION = """\
homeassistant:
  name: Home
  time_zone: UTC
  latitude: 52.5
  longitude: 13.4
  elevation: 40
  unit_system: metric
  currency: EUR
  country: DE
  language: en
http:
  server_host: 127.0.0.1
  server_port: {port}
frontend:
api:
config:
onboarding:
history:
logbook:
recorder:
  db_url: sqlite:///{config}/home-assistant_v2.db
  commit_interval: 1
lovelace:
  mode: storage
  dashboards:
    {dashboard_path}:
      mode: yaml
      title: HRV Readiness
      icon: mdi:heart-pulse
      show_in_sidebar: true
      filename: dashboard.yaml
logger:
  default: warning
  logs:
    custom_components.hrv_readiness: debug
"""


def _entry(
    entry_id: str, domain: str, title: str, data: dict[str, Any], unique_id: str | None
) -> dict[str, Any]:
    now = "2026-01-01T00:00:00+00:00"
    return {
        "entry_id": entry_id,
        "version": 1,
        "minor_version": 1,
        "domain": domain,
        "title": title,
        "data": data,
        "options": {},
        "pref_disable_new_entities": False,
        "pref_disable_polling": False,
        "source": "user",
        "unique_id": unique_id,
        "disabled_by": None,
        "discovery_keys": {},
        "created_at": now,
        "modified_at": now,
        "subentries": [],
    }


def write_config(config: Path, *, http_port: int, broker_port: int, collector_id: str) -> None:
    """A config directory with MQTT, the integration for ``collector_id`` and the dashboard."""
    write_config_entries(
        config,
        http_port=http_port,
        entries=[
            _entry(
                "01JMQTT0000000000000000000",
                "mqtt",
                "Mosquitto",
                {"broker": "127.0.0.1", "port": broker_port},
                None,
            ),
            _entry(
                "01JHRV00000000000000000000",
                "hrv_readiness",
                f"HRV Readiness ({collector_id})",
                {"collector_id": collector_id, "base_topic": "hrv_readiness"},
                collector_id,
            ),
        ],
    )


def strap_entries(
    *, adapter: str, strap: str, strap_name: str, user: str, window: tuple[str, str]
) -> list[dict[str, Any]]:
    """Home Assistant's bluetooth entry for ``adapter`` and a strap entry measuring ``user``.

    As the two discovery flows leave them: the adapter's entry keyed by its address
    (homeassistant/components/bluetooth/config_flow.py), the strap's by address and
    wearer (the integration's config_flow.py). The recording is the shortest a person
    can choose (60 s, the options flow's minimum), so a replayed strap is done soon.
    """
    user_id = user.lower()
    strap_entry = _entry(
        "01JHRVSTRAP000000000000000",
        "hrv_readiness",
        f"{user} ({strap_name})",
        {
            "address": strap,
            "strap_name": strap_name,
            "user_id": user_id,
            "name": user,
            "window_start": window[0],
            "window_end": window[1],
        },
        f"{strap}_{user_id}",
    )
    strap_entry["options"] = {"duration_s": 60}
    return [
        _entry(
            "01JBLUETOOTH00000000000000",
            "bluetooth",
            f"hci0 ({adapter})",
            {},
            adapter,
        ),
        strap_entry,
    ]


def write_config_entries(config: Path, *, http_port: int, entries: list[dict[str, Any]]) -> None:
    """A config directory with these config entries, the integration and the dashboard."""
    (config / ".storage").mkdir(parents=True)
    (config / "custom_components").mkdir()
    (config / "custom_components" / "hrv_readiness").symlink_to(
        ROOT / "custom_components" / "hrv_readiness"
    )
    (config / "configuration.yaml").write_text(
        CONFIGURATION.format(port=http_port, config=config, dashboard_path=DASHBOARD_PATH),
        encoding="utf-8",
    )
    (config / "dashboard.yaml").write_text(DASHBOARD.read_text(encoding="utf-8"), encoding="utf-8")
    (config / ".storage" / "core.config_entries").write_text(
        json.dumps(
            {
                "version": 1,
                "minor_version": 5,
                "key": "core.config_entries",
                "data": {"entries": entries},
            }
        ),
        encoding="utf-8",
    )


@dataclass
class Tokens:
    access_token: str
    refresh_token: str
    expires_in: int
    client_id: str


def hass_python() -> list[str]:
    """The Python of the ``hass`` under test, as a command.

    ``HRV_E2E_HASS_PYTHON`` (``make test``: the current release's venv, run inside the
    Debian sid root through ``scripts/in_sid_root.sh``), else this interpreter.
    """
    command = os.environ.get("HRV_E2E_HASS_PYTHON")
    return shlex.split(command) if command else [sys.executable]


def hass_pip(*args: str) -> subprocess.CompletedProcess[str]:
    """``pip ARGS`` in the environment of the ``hass`` under test."""
    return subprocess.run(
        [*hass_python(), "-m", "pip", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def built_wheel() -> Path:
    """The one wheel ``make dist`` built (standing in for the published release)."""
    [wheel] = sorted((ROOT / "dist").glob("hrv_readiness-*.whl"))
    return wheel


_PRINT_LIBRARY = """\
from importlib.metadata import PackageNotFoundError, distribution
try:
    d = distribution("hrv-readiness")
except PackageNotFoundError:
    print("-")
else:
    print(d.version, (d.read_text("INSTALLER") or "?").strip())
"""


def installed_library() -> tuple[str, str] | None:
    """``hrv-readiness``'s version and installer (pip, uv) where ``hass`` runs."""
    result = subprocess.run(
        [
            *hass_python(),
            "-c",
            _PRINT_LIBRARY,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    words = result.stdout.split()
    return None if words == ["-"] else (words[0], words[1])


def uninstall_library() -> None:
    """Leave the library for ``hass`` to install, as on a user's machine."""
    result = hass_pip("uninstall", "--yes", "hrv-readiness")
    assert result.returncode == 0, result.stdout + result.stderr
    assert installed_library() is None


def write_local_index(index: Path, wheel: Path) -> str:
    """A PEP 503 package index holding only ``wheel``; returns its ``file://`` URL."""
    project = index / "hrv-readiness"
    project.mkdir(parents=True)
    shutil.copy(wheel, project / wheel.name)
    (project / "index.html").write_text(
        f'<!DOCTYPE html><html><body><a href="{wheel.name}">{wheel.name}</a></body></html>\n',
        encoding="utf-8",
    )
    (index / "index.html").write_text(
        '<!DOCTYPE html><html><body><a href="hrv-readiness/">hrv-readiness</a></body></html>\n',
        encoding="utf-8",
    )
    return index.as_uri()


class HassProcess:
    """``hass -c CONFIG`` with its log in ``CONFIG/hass.log``.

    With ``index_url`` it runs without ``--skip-pip`` and installs the integration's
    requirement the way Home Assistant does (``uv pip install``) from that index only.
    ``extra_env`` reaches ``hass`` too (e.g. ``DBUS_SYSTEM_BUS_ADDRESS`` of a fake BlueZ).
    """

    def __init__(
        self,
        config: Path,
        port: int,
        *,
        index_url: str | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.config = config
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = config / "hass.log"
        self._log = self.log_path.open("wb")
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
        pip = ["--skip-pip"]
        passed = dict(extra_env or {})
        if index_url is not None:
            pip = ["--skip-pip-packages", ",".join(SKIP_PIP_PACKAGES)]
            passed.update({"UV_INDEX_URL": index_url, "UV_NO_CACHE": "1"})
        env.update(passed)
        if passed:
            # scripts/in_sid_root.sh starts from an empty environment plus these.
            env["HRV_SID_ENV"] = " ".join(f"{k}={v}" for k, v in passed.items())
        self._process = subprocess.Popen(
            [*hass_python(), "-m", "homeassistant", "-c", str(config), *pip, "--log-no-color"],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        self.tokens: Tokens | None = None

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=10)
        self._log.close()

    # --- HTTP ---------------------------------------------------------------------

    def request(
        self, method: str, path: str, body: dict[str, Any] | None = None, *, form: bool = False
    ) -> Any:
        headers = {}
        data = None
        if body is not None:
            if form:
                data = urllib.parse.urlencode(body).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            else:
                data = json.dumps(body).encode()
                headers["Content-Type"] = "application/json"
        if self.tokens is not None:
            headers["Authorization"] = f"Bearer {self.tokens.access_token}"
        request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 only
            self.url + path, data=data, headers=headers, method=method
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
            text = response.read().decode()
        try:
            return json.loads(text)
        except ValueError:
            return text

    def wait_started(self) -> None:
        """Until the HTTP server answers and Home Assistant says it is running."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                msg = f"hass exited with {self._process.returncode}:\n{self.log()[-4000:]}"
                raise RuntimeError(msg)
            try:
                status = self.request("GET", "/api/onboarding")
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
                continue
            if isinstance(status, list):
                return
            time.sleep(0.5)
        msg = f"hass did not start within {START_TIMEOUT_S:g} s:\n{self.log()[-4000:]}"
        raise TimeoutError(msg)

    def onboard(self) -> Tokens:
        """Create the owner account through the onboarding API; finish every step."""
        client_id = f"{self.url}/"
        created = self.request(
            "POST",
            "/api/onboarding/users",
            {
                "client_id": client_id,
                "name": "Test",
                "username": "test",
                "password": "a-test-password-only",
                "language": "en",
            },
        )
        token = self.request(
            "POST",
            "/auth/token",
            {
                "grant_type": "authorization_code",
                "code": created["auth_code"],
                "client_id": client_id,
            },
            form=True,
        )
        self.tokens = Tokens(
            access_token=token["access_token"],
            refresh_token=token["refresh_token"],
            expires_in=int(token["expires_in"]),
            client_id=client_id,
        )
        self.request("POST", "/api/onboarding/core_config", {})
        self.request("POST", "/api/onboarding/analytics", {})
        self.request(
            "POST",
            "/api/onboarding/integration",
            {"client_id": client_id, "redirect_uri": f"{self.url}/?auth_callback=1"},
        )
        return self.tokens

    def websocket(self, message: dict[str, Any]) -> dict[str, Any]:
        """Send one websocket command as the owner; its result message."""

        async def send() -> dict[str, Any]:
            assert self.tokens is not None
            async with (
                aiohttp.ClientSession() as session,
                session.ws_connect(f"ws://127.0.0.1:{self.port}/api/websocket") as ws,
            ):
                await ws.receive_json()
                await ws.send_json({"type": "auth", "access_token": self.tokens.access_token})
                assert (await ws.receive_json())["type"] == "auth_ok"
                await ws.send_json({"id": 1, **message})
                result: dict[str, Any] = await ws.receive_json()
                return result

        return asyncio.run(send())

    def confirm_http_config(self) -> None:
        """Keep the ``http:`` settings, as the owner does in the dialog HA 2026.11 shows.

        Since 2026.11 the HTTP settings live in Home Assistant's storage: YAML ones are
        migrated as a *pending* configuration that a "Confirm new HTTP server
        configuration" dialog asks the owner to keep (else reverted after 5 minutes).
        """
        version = str(self.request("GET", "/api/config")["version"])
        if tuple(int(part) for part in version.split(".")[:2]) < (2026, 11):
            return
        result = self.websocket({"type": "http/config/promote"})
        assert result.get("success"), result

    def entry_state(self, domain: str) -> str | None:
        """The state of the domain's (first) config entry: ``loaded``, ``setup_error``..."""
        entries = self.request("GET", f"/api/config/config_entries/entry?domain={domain}")
        return str(entries[0]["state"]) if entries else None

    def state(self, entity_id: str) -> str | None:
        try:
            return str(self.request("GET", f"/api/states/{entity_id}")["state"])
        except urllib.error.HTTPError as err:
            if err.code == 404:
                return None
            raise

    def wait_for(self, predicate: Any, what: str, timeout_s: float = 60.0) -> None:
        deadline = time.monotonic() + timeout_s
        while not predicate():
            if time.monotonic() > deadline:
                msg = f"timed out waiting for {what}:\n{self.log()[-3000:]}"
                raise TimeoutError(msg)
            time.sleep(0.5)
