"""Start a real Mosquitto broker on a free loopback port for one test (or session).

Used by both test suites (collector and Home Assistant), so it depends on nothing but
the standard library. The broker runs with a generated config in a temporary
directory; `stop()` terminates it and `restart()` brings it back on the same port
(for outage tests).
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

HOST = "127.0.0.1"


def find_mosquitto() -> str:
    """Return the path of the mosquitto binary (Debian puts it in /usr/sbin)."""
    found = shutil.which("mosquitto") or shutil.which("mosquitto", path="/usr/sbin:/usr/bin")
    if found is None:
        msg = "mosquitto is not installed; `make test` installs the Debian package `mosquitto`"
        raise RuntimeError(msg)
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, *, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=0.2):
            return
        time.sleep(0.01)
    msg = f"mosquitto did not open {HOST}:{port} within {timeout_s} s"
    raise TimeoutError(msg)


@dataclass
class MosquittoBroker:
    """A mosquitto process listening on ``HOST:port``.

    ``extra_config`` lines are appended to the generated mosquitto.conf (e.g. a TLS
    listener); ``port`` is chosen free unless given.
    """

    port: int = field(default_factory=free_port)
    extra_config: tuple[str, ...] = ()
    _workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="mosquitto-")))
    _process: subprocess.Popen[bytes] | None = None

    @property
    def host(self) -> str:
        return HOST

    @property
    def log_path(self) -> Path:
        return self._workdir / "mosquitto.log"

    def start(self) -> Self:
        config = self._workdir / "mosquitto.conf"
        lines = [
            f"listener {self.port} {HOST}",
            "allow_anonymous true",
            "persistence false",
            "set_tcp_nodelay true",
            f"log_dest file {self.log_path}",
            "log_type error",
            "log_type warning",
            "log_type notice",
            *self.extra_config,
        ]
        config.write_text("\n".join(lines) + "\n", encoding="utf-8")
        self._process = subprocess.Popen(
            [find_mosquitto(), "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for_port(self.port)
        except TimeoutError:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=5)
        self._process = None

    def kill(self) -> None:
        """Stop the broker abruptly (SIGKILL), as a crash or power cut would."""
        if self._process is None:
            return
        self._process.kill()
        self._process.wait(timeout=5)
        self._process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def close(self) -> None:
        # SIGKILL: nothing of a test's broker is kept, and a clean shutdown takes
        # mosquitto ~0.1 s, once per test.
        self.kill()
        shutil.rmtree(self._workdir, ignore_errors=True)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()


@dataclass(frozen=True)
class TlsFiles:
    """A throw-away CA and a server certificate it signed (PEM files)."""

    ca_cert: Path
    ca_key: Path
    server_cert: Path
    server_key: Path

    def listener_config(self) -> tuple[str, ...]:
        """``extra_config`` lines that turn the broker's listener into a TLS listener."""
        return (
            f"cafile {self.ca_cert}",
            f"certfile {self.server_cert}",
            f"keyfile {self.server_key}",
        )


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def make_tls_files(directory: Path, *, name: str = "test", host: str = HOST) -> TlsFiles:
    """Generate a CA and a server certificate for ``host`` with the openssl CLI.

    The extensions satisfy Python's strict default verification (basic constraints,
    key usage, key identifiers, subjectAltName with the IP address and localhost).
    The certificate may also serve as a client certificate (``require_certificate``).
    """
    directory.mkdir(parents=True, exist_ok=True)
    files = TlsFiles(
        ca_cert=directory / f"{name}-ca.crt",
        ca_key=directory / f"{name}-ca.key",
        server_cert=directory / f"{name}-server.crt",
        server_key=directory / f"{name}-server.key",
    )
    ec = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    _openssl(
        "req", "-x509", *ec, "-days", "2", "-subj", f"/CN=HRV Readiness {name} CA",
        "-keyout", str(files.ca_key), "-out", str(files.ca_cert),
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        "-addext", "subjectKeyIdentifier=hash",
    )  # fmt: skip
    csr = directory / f"{name}-server.csr"
    _openssl(
        "req", "-new", *ec, "-subj", f"/CN={host}",
        "-keyout", str(files.server_key), "-out", str(csr),
    )  # fmt: skip
    extensions = directory / f"{name}-server.ext"
    extensions.write_text(
        f"subjectAltName=IP:{host},DNS:localhost\n"
        "basicConstraints=critical,CA:FALSE\n"
        "keyUsage=critical,digitalSignature,keyAgreement\n"
        "extendedKeyUsage=serverAuth,clientAuth\n"
        "subjectKeyIdentifier=hash\n"
        "authorityKeyIdentifier=keyid,issuer\n",
        encoding="utf-8",
    )
    _openssl(
        "x509", "-req", "-in", str(csr), "-CA", str(files.ca_cert),
        "-CAkey", str(files.ca_key), "-CAcreateserial", "-days", "2",
        "-out", str(files.server_cert), "-extfile", str(extensions),
    )  # fmt: skip
    for path in (files.ca_cert, files.server_cert, files.server_key):
        path.chmod(0o644)  # mosquitto may read them after dropping root privileges
    return files
