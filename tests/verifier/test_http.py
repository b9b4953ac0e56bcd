"""Tests for the HTTP resolver: SSRF guard, redirects, caps, timeouts, TLS and the cache."""

from __future__ import annotations

import gzip
import ipaddress
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.verifier.servers import LocalServer, Route, Tls, make_tls
from verifier.errors import FetchRefused, HttpStatusError, ResolutionError
from verifier.http import HttpResolver, forbidden_reason, max_age
from verifier.resolver import fetch_json

JSON = "application/json"


@pytest.fixture
def server() -> Iterator[LocalServer]:
    routes = {
        "/doc": Route(b'{"id": "doc"}', headers={"Content-Type": JSON}),
        "/list": Route(b"[1, 2]"),
        "/text": Route(b"not json"),
        "/missing": Route(b"gone", status=404),
        "/moved": Route(status=302, headers={"Location": "/doc"}),
        "/to-private": Route(status=301, headers={"Location": "http://10.0.0.5/admin"}),
        "/nowhere": Route(status=302),
        "/big": Route(b"x" * 5000),
        "/big-streamed": Route(b"x" * 5000, length=False),
        "/gzip": Route(gzip.compress(b"{}"), headers={"Content-Encoding": "gzip"}),
        "/slow": Route(b"{}", delay=30),
        "/drip": Route(b"x" * 1000, drip=0.1),
        "/empty": Route(b""),
        "/garbage": Route(raw=b"SPDY/9 nonsense\r\n\r\n"),
        **{f"/r{i}": Route(status=302, headers={"Location": f"/r{i + 1}"}) for i in range(5)},
    }
    with LocalServer(routes) as running:
        yield running


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Tls:
    return make_tls(tmp_path_factory.mktemp("tls"))


def resolver(**options: object) -> HttpResolver:
    return HttpResolver(allow_loopback=True, **options)  # type: ignore[arg-type]


def test_fetch_returns_the_body_and_asks_for_the_media_type(server: LocalServer) -> None:
    assert resolver().fetch(server.url("/doc"), accept=JSON) == b'{"id": "doc"}'
    assert server.requests[0]["Accept"] == JSON
    assert server.requests[0]["Accept-Encoding"] == "identity"


def test_fragment_is_not_sent(server: LocalServer) -> None:
    resolver().fetch(server.url("/doc#key-1"), accept=JSON)
    assert server.hits == {"/doc": 1}


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://10.0.0.1/", "10.0.0.1 is a private address"),
        ("https://192.168.1.20/key.json", "192.168.1.20 is a private address"),
        ("https://172.16.0.1/", "172.16.0.1 is a private address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("https://[::1]/", "::1 is a loopback address"),
        ("https://127.0.0.1/", "127.0.0.1 is a loopback address"),
        ("https://[fe80::1]/", "fe80::1 is a link-local address"),
        ("https://[fd00::1]/", "fd00::1 is a private address"),
        ("https://[::ffff:10.0.0.1]/", "::ffff:a00:1 is a private address"),
        ("https://100.64.0.1/", "100.64.0.1 is a shared (carrier-grade NAT) address"),
        ("https://224.0.0.1/", "224.0.0.1 is a multicast address"),
        ("https://0.0.0.0/", "0.0.0.0 is an unspecified address"),
        ("https://240.0.0.1/", "240.0.0.1 is a reserved address"),
    ],
)
def test_non_public_addresses_are_refused(url: str, reason: str) -> None:
    with pytest.raises(FetchRefused) as refused:
        HttpResolver().fetch(url, accept=JSON)
    assert str(refused.value) == f"{url}: refused: {reason}"


def test_localhost_is_refused_without_allow_loopback(server: LocalServer) -> None:
    with pytest.raises(FetchRefused, match="is a loopback address"):
        HttpResolver().fetch(server.url("/doc", host="localhost"), accept=JSON)
    assert not server.hits


def test_loopback_is_fetched_with_allow_loopback(server: LocalServer) -> None:
    body = resolver().fetch(server.url("/doc", host="localhost"), accept=JSON)
    assert body == b'{"id": "doc"}'


