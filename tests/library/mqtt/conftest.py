"""Fixtures of the MQTT tests (helpers live in mqtt_testing.py)."""

from __future__ import annotations

from mqtt_testing import broker, readings, store

__all__ = ["broker", "readings", "store"]
