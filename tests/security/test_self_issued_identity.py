"""A self-issued credential calling itself "Harvard University" verifies, but its identity is a
claim: only a trust list, or being this deployment's own issuer, makes it known."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask
from flask.testing import FlaskClient

from issuer.settings import Settings
from tests.factories import Factories
from tests.issuer.resolver import AppResolver
from verifier.cli import EXIT_VERIFIED, main
from verifier.did_key import did_key_from_public_key
from verifier.loader import offline_loader
from verifier.multikey import encode_public_key
from verifier.pipeline import verify
from verifier.proofs import data_integrity
from verifier.proofs.eddsa_rdfc_2022 import SUITE

TRUST = Path(__file__).resolve().parents[1] / "data" / "trust"
KEY = Ed25519PrivateKey.from_private_bytes(bytes([7]) * 32)  # its did:key is in tests/data/trust
DID = did_key_from_public_key(KEY.public_key())
HARVARD = "Harvard University"


@pytest.fixture
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """The suite's settings, with `CERTIFIKATION_TRUST_LIST` set where a test asks."""
    trust_list = getattr(request, "param", None)
    return replace(settings, trust_list=str(trust_list)) if trust_list else settings


def self_issued(issuer: str = DID, key: Ed25519PrivateKey = KEY) -> dict[str, Any]:
    """An OB 3.0 credential signed by `key`'s did:key, naming `issuer` "Harvard University"."""
    credential = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:0b7e3c1e-8f9a-4d2b-9c3d-5e6f7a8b9c0d",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": HARVARD},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Doctor of Philosophy",
        "credentialSubject": {
            "id": "did:example:anyone",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:0b7e3c1e-8f9a-4d2b-9c3d-5e6f7a8b9c0e",
                "type": ["Achievement"],
                "name": "Doctor of Philosophy",
                "description": "A doctorate.",
                "criteria": {"narrative": "Wrote a thesis."},
            },
        },
    }
    did = did_key_from_public_key(key.public_key())
    return data_integrity.create_proof(
        credential,
        suite=SUITE,
        private_key=key,
        verification_method=f"{did}#{encode_public_key(key.public_key())}",
        created=datetime(2026, 1, 1, tzinfo=UTC),
        loader=offline_loader,
    )


def cli_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], *options: str
) -> tuple[int, dict[str, Any]]:
    path = tmp_path / "harvard.json"
    path.write_text(json.dumps(self_issued()))
    code = main(["verify", str(path), "--json", *options])
    return code, json.loads(capsys.readouterr().out)


def outcomes(report: dict[str, Any]) -> dict[str, str]:
    return {c["id"]: c["outcome"] for c in report["checks"]}


