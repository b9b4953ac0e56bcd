"""Hostile JSON-LD shapes: a bounded "too complex to verify", and big honest credentials verify."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask
from flask.testing import FlaskClient

from issuer.settings import Settings
from tests.factories import Factories
from tests.issuer.resolver import AppResolver
from verifier.did_key import did_key_from_public_key
from verifier.errors import ExpansionLimit
from verifier.expansion import ExpansionBudget, expansion_budget
from verifier.jsonld import expand_safely
from verifier.pipeline import Limits, verify
from verifier.proofs.eddsa_rdfc_2022 import SUITE

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
DID = did_key_from_public_key(KEY.public_key())
CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
BOUND = 10  # seconds, generous: the real figures are in bench/jsonld_expansion.py


def _credential(**achievement: Any) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "id": "urn:uuid:0b3c9d4e-5f60-4a71-8b92-a3b4c5d6e7f8",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": DID, "type": ["Profile"], "name": "Hostile issuer"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Look-alike",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:31c4e0b6-1111-4a8c-9f3e-1b2c3d4e5f60",
                "type": ["Achievement"],
                "name": "Look-alike",
                "description": "Sent by an attacker.",
                "criteria": {"narrative": "None."},
                **achievement,
            },
        },
    }


def _signed(credential: dict[str, Any]) -> dict[str, Any]:
    method = f"{DID}#{DID.removeprefix('did:key:')}"
    with expansion_budget(ExpansionBudget(max_values=10**6, max_contexts=10**6)):
        return SUITE.create_proof(
            credential, private_key=KEY, verification_method=method, created=None
        )


def _hostile(**achievement: Any) -> dict[str, Any]:
    """The hostile credential, carrying the real proof of a small one."""
    return {**_credential(**achievement), "proof": _signed(_credential())["proof"]}


HOSTILE = {
    # pyld's node map compared each value with all before it: hours for these.
    "many-array-items": lambda: _hostile(tag=[f"t{i}" for i in range(30_000)]),
    "many-types": lambda: _hostile(type=["Achievement", *(f"urn:t:{i}" for i in range(20_000))]),
    "many-small-objects": lambda: _hostile(
        alignment=[
            {"id": f"urn:a:{i}", "type": ["Alignment"], "targetName": "n", "targetUrl": "urn:u"}
            for i in range(5_000)
        ]
    ),
    # Each undefined term searched the whole document for its path.
    "many-undefined-terms": lambda: _hostile(**{f"p{i}": "v" for i in range(20_000)}),
    # Each embedded context cloned the whole OB 3.0 context, about 1 ms each.
    "a-context-per-object": lambda: _contexts(300),
}


def _contexts(count: int) -> dict[str, Any]:
    """Alignments each embedding a context of their own."""
    alignments = [
        {"@context": {f"x{i}": f"urn:x:{i}"}, "type": ["Alignment"], f"x{i}": i}
        for i in range(count)
    ]
    return _hostile(alignment=alignments)


def _assert_too_complex(report: dict[str, Any], because: str = "") -> None:
    checks = {check["id"]: check for check in report["checks"]}
    assert report["verified"] is False
    assert checks["proof"]["outcome"] == "unknown"
    assert checks["proof"]["message"].startswith("Too complex to verify: ")
    assert because in checks["proof"]["message"]
    assert {checks[c]["outcome"] for c in ("issuer", "status", "validity")} == {"skipped"}


@pytest.mark.parametrize("shape", HOSTILE, ids=str)
def test_hostile_shape_posted_to_the_api_is_too_complex_to_verify(
    client: FlaskClient, shape: str
) -> None:
    document = HOSTILE[shape]()
    started = time.perf_counter()

    response = client.post("/api/verify", json=document)

    assert time.perf_counter() - started < BOUND
    assert response.status_code == 200
    _assert_too_complex(response.get_json())


def test_credential_with_thousands_of_tags_still_verifies_in_linear_time(
    client: FlaskClient,
) -> None:
    credential = _signed(_credential(tag=[f"skill-{i}" for i in range(9_000)]))
    started = time.perf_counter()

    report = client.post("/api/verify", json=credential).get_json()

    assert time.perf_counter() - started < BOUND  # pyld's node map: about 2 minutes
    assert report["verified"] is True, report["checks"]


def test_normal_credential_verifies_through_the_api(client: FlaskClient) -> None:
    report = client.post("/api/verify", json=_signed(_credential())).get_json()

    assert report["verified"] is True, report["checks"]


def test_nesting_deeper_than_the_budget_is_too_complex_in_the_library() -> None:
    credential = _signed(_credential())
    node = credential["credentialSubject"]["achievement"]
    for _ in range(40):  # 80 levels: JSON from bytes stops at 64, parsed JSON did not
        node["related"] = [{"type": ["Achievement"], "name": "x"}]
        node = node["related"][0]

    report = verify(credential, limits=Limits())

    _assert_too_complex(report.as_dict(), "more than the 64 levels allowed")


def test_expansion_refuses_before_pyld_sees_the_document() -> None:
    with (
        expansion_budget(ExpansionBudget(max_values=50)),
        pytest.raises(ExpansionLimit, match="more than the 50 JSON values allowed"),
    ):
        expand_safely(_credential(tag=["t"] * 50))


class TestConfiguredLimits:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return dataclasses.replace(settings, jsonld_max_values=300, jsonld_max_contexts=15)

    def test_api_applies_the_configured_value_budget(self, client: FlaskClient) -> None:
        small = client.post("/api/verify", json=_signed(_credential())).get_json()
        big = client.post("/api/verify", json=_signed(_credential(tag=["t"] * 300))).get_json()

        assert small["verified"] is True, small["checks"]
        _assert_too_complex(big, "more than the 300 JSON values allowed")

    def test_api_applies_the_configured_context_budget(self, client: FlaskClient) -> None:
        report = client.post("/api/verify", json=_contexts(20)).get_json()

        _assert_too_complex(report, "more than the 15 JSON-LD contexts")

    def test_vc_api_applies_the_configured_limits(
        self, app: Flask, client: FlaskClient, factories: Factories
    ) -> None:
        caller = factories.client(factories.tenant())
        credential = _signed(_credential(tag=["t"] * 300))

        response = client.post(
            "/credentials/verify", json={"verifiableCredential": credential}, headers=caller.headers
        )

        assert response.status_code == 422
        assert any(
            r["id"] == "proof" and "more than the 300 JSON values" in r["message"]
            for r in response.json["results"]
        )


class TestCredentialPageLimits:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return dataclasses.replace(settings, jsonld_max_contexts=2)

    def test_credential_page_applies_the_configured_limits(
        self, app: Flask, client: FlaskClient, factories: Factories
    ) -> None:
        app.extensions["resolver"] = AppResolver(client)
        issuer = factories.issuer(factories.tenant())
        credential = factories.credential(factories.achievement(issuer))

        html = client.get(f"/c/{credential}", headers={"Accept": "text/html"}).get_data(
            as_text=True
        )

        assert "This credential could not be verified" in html
        assert "Too complex to verify" in html
