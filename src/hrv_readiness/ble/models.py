"""Frozen models of the BLE collector: what a strap sends and what a session produces."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime  # noqa: TC003 - pydantic/dataclass field types at runtime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hrv_readiness.ble.errors import StrapFailure  # noqa: TC001 - a dataclass field type

#: Body Sensor Location (0x2A38) values from the Heart Rate Service spec.
BODY_SENSOR_LOCATIONS: dict[int, str] = {
    0: "other",
    1: "chest",
    2: "wrist",
    3: "finger",
    4: "hand",
    5: "ear lobe",
    6: "foot",
}


@dataclass(frozen=True, kw_only=True)
class HeartRateMeasurement:
    """One decoded 0x2A37 notification."""

    heart_rate_bpm: int
    #: True/False when the strap supports contact detection, None when it does not.
    sensor_contact: bool | None
    energy_expended_kj: int | None
    #: RR intervals converted from 1/1024 s to ms, oldest first.
    rr_intervals_ms: tuple[float, ...]


@dataclass(frozen=True, kw_only=True)
class StrapInfo:
    """What a connected strap told us about itself."""

    name: str
    address: str
    battery_pct: int | None = None
    body_sensor_location: str | None = None


@dataclass(frozen=True, kw_only=True)
class DiscoveredStrap:
    """A strap seen advertising the Heart Rate service."""

    name: str
    address: str
    rssi_dbm: int | None = None


class SessionState(enum.StrEnum):
    """States of the measurement session (see :mod:`hrv_readiness.ble.session`)."""

    WAITING_FOR_STRAP = "waiting_for_strap"
    CONNECTING = "connecting"
    WAITING_FOR_CONTACT = "waiting_for_contact"
    SETTLING = "settling"
    RECORDING = "recording"
    RECONNECTING = "reconnecting"
    COMPLETE = "complete"
    ABORTED = "aborted"
    FAILED = "failed"


@dataclass(frozen=True, kw_only=True)
class Progress:
    """Where a recording stands; elapsed time is the sum of recorded RR.

    ``extending`` says why the recording runs past its planned length (``total_s`` then
    includes the extension); empty while it does not.
    """

    elapsed_s: float
    total_s: float
    heart_rate_bpm: int
    beats: int
    artifacts: int
    extending: str = ""


@dataclass(frozen=True, kw_only=True)
class SessionEvent:
    """A state change (``progress`` None) or a progress tick (state RECORDING)."""

    state: SessionState
    message: str = ""
    progress: Progress | None = None
    #: The cue of an orthostatic test: the person should stand up now (state RECORDING).
    stand_up: bool = False


@dataclass(frozen=True, kw_only=True)
class Recording:
    """A complete morning recording: only RR recorded after settling."""

    rr_ms: tuple[float, ...]
    started_at: datetime
    #: Sum of ``rr_ms`` in seconds: the RR timeline, not packet arrival.
    duration_s: float
    strap_name: str
    strap_address: str
    battery_pct: int | None
    body_sensor_location: str | None
    reconnects: int
    #: Indices into ``rr_ms`` where a contiguous run starts (0 first). A new run starts
    #: after a reconnect, a contact loss or a removed implausible RR: successive
    #: differences must not be taken across these boundaries (docs/model.md).
    segment_starts: tuple[int, ...] = (0,)
    #: RR outside 273-2000 ms that were dropped (not part of ``rr_ms``).
    implausible_rr: int = 0
    #: "1/1024 s" for a conforming strap, "ms" when the strap was caught sending ms
    #: (values were rescaled to true ms).
    rr_unit: str = "1/1024 s"
    #: An orthostatic test: the first interval of ``rr_ms`` recorded after the cue to
    #: stand (None: a plain reading, or the cue never came).
    stand_index: int | None = None
    #: Seconds of RR recorded in all; more than ``duration_s`` when the recording was
    #: extended and only its cleanest window is in ``rr_ms`` (0: same as duration_s).
    recorded_s: float = 0.0
    #: Where ``rr_ms`` starts on the recording's timeline (s after recording began).
    window_start_s: float = 0.0
    #: Which window was analysed and why, in words ("" when not extended).
    window: str = ""


@dataclass(frozen=True, kw_only=True)
class MeasurementResult:
    state: SessionState
    reason: str | None = None
    recording: Recording | None = None
    #: Why there is no recording (``None`` for a complete one).
    failure: StrapFailure | None = None
    events: tuple[SessionEvent, ...] = field(default=(), repr=False)


class MeasurementSettings(BaseModel):
    """How a morning measurement runs. Timeouts are in event-loop (monotonic) seconds."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: Recorded length (sum of RR) after settling; 120 s per Munoz et al. 2015.
    duration_s: float = Field(default=120.0, ge=60.0, le=300.0)
    #: Seconds of RR discarded after skin contact (Polar H10 quirks, docs/model.md).
    settle_s: float = Field(default=10.0, ge=0.0, le=120.0)
    #: How long to look for the strap (all scan attempts together).
    strap_wait_s: float = Field(default=60.0, gt=0.0)
    #: Scan time of one attempt.
    scan_s: float = Field(default=10.0, gt=0.0)
    #: How long to wait for the Bluetooth adapter to come back.
    adapter_wait_s: float = Field(default=60.0, gt=0.0)
    #: How long to wait for skin contact before aborting.
    contact_timeout_s: float = Field(default=60.0, gt=0.0)
    #: No notification for this long means the link is dead (stall, bluetoothd exit).
    watchdog_s: float = Field(default=5.0, gt=0.0)
    #: A link loss shorter than this continues the recording; longer restarts it.
    short_drop_s: float = Field(default=15.0, ge=0.0)
    #: Connection attempts after the first one, over the whole session.
    max_reconnects: int = Field(default=5, ge=0)
    #: Pause between failed connection attempts.
    retry_delay_s: float = Field(default=1.0, ge=0.0)
    #: Time allowed for one connect (scan excluded) before it counts as failed.
    connect_timeout_s: float = Field(default=30.0, gt=0.0)
    #: Plausible RR range in ms (OpenHRV, docs/model.md).
    min_rr_ms: float = Field(default=273.0, gt=0.0)
    max_rr_ms: float = Field(default=2000.0, gt=0.0)
    #: Measure longer instead of refusing (``hrv_readiness.ble.extension``, docs/hrv.md):
    #: a recording that would be refused, or whose RMSSD could depend on corrected beats
    #: by more than ``max_uncertainty_pct`` %, keeps recording for up to
    #: ``max_extension_s`` more seconds; then the cleanest ``duration_s`` window is used.
    max_extension_s: float = Field(default=60.0, ge=0.0, le=300.0)
    max_uncertainty_pct: float = Field(default=4.0, gt=0.0, le=100.0)

    @model_validator(mode="after")
    def _check_rr_range(self) -> MeasurementSettings:
        if self.min_rr_ms >= self.max_rr_ms:
            msg = f"min_rr_ms ({self.min_rr_ms}) must be below max_rr_ms ({self.max_rr_ms})"
            raise ValueError(msg)
        return self
