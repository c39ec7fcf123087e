"""Errors of the MQTT link, and the one place aiomqtt/paho failures are translated.

Every child of :class:`~hrv_readiness.errors.BrokerError` carries the broker's
``host`` and ``port`` (defined once, on that base).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiomqtt
from aiomqtt.exceptions import MqttConnectError
from paho.mqtt.reasoncodes import ReasonCode

from hrv_readiness.errors import BrokerError, ConfigError

if TYPE_CHECKING:
    from hrv_readiness.mqtt.settings import MqttSettings

#: What the link raises when it breaks: aiomqtt's error, or the OS error of a socket
#: that went away under paho (a broker restart can close it mid-call).
LINK_ERRORS = (aiomqtt.MqttError, OSError)


class BrokerUnavailableError(BrokerError):
    """No broker answered at host:port (down, wrong address, firewall, timeout)."""


class BrokerAuthError(BrokerError):
    """The broker refused our login (user name, password or authorisation)."""


class BrokerTlsError(BrokerError):
    """The TLS handshake failed, usually because the CA does not verify the broker."""


class MqttConfigError(ConfigError):
    """The ``mqtt:`` settings name a file that cannot be used (CA, cert, key)."""


def translate_error(
    err: aiomqtt.MqttError | OSError,
    settings: MqttSettings,
    *,
    was_connected: bool = False,
    detail: str | None = None,
) -> BrokerError:
    """One clear :class:`BrokerError` for whatever aiomqtt/paho (or the socket) raised.

    ``detail`` is what paho logged about the attempt, added when the exception itself
    says no more than that an operation timed out.
    """
    host, port = settings.host, settings.port
    text = str(err) or "timed out"
    if detail and (isinstance(err, TimeoutError) or text == "Operation timed out"):
        text = f"{text}: {detail}"
    if isinstance(err, aiomqtt.MqttCodeError) and isinstance(err.rc, ReasonCode | int):
        value = err.rc.value if isinstance(err.rc, ReasonCode) else err.rc
        # MQTT 3.1.1 CONNACK 4/5, MQTT 5 0x86/0x87.
        if isinstance(err, MqttConnectError) and value in {4, 5, 0x86, 0x87}:
            return BrokerAuthError(
                f"MQTT broker at {host}:{port} refused the login ({text}); "
                "check mqtt.username and mqtt.password",
                host=host,
                port=port,
            )
    if "CERTIFICATE_VERIFY_FAILED" in text or "SSL" in text or "TLS" in text:
        return BrokerTlsError(
            f"TLS with the MQTT broker at {host}:{port} failed ({text}); check "
            "mqtt.tls.ca_file (it must verify the broker's certificate, which must name "
            "this host) and mqtt.tls.cert_file/key_file if the broker wants a client "
            "certificate",
            host=host,
            port=port,
        )
    if was_connected:
        return BrokerUnavailableError(
            f"lost the connection to the MQTT broker at {host}:{port} ({text})",
            host=host,
            port=port,
        )
    return BrokerUnavailableError(
        f"no MQTT broker answered at {host}:{port} ({text})", host=host, port=port
    )
