"""The VC-API: wallets and test suites issue and verify through the CCG request shapes."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from issuer.accounts.roles import Role
from tests.factories import Client, Factories
from tests.issuer.resolver import AppResolver


@pytest.fixture
def api_client(app: Flask, client: FlaskClient, factories: Factories) -> tuple[Client, str]:
    app.extensions["resolver"] = AppResolver(client)
    tenant = factories.tenant()
    issuer = factories.issuer(tenant)
    return factories.client(tenant), f"did:web:certs.example.test:issuers:{issuer}"


def _credential(issuer: str, **extra: Any) -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:0b1e0b5e-7c3a-4bd4-a0a5-4ec3d4f2b7a1",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Wallet Test Issuer"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Interop",
        "credentialSubject": {
            "id": "did:example:holder",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:31c4e0b6-1111-4a8c-9f3e-1b2c3d4e5f60",
                "type": ["Achievement"],
                "name": "Interop",
                "description": "Issued through the VC-API.",
                "criteria": {"narrative": "Requested by a test suite."},
            },
        },
        **extra,
    }


@pytest.mark.parametrize("fmt", ["ldp_vc", "jwt_vc_json"])
def test_issue_then_verify(client: FlaskClient, api_client: tuple[Client, str], fmt: str) -> None:
    caller, issuer = api_client
    r = client.post(
        "/credentials/issue",
        json={"credential": _credential(issuer), "options": {"format": fmt}},
        headers=caller.headers,
    )
    assert r.status_code == 201, r.json
    signed = r.json["verifiableCredential"]
    if fmt == "jwt_vc_json":
        assert isinstance(signed, str) and signed.count(".") == 2
    else:
        assert signed["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    r = client.post(
        "/credentials/verify", json={"verifiableCredential": signed}, headers=caller.headers
    )
    assert r.status_code == 200, r.json
    assert r.json["verified"] is True and "proof" in r.json["checks"] and not r.json["errors"]
    assert {c["id"] for c in r.json["results"]} >= {"format", "schema", "proof", "issuer"}
    assert "identity" in r.json["checks"]  # our own issuer: known, not a warning


def test_verify_reports_a_tampered_credential_with_422(
    client: FlaskClient, api_client: tuple[Client, str]
) -> None:
    caller, issuer = api_client
    signed = client.post(
        "/credentials/issue", json={"credential": _credential(issuer)}, headers=caller.headers
    ).json["verifiableCredential"]
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["achievement"]["name"] = "Something else"
    r = client.post(
        "/credentials/verify", json={"verifiableCredential": tampered}, headers=caller.headers
    )
    assert r.status_code == 422 and r.mimetype == "application/json"
    assert r.json["verified"] is False and r.json["errors"]
    assert next(c for c in r.json["results"] if c["id"] == "proof")["outcome"] == "failed"


def test_issue_refuses_an_undefined_term(
    client: FlaskClient, api_client: tuple[Client, str]
) -> None:
    caller, issuer = api_client
    r = client.post(
        "/credentials/issue",
        json={"credential": _credential(issuer, favouriteColour="teal")},
        headers=caller.headers,
    )
    assert r.status_code == 422 and "favouriteColour" in r.json["detail"]
    assert r.json["errors"][0]["pointer"] == "#/credential"


def test_issue_requires_one_of_the_callers_issuers(
    client: FlaskClient, api_client: tuple[Client, str], factories: Factories
) -> None:
    caller, _ = api_client
    unknown = client.post(
        "/credentials/issue",
        json={"credential": _credential("did:web:elsewhere.example")},
        headers=caller.headers,
    )
    assert (
        unknown.status_code == 422 and unknown.json["errors"][0]["pointer"] == "#/credential/issuer"
    )
    other = factories.issuer(factories.tenant())
    foreign = client.post(
        "/credentials/issue",
        json={"credential": _credential(f"did:web:certs.example.test:issuers:{other}")},
        headers=caller.headers,
    )
    assert foreign.status_code == 404


def test_an_archived_issuer_signs_nothing_as_issuance_answers(
    client: FlaskClient, api_client: tuple[Client, str], factories: Factories
) -> None:
    caller, issuer = api_client
    issuer_id = issuer.rsplit(":", 1)[1]
    tenant = client.get(f"/api/v1/issuers/{issuer_id}", headers=caller.headers).json["tenant_id"]
    admin = factories.person(uuid.UUID(tenant), [Role.ISSUER_ADMIN]).headers
    assert client.delete(f"/api/v1/issuers/{issuer_id}", headers=admin).status_code == 204
    r = client.post(
        "/credentials/issue", json={"credential": _credential(issuer)}, headers=caller.headers
    )
    # the same answer as awarding through /api/v1 (issuance.services): a 409 conflict
    assert r.status_code == 409 and r.mimetype == "application/problem+json"
    assert r.json["errors"][0]["pointer"] == "#/credential/issuer"


def test_openapi_documents_the_archived_issuer_conflict(client: FlaskClient) -> None:
    operation = client.get("/api/openapi.json").json["paths"]["/credentials/issue"]["post"]
    assert "409" in operation["responses"]


def test_issue_refuses_a_signed_credential(
    client: FlaskClient, api_client: tuple[Client, str]
) -> None:
    caller, issuer = api_client
    r = client.post(
        "/credentials/issue",
        json={"credential": _credential(issuer, proof={"type": "DataIntegrityProof"})},
        headers=caller.headers,
    )
    assert r.status_code == 422 and r.json["errors"][0]["pointer"] == "#/credential/proof"


def test_vcapi_needs_a_token(client: FlaskClient) -> None:
    assert client.post("/credentials/issue", json={"credential": {}}).status_code == 401
    assert client.post("/credentials/verify", json={"verifiableCredential": {}}).status_code == 401


def test_verify_explains_unreadable_input(
    client: FlaskClient, api_client: tuple[Client, str]
) -> None:
    caller, _ = api_client
    r = client.post(
        "/credentials/verify", json={"verifiableCredential": "not.a.jwt"}, headers=caller.headers
    )
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    r = client.post(
        "/credentials/verify", json={"verifiableCredential": 42}, headers=caller.headers
    )
    assert r.status_code == 422