def test_host_resolving_to_a_private_address_is_refused() -> None:
    rebinding = HttpResolver(lookup=lambda host, port: ["93.184.216.34", "10.1.2.3"])
    with pytest.raises(FetchRefused, match=r"https://issuer\.test/k: refused: 10\.1\.2\.3 is a"):
        rebinding.fetch("https://issuer.test/k", accept=JSON)


def test_connection_goes_to_the_vetted_address_not_a_second_lookup(server: LocalServer) -> None:
    answers = iter([["127.0.0.1"], ["10.9.9.9"]])
    pinned = resolver(lookup=lambda host, port: next(answers))
    assert pinned.fetch(server.url("/doc", host="issuer.test"), accept=JSON) == b'{"id": "doc"}'
    assert server.requests[0]["Host"] == f"issuer.test:{server.port}"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", r"only http\(s\) URLs are fetched"),
        ("ftp://example.org/key", r"only http\(s\) URLs are fetched"),
        ("https://user:secret@example.org/", "URLs with credentials are not fetched"),
        ("https:///nohost", "the URL has no host"),
        ("https://example.org:99999/", "not a valid URL"),
    ],
)
def test_unfetchable_urls_are_refused(url: str, reason: str) -> None:
    with pytest.raises(FetchRefused, match=reason):
        HttpResolver().fetch(url, accept=JSON)


def test_plain_http_is_refused_for_public_hosts() -> None:
    public = HttpResolver(allow_loopback=True, lookup=lambda host, port: ["93.184.216.34"])
    with pytest.raises(FetchRefused, match="plain http is only fetched from loopback"):
        public.fetch("http://issuer.test/key.json", accept=JSON)


