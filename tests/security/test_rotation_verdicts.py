"""Attack: rotate a key, and a valid credential reads "revoked" while caches hold the old DID.

A real server on 127.0.0.1 over plain http, as `make run` serves: did:web names an https URL,
so the service's own resolver and any outside verifier fetch and cache its DID document over
a socket (the real HttpResolver), while the status list is re-signed at once.
"""

from __future__ import annotations

import json
import socket
import threading
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from flask import Flask
from werkzeug.serving import make_server

from issuer import create_app, migrate
from issuer.accounts.roles import Role
from issuer.clock import FrozenClock
from issuer.db import db
from issuer.extensions import limiter
from issuer.keys.services import DID_DOCUMENT_MAX_AGE
from issuer.settings import Settings
from tests.browser.site import HOST, Loopback
from tests.factories import Factories
from verifier.http import HttpResolver
from verifier.pipeline import verify


@dataclass(frozen=True)
class Live:
    url: str
    clock: FrozenClock
    issuer: uuid.UUID
    admin: dict[str, str]
    credential: uuid.UUID
    factories: Factories

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        return self.send(urllib.request.Request(self.url + path, headers=headers or {}))

    def post(
        self, path: str, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        request = urllib.request.Request(
            self.url + path,
            data=body,
            method="POST",
            headers={"Content-Type": content_type, **(headers or {})},
        )
        return self.send(request)

    @staticmethod
    def send(request: urllib.request.Request) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    """A served app with one issuer, its admin and one revocable credential, all committed."""
    clock = FrozenClock(datetime.now(UTC).replace(microsecond=0))
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind((HOST, 0))
        listener.listen()
        url = f"http://{HOST}:{listener.getsockname()[1]}"
        settings = Settings(
            secret_key="test-secret-" + "x" * 32,
            database_url=f"sqlite:///{tmp_path / 'live.sqlite3'}",
            public_url=url,
            master_keys=(Fernet.generate_key().decode(),),
        )
        app: Flask = create_app(settings, clock_=clock)
        migrate.upgrade(db.state(app).engine)
        app.extensions["resolver"] = Loopback()  # a real HttpResolver, with its real cache
        limiter.reset()
        server = make_server(HOST, 0, app, threaded=True, fd=listener.fileno())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        factories = Factories(app)
        tenant = factories.tenant()
        issuer = factories.issuer(tenant)
        admin = factories.person(tenant, [Role.ISSUER_ADMIN]).headers
        credential = factories.credential(factories.achievement(issuer))
        yield Live(url, clock, issuer, admin, credential, factories)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        db.state(app).engine.dispose()


def _verdicts(live: Live, outside: HttpResolver) -> dict[str, str]:
    """What the page, POST /api/verify, POST /verify and an outside verifier each say."""
    status, page = live.get(f"/c/{live.credential}", {"Accept": "text/html"})
    assert status == 200
    _, document = live.get(f"/c/{live.credential}/credential.json")
    status, api = live.post("/api/verify", document, "application/ld+json")
    assert status == 200
    form = urllib.parse.urlencode({"text": document.decode()}).encode()
    status, verify_page = live.post("/verify", form, "application/x-www-form-urlencoded")
    assert status == 200
    report = verify(document, resolver=outside)
    return {
        "page": _headline(page),
        "api": _outcome(json.loads(api)["checks"]),
        "verify": _headline(verify_page),
        "outside": _outcome([c.as_dict() for c in report.checks]),
    }


def _every(verdict: str) -> dict[str, str]:
    return dict.fromkeys(("page", "api", "verify", "outside"), verdict)


def _headline(html: bytes) -> str:
    text = html.decode()
    for state, words in (
        ("revoked", "This credential has been revoked"),
        ("unknown", "revocation could not be checked"),
        ("verified", "Verified credential"),
    ):
        if words in text:
            return state
    return "unverified"


EVERYWHERE = ("page", "api", "verify", "outside")  # where a verdict is read


def _outcome(checks: list[dict[str, str]]) -> str:
    outcomes = {c["id"]: c["outcome"] for c in checks}
    assert outcomes["proof"] == "passed"
    return {"passed": "verified", "failed": "revoked"}.get(outcomes["status"], "unknown")


def _rotate(live: Live) -> bytes:
    """POST /issuers/<id>/keys: the issuer's new Ed25519 key, as the API answers it."""
    status, body = live.post(
        f"/api/v1/issuers/{live.issuer}/keys",
        json.dumps({"algorithm": "Ed25519"}).encode(),
        "application/json",
        live.admin,
    )
    assert status == 201
    return body


def test_rotation_leaves_valid_credentials_valid_and_revocation_shows_at_once(
    live: Live,
) -> None:
    cache_clock = _Monotonic()
    outside = HttpResolver(allow_loopback=True, loopback_http=True, clock=cache_clock)
    assert _verdicts(live, outside) == dict.fromkeys(EVERYWHERE, "verified")

    _rotate(live)
    assert _verdicts(live, outside) == dict.fromkeys(EVERYWHERE, "verified")

    status, _ = live.post(
        f"/api/v1/credentials/{live.credential}/revoke",
        json.dumps({"reason": "Issued in error."}).encode(),
        "application/json",
        live.admin,
    )
    assert status == 200
    cache_clock.now += 61  # the list's own max-age has passed; the cached DID document has not
    assert _verdicts(live, outside) == dict.fromkeys(EVERYWHERE, "revoked")


def test_lists_move_to_the_new_key_once_every_cached_did_document_has_expired(
    live: Live,
) -> None:
    outside = HttpResolver(allow_loopback=True, loopback_http=True, clock=_Monotonic())
    body = _rotate(live)
    new_method = json.loads(body)["verification_method"]
    _, credential = live.get(f"/c/{live.credential}/credential.json")
    list_url = json.loads(credential)["credentialStatus"]["statusListCredential"]
    path = urllib.parse.urlsplit(list_url).path

    _, early = live.get(path)
    assert json.loads(early)["proof"][0]["verificationMethod"] != new_method
    live.clock.advance(seconds=DID_DOCUMENT_MAX_AGE + 1)
    _, late = live.get(path)
    assert json.loads(late)["proof"][0]["verificationMethod"] == new_method
    assert set(_verdicts(live, outside).values()) == {"verified"}


def test_a_credential_signed_by_the_new_key_verifies_where_the_old_did_is_cached(
    live: Live,
) -> None:
    outside = HttpResolver(allow_loopback=True, loopback_http=True, clock=_Monotonic())
    assert _verdicts(live, outside)["outside"] == "verified"  # caches the DID document
    _rotate(live)
    newer = live.factories.credential(live.factories.achievement(live.issuer))
    _, document = live.get(f"/c/{newer}/credential.json")
    report = verify(document, resolver=outside)  # the proof names a key the cache lacks
    assert report.verified, report.as_dict()["checks"]


class _Monotonic:
    """The outside verifier's cache clock, moved by the test instead of by sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now
