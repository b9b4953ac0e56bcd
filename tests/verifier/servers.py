"""Real HTTP(S) servers on 127.0.0.1 for resolver tests, and a resolver serving documents."""

from __future__ import annotations

import datetime
import ipaddress
import json
import ssl
import threading
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from verifier.errors import ResolutionError


@dataclass
class Route:
    """What one path answers: status, headers, body, and how slowly."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering
    drip: float = 0.0  # seconds between 16-byte pieces of the body
    length: bool = True  # send Content-Length
    raw: bytes | None = None  # bytes sent instead of a well-formed response


class LocalServer:
    """A threaded HTTP (or HTTPS) server on 127.0.0.1 that counts requests per path."""

    def __init__(self, routes: Mapping[str, Route], *, tls: ssl.SSLContext | None = None):
        self.routes = dict(routes)
        self.hits: Counter[str] = Counter()
        self.requests: list[dict[str, str]] = []
        self.stop = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self.scheme = "https" if tls else "http"
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,))

    def url(self, path: str, *, host: str = "127.0.0.1") -> str:
        """Return this server's URL for ``path``."""
        return f"{self.scheme}://{host}:{self.port}{path}"

    def __enter__(self) -> LocalServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


def _handler(owner: LocalServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            owner.hits[self.path] += 1
            owner.requests.append({"path": self.path, **dict(self.headers.items())})
            route = owner.routes.get(self.path, Route(b"not found", status=404))
            if route.delay and owner.stop.wait(route.delay):
                return
            try:
                if route.raw is not None:
                    self.wfile.write(route.raw)
                    return
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if route.length:
                    self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                if not route.drip:
                    self.wfile.write(route.body)
                    return
                for start in range(0, len(route.body), 16):
                    if owner.stop.wait(route.drip):
                        return
                    self.wfile.write(route.body[start : start + 16])
                    self.wfile.flush()
            except OSError:  # the client gave up, as a resolver with a timeout does
                return

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@dataclass(frozen=True)
class Tls:
    """A test CA, a server context with a certificate for localhost and 127.0.0.1, a client one."""

    server: ssl.SSLContext
    client: ssl.SSLContext


def make_tls(directory: Path) -> Tls:
    """Create a CA and a server certificate signed by it, valid for localhost and 127.0.0.1."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key, leaf_key = (
        ec.generate_private_key(ec.SECP256R1()),
        ec.generate_private_key(ec.SECP256R1()),
    )
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Certifikation test CA")])
    ca = (
        _builder(ca_name, ca_name, ca_key.public_key(), now)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    leaf_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    leaf = (
        _builder(leaf_name, ca_name, leaf_key.public_key(), now)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(cert_sign=False), critical=True)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    cert_file, key_file = directory / "server.pem", directory / "server.key"
    cert_file.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        leaf_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert_file, key_file)
    client = ssl.create_default_context(
        cadata=ca.public_bytes(serialization.Encoding.PEM).decode("ascii")
    )
    return Tls(server, client)


def _builder(
    subject: x509.Name, issuer: x509.Name, key: ec.EllipticCurvePublicKey, now: datetime.datetime
) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
    )


def _usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


class DocumentResolver:
    """A resolver serving fixed documents by URL, as an injected loader may; counts fetches."""

    def __init__(self, documents: Mapping[str, Any] | None = None) -> None:
        self.documents: dict[str, bytes] = {}
        self.fetched: list[str] = []
        for url, document in (documents or {}).items():
            self.add(url, document)

    def add(self, url: str, document: Any) -> None:
        """Serve ``document`` (bytes, or JSON to encode) at ``url``."""
        self.documents[url] = (
            document if isinstance(document, bytes) else json.dumps(document).encode()
        )

    def fetch(self, url: str, *, accept: str) -> bytes:
        """Return the document at ``url`` (fragment dropped) or raise ResolutionError."""
        url = url.partition("#")[0]
        self.fetched.append(url)
        if url not in self.documents:
            raise ResolutionError(f"{url}: not served in this test")
        return self.documents[url]
