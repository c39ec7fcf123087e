"""Debian's headless Chromium driven over the DevTools protocol (aiohttp websockets).

No browser download, no driver: Chromium is started with a fresh profile and the
flags that keep it off the network, the page gets Home Assistant's tokens in its
local storage before the frontend loads (as after a login), and the checks read the
rendered cards through their shadow roots.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import re
import shutil
import subprocess
from typing import TYPE_CHECKING, Any, Self

import aiohttp

if TYPE_CHECKING:
    from pathlib import Path

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
)

#: What every card says, read through the shadow roots; and each chart's data points.
INSPECT_JS = r"""
(() => {
  const deepText = (node) => {
    let out = '';
    const visit = (n) => {
      if (n.nodeType === Node.TEXT_NODE) { out += n.textContent + ' '; return; }
      if (n.nodeType !== Node.ELEMENT_NODE && n.nodeType !== Node.DOCUMENT_FRAGMENT_NODE) return;
      if (n.shadowRoot) visit(n.shadowRoot);
      for (const child of n.childNodes) visit(child);
    };
    visit(node);
    return out.replace(/\s+/g, ' ').trim();
  };
  const cards = [];
  const charts = [];
  const dialogs = [];
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      const tag = el.tagName.toLowerCase();
      if (tag.startsWith('hui-') && tag.endsWith('-card') && tag !== 'hui-card') {
        cards.push({tag, text: deepText(el)});
      }
      if (tag === 'ha-chart-base') {
        const data = Array.isArray(el.data) ? el.data : [];
        charts.push(data.map((s) => ({name: s.name || '', points: (s.data || []).length})));
      }
      // An open dialog (HA's own, or a native <dialog>) covers the dashboard.
      if ((tag === 'dialog' || tag.endsWith('-dialog')) && (el.open || el.hasAttribute('open'))) {
        dialogs.push({tag, text: deepText(el).slice(0, 200)});
      }
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(document);
  return JSON.stringify({cards, charts, dialogs, url: location.href});
})()
"""


def find_chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    msg = "Debian's chromium is not installed (apt-get install chromium)"
    raise FileNotFoundError(msg)


class Chromium:
    """One headless Chromium with one page, driven over its DevTools websocket."""

    def __init__(self, profile: Path, *, width: int = 1400, height: int = 2000) -> None:
        self._profile = profile
        self._size = (width, height)
        self._process: subprocess.Popen[str] | None = None
        self._session: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._ids = itertools.count(1)

    async def __aenter__(self) -> Self:
        self._process = subprocess.Popen(  # noqa: ASYNC220 - started once, not waited on
            [
                find_chromium(),
                *CHROMIUM_FLAGS,
                f"--user-data-dir={self._profile}",
                f"--window-size={self._size[0]},{self._size[1]}",
                "--remote-debugging-port=0",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        port = await asyncio.wait_for(asyncio.to_thread(self._devtools_port), timeout=30)
        self._session = aiohttp.ClientSession()
        async with self._session.get(f"http://127.0.0.1:{port}/json/list") as response:
            targets = await response.json()
        page = next(t for t in targets if t["type"] == "page")
        self._ws = await self._session.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0)
        await self.send("Page.enable")
        await self.send("Runtime.enable")
        return self

    def _devtools_port(self) -> int:
        assert self._process is not None
        assert self._process.stderr is not None
        for line in self._process.stderr:
            found = re.search(r"DevTools listening on ws://[^:]+:(\d+)/", line)
            if found:
                return int(found.group(1))
        msg = "chromium exited before it opened its DevTools port"
        raise RuntimeError(msg)

    async def __aexit__(self, *exc: object) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._session is not None:
            await self._session.close()
        if self._process is not None:
            self._process.terminate()
            try:
                await asyncio.to_thread(self._process.wait, 10)
            except subprocess.TimeoutExpired:
                self._process.kill()
            if self._process.stderr is not None:
                self._process.stderr.close()

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        assert self._ws is not None
        message_id = next(self._ids)
        await self._ws.send_str(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:
            message = await self._ws.receive(timeout=60)
            if message.type is not aiohttp.WSMsgType.TEXT:
                msg = f"DevTools connection ended: {message.type}"
                raise RuntimeError(msg)
            data = json.loads(message.data)
            if data.get("id") == message_id:
                if "error" in data:
                    msg = f"{method}: {data['error']}"
                    raise RuntimeError(msg)
                return data.get("result", {})

    async def open_logged_in(self, url: str, hass_url: str, tokens: dict[str, Any]) -> None:
        """Open ``url`` with Home Assistant's tokens already in local storage."""
        script = (
            f"if (location.origin === {json.dumps(hass_url)}) "
            f"localStorage.setItem('hassTokens', {json.dumps(json.dumps(tokens))});"
        )
        await self.send("Page.addScriptToEvaluateOnNewDocument", source=script)
        await self.send(
            "Emulation.setDeviceMetricsOverride",
            width=self._size[0],
            height=self._size[1],
            deviceScaleFactor=1,
            mobile=False,
        )
        await self.send("Page.navigate", url=url)

    async def inspect(self) -> dict[str, Any]:
        result = await self.send("Runtime.evaluate", expression=INSPECT_JS, returnByValue=True)
        return json.loads(result["result"]["value"])

    async def screenshot(self, path: Path) -> None:
        result = await self.send(
            "Page.captureScreenshot", format="png", captureBeyondViewport=False
        )
        await asyncio.to_thread(path.write_bytes, base64.b64decode(result["data"]))
