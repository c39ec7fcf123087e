"""Build the HACS release asset: ``dist/hrv_readiness.zip``.

HACS installs an integration from a release zip (``hacs.json``: ``zip_release``) whose
root holds the files of ``custom_components/hrv_readiness/`` (the folder at the root of
this repository, where HACS also finds it without the zip). The zip is reproducible:
sorted entries, fixed timestamps, no caches.

    python scripts/build_hacs_zip.py [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMPONENT = ROOT / "custom_components" / "hrv_readiness"
FIXED_TIME = (2020, 1, 1, 0, 0, 0)
SKIP_PARTS = {"__pycache__", ".mypy_cache", ".pytest_cache"}
SKIP_SUFFIXES = {".pyc", ".pyo"}


def release_files(component: Path = COMPONENT) -> list[Path]:
    """The files that ship, relative to the component directory, sorted."""
    return sorted(
        path.relative_to(component)
        for path in component.rglob("*")
        if path.is_file()
        and not SKIP_PARTS.intersection(path.relative_to(component).parts)
        and path.suffix not in SKIP_SUFFIXES
    )


def build(out_dir: Path) -> Path:
    """Write the zip named in hacs.json into ``out_dir`` and return its path."""
    hacs = json.loads((ROOT / "hacs.json").read_text(encoding="utf-8"))
    manifest = json.loads((COMPONENT / "manifest.json").read_text(encoding="utf-8"))
    if not manifest.get("version"):
        msg = "manifest.json has no version; HACS needs one for a custom integration"
        raise SystemExit(msg)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / hacs["filename"]
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for relative in release_files():
            info = zipfile.ZipInfo(relative.as_posix(), date_time=FIXED_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, (COMPONENT / relative).read_bytes())
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="output directory")
    args = parser.parse_args(argv)
    target = build(args.out)
    with zipfile.ZipFile(target) as archive:
        count = len(archive.namelist())
    print(f"{target} ({count} files, version {_version()})")
    return 0


def _version() -> str:
    manifest = json.loads((COMPONENT / "manifest.json").read_text(encoding="utf-8"))
    return str(manifest["version"])


if __name__ == "__main__":
    sys.exit(main())
