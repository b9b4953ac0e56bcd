"""The public verifier: anyone's credential, as a file, pasted text, a URL, or a raw body."""

from __future__ import annotations

import io
import json

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import Factories
from tests.issuer.resolver import AppResolver


@pytest.fixture
def issued(app: Flask, client: FlaskClient, factories: Factories) -> str:
    app.extensions["resolver"] = AppResolver(client)
    achievement = factories.achievement(factories.issuer(factories.tenant()))
    return str(factories.credential(achievement))


def test_the_form_works_without_javascript(client: FlaskClient) -> None:
    page = client.get("/verify")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html and "<script" not in html
    assert 'for="file"' in html and 'for="text"' in html and 'for="url"' in html


@pytest.mark.parametrize(
    "path", ["credential.json", "credential.jwt", "certificate.pdf", "badge.png", "badge.svg"]
)
def test_an_uploaded_file_is_verified(client: FlaskClient, issued: str, path: str) -> None:
    data = client.get(f"/c/{issued}/{path}").data
    r = client.post(
        "/verify", data={"file": (io.BytesIO(data), path)}, content_type="multipart/form-data"
    )
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "Verified credential" in html, html[-800:]
    assert r.headers["Cache-Control"] == "no-store"


def test_pasted_tampered_text_is_not_verified(client: FlaskClient, issued: str) -> None:
    signed = client.get(f"/c/{issued}/credential.json").get_data(as_text=True)
    tampered = signed.replace("Inclusive Classroom Practice", "Exclusive Classroom Practice")
    r = client.post("/verify", data={"text": tampered})
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "could not be verified" in html and "✗ No" in html


def test_a_url_is_fetched_through_the_guarded_resolver(client: FlaskClient, issued: str) -> None:
    r = client.post(
        "/verify", data={"url": f"https://certs.example.test/c/{issued}/credential.json"}
    )
    assert r.status_code == 200 and "Verified credential" in r.get_data(as_text=True)
    refused = client.post("/verify", data={"url": "file:///etc/passwd"})
    assert refused.status_code == 400


def test_unreadable_input_explains_itself(client: FlaskClient) -> None:
    r = client.post("/verify", data={"text": "hello"})
    assert r.status_code == 422 and "not a credential we can read" in r.get_data(as_text=True)
    empty = client.post("/verify", data={})
    assert empty.status_code == 400


def test_api_returns_the_json_report(client: FlaskClient, issued: str) -> None:
    data = client.get(f"/c/{issued}/badge.png").data
    r = client.post("/api/verify", data=data, content_type="image/png")
    assert r.status_code == 200 and r.json["verified"] is True and r.json["format"] == "png"
    assert [c["id"] for c in r.json["checks"]][:3] == ["format", "schema", "proof"]
    bad = client.post("/api/verify", data=b"\x00garbage", content_type="application/octet-stream")
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    assert json.loads(bad.data)["detail"].startswith("This is not a credential")
