"""The `mqtt:` config section: defaults, and one clear error per bad value."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from hrv_readiness.mqtt import MqttSettings, MqttTlsSettings


def test_defaults():
    settings = MqttSettings()
    assert (settings.host, settings.port, settings.base_topic) == (
        "localhost",
        1883,
        "hrv_readiness",
    )
    assert settings.discovery is False
    assert settings.discovery_prefix == "homeassistant"
    assert settings.tls is None
    assert settings.reconnect_min_s <= settings.reconnect_max_s


def test_empty_tls_section_turns_tls_on_with_verification():
    settings = MqttSettings.model_validate({"tls": {}})
    assert settings.tls == MqttTlsSettings()
    assert settings.tls.insecure is False


def test_password_is_secret():
    secret = "hunter2"  # noqa: S105 - a test value, not a credential
    settings = MqttSettings(username="collector", password=secret)
    assert "hunter2" not in repr(settings)
    assert "hunter2" not in str(settings.model_dump())
    assert settings.password is not None
    assert settings.password.get_secret_value() == "hunter2"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"pasword": "x"}, "pasword"),
        ({"port": 0}, "port"),
        ({"port": 70000}, "port"),
        ({"host": ""}, "host"),
        ({"base_topic": "hrv/#"}, "base_topic"),
        ({"base_topic": "/hrv"}, "base_topic"),
        ({"base_topic": "hrv/"}, "base_topic"),
        ({"discovery_prefix": "home+assistant"}, "discovery_prefix"),
        ({"reconnect_min_s": 10, "reconnect_max_s": 5}, "reconnect_min_s"),
        ({"reconnect_min_s": 0}, "reconnect_min_s"),
        ({"password": "x"}, "password"),
        ({"tls": {"cert_file": "/c.pem"}}, "key_file"),
        ({"tls": {"verify": False}}, "verify"),
        ({"keepalive_s": 1}, "keepalive_s"),
    ],
)
def test_bad_values_name_the_field(values, field):
    with pytest.raises(ValidationError) as caught:
        MqttSettings.model_validate(values)
    assert field in str(caught.value)


def test_frozen():
    settings = MqttSettings()
    with pytest.raises(ValidationError):
        settings.port = 1884
