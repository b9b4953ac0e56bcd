"""Key rotation, and the public documents verifiers resolve keys from."""

from __future__ import annotations

import base64
import json
import logging
import uuid

import pytest
from flask import Flask
from flask.testing import FlaskClient

from issuer.accounts.roles import Role
from issuer.db import db
from issuer.keys import services
from issuer.tenants.models import Issuer
from tests.factories import Factories
from verifier.did_key import resolve_did_key
from verifier.multikey import decode_public_key, public_key_from_jwk

PRIVATE_MEMBERS = {"d", "p", "q", "dp", "dq", "qi"}


def _issuer_with_admin(factories: Factories) -> tuple[uuid.UUID, dict[str, str]]:
    tenant = factories.tenant()
    return factories.issuer(tenant), factories.person(tenant, [Role.ISSUER_ADMIN]).headers


def test_new_issuer_has_ed25519_and_rsa_keys(client: FlaskClient, factories: Factories) -> None:
    issuer, admin = _issuer_with_admin(factories)
    keys = client.get(f"/api/v1/issuers/{issuer}/keys", headers=admin).json
    assert sorted(k["algorithm"] for k in keys) == ["Ed25519", "RSA"]
    rsa = next(k for k in keys if k["algorithm"] == "RSA")
    modulus = base64.urlsafe_b64decode(rsa["public_jwk"]["n"] + "==")
    assert rsa["public_jwk"]["alg"] == "RS256" and len(modulus) * 8 >= 2048


def test_rotation_retires_the_old_key_but_keeps_it_published(
    client: FlaskClient, factories: Factories
) -> None:
    issuer, admin = _issuer_with_admin(factories)
    before = client.get(f"/issuers/{issuer}/did.json").json
    old_ed = next(m for m in before["verificationMethod"] if m["type"] == "Multikey")
    r = client.post(f"/api/v1/issuers/{issuer}/keys", json={"algorithm": "Ed25519"}, headers=admin)
    assert r.status_code == 201
    new_vm = r.json["verification_method"]
    keys = client.get(f"/api/v1/issuers/{issuer}/keys", headers=admin).json
    eds = [k for k in keys if k["algorithm"] == "Ed25519"]
    assert len(eds) == 2 and sum(k["retired_at"] is None for k in eds) == 1
    after = client.get(f"/issuers/{issuer}/did.json").json
    ids = {m["id"] for m in after["verificationMethod"]}
    assert {old_ed["id"], new_vm} <= ids  # old credentials still verify
    assert old_ed["id"] in after["assertionMethod"]
    assert old_ed["id"] not in after["authentication"]


def test_signing_uses_the_active_key_after_rotation(app: Flask, factories: Factories) -> None:
    tenant = factories.tenant()
    issuer_id = factories.issuer(tenant)
    with app.app_context():
        issuer = db.session.get(Issuer, issuer_id)
        assert issuer is not None
        first, _ = services.signing_key(issuer, "Ed25519")
        rotated = services.rotate(issuer, "Ed25519", ("system", "test"))
        db.session.commit()
        current, private = services.signing_key(issuer, "Ed25519")
        assert current.id == rotated.id != first.id
        public = public_key_from_jwk(current.public_jwk)
        assert private.public_key() == public  # decrypted key matches what is published


def test_issuer_did_document_resolves_keys(client: FlaskClient, factories: Factories) -> None:
    issuer, _ = _issuer_with_admin(factories)
    r = client.get(f"/issuers/{issuer}/did.json")
    assert r.status_code == 200 and r.mimetype == "application/did+json"
    doc = r.json
    assert doc["id"] == f"did:web:certs.example.test:issuers:{issuer}"
    multikey = next(m for m in doc["verificationMethod"] if m["type"] == "Multikey")
    assert multikey["controller"] == doc["id"]
    ed_public = decode_public_key(multikey["publicKeyMultibase"])
    did_key = resolve_did_key(doc["alsoKnownAs"][0])
    assert decode_public_key(did_key["verificationMethod"][0]["publicKeyMultibase"]) == ed_public


def test_site_documents_list_every_issuers_keys(client: FlaskClient, factories: Factories) -> None:
    first, _ = _issuer_with_admin(factories)
    second, _ = _issuer_with_admin(factories)
    jwks = client.get("/.well-known/jwks.json").json
    kids = {k["kid"] for k in jwks["keys"]}
    for issuer in (first, second):
        own = client.get(f"/issuers/{issuer}/jwks.json").json
        assert {k["kid"] for k in own["keys"]} <= kids
        assert all(
            k["kid"].startswith(f"did:web:certs.example.test:issuers:{issuer}#")
            for k in own["keys"]
        )
    did = client.get("/.well-known/did.json").json
    assert did["id"] == "did:web:certs.example.test"
    controllers = {m["controller"] for m in did["verificationMethod"]}
    assert {f"did:web:certs.example.test:issuers:{i}" for i in (first, second)} <= controllers


def test_unknown_issuer_documents_are_404(client: FlaskClient) -> None:
    r = client.get(f"/issuers/{uuid.uuid4()}/did.json")
    assert r.status_code == 404 and r.mimetype == "application/problem+json"


def test_no_private_key_material_in_any_key_response(
    client: FlaskClient, factories: Factories, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    issuer, admin = _issuer_with_admin(factories)
    client.post(f"/api/v1/issuers/{issuer}/keys", json={"algorithm": "P-256"}, headers=admin)
    bodies = [
        client.get(f"/api/v1/issuers/{issuer}/keys", headers=admin).json,
        client.get(f"/issuers/{issuer}/did.json").json,
        client.get(f"/issuers/{issuer}/jwks.json").json,
        client.get("/.well-known/jwks.json").json,
    ]

    def members(node: object) -> set[str]:
        if isinstance(node, dict):
            return set(node) | set().union(*(members(v) for v in node.values()))
        if isinstance(node, list):
            return set().union(*(members(v) for v in node)) if node else set()
        return set()

    for body in bodies:
        assert not members(body) & PRIVATE_MEMBERS
        assert "PRIVATE KEY" not in json.dumps(body)
    assert "PRIVATE KEY" not in caplog.text


def test_private_keys_are_encrypted_at_rest(app: Flask, factories: Factories) -> None:
    issuer_id = factories.issuer(factories.tenant())
    with app.app_context():
        issuer = db.session.get(Issuer, issuer_id)
        assert issuer is not None
        for key in services.keys_of(issuer):
            assert b"PRIVATE KEY" not in key.encrypted_private_key
            assert key.encrypted_private_key.startswith(b"gAAAAA")  # a Fernet token
