"""The credential's public URL: one URL for people and machines, honest about what it knows."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from issuer.accounts.roles import Role
from issuer.public import page
from tests.factories import Factories
from tests.issuer.resolver import AppResolver
from verifier.pipeline import verify
from verifier.report import Check, Report

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture
def credential(app: Flask, client: FlaskClient, factories: Factories) -> str:
    app.extensions["resolver"] = AppResolver(client)
    tenant = factories.tenant()
    issuer = factories.issuer(tenant)
    achievement = factories.achievement(issuer)
    return str(
        factories.credential(
            achievement,
            recipient={"type": "email", "identity": "zoe@school.test", "name": "Zoé O'Brien"},
            valid_until=None,
        )
    )


def test_browsers_get_the_page_and_machines_the_credential(
    client: FlaskClient, credential: str
) -> None:
    page = client.get(f"/c/{credential}", headers={"Accept": BROWSER})
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert page.headers["Vary"] == "Accept, Accept-Language"  # the page is English or French
    for accept in ("application/ld+json", "application/vc+ld+json", "*/*", ""):
        r = client.get(f"/c/{credential}", headers={"Accept": accept} if accept else {})
        assert r.status_code == 200 and r.headers["Vary"] == "Accept", accept
        assert json.loads(r.data)["id"].endswith(f"/c/{credential}"), accept
    jwt = client.get(f"/c/{credential}", headers={"Accept": "application/vc+jwt"})
    assert jwt.status_code == 200 and jwt.mimetype == "application/vc+jwt"
    assert jwt.data.count(b".") == 2


def test_an_unservable_type_is_406(client: FlaskClient, credential: str) -> None:
    r = client.get(f"/c/{credential}", headers={"Accept": "text/csv"})
    assert r.status_code == 406 and r.mimetype == "application/problem+json"
    assert r.headers["Vary"] == "Accept" and "text/html" in r.json["detail"]


def test_page_says_verified_and_shows_each_check(client: FlaskClient, credential: str) -> None:
    html = client.get(f"/c/{credential}", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "Verified credential" in html
    assert "Not altered since it was issued" in html and "Not revoked" in html
    assert "Zoé O&#39;Brien" in html  # escaped, never raw
    assert "Inclusive Classroom Practice" in html


KNOWN = ("passed", "Issuer identity known: Issuer (this deployment's own issuer).")
CLAIMED = ("warning", "Issuer identity not established: ...")


@pytest.mark.parametrize(
    ("identity", "status", "validity", "state"),
    [
        (KNOWN, ("passed", "Not revoked."), ("passed", "Valid."), "verified"),
        (KNOWN, ("unknown", "Could not fetch the list."), ("passed", "Valid."), "unknown"),
        (KNOWN, ("failed", "Revoked: issued in error."), ("passed", "Valid."), "revoked"),
        (KNOWN, ("failed", "Suspended."), ("passed", "Valid."), "suspended"),
        (KNOWN, ("passed", "Not revoked."), ("failed", "Expired on 2025-06-30."), "expired"),
        (CLAIMED, ("passed", "Not revoked."), ("passed", "Valid."), "unconfirmed"),
        (("unknown", "…"), ("passed", "Not revoked."), ("passed", "Valid."), "unconfirmed"),
        (CLAIMED, ("failed", "Revoked."), ("passed", "Valid."), "revoked"),
    ],
)
def test_the_verdict_never_claims_more_than_the_checks(
    identity: tuple[str, str], status: tuple[str, str], validity: tuple[str, str], state: str
) -> None:
    checks = (
        Check("proof", "passed", "ok"),
        Check("identity", identity[0], identity[1]),  # type: ignore[arg-type]
        Check("status", status[0], status[1]),  # type: ignore[arg-type]
        Check("validity", validity[0], validity[1]),  # type: ignore[arg-type]
    )
    verdict = page.verdict(Report(format="json", checks=checks))
    assert verdict.state == state
    if state != "verified":
        assert "Verified credential" != verdict.headline
    if state == "unknown":
        assert "not revoked" not in (verdict.headline + verdict.detail).lower()


def test_linkedin_add_to_profile_is_prefilled(client: FlaskClient, credential: str) -> None:
    html = client.get(f"/c/{credential}", headers={"Accept": BROWSER}).get_data(as_text=True)
    add = re.search(r'href="(https://www\.linkedin\.com/profile/add\?[^"]+)"', html)
    assert add is not None
    query = parse_qs(urlsplit(add.group(1).replace("&amp;", "&")).query)
    assert query["startTask"] == ["CERTIFICATION_NAME"]
    assert query["name"] == ["Inclusive Classroom Practice"]
    assert query["organizationName"] == ["Issuer"]
    assert query["issueYear"] == ["2026"] and query["issueMonth"] == ["3"]
    assert query["certId"] == [credential] and query["certUrl"][0].endswith(f"/c/{credential}")
    share = re.search(
        r'href="(https://www\.linkedin\.com/sharing/share-offsite/\?url=[^"]+)"', html
    )
    assert share is not None


def test_page_has_share_meta_and_alt_text(client: FlaskClient, credential: str) -> None:
    html = client.get(f"/c/{credential}", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert 'property="og:image"' in html and 'name="twitter:card"' in html
    images = re.findall(r"<img[^>]*>", html)
    assert images and all('alt="' in tag for tag in images)
    assert '<html lang="en">' in html and "<main" in html


def test_page_weight_is_small(client: FlaskClient, credential: str) -> None:
    page = client.get(f"/c/{credential}", headers={"Accept": BROWSER})
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert len(page.data) < 30_000  # HTML with inline CSS; no scripts, no web fonts
    assert b"<script" not in page.data


def test_unknown_credential_page_is_404(client: FlaskClient, factories: Factories) -> None:
    factories.person(factories.tenant(), [Role.EARNER])
    r = client.get("/c/00000000-0000-0000-0000-000000000000", headers={"Accept": BROWSER})
    assert r.status_code == 404


@pytest.mark.parametrize(
    ("accept", "magic"),
    [("application/pdf", b"%PDF-"), ("image/png", b"\x89PNG"), ("image/svg+xml", b"<")],
)
def test_the_same_url_serves_the_certificate_and_baked_badges(
    client: FlaskClient, credential: str, accept: str, magic: bytes
) -> None:
    r = client.get(f"/c/{credential}", headers={"Accept": accept})
    assert r.status_code == 200 and r.mimetype == accept and r.data.startswith(magic)
    assert r.headers["Vary"] == "Accept" and "Content-Disposition" not in r.headers
    report = verify(r.data, resolver=AppResolver(client))
    assert report.verified, report.as_dict()["checks"]


def test_page_links_resolve(client: FlaskClient, credential: str) -> None:
    html = client.get(f"/c/{credential}", headers={"Accept": BROWSER}).get_data(as_text=True)
    base = f"https://certs.example.test/c/{credential}"
    links = set(re.findall(rf'(?:href|src|content)="({base}[^"]*)"', html))
    files = ("badge.png", "badge.svg", "certificate.pdf", "credential.json", "credential.jwt")
    assert links == {base, *(f"{base}/{name}" for name in (*files, "share.png"))}
    for link in sorted(links):
        r = client.get(link.removeprefix("https://certs.example.test"))
        assert r.status_code == 200, link
