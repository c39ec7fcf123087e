"""The config file: defaults, and one clear line per common mistake."""

from __future__ import annotations

import json
import os
from datetime import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hrv_readiness.cli import main
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
            "mqt — unknown key",
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
                "measurement": {"morning_window": {"start": "06:30", "end": "06:30"}},
            },
            "end (06:30) equals start: the window has no length",
            id="window-without-length",
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


# --- the traps of a hand-written YAML file: `run --check` exits 2 with one clear line ------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "measurement:\n  morning_window: {start: 05:30, end: 10:00}\n",
            "measurement.morning_window.end = 600 — YAML read the unquoted time 10:00 as the "
            "number 600; write it in quotes: '10:00'",
            id="unquoted-05:30-next-to-10:00",
        ),
        pytest.param(
            "measurement:\n  morning_window: {start: 5:00, end: '09:00'}\n",
            "morning_window.start = 300 — YAML read the unquoted time 5:00 as the number 300",
            id="base-60-5:00",
        ),
        pytest.param(
            "mqtt: {username: hrv, password: '${HRV_TEST_UNSET_VARIABLE}'}\n",
            "mqtt.password — environment variable HRV_TEST_UNSET_VARIABLE is not set",
            id="unset-variable",
        ),
        pytest.param(
            "mqtt: {tls: {ca_file: /nonexistent/ca.crt}}\n",
            "mqtt.tls.ca_file = '/nonexistent/ca.crt' — no such file",
            id="missing-ca-file",
        ),
        pytest.param(
            "users: [{id: alice, readiness: {sorenes_threshold: 7}}]\n",
            "users[0].readiness.sorenes_threshold — unknown key",
            id="nested-unknown-key",
        ),
        pytest.param(
            "users: [{id: alice, strap: {adress: A0:9E:1A:12:34:56}}]\n",
            "users[0].strap.adress — unknown key",
            id="no-cascade-error",
        ),
    ],
)
def test_check_reports_each_trap_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, expected: str
) -> None:
    if not text.startswith("users:"):
        text = "users: [{id: alice}]\n" + text
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["run", "--config", str(path), "--check"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, lines
    assert expected in lines[0]
    assert "Traceback" not in captured.err


def test_a_dollar_sign_in_a_password_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(
        "users: [{id: alice}]\nmqtt: {username: hrv, password: 'pa$word$HOME'}\n",
        encoding="utf-8",
    )
    password = load_config(path).mqtt.password
    assert password is not None
    assert password.get_secret_value() == "pa$word$HOME"


# --- the password never appears in a message -------------------------------------------------

_MISTAKES = {
    "no-username": lambda pw: {"mqtt": {"password": pw}},
    "typo-in-key": lambda pw: {"mqtt": {"username": "hrv", "pasword": pw}},
    "wrong-section": lambda pw: {"mqtt": {"username": "hrv", "tls": {"password": pw}}},
    "top-level": lambda pw: {"mqtt_password": pw, "mqtt": {"username": "hrv"}},
    "as-a-list": lambda pw: {"mqtt": {"username": "hrv", "password": [pw]}},
    "with-another-error": lambda pw: {
        "mqtt": {"username": "hrv", "password": pw, "port": "eighteen"}
    },
    "whole-section-wrong": lambda pw: {"mqtt": {"password": pw, "host": ""}},
    "user-override": lambda pw: {"users": [{"id": "alice", "readiness": {"password": pw}}]},
}


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    password=st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]),
        min_size=8,
        max_size=40,
    ).filter(lambda pw: pw.strip() == pw and "${" not in pw),
    mistake=st.sampled_from(sorted(_MISTAKES)),
    via_environment=st.booleans(),
)
def test_no_config_error_contains_the_password(
    tmp_path: Path, password: str, mistake: str, via_environment: bool
) -> None:
    written = "${HRV_TEST_MQTT_PASSWORD}" if via_environment else password
    data: dict[str, object] = {"users": [{"id": "alice"}], **_MISTAKES[mistake](written)}
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    os.environ["HRV_TEST_MQTT_PASSWORD"] = password
    try:
        with pytest.raises(ConfigError) as caught:
            load_config(path)
    finally:
        del os.environ["HRV_TEST_MQTT_PASSWORD"]
    message = str(caught.value)
    for form in (password, repr(password)[1:-1], json.dumps(password)[1:-1]):
        assert form not in message
