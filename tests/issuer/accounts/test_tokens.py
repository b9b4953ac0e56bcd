"""Logging in, the client-credentials grant, expiry by the clock, and revocation."""

from __future__ import annotations

import base64

from flask.testing import FlaskClient

from issuer.accounts.roles import Role
from issuer.clock import FrozenClock
from issuer.settings import Settings
from tests.factories import PASSWORD, Factories


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_login_returns_a_bearer_token_that_works(client: FlaskClient, factories: Factories) -> None:
    person = factories.person(factories.tenant(), [Role.EARNER])
    r = client.post(
        "/api/v1/auth/login", json={"email": person.email.upper(), "password": PASSWORD}
    )
    assert r.status_code == 200
    assert r.json["token_type"] == "Bearer" and r.json["expires_in"] == 3600
    me = client.get("/api/v1/me", headers=_bearer(r.json["access_token"]))
    assert me.status_code == 200 and me.json["email"] == person.email


def test_wrong_password_and_unknown_email_get_the_same_answer(
    client: FlaskClient, factories: Factories
) -> None:
    person = factories.person()
    wrong = client.post("/api/v1/auth/login", json={"email": person.email, "password": "nope"})
    unknown = client.post("/api/v1/auth/login", json={"email": "x@y.test", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json["detail"] == unknown.json["detail"]
    assert wrong.mimetype == "application/problem+json"


def test_login_is_rate_limited_per_address(client: FlaskClient, factories: Factories) -> None:
    person = factories.person()
    statuses = [
        client.post(
            "/api/v1/auth/login",
            json={"email": f"nobody{i}@example.test", "password": "wrong"},  # many accounts
            environ_base={"REMOTE_ADDR": "10.0.0.1"},
        ).status_code
        for i in range(11)
    ]
    assert statuses[:10] == [401] * 10
    assert statuses[10] == 429
    limited = client.post(
        "/api/v1/auth/login",
        json={"email": person.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.1"},
    )
    assert limited.status_code == 429
    assert limited.mimetype == "application/problem+json"
    assert "Retry-After" in limited.headers


def test_token_expires_by_the_clock(
    client: FlaskClient, factories: Factories, clock: FrozenClock, settings: Settings
) -> None:
    person = factories.person()
    clock.advance(seconds=settings.user_token_ttl - 1)
    assert client.get("/api/v1/me", headers=person.headers).status_code == 200
    clock.advance(seconds=1)
    r = client.get("/api/v1/me", headers=person.headers)
    assert r.status_code == 401 and "expired" in r.json["detail"]
    assert r.headers["WWW-Authenticate"].startswith("Bearer")


def test_logout_revokes_only_that_token(client: FlaskClient, factories: Factories) -> None:
    person = factories.person()
    other = client.post("/api/v1/auth/login", json={"email": person.email, "password": PASSWORD})
    assert client.post("/api/v1/auth/logout", headers=person.headers).status_code == 204
    r = client.get("/api/v1/me", headers=person.headers)
    assert r.status_code == 401 and "revoked" in r.json["detail"]
    assert client.get("/api/v1/me", headers=_bearer(other.json["access_token"])).status_code == 200


def test_tampered_or_foreign_tokens_are_refused(client: FlaskClient, factories: Factories) -> None:
    person = factories.person()
    header, payload, signature = person.token.split(".")
    forged = f"{header}.{payload}.{signature[:-4]}AAAA"
    for token in (forged, "not-a-jwt", person.token + "x"):
        assert client.get("/api/v1/me", headers=_bearer(token)).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Basic abc"}).status_code == 401


def test_removed_member_no_longer_sees_the_tenant(
    client: FlaskClient, factories: Factories
) -> None:
    tenant = factories.tenant()
    admin = factories.person(tenant, [Role.ISSUER_ADMIN])
    person = factories.person(tenant, [Role.EARNER])
    assert (
        client.delete(
            f"/api/v1/tenants/{tenant}/members/{person.id}", headers=admin.headers
        ).status_code
        == 204
    )
    # removed from the tenant: the token that held the membership ends, and a new one's
    # holder no longer sees the tenant
    assert client.get(f"/api/v1/tenants/{tenant}", headers=person.headers).status_code == 401
    login = {"email": person.email, "password": PASSWORD}
    fresh = client.post("/api/v1/auth/login", json=login).get_json()["access_token"]
    assert client.get(f"/api/v1/tenants/{tenant}", headers=_bearer(fresh)).status_code == 404


def test_client_credentials_grant_with_basic_auth(
    client: FlaskClient, factories: Factories
) -> None:
    tenant = factories.tenant()
    api_client = factories.client(tenant, scopes=["issuers:read", "tenants:read"])
    basic = base64.b64encode(f"{api_client.client_id}:{api_client.secret}".encode()).decode()
    r = client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "scope": "issuers:read"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert r.status_code == 200, r.json
    assert r.json["scope"] == "issuers:read" and r.json["expires_in"] == 900
    assert r.headers["Cache-Control"] == "no-store"
    token = r.json["access_token"]
    assert (
        client.get(f"/api/v1/tenants/{tenant}/issuers", headers=_bearer(token)).status_code == 200
    )
    # the token carries only the scope asked for
    assert client.get(f"/api/v1/tenants/{tenant}", headers=_bearer(token)).status_code == 403


def test_client_credentials_grant_with_form_credentials(
    client: FlaskClient, factories: Factories
) -> None:
    api_client = factories.client(factories.tenant(), scopes=["issuers:read"])
    r = client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": api_client.client_id,
            "client_secret": api_client.secret,
        },
    )
    assert r.status_code == 200 and r.json["scope"] == "issuers:read"


def test_client_credentials_errors_follow_rfc_6749(
    client: FlaskClient, factories: Factories
) -> None:
    api_client = factories.client(factories.tenant(), scopes=["issuers:read"])
    form = {"client_id": api_client.client_id, "client_secret": api_client.secret}
    bad_secret = client.post(
        "/oauth/token", data={"grant_type": "client_credentials", **form, "client_secret": "x"}
    )
    assert bad_secret.status_code == 401 and bad_secret.json["error"] == "invalid_client"
    grant = client.post("/oauth/token", data={"grant_type": "password", **form})
    assert grant.status_code == 400 and grant.json["error"] == "unsupported_grant_type"
    scope = client.post(
        "/oauth/token", data={"grant_type": "client_credentials", "scope": "keys:write", **form}
    )
    assert scope.status_code == 400 and scope.json["error"] == "invalid_scope"


def test_disabling_a_client_stops_its_tokens(client: FlaskClient, factories: Factories) -> None:
    tenant = factories.tenant()
    admin = factories.person(tenant, [Role.ISSUER_ADMIN])
    api_client = factories.client(tenant)
    assert client.get("/api/v1/me", headers=api_client.headers).status_code == 200
    r = client.patch(
        f"/api/v1/clients/{api_client.id}", json={"is_active": False}, headers=admin.headers
    )
    assert r.status_code == 200
    assert client.get("/api/v1/me", headers=api_client.headers).status_code == 401


def test_revocation_endpoint_revokes_a_client_token(
    client: FlaskClient, factories: Factories
) -> None:
    api_client = factories.client(factories.tenant())
    assert client.post("/oauth/revoke", data={"token": api_client.token}).status_code == 200
    assert client.get("/api/v1/me", headers=api_client.headers).status_code == 401
    # unknown tokens are not an error (RFC 7009 §2.2)
    assert client.post("/oauth/revoke", data={"token": "garbage"}).status_code == 200


def test_rotating_a_client_secret_invalidates_the_old_one(
    client: FlaskClient, factories: Factories
) -> None:
    tenant = factories.tenant()
    admin = factories.person(tenant, [Role.ISSUER_ADMIN])
    api_client = factories.client(tenant)
    r = client.post(f"/api/v1/clients/{api_client.id}/secret", headers=admin.headers)
    assert r.status_code == 200 and r.json["client_secret"] != api_client.secret
    form = {"grant_type": "client_credentials", "client_id": api_client.client_id}
    old = client.post("/oauth/token", data={**form, "client_secret": api_client.secret})
    new = client.post("/oauth/token", data={**form, "client_secret": r.json["client_secret"]})
    assert (old.status_code, new.status_code) == (401, 200)
