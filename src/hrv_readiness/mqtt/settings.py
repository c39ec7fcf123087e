"""The ``mqtt:`` section of the collector's config file.

Embedded by :class:`hrv_readiness.config.Config`; loaded once, frozen, unknown keys are an
error so a typo (``pasword:``) is reported instead of silently ignored.
"""

from __future__ import annotations

import re
from pathlib import Path  # noqa: TC003 - pydantic needs it at runtime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

#: A topic level we generate ourselves: no wildcards, no separators, no NUL.
_TOPIC_PREFIX = re.compile(r"^[^#+\x00]+$")


class MqttTlsSettings(BaseModel):
    """TLS towards the broker. Verification is on unless ``insecure`` says otherwise."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: CA bundle that signed the broker's certificate; the system store when unset.
    ca_file: Path | None = None
    #: Client certificate and key, for brokers that authenticate clients by certificate.
    cert_file: Path | None = None
    key_file: Path | None = None
    #: Skip certificate *and* host-name verification (only for a broker you trust on a
    #: network you trust; never the default).
    insecure: bool = False

    @model_validator(mode="after")
    def _cert_and_key_together(self) -> Self:
        if (self.cert_file is None) != (self.key_file is None):
            msg = "tls.cert_file and tls.key_file must be given together"
            raise ValueError(msg)
        return self


class MqttSettings(BaseModel):
    """How the collector reaches the MQTT broker and what it announces there."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    host: Annotated[str, Field(min_length=1)] = "localhost"
    port: Annotated[int, Field(ge=1, le=65535)] = 1883
    username: str | None = None
    password: SecretStr | None = None
    #: ``None``: plain TCP. A (possibly empty) ``tls:`` section turns TLS on.
    tls: MqttTlsSettings | None = None
    base_topic: Annotated[str, Field(min_length=1, max_length=100)] = "hrv_readiness"
    keepalive_s: Annotated[int, Field(ge=5, le=3600)] = 60
    #: Reconnect waits double from min to max after every failed attempt.
    reconnect_min_s: Annotated[float, Field(gt=0, le=600)] = 1.0
    reconnect_max_s: Annotated[float, Field(gt=0, le=3600)] = 60.0
    #: Seconds to wait for a CONNACK/PUBACK/SUBACK before calling the link dead.
    timeout_s: Annotated[float, Field(gt=0, le=600)] = 10.0
    #: Announce Home Assistant MQTT-discovery entities. Leave off when the HRV Readiness
    #: integration is installed: the two must never both create entities.
    discovery: bool = False
    discovery_prefix: Annotated[str, Field(min_length=1, max_length=100)] = "homeassistant"

    @field_validator("base_topic", "discovery_prefix")
    @classmethod
    def _plain_topic_prefix(cls, value: str) -> str:
        if not _TOPIC_PREFIX.match(value) or value.startswith("/") or value.endswith("/"):
            msg = "must be a topic prefix without wildcards (+, #) or leading/trailing '/'"
            raise ValueError(msg)
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.reconnect_min_s > self.reconnect_max_s:
            msg = "reconnect_min_s must not exceed reconnect_max_s"
            raise ValueError(msg)
        if self.password is not None and self.username is None:
            msg = "password is set but username is not"
            raise ValueError(msg)
        return self
