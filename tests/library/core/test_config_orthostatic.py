"""The orthostatic protocol is the `measurement.orthostatic:` section of the config."""

from __future__ import annotations

import pytest

from hrv_readiness.config import parse_config
from hrv_readiness.errors import ConfigError
from hrv_readiness.hrv import OrthostaticProtocol


def test_defaults_are_the_library_protocol() -> None:
    config = parse_config({"users": [{"id": "alice"}]})
    assert config.measurement.orthostatic == OrthostaticProtocol()
    assert config.measurement.orthostatic.total_s == 360.0


def test_a_duration_can_be_changed() -> None:
    config = parse_config(
        {"users": [{"id": "alice"}], "measurement": {"orthostatic": {"supine_window_s": 180}}}
    )
    assert config.measurement.orthostatic.cue_at_s == 240.0


def test_an_inconsistent_protocol_is_one_clear_line() -> None:
    with pytest.raises(ConfigError, match=r"measurement\.orthostatic.*peak_window_s") as info:
        parse_config(
            {
                "users": [{"id": "alice"}],
                "measurement": {"orthostatic": {"standing_settle_s": 20, "peak_window_s": 30}},
            }
        )
    assert "\n" not in str(info.value)
