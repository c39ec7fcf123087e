"""The one exception hierarchy of HRV Readiness.

Every error the collector raises on purpose is an :class:`HrvError`. Foreign
exceptions (bleak, paho/aiomqtt, sqlite3, pydantic, yaml) are translated once,
where that library is used, with ``raise ... from err``. Packages add specific
children next to the code that raises them, always deriving from one of the
families below, and carry the data a caller needs (not only a message).
"""

from __future__ import annotations


class HrvError(Exception):
    """Base of every error raised by HRV Readiness."""


class ConfigError(HrvError):
    """The configuration file is missing, unreadable or invalid."""


class InputError(HrvError):
    """Input data (RR intervals, a file, a questionnaire value) is unusable."""


class InsufficientDataError(InputError):
    """Too little data for the requested computation."""

    def __init__(self, message: str, *, got: int, needed: int) -> None:
        super().__init__(message)
        self.got = got
        self.needed = needed


class ParseError(InputError):
    """Bytes from outside (a BLE notification, an MQTT payload) could not be parsed."""


class ReadingRejectedError(InputError):
    """A reading is too poor to turn into a number; measure again."""


class StrapError(HrvError):
    """The heart-rate strap or the Bluetooth stack failed.

    ``address`` is the strap's Bluetooth address when one strap is concerned
    (``None`` for the adapter or a scan).
    """

    def __init__(self, message: str, *, address: str | None = None) -> None:
        super().__init__(message)
        self.address = address


class StoreError(HrvError):
    """The history database could not be read or written."""


class BrokerError(HrvError):
    """The MQTT broker at ``host``:``port`` could not be reached or refused us."""

    def __init__(self, message: str, *, host: str, port: int) -> None:
        super().__init__(message)
        self.host = host
        self.port = port


class CommandRejectedError(HrvError):
    """A command received over MQTT was invalid and was not acted on."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code
