"""The aiomqtt client as the publisher uses it: TLS, paho's log, and two workarounds.

* paho-mqtt 2.2 drops the socket of a failed TLS handshake without closing it
  (:class:`_ClosingSSLSocket`).
* aiomqtt 2.x schedules ``add_writer`` on the socket's descriptor number from
  paho's callback; when the connection is closed before the loop runs
  them (a broker restart), the loop logs ``OSError: [Errno 9] Bad file descriptor``
  — or, worse, watches a descriptor already reused by the next connection.
  :class:`LinkClient` checks the socket is still the same open one first, and stops
  watching it for writing when it closes. (aiomqtt is pinned ``<3``; these are its
  private hooks.)
* Some failures only reach paho's log, not the exception (:class:`AttemptLog`).
"""

from __future__ import annotations

import logging
import ssl
from typing import TYPE_CHECKING, Any

import aiomqtt

from hrv_readiness.mqtt.errors import MqttConfigError

if TYPE_CHECKING:
    from paho.mqtt.client import Client as PahoClient

    from hrv_readiness.mqtt.settings import MqttSettings


class _ClosingSSLSocket(ssl.SSLSocket):
    """Closes itself when the handshake fails.

    paho-mqtt 2.2 drops the socket of a failed TLS handshake without closing it, so a
    collector retrying against a broker with the wrong certificate would leak one file
    descriptor per attempt until the garbage collector finds it.
    """

    def do_handshake(self, block: bool = False) -> None:
        try:
            super().do_handshake(block)
        except BaseException:
            self.close()
            raise


def tls_context(settings: MqttSettings) -> ssl.SSLContext | None:
    """The SSL context of ``settings.tls`` (``None`` for plain TCP).

    Raises :class:`MqttConfigError` naming the setting when a file is missing or is
    not a certificate or key (``hrv-collector run --check`` calls this too).
    """
    tls = settings.tls
    if tls is None:
        return None
    for name, path in (
        ("ca_file", tls.ca_file),
        ("cert_file", tls.cert_file),
        ("key_file", tls.key_file),
    ):
        if path is not None and not path.expanduser().is_file():
            msg = f"mqtt.tls.{name} = '{path}' — no such file"
            raise MqttConfigError(msg)
    try:
        context = ssl.create_default_context(
            cafile=str(tls.ca_file.expanduser()) if tls.ca_file is not None else None
        )
        if tls.cert_file is not None and tls.key_file is not None:
            context.load_cert_chain(str(tls.cert_file.expanduser()), str(tls.key_file.expanduser()))
    except (OSError, ssl.SSLError) as err:
        msg = f"mqtt.tls: cannot load certificate files: {err}"
        raise MqttConfigError(msg) from err
    if tls.insecure:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    context.sslsocket_class = _ClosingSSLSocket
    return context


class AttemptLog(logging.Logger):
    """paho's log for one connection attempt: passed on to ours, the last problem kept.

    Some failures only reach paho's log, not the exception: a broker that wants a
    client certificate accepts the TLS 1.3 handshake, then alerts on the first read,
    and the connect just times out. The kept line makes that error say why.
    """

    def __init__(self) -> None:
        super().__init__("hrv_readiness.mqtt.paho")
        self.parent = logging.getLogger("hrv_readiness.mqtt.paho")
        self.problem: str | None = None

    def handle(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING and "pending publish calls" not in record.msg:
            self.problem = record.getMessage()
        super().handle(record)


class LinkClient(aiomqtt.Client):
    """aiomqtt's client, never watching a socket that is already closed (see above)."""

    def _on_socket_register_write(
        self,
        client: PahoClient,
        userdata: Any,  # noqa: ANN401, ARG002 - paho's callback signature
        sock: Any,  # noqa: ANN401
    ) -> None:
        fileno = sock.fileno()

        def on_writable() -> None:
            # As aiomqtt: a failing write means the connection broke.
            try:
                client.loop_write()
            except Exception as exc:  # noqa: BLE001 - handed to the session as its end
                if not self._disconnected.done():
                    self._disconnected.set_exception(exc)

        def watch() -> None:
            if fileno < 0 or sock.fileno() != fileno:
                return  # closed since paho asked: nothing to write to any more
            self._loop.add_writer(fileno, on_writable)

        # paho may call this from the executor thread that connects.
        self._loop.call_soon_threadsafe(watch)

    def _on_socket_close(
        self,
        client: PahoClient,
        userdata: Any,  # noqa: ANN401 - paho's callback signature
        sock: Any,  # noqa: ANN401
    ) -> None:
        fileno = sock.fileno()
        if fileno > -1:
            # aiomqtt removes only the reader; a writer left behind is the stale
            # registration the next connection's descriptor would trip over.
            self._loop.remove_writer(fileno)
        super()._on_socket_close(client, userdata, sock)
