"""Home Assistant installs the integration's requirement itself, then loads it.

The manifest requires ``hrv-readiness==<version>``; Home Assistant (not started with
``--skip-pip``) installs it with ``uv pip install`` from the package index. Here the
index is a local one that holds only the built wheel, standing in for the published
release: nothing is installed by hand, and the integration must load. (Everything
else Home Assistant asks for is pre-installed in the venv, requirements/hass-e2e.txt;
one package of a built-in integration that is never set up here is skipped,
``hass_process.SKIP_PIP_PACKAGES``.)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from support.mosquitto import MosquittoBroker, free_port  # noqa: E402

from e2e.hass_process import (  # noqa: E402
    HassProcess,
    built_wheel,
    installed_library,
    uninstall_library,
    write_config,
    write_local_index,
)

COLLECTOR_ID = "kitchen"
MANIFEST = ROOT / "custom_components" / "hrv_readiness" / "manifest.json"


def test_hass_installs_the_library_from_the_index_and_loads(tmp_path: Path) -> None:
    wheel = built_wheel()
    version = wheel.name.split("-")[1]
    requirement = json.loads(MANIFEST.read_text(encoding="utf-8"))["requirements"]
    assert requirement == [f"hrv-readiness=={version}"]
    uninstall_library()
    index_url = write_local_index(tmp_path / "index", wheel)
    with MosquittoBroker() as broker:
        config = tmp_path / "config"
        http_port = free_port()
        write_config(
            config, http_port=http_port, broker_port=broker.port, collector_id=COLLECTOR_ID
        )
        hass = HassProcess(config, http_port, index_url=index_url)
        try:
            hass.wait_started()
            hass.onboard()
            hass.wait_for(
                lambda: hass.entry_state("hrv_readiness") == "loaded",
                "the HRV Readiness entry loaded",
            )
        finally:
            hass.stop()
    log = hass.log()
    # Installed by Home Assistant (uv pip install), at the manifest's version.
    assert installed_library() == (version, "uv"), log[-3000:]
    assert "Unable to install package" not in log
