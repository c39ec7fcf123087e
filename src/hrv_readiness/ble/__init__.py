"""BLE strap collector: the 0x2A37 parser, strap sources and the measurement session.

Public API::

    parse_heart_rate_measurement(data: bytes) -> HeartRateMeasurement
    run_measurement(source, settings, *, on_event=None) -> MeasurementResult
    SimulatedStrap(rr_ms, *, speed=1.0, ...)           # hrv_readiness.ble.simulated
    BleakStrapSource(address=None, name=None, ...)      # hrv_readiness.ble.strap
    scan_for_straps(timeout_s) -> list[DiscoveredStrap] # hrv_readiness.ble.scanner
"""

from __future__ import annotations

from hrv_readiness.ble.errors import (
    AdapterUnavailableError,
    HeartRateParseError,
    StrapBusyError,
    StrapConnectionError,
    StrapNotFoundError,
)
from hrv_readiness.ble.models import (
    DiscoveredStrap,
    HeartRateMeasurement,
    MeasurementResult,
    MeasurementSettings,
    Progress,
    Recording,
    SessionEvent,
    SessionState,
    StrapInfo,
)
from hrv_readiness.ble.parser import parse_heart_rate_measurement
from hrv_readiness.ble.session import run_measurement
from hrv_readiness.ble.source import StrapLink, StrapSource

__all__ = [
    "AdapterUnavailableError",
    "DiscoveredStrap",
    "HeartRateMeasurement",
    "HeartRateParseError",
    "MeasurementResult",
    "MeasurementSettings",
    "Progress",
    "Recording",
    "SessionEvent",
    "SessionState",
    "StrapBusyError",
    "StrapConnectionError",
    "StrapInfo",
    "StrapLink",
    "StrapNotFoundError",
    "StrapSource",
    "parse_heart_rate_measurement",
    "run_measurement",
]
