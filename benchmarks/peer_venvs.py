"""Cached virtual environments for the peer libraries of the HRV benchmark.

NeuroKit2 and hrv-analysis pin conflicting pandas versions, so each peer gets its own
venv under ``.benchmarks-venvs/`` (gitignored), built once and reused while its pins
are unchanged. Both need only PyPI.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENVS = ROOT / ".benchmarks-venvs"

#: venv name -> pip requirements. nolds (hrv-analysis's dependency) 0.6.x only imports
#: on Python >= 3.12, so both peers run on the collector's own 3.13.
PEERS: dict[str, tuple[str, ...]] = {
    "neurokit2": ("neurokit2==0.2.13",),
    "hrv-analysis": ("hrv-analysis==1.0.6",),
}


def _python() -> str:
    # The interpreter the collector's venv was built from (3.13): plain `venv` works.
    return getattr(sys, "_base_executable", sys.executable)


def ensure_peer_venv(name: str) -> Path:
    """Return the python of the peer's venv, creating or rebuilding it if needed."""
    requirements = PEERS[name]
    venv = VENVS / name
    python = venv / "bin" / "python"
    stamp = venv / ".stamp"
    digest = hashlib.sha256("\n".join(requirements).encode()).hexdigest()[:16]
    if python.exists() and stamp.exists() and stamp.read_text().strip() == digest:
        return python
    print(f"setting up {venv} ({', '.join(requirements)}) ...", file=sys.stderr, flush=True)
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([_python(), "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            *requirements,
        ],
        check=True,
    )
    stamp.write_text(digest + "\n")
    return python
