"""Manifest, translations, icons, services and the HACS release zip agree."""

from __future__ import annotations

import importlib.util
import json
import zipfile
from pathlib import Path
from typing import Any

import yaml

from custom_components.hrv_readiness.binary_sensor import RECOVERY_LOW
from custom_components.hrv_readiness.button import BUTTONS
from custom_components.hrv_readiness.const import DOMAIN, TRIGGER_TYPES
from custom_components.hrv_readiness.event import READING_EVENT
from custom_components.hrv_readiness.sensor import SENSORS

ROOT = Path(__file__).resolve().parents[2]
COMPONENT = ROOT / "custom_components" / DOMAIN


def load_json(name: str) -> dict[str, Any]:
    return json.loads((COMPONENT / name).read_text(encoding="utf-8"))


def test_manifest() -> None:
    manifest = load_json("manifest.json")
    assert manifest["domain"] == DOMAIN
    assert manifest["dependencies"] == ["bluetooth_adapters", "mqtt"]
    assert manifest["iot_class"] == "local_push"
    assert manifest["mqtt"] == [f"{DOMAIN}/+/announce"]
    assert manifest["config_flow"] is True
    assert manifest["version"]


def test_strings_and_translations_agree() -> None:
    assert load_json("strings.json") == load_json("translations/en.json")


def test_every_entity_translated_and_iconed() -> None:
    strings = load_json("strings.json")["entity"]
    icons = load_json("icons.json")["entity"]
    platforms = {
        "sensor": SENSORS,
        "binary_sensor": (RECOVERY_LOW,),
        "button": BUTTONS,
        "event": (READING_EVENT,),
    }
    for platform, descriptions in platforms.items():
        for description in descriptions:
            key = description.translation_key
            assert key in strings[platform], key
            options = getattr(description, "options", None) or []
            assert set(options) <= set(strings[platform][key].get("state", {})), key
            event_types = getattr(description, "event_types", None) or []
            translated = strings[platform][key].get("state_attributes", {}).get("event_type", {})
            assert set(event_types) <= set(translated.get("state", {})), key
            if description.device_class is None:  # device classes bring their own icons
                assert key in icons[platform], key
        assert set(icons[platform]) <= set(strings[platform])


def test_services_and_triggers_translated() -> None:
    strings = load_json("strings.json")
    services = yaml.safe_load((COMPONENT / "services.yaml").read_text(encoding="utf-8"))
    assert set(services) == set(strings["services"]) == set(load_json("icons.json")["services"])
    for name, service in services.items():
        assert set(service["fields"]) == set(strings["services"][name]["fields"]), name
    assert set(strings["device_automation"]["trigger_type"]) == set(TRIGGER_TYPES)


def test_hacs_release_zip(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "build_hacs_zip", ROOT / "scripts" / "build_hacs_zip.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    target = module.build(tmp_path)
    hacs = json.loads((ROOT / "hacs.json").read_text(encoding="utf-8"))
    assert target.name == hacs["filename"]
    assert hacs["zip_release"] is True
    with zipfile.ZipFile(target) as archive:
        names = set(archive.namelist())
        assert json.loads(archive.read("manifest.json"))["domain"] == DOMAIN
    assert {"__init__.py", "manifest.json", "translations/en.json", "services.yaml"} <= names
    assert "blueprints/automation/poor_recovery_dim_lights.yaml" in names
    assert "blueprints/automation/morning_brief.yaml" in names
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]
    # HACS unpacks the asset into custom_components/<domain>/ (zip_release): the
    # zip's root is the component's root, so the manifest lands at the right path.
    unpacked = tmp_path / "config" / "custom_components" / DOMAIN
    with zipfile.ZipFile(target) as archive:
        archive.extractall(unpacked)
    assert (tmp_path / "config" / "custom_components" / DOMAIN / "manifest.json").is_file()
    assert {"brand/icon.png", "brand/icon@2x.png"} <= names
    # Nothing from the tests, the library or the development tree ships in it.
    assert not [n for n in names if n.startswith(("tests/", "src/", "custom_components/"))]
    assert not [n for n in names if "test" in Path(n).name or n.startswith(".")]
    assert names == {path.as_posix() for path in module.release_files()}
    # Reproducible: the same tree gives the same bytes.
    again = module.build(tmp_path / "again")
    assert again.read_bytes() == target.read_bytes()


def test_brand_icons_are_square_pngs_of_the_sizes_home_assistant_uses() -> None:
    for name, size in (("icon.png", 256), ("icon@2x.png", 512)):
        data = (COMPONENT / "brand" / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", name
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert (width, height) == (size, size), name
