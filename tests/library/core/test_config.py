"""The config file: defaults, and one clear line per common mistake."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from hrv_readiness.config import Config, load_config, parse_config
from hrv_readiness.errors import ConfigError

REPO = Path(__file__).resolve().parents[3]


def test_example_config_is_valid() -> None:
    config = load_config(REPO / "config.example.yaml")
    assert [user.id for user in config.users] == ["alice", "bob"]
    assert config.measurement.duration_s == 120.0
    assert config.measurement.morning_window.start == time(5, 0)


def test_minimal_config_gets_literature_defaults() -> None:
    config = parse_config({"users": [{"id": "alice", "strap": {"name_pattern": "Polar H10*"}}]})
    assert isinstance(config, Config)
    assert config.mqtt.host == "localhost"
    assert config.mqtt.port == 1883
    assert config.users[0].display_name == "alice"


def test_per_user_readiness_override_changes_only_that_user() -> None:
    base = parse_config({"users": [{"id": "alice"}, {"id": "bob"}]})
    field = next(iter(base.readiness.model_dump()))
    default = getattr(base.readiness, field)
    if not isinstance(default, (int, float)) or isinstance(default, bool):
        pytest.skip("first readiness setting is not numeric")
    changed = default + 1
    config = parse_config(
        {"users": [{"id": "alice", "readiness": {field: changed}}, {"id": "bob"}]}
    )
    assert getattr(config.readiness_for("alice"), field) == changed
    assert getattr(config.readiness_for("bob"), field) == default


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(
            {"users": [{"id": "alice"}], "mqtt": {"port": "eighteen"}},
            "mqtt.port = 'eighteen'",
            id="wrong-type",
        ),
        pytest.param(
            {"users": [{"id": "alice"}], "mqt": {"host": "x"}},
            "mqt = {'host': 'x'} — unknown key",
            id="unknown-top-level-key",
        ),
        pytest.param(
            {"users": [{"id": "alice", "strap": {"adress": "A0:9E:1A:12:34:56"}}]},
            "users[0].strap.adress",
            id="unknown-nested-key",
        ),
        pytest.param(
            {"users": [{"id": "alice", "strap": {"address": "A0:9E:1A"}}]},
            "users[0].strap.address = 'A0:9E:1A' — not a Bluetooth address",
            id="bad-mac",
        ),
        pytest.param(
            {
                "users": [{"id": "alice"}],
                "measurement": {"morning_window": {"start": "09:00", "end": "06:30"}},
            },
            "end (06:30) must be after start (09:00)",
            id="window-end-before-start",
        ),
        pytest.param(
            {"users": [{"id": "alice"}], "mqtt": {"host": ""}},
            "mqtt.host",
            id="missing-broker-host",
        ),
        pytest.param({"users": []}, "users = [] —", id="no-users"),
        pytest.param(
            {"users": [{"id": "Alice Smith"}]},
            "users[0].id = 'Alice Smith' — must be 1-32 characters",
            id="id-not-topic-safe",
        ),
        pytest.param(
            {"users": [{"id": "alice"}, {"id": "alice"}]},
            "user id 'alice' appears twice",
            id="duplicate-user",
        ),
        pytest.param(
            {"users": [{"id": "alice"}], "measurement": {"duration_s": 30}},
            "measurement.duration_s = 30",
            id="recording-too-short",
        ),
    ],
)
def test_common_mistakes_name_field_value_and_rule(data: object, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(data, source="config.yaml")
    assert expected in str(caught.value)
    assert str(caught.value).startswith("config.yaml: ")


def test_missing_file_says_how_to_start(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"does not exist \(copy config.example.yaml"):
        load_config(tmp_path / "nope.yaml")


def test_broken_yaml_gives_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("users:\n  - id: alice\n    strap: {address: [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"line \d+, column \d+\): not valid YAML"):
        load_config(path)


def test_yaml_that_is_not_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="expected a mapping of sections"):
        load_config(path)


def test_environment_variables_expand_for_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MQTT_PASSWORD", "s3cret")
    path = tmp_path / "config.yaml"
    path.write_text(
        "users: [{id: alice}]\nmqtt: {username: hrv, password: '${MQTT_PASSWORD}'}\n",
        encoding="utf-8",
    )
    config = load_config(path)
    password = config.mqtt.password
    assert password is not None
    assert password.get_secret_value() == "s3cret"


@pytest.mark.parametrize(
    ("section", "model"),
    [
        ("measurement", "hrv_readiness.config:MeasurementSection"),
        ("mqtt", "hrv_readiness.mqtt.settings:MqttSettings"),
        ("readiness", "hrv_readiness.readiness.settings:ReadinessSettings"),
        ("storage", "hrv_readiness.config:StorageSection"),
        ("logging", "hrv_readiness.config:LoggingSection"),
        ("collector", "hrv_readiness.config:CollectorSection"),
    ],
)
def test_example_config_documents_every_setting(section: str, model: str) -> None:
    """A setting added to a model but not to config.example.yaml fails here."""
    import importlib  # noqa: PLC0415

    module_name, class_name = model.split(":")
    fields = getattr(importlib.import_module(module_name), class_name).model_fields
    text = (REPO / "config.example.yaml").read_text(encoding="utf-8")
    section_text = text.split(f"\n{section}:\n", 1)[1].split("\n\n", 1)[0]
    missing = [name for name in fields if f"{name}:" not in section_text]
    assert missing == []
