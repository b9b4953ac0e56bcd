"""Every change that narrows access ends the live tokens that relied on the old state."""

from __future__ import annotations

import base64

from flask.testing import FlaskClient

from issuer.accounts.models import ApiClient
from issuer.accounts.roles import Role
from issuer.db import db
from tests.factories import PASSWORD, Factories


def _ok(client: FlaskClient, headers: dict[str, str]) -> int:
    return client.get("/api/v1/me", headers=headers).status_code


def test_a_password_change_ends_every_older_token(
    client: FlaskClient, factories: Factories
) -> None:
    person = factories.person()
    other_device = client.post(
        "/api/v1/auth/login", json={"email": person.email, "password": PASSWORD}
    ).json["access_token"]
    change = {"current_password": PASSWORD, "new_password": "another long password"}
    assert client.put("/api/v1/me/password", json=change, headers=person.headers).status_code == 204
    assert _ok(client, person.headers) == 401
    assert _ok(client, {"Authorization": f"Bearer {other_device}"}) == 401


def test_a_role_change_and_a_removal_end_the_member_tokens(
    client: FlaskClient, factories: Factories
) -> None:
    tenant = factories.tenant()
    admin = factories.person(tenant, [Role.ISSUER_ADMIN]).headers
    demoted = factories.person(tenant, [Role.ISSUER_ADMIN])
    removed = factories.person(tenant, [Role.BADGE_CREATOR])
    bystander = factories.person(tenant, [Role.EARNER])
    put = client.put(
        f"/api/v1/tenants/{tenant}/members/{demoted.id}", json={"roles": ["earner"]}, headers=admin
    )
    assert put.status_code == 200
    assert client.get(f"/api/v1/tenants/{tenant}/clients", headers=demoted.headers).status_code == (
        401
    )
    deleted = client.delete(f"/api/v1/tenants/{tenant}/members/{removed.id}", headers=admin)
    assert deleted.status_code == 204
    assert _ok(client, removed.headers) == 401
    assert _ok(client, bystander.headers) == 200  # nobody else is signed out


def _client_token(client: FlaskClient, client_id: str, secret: str, scope: str = "") -> str:
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    form = {"grant_type": "client_credentials"} | ({"scope": scope} if scope else {})
    r = client.post("/oauth/token", data=form, headers={"Authorization": f"Basic {basic}"})
    assert r.status_code == 200, r.json
    token: str = r.json["access_token"]
    return token


def test_a_secret_rotation_and_a_scope_reduction_end_client_tokens(
    client: FlaskClient, factories: Factories
) -> None:
    tenant = factories.tenant()
    admin = factories.person(tenant, [Role.ISSUER_ADMIN]).headers
    api = factories.client(tenant, scopes=["issuers:read", "tenants:read"])
    before = {"Authorization": f"Bearer {_client_token(client, api.client_id, api.secret)}"}
    narrowed = client.patch(
        f"/api/v1/clients/{api.id}", json={"scopes": ["tenants:read"]}, headers=admin
    )
    assert narrowed.status_code == 200
    assert client.get(f"/api/v1/tenants/{tenant}/issuers", headers=before).status_code == 401
    renamed = {"Authorization": f"Bearer {_client_token(client, api.client_id, api.secret)}"}
    assert (
        client.patch(f"/api/v1/clients/{api.id}", json={"name": "SIS"}, headers=admin).status_code
        == 200
    )
    assert client.get(f"/api/v1/tenants/{tenant}", headers=renamed).status_code == 200  # kept
    rotated = client.post(f"/api/v1/clients/{api.id}/secret", headers=admin)
    assert rotated.status_code == 200
    assert client.get(f"/api/v1/tenants/{tenant}", headers=renamed).status_code == 401
    fresh = _client_token(client, api.client_id, rotated.json["client_secret"])
    assert (
        client.get(
            f"/api/v1/tenants/{tenant}", headers={"Authorization": f"Bearer {fresh}"}
        ).status_code
        == 200
    )


def test_a_client_token_never_outgrows_the_client_scopes(
    client: FlaskClient, factories: Factories
) -> None:
    """Defence in depth: even a token that escaped invalidation holds at most today's scopes."""
    tenant = factories.tenant()
    api = factories.client(tenant, scopes=["issuers:read"])
    assert client.get(f"/api/v1/tenants/{tenant}/issuers", headers=api.headers).status_code == 200
    with client.application.app_context():
        row = db.session.get(ApiClient, api.id)
        assert row is not None
        row.scopes = []  # changed behind the service's back: no version bump
        db.session.commit()
    assert client.get(f"/api/v1/tenants/{tenant}/issuers", headers=api.headers).status_code == 403
