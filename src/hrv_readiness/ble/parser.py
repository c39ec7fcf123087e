"""Parse Heart Rate Measurement (0x2A37) notifications, complete to the GATT spec.

Layout (little-endian, Bluetooth SIG Heart Rate Service 1.0, docs/model.md)::

    flags  uint8   bit0 HR format (0 uint8, 1 uint16 bpm)
                   bits1-2 sensor contact (0/1 unsupported, 2 no contact, 3 contact)
                   bit3 Energy Expended present, bit4 RR intervals present
    HR     uint8 or uint16 bpm
    energy uint16 kJ              (if bit3)
    RR...  uint16 in 1/1024 s     (if bit4; oldest first, count implied by length)

An odd trailing byte after the RR intervals is ignored (seen on real straps);
a payload too short for the fields its flags announce raises
:class:`~hrv_readiness.ble.errors.HeartRateParseError`.
"""

from __future__ import annotations

from hrv_readiness.ble.errors import HeartRateParseError
from hrv_readiness.ble.models import HeartRateMeasurement

_HR_UINT16 = 0x01
_CONTACT_SUPPORTED = 0x04
_CONTACT_DETECTED = 0x02
_ENERGY_PRESENT = 0x08
_RR_PRESENT = 0x10
_UINT8_MAX = 0xFF

#: RR intervals are sent in units of 1/1024 s.
RR_UNITS_PER_SECOND = 1024.0


def parse_heart_rate_measurement(data: bytes) -> HeartRateMeasurement:
    """Decode one 0x2A37 notification payload.

    Raises:
        HeartRateParseError: the payload is empty or shorter than its flags require.

    """
    payload = bytes(data)
    if not payload:
        raise HeartRateParseError("empty heart rate measurement", payload=payload)
    flags = payload[0]
    offset = 1
    hr_size = 2 if flags & _HR_UINT16 else 1
    if len(payload) < offset + hr_size:
        raise HeartRateParseError(
            f"heart rate measurement truncated: {len(payload)} bytes, "
            f"flags 0x{flags:02x} need a {hr_size}-byte heart rate",
            payload=payload,
        )
    heart_rate_bpm = int.from_bytes(payload[offset : offset + hr_size], "little")
    offset += hr_size

    sensor_contact: bool | None = None
    if flags & _CONTACT_SUPPORTED:
        sensor_contact = bool(flags & _CONTACT_DETECTED)

    energy_expended_kj: int | None = None
    if flags & _ENERGY_PRESENT:
        if len(payload) < offset + 2:
            raise HeartRateParseError(
                f"heart rate measurement truncated: {len(payload)} bytes, "
                "flags announce Energy Expended but it is missing",
                payload=payload,
            )
        energy_expended_kj = int.from_bytes(payload[offset : offset + 2], "little")
        offset += 2

    rr_intervals_ms: tuple[float, ...] = ()
    if flags & _RR_PRESENT:
        count = (len(payload) - offset) // 2  # an odd trailing byte is ignored
        rr_intervals_ms = tuple(
            int.from_bytes(payload[offset + 2 * i : offset + 2 * i + 2], "little")
            * 1000.0
            / RR_UNITS_PER_SECOND
            for i in range(count)
        )

    return HeartRateMeasurement(
        heart_rate_bpm=heart_rate_bpm,
        sensor_contact=sensor_contact,
        energy_expended_kj=energy_expended_kj,
        rr_intervals_ms=rr_intervals_ms,
    )


def encode_heart_rate_measurement(
    *,
    heart_rate_bpm: int,
    sensor_contact: bool | None = None,
    energy_expended_kj: int | None = None,
    rr_raw: tuple[int, ...] = (),
) -> bytes:
    """Build a 0x2A37 payload (for the simulated strap and the fake BlueZ).

    ``rr_raw`` are the on-air uint16 values (1/1024 s for a conforming strap).
    """
    flags = 0
    body = bytearray()
    if heart_rate_bpm > _UINT8_MAX:
        flags |= _HR_UINT16
        body += heart_rate_bpm.to_bytes(2, "little")
    else:
        body += heart_rate_bpm.to_bytes(1, "little")
    if sensor_contact is not None:
        flags |= _CONTACT_SUPPORTED
        if sensor_contact:
            flags |= _CONTACT_DETECTED
    if energy_expended_kj is not None:
        flags |= _ENERGY_PRESENT
        body += energy_expended_kj.to_bytes(2, "little")
    if rr_raw:
        flags |= _RR_PRESENT
        for value in rr_raw:
            body += value.to_bytes(2, "little")
    return bytes([flags]) + bytes(body)


def rr_ms_to_raw(rr_ms: float) -> int:
    """Convert an RR interval in ms to the on-air uint16 in 1/1024 s (clamped)."""
    return max(0, min(0xFFFF, round(rr_ms * RR_UNITS_PER_SECOND / 1000.0)))
