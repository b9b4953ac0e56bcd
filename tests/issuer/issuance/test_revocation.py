"""Revoking and suspending: the record stays, and every verifier sees it at once."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from issuer.accounts.roles import Role
from issuer.audit.models import AuditEvent
from issuer.db import db
from issuer.issuance.models import Credential, CredentialStatusChange
from tests.factories import Factories
from tests.issuer.resolver import AppResolver
from verifier.bitstring import bit_at, decode_bitstring
from verifier.pipeline import verify

BASE = "https://certs.example.test"
NOW = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.fixture
def setup(client: FlaskClient, factories: Factories) -> dict[str, Any]:
    tenant = factories.tenant()
    issuer = factories.issuer(tenant)
    return {
        "tenant": tenant,
        "issuer": issuer,
        "achievement": factories.achievement(issuer),
        "admin": factories.person(tenant, [Role.ISSUER_ADMIN]).headers,
    }


def _award(client: FlaskClient, setup: dict[str, Any], **body: Any) -> dict[str, Any]:
    body.setdefault("recipient", {"identity": "ana@school.test", "name": "Ana Lima"})
    r = client.post(
        f"/api/v1/achievements/{setup['achievement']}/credentials",
        json=body,
        headers=setup["admin"],
    )
    assert r.status_code == 201, r.json
    return r.json


def _post(
    client: FlaskClient, setup: dict[str, Any], award: dict[str, Any], action: str, **body: Any
) -> Any:
    return client.post(
        f"/api/v1/credentials/{award['id']}/{action}", json=body, headers=setup["admin"]
    )


def _get(client: FlaskClient, url: str) -> bytes:
    r = client.get(url.removeprefix(BASE))
    assert r.status_code == 200, (url, r.status_code)
    return r.data


def _entry(client: FlaskClient, award: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = json.loads(_get(client, award["url"]))["credentialStatus"]
    return entry


def _bit(client: FlaskClient, award: dict[str, Any]) -> bool:
    entry = _entry(client, award)
    listed = json.loads(_get(client, entry["statusListCredential"]))
    bits = decode_bitstring(listed["credentialSubject"]["encodedList"])
    return bit_at(bits, int(entry["statusListIndex"]))


def _status_check(client: FlaskClient, data: bytes) -> tuple[bool, str, str]:
    report = verify(data, resolver=AppResolver(client), now=NOW)
    (status,) = (c for c in report.checks if c.id == "status")
    return report.verified, status.outcome, status.message


def test_revocation_shows_in_the_next_status_list_and_verification(
    client: FlaskClient, setup: dict[str, Any]
) -> None:
    award = _award(client, setup)
    credential = _get(client, award["formats"]["ob3_json"])
    assert _status_check(client, credential)[:2] == (True, "passed")
    assert not _bit(client, award)

    r = _post(client, setup, award, "revoke", reason="Awarded in error")
    assert r.status_code == 200, r.json
    assert r.json["status"] == "revoked" and r.json["statusReason"] == "Awarded in error"

    assert _bit(client, award)
    verified, outcome, message = _status_check(client, credential)
    assert (verified, outcome) == (False, "failed") and message.startswith("Revoked"), message
    jwt = _get(client, award["formats"]["ob3_jwt"])
    assert _status_check(client, jwt)[:2] == (False, "failed")


def test_revoking_twice_is_a_conflict(client: FlaskClient, setup: dict[str, Any]) -> None:
    award = _award(client, setup)
    assert _post(client, setup, award, "revoke").status_code == 200
    r = _post(client, setup, award, "revoke")
    assert r.status_code == 409 and "already revoked" in r.json["detail"]
    assert r.mimetype == "application/problem+json"


def test_suspension_round_trip(client: FlaskClient, setup: dict[str, Any]) -> None:
    award = _award(client, setup, statusPurpose="suspension")
    assert award["statusPurpose"] == "suspension"
    credential = _get(client, award["formats"]["ob3_json"])

    r = _post(client, setup, award, "suspend", reason="Under review")
    assert r.status_code == 200 and r.json["status"] == "suspended"
    assert _bit(client, award)
    verified, outcome, message = _status_check(client, credential)
    assert (verified, outcome) == (False, "failed") and message.startswith("Suspended")
    assert _post(client, setup, award, "suspend").status_code == 409

    r = _post(client, setup, award, "unsuspend", reason="Cleared")
    assert r.status_code == 200 and r.json["status"] == "active"
    assert not _bit(client, award)
    assert _status_check(client, credential)[:2] == (True, "passed")


def test_revoking_a_suspended_credential_is_permanent(
    client: FlaskClient, setup: dict[str, Any]
) -> None:
    award = _award(client, setup, statusPurpose="suspension")
    assert _post(client, setup, award, "suspend").status_code == 200
    assert _post(client, setup, award, "revoke", reason="Fraud").status_code == 200
    r = _post(client, setup, award, "unsuspend")
    assert r.status_code == 409 and "revoked" in r.json["detail"]
    assert _bit(client, award)
    shown = client.get(f"/api/v1/credentials/{award['id']}", headers=setup["admin"]).json
    assert shown["status"] == "revoked" and shown["statusReason"] == "Fraud"


def test_suspending_a_revocation_purpose_credential_is_refused(
    client: FlaskClient, setup: dict[str, Any]
) -> None:
    award = _award(client, setup)
    r = _post(client, setup, award, "suspend", reason="Review")
    assert r.status_code == 409
    assert "without suspension support" in r.json["detail"]
    assert not _bit(client, award)


def test_history_is_kept_and_the_record_never_deleted(
    app: Flask, client: FlaskClient, setup: dict[str, Any]
) -> None:
    award = _award(client, setup, statusPurpose="suspension")
    for action in ("suspend", "unsuspend", "revoke"):
        assert _post(client, setup, award, action, reason=action).status_code == 200
    with app.app_context():
        credential_id = uuid.UUID(award["id"])
        assert db.session.get(Credential, credential_id) is not None
        rows = db.session.scalars(
            select(CredentialStatusChange)
            .where(CredentialStatusChange.credential_id == credential_id)
            .order_by(CredentialStatusChange.at, CredentialStatusChange.id)
        ).all()
        assert sorted(r.status for r in rows) == ["active", "revoked", "suspended"]
        assert {r.actor_type for r in rows} == {"user"}
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.target_id == str(credential_id))
        ).all()
        assert {"credential.suspend", "credential.unsuspend", "credential.revoke"} <= set(actions)
    assert client.get(award["url"].removeprefix(BASE)).status_code == 200


def test_ob2_hosted_assertion_says_revoked(client: FlaskClient, setup: dict[str, Any]) -> None:
    award = _award(client, setup)
    hosted = award["formats"]["ob2_hosted"]
    assert _status_check(client, _get(client, hosted))[:2] == (True, "passed")
    _post(client, setup, award, "revoke", reason="Awarded in error")

    shown = json.loads(_get(client, hosted))
    assert shown["id"] == hosted and shown["revoked"] is True
    assert shown["revocationReason"] == "Awarded in error"
    assert "recipient" not in shown  # a revoked assertion no longer names anyone
    verified, outcome, message = _status_check(client, _get(client, hosted))
    assert (verified, outcome) == (False, "failed") and "Awarded in error" in message


def test_ob2_signed_assertion_is_revoked_through_the_revocation_list(
    client: FlaskClient, setup: dict[str, Any]
) -> None:
    award = _award(client, setup)
    signed = _get(client, award["formats"]["ob2_signed"])
    profile = json.loads(_get(client, f"{BASE}/ob2/issuers/{setup['issuer']}"))
    assert profile["revocationList"] == f"{BASE}/ob2/issuers/{setup['issuer']}/revocations"
    assert _status_check(client, signed)[:2] == (True, "passed")

    _post(client, setup, award, "revoke", reason="Withdrawn")
    listed = json.loads(_get(client, profile["revocationList"]))
    assert listed["type"] == "RevocationList"
    assert listed["revokedAssertions"] == [
        {"id": award["formats"]["ob2_hosted"], "revocationReason": "Withdrawn"}
    ]
    verified, outcome, message = _status_check(client, signed)
    assert (verified, outcome) == (False, "failed") and "revocation list" in message


def test_vcapi_status_revokes_and_suspends(
    client: FlaskClient, setup: dict[str, Any], factories: Factories
) -> None:
    api = factories.client(setup["tenant"]).headers
    revocable = _award(client, setup)
    suspendable = _award(client, setup, statusPurpose="suspension")

    def update(award: dict[str, Any], status: str, credential_id: str | None = None) -> Any:
        body = {
            "credentialId": credential_id or award["url"],
            "credentialStatus": [{"type": "BitstringStatusListEntry", "status": status}],
        }
        return client.post("/credentials/status", json=body, headers=api)

    assert update(suspendable, "suspended").status_code == 200
    assert _bit(client, suspendable)
    assert update(suspendable, "active", credential_id=suspendable["id"]).status_code == 200
    assert not _bit(client, suspendable)
    r = update(revocable, "suspended")
    assert r.status_code == 409 and "without suspension support" in r.json["detail"]
    assert update(revocable, "revoked").status_code == 200
    assert _bit(client, revocable)
    assert update(revocable, "revoked").status_code == 409
    assert update(revocable, "active", credential_id=f"{BASE}/c/{uuid.uuid4()}").status_code == 404
    r = client.post(
        "/credentials/status",
        json={"credentialId": revocable["url"], "credentialStatus": [{"status": "gone"}]},
        headers=api,
    )
    assert r.status_code == 422


def test_only_revokers_of_the_tenant_may_change_status(
    client: FlaskClient, setup: dict[str, Any], factories: Factories
) -> None:
    award = _award(client, setup)
    earner = factories.person(setup["tenant"], [Role.EARNER]).headers
    creator = factories.person(setup["tenant"], [Role.BADGE_CREATOR]).headers
    other = factories.tenant()
    stranger = factories.person(other, [Role.ISSUER_ADMIN]).headers
    path = f"/api/v1/credentials/{award['id']}/revoke"
    assert client.post(path, json={}, headers=earner).status_code == 403
    assert client.post(path, json={}, headers=creator).status_code == 403
    assert client.post(path, json={}, headers=stranger).status_code == 404
    body = {"credentialId": award["url"], "credentialStatus": [{"status": "revoked"}]}
    other_client = factories.client(other).headers
    assert client.post("/credentials/status", json=body, headers=other_client).status_code == 404
    assert not _bit(client, award)


def test_status_list_is_cached_and_revalidated(client: FlaskClient, setup: dict[str, Any]) -> None:
    award = _award(client, setup)
    path = _entry(client, award)["statusListCredential"].removeprefix(BASE)
    first = client.get(path)
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, max-age=60"
    assert json.loads(first.data)["credentialSubject"]["ttl"] == 60_000
    again = client.get(path)
    assert again.data == first.data  # not re-signed while nothing changed
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304

    _post(client, setup, award, "revoke")
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
