"""Name corrections: the earner asks, the issuer decides once, a new credential replaces the old."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from issuer.accounts.roles import Role
from issuer.db import db
from issuer.earners import services
from issuer.earners.models import NameChangeRequest
from issuer.errors import Conflict, get_or_404
from tests.factories import Factories, Person
from verifier.bitstring import decode_bitstring

BROWSER = "text/html"


@dataclass(frozen=True)
class Case:
    credential: uuid.UUID
    earner: Person
    admin: Person

    def ask(self, client: FlaskClient, name: str = "Lee Corrected", **body: str) -> object:
        url = f"/api/v1/me/credentials/{self.credential}/name-change"
        return client.post(url, json={"name": name, **body}, headers=self.earner.headers)


@pytest.fixture
def case(factories: Factories) -> Case:
    tenant = factories.tenant()
    achievement = factories.achievement(factories.issuer(tenant))
    credential = factories.credential(
        achievement,
        recipient={"type": "email", "identity": "lee@school.test", "name": "Lee Lerner"},
        evidence=[{"id": "https://portfolio.example/lee/plan", "name": "Lesson plan"}],
        results=[{"value": "92", "status": "Completed"}],
    )
    admin = factories.person(tenant, [Role.ISSUER_ADMIN])
    return Case(credential, factories.earner(credential), admin)


def _approve(client: FlaskClient, case: Case, change_id: str) -> object:
    return client.post(f"/api/v1/name-changes/{change_id}/approve", headers=case.admin.headers)


def test_approval_reissues_under_the_new_name_and_supersedes_the_old(
    client: FlaskClient, case: Case
) -> None:
    asked = case.ask(client, comment="Misspelt surname")
    assert asked.status_code == 201 and asked.json["status"] == "pending"
    assert asked.json["current_name"] == "Lee Lerner"
    queue = client.get("/api/v1/name-changes", headers=case.admin.headers).json
    assert [c["id"] for c in queue] == [asked.json["id"]]

    decided = _approve(client, case, asked.json["id"])
    assert decided.status_code == 200 and decided.json["status"] == "approved"
    new_id = decided.json["replacement_id"]
    old = client.get(f"/c/{case.credential}").json
    new = client.get(f"/c/{new_id}").json
    assert new["credentialSubject"]["name"] == "Lee Corrected"
    for field in ("validFrom", "evidence"):
        assert new[field] == old[field], field
    assert new["credentialSubject"]["result"] == old["credentialSubject"]["result"]
    assert new["credentialSubject"]["identifier"] == old["credentialSubject"]["identifier"]
    assert new["credentialSubject"]["achievement"] == old["credentialSubject"]["achievement"]

    staff_view = client.get(f"/api/v1/credentials/{case.credential}", headers=case.admin.headers)
    assert (
        staff_view.json["status"] == "revoked" and staff_view.json["statusReason"] == "superseded"
    )
    assert staff_view.json["supersededBy"] == decided.json["replacement_url"]
    assert client.get("/api/v1/name-changes", headers=case.admin.headers).json == []


def test_the_old_page_says_revoked_and_points_to_the_new(client: FlaskClient, case: Case) -> None:
    change = case.ask(client).json["id"]
    new_url = _approve(client, case, change).json["replacement_url"]
    old_page = client.get(f"/c/{case.credential}", headers={"Accept": BROWSER})
    assert old_page.status_code == 200
    html = old_page.get_data(as_text=True)
    assert "has been revoked" in html and "superseded" in html
    assert f'href="{new_url}"' in html
    new_page = client.get(
        new_url.removeprefix("https://certs.example.test"), headers={"Accept": BROWSER}
    )
    assert new_page.status_code == 200
    assert "Verified credential" in new_page.get_data(as_text=True)
    assert "Lee Corrected" in new_page.get_data(as_text=True)


def test_the_old_credential_is_revoked_in_its_status_list(client: FlaskClient, case: Case) -> None:
    old = client.get(f"/c/{case.credential}").json
    assert _approve(client, case, case.ask(client).json["id"]).status_code == 200
    entry = old["credentialStatus"]
    listed = client.get(entry["statusListCredential"].removeprefix("https://certs.example.test"))
    assert listed.status_code == 200
    bits = decode_bitstring(listed.json["credentialSubject"]["encodedList"])
    index = int(entry["statusListIndex"])
    assert bits[index // 8] & (0x80 >> (index % 8))


def test_the_earner_sees_their_request_and_its_outcome(client: FlaskClient, case: Case) -> None:
    change = case.ask(client).json["id"]
    r = client.post(
        f"/api/v1/name-changes/{change}/reject",
        json={"reason": "Send proof of the name"},
        headers=case.admin.headers,
    )
    assert r.status_code == 200 and r.json["status"] == "rejected"
    mine = client.get("/api/v1/me/credentials", headers=case.earner.headers).json
    assert mine[0]["name_change"]["status"] == "rejected"
    assert mine[0]["name_change"]["decision_reason"] == "Send proof of the name"
    assert mine[0]["status"] == "active"
    assert case.ask(client).status_code == 201  # asking again after a refusal is allowed


@pytest.mark.parametrize(
    ("name", "why"),
    [("Lee Lerner", "already carries"), ("Lee Other", "already waiting")],
)
def test_pointless_or_repeated_requests_conflict(
    client: FlaskClient, case: Case, name: str, why: str
) -> None:
    if why == "already waiting":
        assert case.ask(client).status_code == 201
    r = case.ask(client, name=name)
    assert r.status_code == 409 and why in r.json["detail"]


def test_a_blank_name_is_refused_naming_the_field(client: FlaskClient, case: Case) -> None:
    r = case.ask(client, name="   ")
    assert r.status_code == 422 and "name" in r.get_data(as_text=True)


def test_a_revoked_credential_cannot_be_corrected(client: FlaskClient, case: Case) -> None:
    change = case.ask(client).json["id"]
    revoked = client.post(
        f"/api/v1/credentials/{case.credential}/revoke", json={}, headers=case.admin.headers
    )
    assert revoked.status_code == 200
    r = _approve(client, case, change)
    assert r.status_code == 409 and "revoked" in r.json["detail"]
    assert case.ask(client, name="Lee Again").status_code == 409


def test_only_one_decision_stands(client: FlaskClient, case: Case) -> None:
    change = case.ask(client).json["id"]
    assert _approve(client, case, change).status_code == 200
    again = _approve(client, case, change)
    assert again.status_code == 409 and "already decided: approved" in again.json["detail"]
    reject = client.post(
        f"/api/v1/name-changes/{change}/reject", json={"reason": "x"}, headers=case.admin.headers
    )
    assert reject.status_code == 409
    mine = client.get("/api/v1/me/credentials", headers=case.earner.headers).json
    assert sorted(c["status"] for c in mine) == ["active", "revoked"]  # one replacement only


def test_a_decision_made_meanwhile_wins_over_a_stale_one(
    app: Flask, client: FlaskClient, case: Case
) -> None:
    """Two reviewers load the same request; the second to decide gets a clear conflict."""
    change_id = uuid.UUID(case.ask(client).json["id"])
    with app.app_context():
        stale = get_or_404(NameChangeRequest, change_id)  # loaded while still pending
        assert _approve(client, case, str(change_id)).status_code == 200  # the other reviewer
        with pytest.raises(Conflict, match="already decided: approved"):
            services.reject(("user", "reviewer-2"), stale, reason="Too late")
        db.session.rollback()
    mine = client.get("/api/v1/me/credentials", headers=case.earner.headers).json
    superseded = next(c for c in mine if c["status"] == "revoked")
    assert superseded["name_change"]["status"] == "approved"


def test_someone_else_cannot_ask_for_the_earner(
    client: FlaskClient, factories: Factories, case: Case
) -> None:
    for person in (factories.person(), case.admin):
        r = client.post(
            f"/api/v1/me/credentials/{case.credential}/name-change",
            json={"name": "Mallory"},
            headers=person.headers,
        )
        assert r.status_code == 404
