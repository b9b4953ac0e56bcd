"""Awarding a credential: every format is signed, and verifies with our verifier."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from PIL import Image

from issuer.accounts.roles import Role
from issuer.clock import FrozenClock
from tests.factories import Factories
from tests.issuer.resolver import AppResolver
from verifier.pipeline import verify

BASE = "https://certs.example.test"


@pytest.fixture
def setup(client: FlaskClient, factories: Factories) -> dict[str, Any]:
    tenant = factories.tenant()
    issuer = factories.issuer(tenant)
    creator = factories.person(tenant, [Role.BADGE_CREATOR])
    achievement = client.post(
        f"/api/v1/issuers/{issuer}/achievements",
        json={
            "name": "Formative Assessment",
            "description": "Uses formative assessment to adapt teaching.",
            "criteria": {"narrative": "Passed the evaluation with 80 % or more."},
            "achievementType": "Certificate",
            "alignment": [
                {
                    "targetName": "Assessment literacy",
                    "targetUrl": "https://framework.example/items/42",
                    "targetType": "CFItem",
                }
            ],
            "tag": ["assessment", "pedagogy"],
        },
        headers=creator.headers,
    )
    assert achievement.status_code == 201, achievement.json
    return {"issuer": issuer, "achievement": achievement.json["id"], "headers": creator.headers}


def _award(client: FlaskClient, setup: dict[str, Any], **body: Any) -> dict[str, Any]:
    body.setdefault("recipient", {"identity": "Ana@School.test", "name": "Ana Lima"})
    r = client.post(
        f"/api/v1/achievements/{setup['achievement']}/credentials",
        json=body,
        headers=setup["headers"],
    )
    assert r.status_code == 201, r.json
    return r.json


def _get(client: FlaskClient, url: str) -> bytes:
    r = client.get(url.removeprefix(BASE))
    assert r.status_code == 200, url
    return r.data


def test_every_format_of_an_award_verifies(client: FlaskClient, setup: dict[str, Any]) -> None:
    award = _award(client, setup, validUntil="2030-01-01T00:00:00Z")
    resolver = AppResolver(client)
    now = datetime(2026, 6, 1, tzinfo=UTC)
    for name, url in award["formats"].items():
        report = verify(_get(client, url), resolver=resolver, now=now)
        outcomes = {c.id: c.outcome for c in report.checks}
        assert report.verified, (name, report.as_dict()["checks"])
        assert outcomes["proof"] == outcomes["issuer"] == "passed", (name, outcomes)
        assert outcomes["validity"] == "passed", name
        if name.startswith("ob3"):
            assert outcomes["schema"] == outcomes["status"] == "passed", (name, report.checks)


def test_credential_id_is_its_public_url(client: FlaskClient, setup: dict[str, Any]) -> None:
    award = _award(client, setup)
    credential = json.loads(_get(client, award["formats"]["ob3_json"]))
    assert credential["id"] == award["url"] == f"{BASE}/c/{award['id']}"
    assert json.loads(_get(client, award["url"]))["id"] == award["url"]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert [p["cryptosuite"] for p in credential["proof"]] == ["eddsa-rdfc-2022"]
    status = credential["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry" and status["statusPurpose"] == "revocation"


def test_the_recipient_identity_is_salted_and_hashed(
    client: FlaskClient, setup: dict[str, Any]
) -> None:
    award = _award(client, setup)
    credential = json.loads(_get(client, award["formats"]["ob3_json"]))
    identifier = credential["credentialSubject"]["identifier"][0]
    assert identifier["hashed"] is True and identifier["identityType"] == "emailAddress"
    expected = hashlib.sha256(("ana@school.test" + identifier["salt"]).encode()).hexdigest()
    assert identifier["identityHash"] == f"sha256${expected}"
    assert "ana@school.test" not in json.dumps(credential).lower()
    assert credential["credentialSubject"]["id"].startswith("urn:uuid:")


def test_jwt_follows_ob3_section_8_2(client: FlaskClient, setup: dict[str, Any]) -> None:
    award = _award(client, setup, validUntil="2030-01-01T00:00:00Z")
    token = _get(client, award["formats"]["ob3_jwt"]).decode()
    header_b64, payload_b64, _ = token.split(".")

    def part(text: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        return data

    header, payload = part(header_b64), part(payload_b64)
    assert header["alg"] == "RS256" and set(header) <= {"alg", "typ", "kid", "jwk"}
    assert header["kid"].startswith(f"did:web:certs.example.test:issuers:{setup['issuer']}#")
    assert payload["jti"] == award["url"]
    assert payload["iss"] == payload["issuer"]["id"]
    assert payload["sub"] == payload["credentialSubject"]["id"]
    assert payload["exp"] == int(datetime(2030, 1, 1, tzinfo=UTC).timestamp())
    assert "proof" not in payload


def test_one_changed_byte_fails_verification(client: FlaskClient, setup: dict[str, Any]) -> None:
    award = _award(client, setup)
    resolver = AppResolver(client)
    signed = _get(client, award["formats"]["ob3_json"])
    tampered = signed.replace(b"Ana Lima", b"Ana Lime")
    assert verify(signed, resolver=resolver).verified
    report = verify(tampered, resolver=resolver)
    assert not report.verified and report.check("proof").outcome == "failed"  # type: ignore[union-attr]
    header, payload, signature = _get(client, award["formats"]["ob3_jwt"]).split(b".")
    decoded = base64.urlsafe_b64decode(payload + b"=" * (-len(payload) % 4))
    forged = base64.urlsafe_b64encode(decoded.replace(b"Ana Lima", b"Ana Lime")).rstrip(b"=")
    report = verify(b".".join([header, forged, signature]), resolver=resolver)
    assert not report.verified and report.check("proof").outcome == "failed"  # type: ignore[union-attr]


def test_revising_an_achievement_never_changes_issued_credentials(
    client: FlaskClient, setup: dict[str, Any], clock: FrozenClock
) -> None:
    award = _award(client, setup)
    before = _get(client, award["formats"]["ob3_json"])
    r = client.patch(
        f"/api/v1/achievements/{setup['achievement']}",
        json={"name": "Renamed"},
        headers=setup["headers"],
    )
    assert r.status_code == 200 and r.json["version"] == 2
    clock.advance(minutes=30)
    assert _get(client, award["formats"]["ob3_json"]) == before
    later = _award(client, setup)
    assert later["achievement_version"] == 2
    renamed = json.loads(_get(client, later["formats"]["ob3_json"]))
    assert renamed["credentialSubject"]["achievement"]["name"] == "Renamed"
    assert json.loads(before)["credentialSubject"]["achievement"]["name"] == "Formative Assessment"


def test_status_slots_are_never_reused(client: FlaskClient, setup: dict[str, Any]) -> None:
    indexes = set()
    for n in range(25):
        award = _award(client, setup, recipient={"identity": f"p{n}@school.test"})
        status = json.loads(_get(client, award["formats"]["ob3_json"]))["credentialStatus"]
        indexes.add(int(status["statusListIndex"]))
    assert len(indexes) == 25


def test_validity_window_must_be_ordered(client: FlaskClient, setup: dict[str, Any]) -> None:
    r = client.post(
        f"/api/v1/achievements/{setup['achievement']}/credentials",
        json={
            "recipient": {"identity": "x@school.test"},
            "validFrom": "2026-01-02T00:00:00Z",
            "validUntil": "2026-01-01T00:00:00Z",
        },
        headers=setup["headers"],
    )
    assert r.status_code == 422 and r.json["errors"][0]["pointer"] == "#/validUntil"


def test_an_archived_achievement_awards_nothing(client: FlaskClient, setup: dict[str, Any]) -> None:
    path = f"/api/v1/achievements/{setup['achievement']}"
    assert client.delete(path, headers=setup["headers"]).status_code == 204
    r = client.post(
        f"{path}/credentials",
        json={"recipient": {"identity": "x@s.test"}},
        headers=setup["headers"],
    )
    assert r.status_code == 409


def test_external_identifier_recipient(client: FlaskClient, setup: dict[str, Any]) -> None:
    award = _award(
        client, setup, recipient={"type": "external", "identity": "S-2024-0042", "hashed": False}
    )
    credential = json.loads(_get(client, award["formats"]["ob3_json"]))
    identifier = credential["credentialSubject"]["identifier"][0]
    assert identifier == {
        "type": "IdentityObject",
        "identityType": "sisSourcedId",
        "hashed": False,
        "identityHash": "S-2024-0042",
    }
    assert verify(_get(client, award["formats"]["ob3_json"]), resolver=AppResolver(client)).verified


def test_unknown_credential_formats_are_404(client: FlaskClient) -> None:
    for path in (
        f"/c/{uuid.uuid4()}",
        f"/ob2/assertions/{uuid.uuid4()}",
        f"/status/{uuid.uuid4()}",
    ):
        assert client.get(path).status_code == 404


def test_an_uploaded_badge_image_reaches_new_credentials_only(
    client: FlaskClient, setup: dict[str, Any]
) -> None:
    before = _award(client, setup)
    png = io.BytesIO()
    Image.new("RGB", (64, 64), "gold").save(png, "PNG")
    path = f"/api/v1/achievements/{setup['achievement']}/image"
    r = client.put(path, data=png.getvalue(), content_type="image/png", headers=setup["headers"])
    assert r.status_code == 200 and r.json["version"] == 2 and r.json["image_id"]
    after = _award(client, setup)
    achievement = json.loads(_get(client, after["formats"]["ob3_json"]))["credentialSubject"][
        "achievement"
    ]
    assert achievement["image"] == {"id": f"{BASE}/images/{r.json['image_id']}", "type": "Image"}
    assert _get(client, achievement["image"]["id"]) == png.getvalue()
    old = json.loads(_get(client, before["formats"]["ob3_json"]))["credentialSubject"][
        "achievement"
    ]
    assert "image" not in old
    assertion = json.loads(_get(client, after["formats"]["ob2_hosted"]))
    assert json.loads(_get(client, assertion["badge"]))["image"] == achievement["image"]["id"]
