"""The example dashboard in a real Home Assistant, seen by a real browser.

A real Mosquitto; the collector's own demo publishes two months of mornings to it
(retained state and history); a real ``hass`` process with the integration, the
recorder and the frontend loads ``docs/dashboard.yaml``; Debian's headless Chromium
opens it logged in and takes a screenshot. The test fails when Home Assistant logs a
template error, when a card shows "Unavailable"/"Unknown" (or a missing entity), or
when a trend chart has no points. ``HRV_UPDATE_SCREENSHOT=1`` also writes the
screenshot to ``docs/home-assistant-dashboard.png``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import yaml
from paho.mqtt import publish as paho_publish
from paho.mqtt import subscribe as paho_subscribe

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from support.mosquitto import MosquittoBroker, free_port  # noqa: E402

from e2e.browser import Chromium  # noqa: E402
from e2e.hass_process import (  # noqa: E402
    DASHBOARD,
    DASHBOARD_PATH,
    HassProcess,
    built_wheel,
    uninstall_library,
    write_config,
    write_local_index,
)

COLLECTOR_ID = "demo"
SCREENSHOT = ROOT / "docs" / "home-assistant-dashboard.png"
BROWSER_TIMEOUT_S = 60.0
#: Days a trend series must have: the band edges start when the baseline does.
MIN_POINTS = 30
#: What Home Assistant logs for a template that fails (markdown cards render server-side).
TEMPLATE_ERRORS = re.compile(
    r"TemplateError|Template variable (error|warning)|Error (while processing|rendering) template"
    r"|UndefinedError|object is not iterable",
)
#: How Home Assistant reports deprecated use by a custom integration.
OUR_DEPRECATIONS = "detected that custom integration 'hrv_readiness'"
#: What the frontend writes on a card that has no value or no entity.
BAD_CARD_TEXT = re.compile(
    r"\b(Unavailable|Unknown)\b|Entity not (available|found)|No statistics found"
)


def collector_python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def run_demo(data_dir: Path, port: int) -> None:
    """``hrv-collector demo``: 60 mornings per person through the real pipeline."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    result = subprocess.run(
        [
            collector_python(),
            "-m",
            "hrv_readiness",
            "demo",
            "--data-dir",
            str(data_dir),
            "--mqtt-port",
            str(port),
            "--speed",
            "400",
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env=env,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "MQTT: published" in result.stdout, result.stdout[-2000:]


def collector_stays_online(port: int) -> None:
    """The demo leaves (``offline``); a running ``hrv-collector run`` would be online."""
    paho_publish.single(
        f"hrv_readiness/{COLLECTOR_ID}/status",
        "online",
        qos=1,
        retain=True,
        hostname="127.0.0.1",
        port=port,
    )


def published_mornings(port: int) -> int:
    """Distinct dates in Alice's retained history, as the collector published it."""
    message = paho_subscribe.simple(
        f"hrv_readiness/{COLLECTOR_ID}/alice/history", hostname="127.0.0.1", port=port
    )
    return len({point["date"] for point in json.loads(message.payload)["points"]})


async def statistics_days(hass: HassProcess, statistic_id: str) -> int:
    """Days with a value of ``statistic_id`` in the last 60 days, through the websocket API."""
    assert hass.tokens is not None
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(f"ws://127.0.0.1:{hass.port}/api/websocket") as ws,
    ):
        await ws.receive_json()
        await ws.send_json({"type": "auth", "access_token": hass.tokens.access_token})
        assert (await ws.receive_json())["type"] == "auth_ok"
        start = dt.datetime.now(dt.UTC) - dt.timedelta(days=61)
        await ws.send_json(
            {
                "id": 1,
                "type": "recorder/statistics_during_period",
                "period": "day",
                "start_time": start.isoformat(),
                "statistic_ids": [statistic_id],
                "types": ["mean"],
            }
        )
        reply = await ws.receive_json()
    assert reply["success"], reply
    return len(reply["result"].get(statistic_id, []))


def dashboard_cards() -> list[dict[str, Any]]:
    """Cards of the dashboard, headings included, in order."""
    views = yaml.safe_load(DASHBOARD.read_text(encoding="utf-8"))["views"]
    return [card for view in views for section in view["sections"] for card in section["cards"]]


def expected_cards() -> int:
    return len(dashboard_cards())


def expected_series() -> list[int]:
    """Per trend chart, how many statistics it draws."""
    return [len(c["entities"]) for c in dashboard_cards() if c["type"] == "statistics-graph"]


