"""Only the earner decides what the public sees of their credential, down to hiding it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from issuer.accounts.roles import Role
from tests.factories import Factories, Person

BROWSER = "text/html"
PUBLIC_URLS = (
    "/c/{id}",
    "/c/{id}/credential.json",
    "/c/{id}/credential.jwt",
    "/c/{id}/badge.png",
    "/c/{id}/badge.svg",
    "/c/{id}/share.png",
    "/c/{id}/certificate.pdf",
    "/ob2/assertions/{id}",
    "/ob2/assertions/{id}/signed",
    "/ob2/assertions/{id}/badge.png",
)


@dataclass(frozen=True)
class Earned:
    id: uuid.UUID
    earner: Person
    tenant: uuid.UUID

    def display(self) -> str:
        return f"/api/v1/me/credentials/{self.id}/display"


@pytest.fixture
def earned(factories: Factories) -> Earned:
    tenant = factories.tenant()
    achievement = factories.achievement(factories.issuer(tenant))
    credential = factories.credential(
        achievement,
        recipient={"type": "email", "identity": "Lee@School.test", "name": "Lee Learner"},
        evidence=[{"id": "https://portfolio.example/lee/lesson-plan", "name": "Lesson plan"}],
    )
    return Earned(credential, factories.earner(credential), tenant)


def test_the_earner_lists_only_their_own_credentials(
    client: FlaskClient, factories: Factories, earned: Earned
) -> None:
    mine = client.get("/api/v1/me/credentials", headers=earned.earner.headers)
    assert mine.status_code == 200
    assert [c["id"] for c in mine.json] == [str(earned.id)]
    assert mine.json[0]["name"] == "Lee Learner"
    assert mine.json[0]["display"] == {"hidden": False, "show_name": True, "show_evidence": True}
    stranger = factories.person()
    assert client.get("/api/v1/me/credentials", headers=stranger.headers).json == []


def test_hiding_answers_404_on_every_public_url_except_to_the_earner(
    client: FlaskClient, earned: Earned
) -> None:
    for url in PUBLIC_URLS:
        assert client.get(url.format(id=earned.id)).status_code == 200, url
    r = client.patch(earned.display(), json={"hidden": True}, headers=earned.earner.headers)
    assert r.status_code == 200 and r.json["hidden"] is True
    for url in PUBLIC_URLS:
        path = url.format(id=earned.id)
        hidden = client.get(path, headers={"Accept": BROWSER})
        assert hidden.status_code == 404, url
        assert hidden.mimetype == "application/problem+json"
        seen = client.get(path, headers={"Accept": BROWSER, **earned.earner.headers})
        assert seen.status_code == 200, url
        assert seen.headers["Cache-Control"] == "private, no-store", url
    r = client.patch(earned.display(), json={"hidden": False}, headers=earned.earner.headers)
    assert r.status_code == 200 and r.json["hidden"] is False
    assert client.get(f"/c/{earned.id}").status_code == 200


def test_the_status_list_still_answers_for_a_hidden_credential(
    client: FlaskClient, earned: Earned
) -> None:
    document = client.get(f"/c/{earned.id}").json
    r = client.patch(earned.display(), json={"hidden": True}, headers=earned.earner.headers)
    assert r.status_code == 200 and r.json["hidden"] is True
    assert client.get(f"/c/{earned.id}").status_code == 404
    status_url = document["credentialStatus"]["statusListCredential"]
    assert client.get(status_url.removeprefix("https://certs.example.test")).status_code == 200


def test_name_and_evidence_can_be_left_off_the_page(client: FlaskClient, earned: Earned) -> None:
    page = client.get(f"/c/{earned.id}", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "Lee Learner" in page and "Lesson plan" in page
    with_name = client.get(f"/c/{earned.id}/share.png").data
    changes = {"show_name": False, "show_evidence": False}
    r = client.patch(earned.display(), json=changes, headers=earned.earner.headers)
    assert r.status_code == 200 and r.json == {"hidden": False, **changes}
    page = client.get(f"/c/{earned.id}", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "Lee Learner" not in page and "Lesson plan" not in page
    assert "Inclusive Classroom Practice" in page  # the rest is unchanged
    without_name = client.get(f"/c/{earned.id}/share.png")
    assert without_name.status_code == 200 and without_name.data != with_name
    assert client.get(earned.display(), headers=earned.earner.headers).json == r.json


@pytest.mark.parametrize("who", ["stranger", "issuer_admin", "platform_admin"])
def test_nobody_but_the_earner_sees_or_changes_the_settings(
    client: FlaskClient, factories: Factories, earned: Earned, who: str
) -> None:
    person = {
        "stranger": lambda: factories.person(),
        "issuer_admin": lambda: factories.person(earned.tenant, [Role.ISSUER_ADMIN]),
        "platform_admin": lambda: factories.person(platform_admin=True),
    }[who]()
    assert client.get(earned.display(), headers=person.headers).status_code == 404
    r = client.patch(earned.display(), json={"hidden": True}, headers=person.headers)
    assert r.status_code == 404
    assert client.get(f"/c/{earned.id}").status_code == 200


def test_api_clients_act_for_no_earner(
    client: FlaskClient, factories: Factories, earned: Earned
) -> None:
    headers = factories.client(earned.tenant).headers
    assert client.get("/api/v1/me/credentials", headers=headers).status_code == 403
    assert client.patch(earned.display(), json={}, headers=headers).status_code == 403
    assert client.get(earned.display()).status_code == 401


def test_a_bad_setting_is_a_problem_naming_the_field(client: FlaskClient, earned: Earned) -> None:
    r = client.patch(earned.display(), json={"hidden": "maybe"}, headers=earned.earner.headers)
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    assert "hidden" in r.get_data(as_text=True)
    assert client.get(earned.display(), headers=earned.earner.headers).json["hidden"] is False


def test_changes_are_audited(
    app: Flask, client: FlaskClient, factories: Factories, earned: Earned
) -> None:
    r = client.patch(earned.display(), json={"hidden": True}, headers=earned.earner.headers)
    assert r.status_code == 200
    admin = factories.person(earned.tenant, [Role.ISSUER_ADMIN])
    events = client.get(f"/api/v1/tenants/{earned.tenant}/audit-events", headers=admin.headers)
    assert events.status_code == 200
    [event] = [e for e in events.json if e["action"] == "credential.display"]
    assert event["target_id"] == str(earned.id) and event["details"] == {"hidden": True}


def test_only_a_hidden_credential_looks_at_the_token(client: FlaskClient, earned: Earned) -> None:
    stale = {"Authorization": "Bearer not-a-token"}
    assert client.get(f"/c/{earned.id}/credential.json", headers=stale).status_code == 200
    r = client.patch(earned.display(), json={"hidden": True}, headers=earned.earner.headers)
    assert r.status_code == 200
    assert client.get(f"/c/{earned.id}/credential.json", headers=stale).status_code == 401
    assert client.get(f"/c/{earned.id}/credential.json").status_code == 404