def test_unresolvable_host_is_a_resolution_error() -> None:
    def fail(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    with pytest.raises(ResolutionError, match="cannot resolve nowhere.test"):
        HttpResolver(lookup=fail).fetch("https://nowhere.test/", accept=JSON)


def test_redirect_is_followed(server: LocalServer) -> None:
    assert resolver().fetch(server.url("/moved"), accept=JSON) == b'{"id": "doc"}'
    assert server.hits == {"/moved": 1, "/doc": 1}


def test_redirect_to_a_private_address_is_refused(server: LocalServer) -> None:
    url = server.url("/to-private")
    with pytest.raises(FetchRefused) as refused:
        resolver().fetch(url, accept=JSON)
    expected = f"{url} (redirected to http://10.0.0.5/admin): refused: 10.0.0.5 is a private"
    assert str(refused.value).startswith(expected)


def test_more_than_three_redirects_fail(server: LocalServer) -> None:
    with pytest.raises(ResolutionError, match="more than 3 redirects"):
        resolver().fetch(server.url("/r0"), accept=JSON)
    assert sum(server.hits.values()) == 4


def test_three_redirects_are_followed(server: LocalServer) -> None:
    server.routes["/r3"] = Route(b"{}")
    assert resolver().fetch(server.url("/r0"), accept=JSON) == b"{}"


def test_redirect_without_location_fails(server: LocalServer) -> None:
    with pytest.raises(ResolutionError, match="HTTP 302 without a Location header"):
        resolver().fetch(server.url("/nowhere"), accept=JSON)


def test_error_status_is_reported_with_its_code(server: LocalServer) -> None:
    with pytest.raises(HttpStatusError, match=r"/missing: HTTP 404") as failed:
        resolver().fetch(server.url("/missing"), accept=JSON)
    assert failed.value.status == 404


def test_declared_oversize_body_is_refused(server: LocalServer) -> None:
    with pytest.raises(ResolutionError, match="5000 bytes exceed the 4096-byte limit"):
        resolver(max_bytes=4096).fetch(server.url("/big"), accept=JSON)


def test_streamed_oversize_body_is_cut_at_the_limit(server: LocalServer) -> None:
    with pytest.raises(ResolutionError, match="the body exceeds the 4096-byte limit"):
        resolver(max_bytes=4096).fetch(server.url("/big-streamed"), accept=JSON)


def test_body_at_the_limit_is_read(server: LocalServer) -> None:
    assert len(resolver(max_bytes=5000).fetch(server.url("/big-streamed"), accept=JSON)) == 5000


def test_compressed_body_is_refused(server: LocalServer) -> None:
    with pytest.raises(ResolutionError, match="served gzip-encoded; only identity is read"):
        resolver().fetch(server.url("/gzip"), accept=JSON)


def test_slow_server_times_out(server: LocalServer) -> None:
    started = time.monotonic()
    with pytest.raises(ResolutionError, match=r"/slow: timed out after 0\.5 s"):
        resolver(timeout=0.5).fetch(server.url("/slow"), accept=JSON)
    assert time.monotonic() - started < 2


def test_dripping_server_times_out_at_the_deadline(server: LocalServer) -> None:
    started = time.monotonic()
    with pytest.raises(ResolutionError, match="timed out after 0.5 s"):
        resolver(timeout=0.5).fetch(server.url("/drip"), accept=JSON)
    assert time.monotonic() - started < 2


def test_empty_body_is_read(server: LocalServer) -> None:
    assert resolver().fetch(server.url("/empty"), accept=JSON) == b""


def test_malformed_http_answer_is_a_resolution_error(server: LocalServer) -> None:
    with pytest.raises(ResolutionError, match="malformed HTTP exchange"):
        resolver().fetch(server.url("/garbage"), accept=JSON)


def test_closed_port_is_a_resolution_error() -> None:
    with LocalServer({}) as closed:
        url = closed.url("/doc")
    with pytest.raises(ResolutionError, match="cannot connect to 127.0.0.1"):
        resolver().fetch(url, accept=JSON)


def test_spent_deadline_fails_before_connecting(server: LocalServer) -> None:
    with pytest.raises(ResolutionError, match="timed out after 0 s"):
        resolver(timeout=0).fetch(server.url("/doc"), accept=JSON)
    assert not server.hits


def test_host_without_addresses_is_a_resolution_error() -> None:
    with pytest.raises(ResolutionError, match="nowhere.test has no address"):
        HttpResolver(lookup=lambda host, port: []).fetch("https://nowhere.test/", accept=JSON)


def test_cache_hit_does_not_refetch(server: LocalServer) -> None:
    cached = resolver()
    for _ in range(3):
        assert cached.fetch(server.url("/doc"), accept=JSON) == b'{"id": "doc"}'
    assert server.hits == {"/doc": 1}


def test_cache_is_keyed_by_accept(server: LocalServer) -> None:
    cached = resolver()
    cached.fetch(server.url("/doc"), accept=JSON)
    cached.fetch(server.url("/doc"), accept="application/ld+json")
    assert server.hits == {"/doc": 2}


def test_cache_entry_expires_after_its_ttl(server: LocalServer) -> None:
    now = [1000.0]
    cached = resolver(cache_ttl=60, clock=lambda: now[0])
    cached.fetch(server.url("/doc"), accept=JSON)
    now[0] += 59
    cached.fetch(server.url("/doc"), accept=JSON)
    assert server.hits == {"/doc": 1}
    now[0] += 2
    cached.fetch(server.url("/doc"), accept=JSON)
    assert server.hits == {"/doc": 2}


def test_cache_keeps_an_answer_no_longer_than_its_max_age(server: LocalServer) -> None:
    server.routes |= {
        "/list-60": Route(b"{}", headers={"Cache-Control": "public, max-age=60"}),
        "/no-store": Route(b"{}", headers={"Cache-Control": "no-store"}),
    }
    now = [1000.0]
    cached = resolver(cache_ttl=300, clock=lambda: now[0])
    for _ in range(2):
        cached.fetch(server.url("/list-60"), accept=JSON)
        cached.fetch(server.url("/no-store"), accept=JSON)
    assert server.hits == {"/list-60": 1, "/no-store": 2}
    now[0] += 61  # past the answer's max-age, well within the resolver's own ttl
    cached.fetch(server.url("/list-60"), accept=JSON)
    assert server.hits["/list-60"] == 2


def test_max_age_reads_cache_control() -> None:
    assert max_age(None) is None and max_age("public") is None
    assert max_age("public, max-age=60") == 60
    assert max_age('max-age="30"') == 30
    assert max_age("max-age=soon") == 0  # malformed means stale (RFC 9111 §4.2.1)
    assert max_age("no-cache, max-age=600") == 0


def test_cache_evicts_the_least_recently_used(server: LocalServer) -> None:
    server.routes |= {"/a": Route(b"a"), "/b": Route(b"b"), "/c": Route(b"c")}
    cached = resolver(cache_size=2)
    for path in ("/a", "/b", "/a", "/c", "/a", "/b"):
        cached.fetch(server.url(path), accept=JSON)
    assert server.hits == {"/a": 1, "/b": 2, "/c": 1}


def test_zero_ttl_disables_the_cache(server: LocalServer) -> None:
    uncached = resolver(cache_ttl=0)
    uncached.fetch(server.url("/doc"), accept=JSON)
    uncached.fetch(server.url("/doc"), accept=JSON)
    assert server.hits == {"/doc": 2}


def test_failures_are_not_cached(server: LocalServer) -> None:
    cached = resolver()
    for _ in range(2):
        with pytest.raises(HttpStatusError):
            cached.fetch(server.url("/missing"), accept=JSON)
    assert server.hits == {"/missing": 2}


def test_https_is_fetched_with_certificate_checks(tmp_path: Path, tls: Tls) -> None:
    with LocalServer({"/doc": Route(b"{}")}, tls=tls.server) as secure:
        fetched = resolver(ssl_context=tls.client).fetch(secure.url("/doc"), accept=JSON)
    assert fetched == b"{}"


def test_certificate_for_another_host_is_refused(tls: Tls) -> None:
    with LocalServer({"/doc": Route(b"{}")}, tls=tls.server) as secure:
        elsewhere = resolver(ssl_context=tls.client, lookup=lambda host, port: ["127.0.0.1"])
        with pytest.raises(ResolutionError, match="TLS failed"):
            elsewhere.fetch(secure.url("/doc", host="issuer.test"), accept=JSON)


def test_untrusted_certificate_is_refused(tls: Tls) -> None:
    with LocalServer({"/doc": Route(b"{}")}, tls=tls.server) as secure:
        with pytest.raises(ResolutionError, match="TLS failed"):
            resolver().fetch(secure.url("/doc"), accept=JSON)


def test_loopback_http_fetches_https_urls_on_loopback_over_http(server: LocalServer) -> None:
    https_url = server.url("/doc").replace("http://", "https://")
    assert resolver(loopback_http=True).fetch(https_url, accept=JSON) == b'{"id": "doc"}'


def test_loopback_http_needs_allow_loopback(server: LocalServer) -> None:
    https_url = server.url("/doc").replace("http://", "https://")
    with pytest.raises(FetchRefused, match="loopback address"):
        HttpResolver(loopback_http=True).fetch(https_url, accept=JSON)


@pytest.mark.parametrize(
    "address",
    ["::ffff:127.0.0.1", "2002:a00:1::", "64:ff9b::a9fe:a9fe", "2002:7f00:1::"],
)
def test_ipv6_addresses_embedding_ipv4_are_judged_by_the_ipv4_address(address: str) -> None:
    assert forbidden_reason(ipaddress.ip_address(address)) is not None


def test_public_addresses_are_allowed() -> None:
    for address in ("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"):
        assert forbidden_reason(ipaddress.ip_address(address)) is None


def test_fetch_json_parses_an_object(server: LocalServer) -> None:
    assert fetch_json(resolver(), server.url("/doc")) == {"id": "doc"}


@pytest.mark.parametrize("path", ["/list", "/text"])
def test_fetch_json_refuses_what_is_not_a_json_object(server: LocalServer, path: str) -> None:
    with pytest.raises(ResolutionError, match=f"document at {server.url(path)}"):
        fetch_json(resolver(), server.url(path))
