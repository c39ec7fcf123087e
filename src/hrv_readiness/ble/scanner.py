"""Scanning for heart-rate straps with bleak.

``await scan_for_straps(timeout_s) -> list[DiscoveredStrap]`` (strongest first)
scans with the Heart Rate service filter (0x180D). Errors are translated by
:func:`hrv_readiness.ble.translate.translate_bleak_error` (re-exported here).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bleak import BleakScanner
from bleak.exc import BleakError

from hrv_readiness.ble.models import DiscoveredStrap
from hrv_readiness.ble.translate import BUSY_MESSAGE, translate_bleak_error

if TYPE_CHECKING:
    from bleak.backends.device import BLEDevice
    from bleak.backends.scanner import AdvertisementData

__all__ = ["BUSY_MESSAGE", "HEART_RATE_SERVICE_UUID", "scan_for_straps", "translate_bleak_error"]

HEART_RATE_SERVICE_UUID = "0000180d-0000-1000-8000-00805f9b34fb"


async def discover_heart_rate(
    timeout_s: float, adapter: str | None
) -> dict[str, tuple[BLEDevice, AdvertisementData]]:
    """Everything advertising the Heart Rate service within ``timeout_s``, by address.

    ``adapter`` (BlueZ's ``hci0`` …) or ``None`` for the default one. Raises the
    translated :class:`~hrv_readiness.errors.StrapError` when the radio cannot scan.
    """
    try:
        if adapter is None:
            return await BleakScanner.discover(
                timeout=timeout_s, service_uuids=[HEART_RATE_SERVICE_UUID], return_adv=True
            )
        return await BleakScanner.discover(
            timeout=timeout_s,
            service_uuids=[HEART_RATE_SERVICE_UUID],
            return_adv=True,
            bluez={"adapter": adapter},
        )
    except (BleakError, OSError, EOFError) as err:
        raise translate_bleak_error(err) from err


async def scan_for_straps(
    timeout_s: float = 5.0, *, adapter: str | None = None
) -> list[DiscoveredStrap]:
    """Return the heart-rate straps advertising within ``timeout_s``, strongest first.

    Raises:
        AdapterUnavailableError: no usable Bluetooth adapter / BlueZ.

    """
    found = await discover_heart_rate(timeout_s, adapter)
    straps = [
        DiscoveredStrap(
            name=device.name or adv.local_name or "(unnamed)",
            address=device.address,
            rssi_dbm=adv.rssi,
        )
        for device, adv in found.values()
    ]
    return sorted(straps, key=lambda s: (-(s.rssi_dbm or -999), s.address))