def test_self_issued_credential_verifies_with_identity_not_established(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = cli_report(tmp_path, capsys)

    assert code == EXIT_VERIFIED and report["verified"] is True
    ids = [c["id"] for c in report["checks"]]
    assert ids[ids.index("issuer") + 1] == "identity"
    identity = next(c for c in report["checks"] if c["id"] == "identity")
    assert identity == {
        "id": "identity",
        "outcome": "warning",
        "message": "Issuer identity not established: the credential calls its issuer"
        f" {HARVARD}, which no trust list confirms.",
    }


@pytest.mark.parametrize(
    ("name", "trusted"),
    [
        ("trust-list.json", "Harvard University (test list)"),
        ("dcc-registry.json", "Harvard University (test registry)"),
    ],
)
def test_issuer_on_a_trust_list_file_is_known(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, trusted: str
) -> None:
    code, report = cli_report(tmp_path, capsys, "--trust-list", str(TRUST / name))

    assert code == EXIT_VERIFIED and report["verified"] is True
    identity = next(c for c in report["checks"] if c["id"] == "identity")
    assert identity["outcome"] == "passed"
    assert identity["message"] == (
        f"Issuer identity known: {trusted} (trust list {TRUST / name});"
        f" the credential calls it {HARVARD}."
    )


def test_identity_is_skipped_when_the_key_is_not_the_issuers() -> None:
    someone = did_key_from_public_key(Ed25519PrivateKey.generate().public_key())

    report = verify(self_issued(issuer=someone))

    assert [(c.id, c.outcome) for c in report.checks][3:5] == [
        ("issuer", "failed"),
        ("identity", "skipped"),
    ]


def api_identity(client: FlaskClient, credential: Any) -> tuple[bool, dict[str, str]]:
    body = json.dumps(credential) if not isinstance(credential, bytes) else credential
    r = client.post("/api/verify", data=body, content_type="application/ld+json")
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.json["verified"], next(c for c in r.json["checks"] if c["id"] == "identity")


def test_verify_page_says_signature_valid_issuer_not_confirmed(client: FlaskClient) -> None:
    text = json.dumps(self_issued())

    html = client.post("/verify", data={"text": text}).get_data(as_text=True)

    assert "Verified credential" not in html and "verdict verified" not in html
    assert 'class="card verdict unconfirmed"' in html
    assert "Signature valid, issuer not confirmed" in html
    assert f"Says it was issued by {HARVARD}." in html
    assert f"issued by {HARVARD}" not in html.replace(f"Says it was issued by {HARVARD}", "")
    french = client.post("/verify?lang=fr", data={"text": text}).get_data(as_text=True)
    assert "Signature valide, émetteur non confirmé" in french
    assert f"Se dit délivrée par {HARVARD}." in french


def test_verify_api_reports_the_warning_and_stays_verified(client: FlaskClient) -> None:
    verified, identity = api_identity(client, self_issued())

    assert verified is True and identity["outcome"] == "warning"
    assert f"calls its issuer {HARVARD}, which no trust list confirms" in identity["message"]


@pytest.mark.parametrize(
    ("settings", "trusted"),
    [
        (TRUST / "trust-list.json", "Harvard University (test list)"),
        (TRUST / "dcc-registry.json", "Harvard University (test registry)"),
    ],
    indirect=["settings"],
    ids=["ours", "dcc"],
)
def test_the_configured_trust_list_makes_the_issuer_known(
    client: FlaskClient, settings: Settings, trusted: str
) -> None:
    verified, identity = api_identity(client, self_issued())
    html = client.post("/verify", data={"text": json.dumps(self_issued())}).get_data(as_text=True)

    assert verified is True and identity["outcome"] == "passed"
    assert identity["message"].startswith(
        f"Issuer identity known: {trusted} (trust list {settings.trust_list})"
    )
    assert "Verified credential" in html and "not confirmed" not in html
    assert f"Credential: Doctor of Philosophy, issued by {HARVARD}." in html


def test_a_credential_of_this_deployment_is_known(
    app: Flask, client: FlaskClient, factories: Factories
) -> None:
    app.extensions["resolver"] = AppResolver(client)
    issuer = factories.issuer(factories.tenant(), name="Teacher Training Board")
    credential = factories.credential(factories.achievement(issuer))
    signed = client.get(f"/c/{credential}/credential.json").data

    verified, identity = api_identity(client, signed)
    page = client.get(f"/c/{credential}", headers={"Accept": "text/html"}).get_data(as_text=True)
    bare = verify(signed, resolver=AppResolver(client))  # the library given no trust list

    assert verified is True and identity == {
        "id": "identity",
        "outcome": "passed",
        "message": "Issuer identity known: Teacher Training Board (this deployment's own issuer).",
    }
    assert "Verified credential" in page and "Says it was issued by" not in page
    assert bare.verified and bare.check("identity").outcome == "warning"  # type: ignore[union-attr]


def test_an_ob2_assertion_of_this_deployment_is_known(
    app: Flask, client: FlaskClient, factories: Factories
) -> None:
    app.extensions["resolver"] = AppResolver(client)
    issuer = factories.issuer(factories.tenant(), name="Teacher Training Board")
    credential = factories.credential(factories.achievement(issuer))
    assertion = client.get(f"/ob2/assertions/{credential}").data

    verified, identity = api_identity(client, assertion)

    assert verified is True and identity["outcome"] == "passed", identity
    assert identity["message"].startswith("Issuer identity known: Teacher Training Board")
