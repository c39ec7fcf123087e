"""A real Home Assistant process for the browser check: config, start, onboarding, API.

The config directory is made from scratch: the MQTT and HRV Readiness config entries
are written into ``.storage`` as Home Assistant keeps them, the integration is linked
into ``custom_components``, the example dashboard is a YAML dashboard, and the owner
account is created through the onboarding API as the frontend would.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "docs" / "dashboard.yaml"
DASHBOARD_PATH = "hrv-readiness"
START_TIMEOUT_S = 120.0

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
    entries = [
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
    ]
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


class HassProcess:
    """``hass -c CONFIG --skip-pip`` with its log in ``CONFIG/hass.log``."""

    def __init__(self, hass_bin: Path, config: Path, port: int) -> None:
        self.config = config
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = config / "hass.log"
        self._log = self.log_path.open("wb")
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
        self._process = subprocess.Popen(
            [str(hass_bin), "-c", str(config), "--skip-pip", "--log-no-color"],
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
