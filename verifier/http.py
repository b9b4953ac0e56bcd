"""The HTTP resolver: the verifier's only sockets, behind an SSRF guard, caps and a cache."""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from verifier.errors import FetchRefused, HttpStatusError, ResolutionError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Lookup = Callable[[str, int], list[str]]

MAX_REDIRECTS = 3
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
_CGNAT = ipaddress.ip_network("100.64.0.0/10")  # RFC 6598 shared address space
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052: the low 32 bits are an IPv4 address
_USER_AGENT = "certifikation-verifier"


@dataclass(frozen=True)
class _Target:
    """A vetted request: where to connect, what to ask for, and how."""

    host: str
    port: int
    path: str
    addresses: tuple[str, ...]
    tls: bool


def lookup_host(host: str, port: int) -> list[str]:
    """Return every address the system resolver gives for ``host``."""
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


class HttpResolver:
    """Fetches http(s) URLs for the verifier, refusing private networks and oversize answers.

    The host is resolved once; every address must be public (or loopback when
    ``allow_loopback``), and the connection goes to that vetted address, so DNS rebinding
    cannot redirect it. TLS still checks the certificate against the URL's host name.
    Plain http is only fetched from loopback addresses with ``allow_loopback``; with
    ``loopback_http`` too, https URLs on loopback are fetched over plain http, so a local
    issuer without TLS (``make run``) can serve its did:web document. ``timeout`` bounds
    connecting, redirects and reading together; the system's DNS lookup keeps its own.
    """

    def __init__(
        self,
        *,
        allow_loopback: bool = False,
        loopback_http: bool = False,
        timeout: float = 5.0,
        max_bytes: int = 2_000_000,
        cache_ttl: float = 300.0,
        cache_size: int = 512,
        clock: Callable[[], float] = time.monotonic,
        ssl_context: ssl.SSLContext | None = None,
        lookup: Lookup = lookup_host,
    ) -> None:
        self.allow_loopback = allow_loopback
        self.loopback_http = loopback_http
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.cache_ttl = cache_ttl
        self.cache_size = cache_size
        self._clock = clock
        self._ssl = ssl_context or ssl.create_default_context()
        self._lookup = lookup
        self._cache: OrderedDict[tuple[str, str], tuple[float, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def fetch(self, url: str, *, accept: str) -> bytes:
        """Return the body of ``url`` (fragment dropped), from the cache while it is fresh.

        An answer stays fresh for ``cache_ttl`` seconds, or less when its Cache-Control says
        so (``max-age``; ``no-store`` and ``no-cache`` keep it out), so a status list that
        asks to be re-read after 60 s is, and a revocation shows when its issuer promised.

        Raises:
            FetchRefused: The scheme, host or an address it resolves to is not allowed.
            HttpStatusError: The final answer was not 200 OK.
            ResolutionError: Timeout, TLS or connection failure, too large, too many redirects.
        """
        url = url.partition("#")[0]
        key = (url, accept)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None and cached[0] > self._clock():
                self._cache.move_to_end(key)
                return cached[1]
            self._cache.pop(key, None)
        body, max_age = self._follow(url, accept)
        ttl = self.cache_ttl if max_age is None else min(self.cache_ttl, max_age)
        if ttl > 0 and self.cache_size > 0:
            with self._lock:
                self._cache[key] = (self._clock() + ttl, body)
                self._cache.move_to_end(key)
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        return body

    def forget(self, url: str, *, accept: str) -> None:
        """Drop the cached answer for ``url`` (fragment dropped), so the next fetch goes out."""
        with self._lock:
            self._cache.pop((url.partition("#")[0], accept), None)

    def _follow(self, url: str, accept: str) -> tuple[bytes, float | None]:
        """GET ``url``, following at most MAX_REDIRECTS redirects, each target vetted anew.

        Returns the body and the seconds its Cache-Control lets it be reused (None: unsaid).
        """
        deadline = time.monotonic() + self.timeout
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            where = url if current == url else f"{url} (redirected to {current})"
            target = self._vet(current, where)
            status, location, body, max_age = self._get(target, accept, deadline, where)
            if status not in _REDIRECTS:
                return body, max_age
            if not location:
                raise ResolutionError(f"{where}: HTTP {status} without a Location header")
            current = urljoin(current, location).partition("#")[0]
        raise ResolutionError(f"{url}: more than {MAX_REDIRECTS} redirects")

    def _vet(self, url: str, where: str) -> _Target:
        """Check scheme, host and every address the host resolves to; refuse what is unsafe."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as error:
            raise FetchRefused(f"{where}: refused: not a valid URL ({error})") from None
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise FetchRefused(f"{where}: refused: only http(s) URLs are fetched")
        if parts.username is not None or parts.password is not None:
            raise FetchRefused(f"{where}: refused: URLs with credentials are not fetched")
        host = parts.hostname
        if not host:
            raise FetchRefused(f"{where}: refused: the URL has no host")
        port = port or (443 if scheme == "https" else 80)
        addresses = self._addresses(host, port, where)
        for address in addresses:
            reason = forbidden_reason(address, allow_loopback=self.allow_loopback)
            if reason:
                raise FetchRefused(f"{where}: refused: {address} is {reason}")
        loopback = all(_unmapped(address).is_loopback for address in addresses)
        if scheme == "http" and not (self.allow_loopback and loopback):
            raise FetchRefused(f"{where}: refused: plain http is only fetched from loopback")
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        tls = scheme == "https" and not (self.loopback_http and loopback)
        return _Target(host, port, path, tuple(str(a) for a in addresses), tls)

    def _addresses(self, host: str, port: int, where: str) -> list[IPAddress]:
        """Return the host's addresses: itself if it is an IP literal, else a DNS lookup."""
        try:
            return [ipaddress.ip_address(host)]
        except ValueError:
            pass
        try:
            found = [ipaddress.ip_address(a.partition("%")[0]) for a in self._lookup(host, port)]
        except (OSError, UnicodeError, ValueError) as error:
            raise ResolutionError(f"{where}: cannot resolve {host}: {error}") from None
        if not found:
            raise ResolutionError(f"{where}: {host} has no address")
        return found

    def _get(
        self, target: _Target, accept: str, deadline: float, where: str
    ) -> tuple[int, str | None, bytes, float | None]:
        """Send one GET to the vetted address; return status, Location, a capped body and
        its Cache-Control freshness."""
        connection = http.client.HTTPConnection(target.host, target.port)
        response: http.client.HTTPResponse | None = None
        try:
            # Kept: http.client drops connection.sock once a response will close it.
            sock = connection.sock = self._connect(target, deadline, where)
            connection.request(
                "GET", target.path, headers={"Accept": accept, "User-Agent": _USER_AGENT}
            )
            _set_timeout(sock, deadline, where, self.timeout)
            response = connection.getresponse()
            if response.status in _REDIRECTS:
                return response.status, response.getheader("Location"), b"", None
            if response.status != 200:
                raise HttpStatusError(
                    f"{where}: HTTP {response.status} {response.reason}".rstrip(),
                    status=response.status,
                )
            body = self._read(sock, response, deadline, where)
            return 200, None, body, max_age(response.getheader("Cache-Control"))
        except TimeoutError:
            raise ResolutionError(f"{where}: timed out after {self.timeout:g} s") from None
        except ssl.SSLError as error:
            raise ResolutionError(f"{where}: TLS failed: {error.reason or error}") from None
        except (http.client.HTTPException, ValueError) as error:
            raise ResolutionError(f"{where}: malformed HTTP exchange: {error!r}") from None
        except OSError as error:
            raise ResolutionError(f"{where}: connection failed: {error}") from None
        finally:
            if response is not None:  # a response that will close owns the socket
                response.close()
            connection.close()

    def _connect(self, target: _Target, deadline: float, where: str) -> socket.socket:
        """Open a socket to the first reachable vetted address, wrapped in TLS when asked."""
        failure: OSError | None = None
        for address in target.addresses:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            try:
                sock = socket.create_connection((address, target.port), timeout=remaining)
            except TimeoutError:
                raise
            except OSError as error:
                failure = error
                continue
            if not target.tls:
                return sock
            try:
                return self._ssl.wrap_socket(sock, server_hostname=target.host)
            except BaseException:
                sock.close()
                raise
        raise ResolutionError(f"{where}: cannot connect to {target.host}: {failure}")

    def _read(
        self,
        sock: socket.socket,
        response: http.client.HTTPResponse,
        deadline: float,
        where: str,
    ) -> bytes:
        """Read the body in chunks, never more than max_bytes + 1, within the deadline."""
        encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
        if encoding != "identity":
            raise ResolutionError(f"{where}: served {encoding}-encoded; only identity is read")
        length = response.getheader("Content-Length")
        if length and length.isdigit() and int(length) > self.max_bytes:
            raise ResolutionError(f"{where}: {length} bytes exceed the {self.max_bytes}-byte limit")
        chunks: list[bytes] = []
        total = 0
        while not response.isclosed():  # it closes itself once Content-Length is read
            _set_timeout(sock, deadline, where, self.timeout)
            # read1: one recv per call, so the deadline is checked between drips.
            chunk = response.read1(min(_CHUNK, self.max_bytes + 1 - total))
            if not chunk:
                break
            total += len(chunk)
            if total > self.max_bytes:
                raise ResolutionError(f"{where}: the body exceeds the {self.max_bytes}-byte limit")
            chunks.append(chunk)
        return b"".join(chunks)


def max_age(cache_control: str | None) -> float | None:
    """Seconds a response may be reused by its Cache-Control (RFC 9111 §5.2.2), None if unsaid."""
    if not cache_control:
        return None
    found: float | None = None
    for directive in cache_control.lower().split(","):
        name, _, value = directive.strip().partition("=")
        if name in ("no-store", "no-cache"):
            return 0.0
        if name == "max-age":
            value = value.strip().strip('"')
            found = float(value) if value.isdigit() else 0.0  # malformed: stale (§4.2.1)
    return found


def forbidden_reason(address: IPAddress, *, allow_loopback: bool = False) -> str | None:
    """Say why an address must not be fetched from, or return None when it is public.

    IPv4-mapped, 6to4 and NAT64 IPv6 addresses are judged by the IPv4 address they carry.
    """
    address = _unmapped(address)
    if address.is_loopback:
        return None if allow_loopback else "a loopback address"
    checks: list[tuple[bool, str]] = [
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        (address.is_unspecified, "an unspecified address"),
        (address in _CGNAT, "a shared (carrier-grade NAT) address"),
        (address.is_reserved, "a reserved address"),
        (address.is_private, "a private address"),
        (not address.is_global, "not a globally routable address"),
    ]
    return next((reason for failed, reason in checks if failed), None)


def _unmapped(address: IPAddress) -> IPAddress:
    """Return the IPv4 address an IPv6 address embeds (mapped, 6to4, NAT64), else itself."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.sixtofour is not None:
            return address.sixtofour
        if address in _NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def _set_timeout(sock: socket.socket, deadline: float, where: str, timeout: float) -> None:
    """Give the socket what is left of the deadline, so slow drips cannot outlast it."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise ResolutionError(f"{where}: timed out after {timeout:g} s")
    sock.settimeout(remaining)
