"""Every response carries the security headers; pages a CSP that no inline script gets past."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from issuer.settings import Settings
from tests.factories import Factories
from tests.issuer.resolver import AppResolver

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
PAGE_DIRECTIVES = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}


class _Inline(HTMLParser):
    """What in a page a policy without 'unsafe-inline' would block, unless nonced."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, str | None]] = []  # (style|script, nonce)
        self.attributes: list[str] = []  # style="…", onclick="…", javascript: URLs
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "style" or (tag == "script" and "src" not in values):
            self.elements.append((tag, values.get("nonce")))
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.attributes.append(f"<{tag} {name}>")
            if name in ("href", "src", "action") and (value or "").lower().startswith(
                "javascript:"
            ):
                self.attributes.append(f"<{tag} {name}={value}>")


def _directives(policy: str) -> dict[str, list[str]]:
    parsed = (part.split() for part in policy.split(";") if part.strip())
    return {name: sources for name, *sources in parsed}


def _assert_page_policy(response: TestResponse) -> None:
    assert response.status_code == 200 and response.mimetype == "text/html"
    policy = _directives(response.headers["Content-Security-Policy"])
    for name, sources in PAGE_DIRECTIVES.items():
        assert policy[name] == sources, name
    inline = _Inline()
    inline.feed(response.get_data(as_text=True))
    assert inline.attributes == [], "inline style or script attributes"
    for directive in ("script-src", "style-src"):
        assert policy[directive][0] == "'self'"
        assert (
            "'unsafe-inline'" not in policy[directive] and "'unsafe-eval'" not in policy[directive]
        )
    for tag, nonce in inline.elements:  # each inline element is allowed by this nonce alone
        assert nonce, f"an inline <{tag}> without a nonce"
        assert f"'nonce-{nonce}'" in policy[f"{tag}-src"]


def _assert_common(response: TestResponse) -> None:
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"  # https public URL


@pytest.fixture
def credential(app: Flask, client: FlaskClient, factories: Factories) -> str:
    app.extensions["resolver"] = AppResolver(client)
    achievement = factories.achievement(factories.issuer(factories.tenant()))
    return str(factories.credential(achievement))


def test_html_pages_send_a_policy_without_inline_script(
    client: FlaskClient, credential: str
) -> None:
    for url in (f"/c/{credential}", "/verify", "/verify?lang=fr", "/api/docs"):
        response = client.get(url, headers={"Accept": BROWSER})
        _assert_page_policy(response)
        _assert_common(response)


def test_each_page_gets_a_fresh_nonce(client: FlaskClient) -> None:
    nonces = {
        re.search(r"'nonce-([^']+)'", client.get("/verify").headers["Content-Security-Policy"])[1]
        for _ in range(2)
    }
    assert len(nonces) == 2


def test_other_responses_may_load_nothing(
    client: FlaskClient, credential: str, factories: Factories
) -> None:
    person = factories.person()
    for response in (
        client.get(f"/c/{credential}", headers={"Accept": "application/ld+json"}),
        client.get("/api/openapi.json"),
        client.get("/api/v1/me", headers=person.headers),
        client.get("/api/v1/tenants/not-a-uuid"),  # a 404 problem
        client.post("/oauth/token", data={"grant_type": "password"}),  # a 400 problem
    ):
        assert response.status_code < 500
        policy = response.headers["Content-Security-Policy"]
        assert policy == "default-src 'none'; frame-ancestors 'none'"
        _assert_common(response)
    for file in ("badge.png", "badge.svg"):  # their views' own policies: no less strict
        response = client.get(f"/c/{credential}/{file}")
        assert response.status_code == 200
        policy = _directives(response.headers["Content-Security-Policy"])
        assert policy["default-src"] == ["'none'"] and "script-src" not in policy
        _assert_common(response)


class TestPlainHttp:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return dataclasses.replace(settings, public_url="http://127.0.0.1:5000")

    def test_no_strict_transport_security_over_plain_http(self, client: FlaskClient) -> None:
        response = client.get("/verify")
        assert "Strict-Transport-Security" not in response.headers
        assert response.headers["X-Frame-Options"] == "DENY"
