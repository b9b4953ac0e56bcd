"""/oauth/token cannot be flooded into hashing, leaks no client ids and ignores unknown params."""

from __future__ import annotations

import base64
import dataclasses
import uuid
from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient

from issuer.accounts.models import ApiClient
from issuer.accounts.roles import Role
from issuer.db import db
from issuer.settings import Settings
from tests.factories import PASSWORD, Factories


@pytest.fixture
def argon2_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every Argon2 verification the app runs, still done by argon2-cffi (a spy, not a fake)."""
    calls: list[str] = []
    real = PasswordHasher.verify

    def counting(self: PasswordHasher, hash: str | bytes, password: str | bytes) -> bool:
        calls.append(str(hash)[:10])
        return real(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    yield calls


def _basic(client_id: str, secret: str) -> dict[str, str]:
    encoded = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {encoded}"}


def _token(client: FlaskClient, client_id: str, secret: str, address: str = "192.0.2.1") -> int:
    response = client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
        environ_base={"REMOTE_ADDR": address},
    )
    return response.status_code


def test_an_unknown_client_id_costs_no_argon2_hash(
    client: FlaskClient, factories: Factories, argon2_calls: list[str]
) -> None:
    assert _token(client, "ck_nobody", "junk") == 401
    assert argon2_calls == []


def test_new_client_secrets_are_digests_and_verify_without_argon2(
    app: Flask, client: FlaskClient, factories: Factories, argon2_calls: list[str]
) -> None:
    tenant = factories.tenant()
    admin = factories.person(tenant, [Role.ISSUER_ADMIN]).headers
    made = client.post(
        f"/api/v1/tenants/{tenant}/clients",
        json={"name": "SIS", "scopes": ["tenants:read"]},
        headers=admin,
    ).json
    argon2_calls.clear()  # the admin's login above is a person's password: Argon2, rightly
    assert _token(client, made["client_id"], "wrong secret") == 401
    assert _token(client, made["client_id"], made["client_secret"]) == 200
    assert argon2_calls == []
    with app.app_context():
        stored = db.session.get(ApiClient, uuid.UUID(made["id"])).secret_hash
    assert stored.startswith("sha256$") and made["client_secret"] not in stored


def test_an_argon2_client_hash_still_verifies_and_becomes_a_digest(
    app: Flask, client: FlaskClient, factories: Factories, argon2_calls: list[str]
) -> None:
    legacy = factories.client(factories.tenant())  # stored under Argon2, as before digests
    with app.app_context():
        assert db.session.get(ApiClient, legacy.id).secret_hash.startswith("$argon2")
    assert _token(client, legacy.client_id, PASSWORD) == 200
    assert len(argon2_calls) == 1
    with app.app_context():
        assert db.session.get(ApiClient, legacy.id).secret_hash.startswith("sha256$")
    assert _token(client, legacy.client_id, PASSWORD) == 200
    assert _token(client, legacy.client_id, "wrong") == 401
    assert len(argon2_calls) == 1  # upgraded: no Argon2 any more


class TestRateLimits:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return dataclasses.replace(settings, token_rate_limit="3 per minute")

    def test_token_requests_are_limited_per_client_id_before_any_hash(
        self, client: FlaskClient, factories: Factories, argon2_calls: list[str]
    ) -> None:
        legacy = factories.client(factories.tenant())  # Argon2: a wrong secret costs 64 MiB
        for n in range(3):
            assert _token(client, legacy.client_id, "wrong", address=f"198.51.100.{n}") == 401
        assert len(argon2_calls) == 3
        # A fourth address, and Basic credentials too: the client id has had its three.
        assert _token(client, legacy.client_id, "wrong", address="198.51.100.9") == 429
        basic = client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            headers=_basic(legacy.client_id, "wrong"),
            environ_base={"REMOTE_ADDR": "198.51.100.10"},
        )
        assert basic.status_code == 429
        assert basic.mimetype == "application/problem+json"
        assert "Retry-After" in basic.headers
        assert len(argon2_calls) == 3  # refused before any hash
        assert _token(client, "ck_other", "junk", address="198.51.100.11") == 401  # others go on

    def test_token_requests_are_limited_per_address(
        self, client: FlaskClient, factories: Factories
    ) -> None:
        for n in range(3):
            assert _token(client, f"ck_unknown{n}", "junk", address="203.0.113.5") == 401
        assert _token(client, "ck_unknown9", "junk", address="203.0.113.5") == 429
        assert _token(client, "ck_unknown9", "junk", address="203.0.113.6") == 401


def test_unknown_token_request_parameters_are_ignored(
    client: FlaskClient, factories: Factories
) -> None:
    api = factories.client(factories.tenant(), scopes=["tenants:read"])
    response = client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "scope": "tenants:read",
            "audience": "https://certs.example.test",
            "resource": "https://certs.example.test/api",
        },
        headers=_basic(api.client_id, api.secret),
    )
    assert response.status_code == 200, response.json
    assert response.json["scope"] == "tenants:read"
    revoked = client.post(
        "/oauth/revoke",
        data={"token": response.json["access_token"], "client_id": api.client_id, "x": "y"},
    )
    assert revoked.status_code == 200, revoked.json
    bearer = {"Authorization": f"Bearer {response.json['access_token']}"}
    assert client.get("/api/v1/me", headers=bearer).status_code == 401