def problems(page: dict[str, Any]) -> list[str]:
    found = []
    if f"/{DASHBOARD_PATH}/" not in page["url"]:
        found.append(f"not on the dashboard: {page['url']}")
    found += [f"a dialog covers the dashboard: {d['tag']}: {d['text']}" for d in page["dialogs"]]
    if len(page["cards"]) < expected_cards():
        found.append(f"{len(page['cards'])} of {expected_cards()} cards rendered")
    found += [
        f"{card['tag']}: {card['text'][:120]}"
        for card in page["cards"]
        if BAD_CARD_TEXT.search(card["text"])
    ]
    charts = page["charts"]
    wanted = expected_series()
    if len(charts) != len(wanted):
        found.append(f"{len(charts)} of {len(wanted)} charts drawn")
    # The frontend adds empty legend-only series; each statistic must have its points.
    for index, (series, count) in enumerate(zip(charts, wanted, strict=False)):
        drawn = [s for s in series if s["points"] >= MIN_POINTS]
        if len(drawn) < count:
            found.append(f"chart {index}: {len(drawn)} of {count} series drawn: {series}")
    return found


async def look_at_dashboard(hass: HassProcess, profile: Path, screenshot: Path) -> dict[str, Any]:
    assert hass.tokens is not None
    tokens = {
        "access_token": hass.tokens.access_token,
        "refresh_token": hass.tokens.refresh_token,
        "expires_in": hass.tokens.expires_in,
        "token_type": "Bearer",
        "hassUrl": hass.url,
        "clientId": hass.tokens.client_id,
        "expires": int(time.time() * 1000) + hass.tokens.expires_in * 1000,
    }
    async with Chromium(profile, width=1400, height=1180) as browser:
        await browser.open_logged_in(f"{hass.url}/{DASHBOARD_PATH}/alice", hass.url, tokens)
        deadline = time.monotonic() + BROWSER_TIMEOUT_S
        page: dict[str, Any] = {}
        while time.monotonic() < deadline:
            await asyncio.sleep(1.0)
            page = await browser.inspect()
            if not problems(page):
                break
        await asyncio.sleep(1.5)  # the charts' entry animation
        page = await browser.inspect()
        await browser.screenshot(screenshot)
        return page


def test_example_dashboard_in_a_real_browser(tmp_path: Path) -> None:
    with MosquittoBroker() as broker:
        run_demo(tmp_path / "demo", broker.port)
        collector_stays_online(broker.port)
        config = tmp_path / "config"
        http_port = free_port()
        write_config(
            config, http_port=http_port, broker_port=broker.port, collector_id=COLLECTOR_ID
        )
        # Home Assistant installs the library itself (test_install_from_index.py).
        uninstall_library()
        index_url = write_local_index(tmp_path / "index", built_wheel())
        hass = HassProcess(config, http_port, index_url=index_url)
        try:
            hass.wait_started()
            hass.onboard()
            hass.confirm_http_config()
            hass.wait_for(
                lambda: (
                    hass.state("sensor.alice_readiness_score")
                    not in {None, "unknown", "unavailable"}
                ),
                "Alice's readiness score",
            )
            # Every morning of the collector's history (rejected readings are not in it).
            mornings = published_mornings(broker.port)
            assert mornings >= MIN_POINTS
            hass.wait_for(
                lambda: (
                    asyncio.run(
                        statistics_days(hass, f"hrv_readiness:{COLLECTOR_ID}_alice_ln_rmssd")
                    )
                    == mornings
                ),
                f"{mornings} days of lnRMSSD statistics",
            )
            screenshot = tmp_path / "dashboard.png"
            page = asyncio.run(look_at_dashboard(hass, tmp_path / "chromium", screenshot))
        finally:
            hass.stop()
        log = hass.log()
    print(f"screenshot: {screenshot}")
    lines = log.splitlines()
    failures = [f"HA log: {line}" for line in lines if TEMPLATE_ERRORS.search(line)]
    failures += [
        f"HA log: {line}" for line in lines if " ERROR " in line and "hrv_readiness" in line
    ]
    failures += [f"HA log: {line}" for line in lines if OUR_DEPRECATIONS in line]
    failures += [f"page: {problem}" for problem in problems(page)]
    assert failures == [], "\n".join(failures)
    if os.environ.get("HRV_UPDATE_SCREENSHOT") == "1":
        SCREENSHOT.write_bytes(screenshot.read_bytes())
