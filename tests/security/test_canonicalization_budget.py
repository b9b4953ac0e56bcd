"""Hostile blank-node graphs: every one ends in a bounded "too complex to verify" outcome."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask.testing import FlaskClient

from issuer.settings import Settings
from verifier.canon import Budget, canonicalize
from verifier.did_key import did_key_from_public_key
from verifier.errors import CanonicalizationError, TooComplex
from verifier.jsonld import to_nquads
from verifier.pipeline import Limits, verify
from verifier.proofs.eddsa_rdfc_2022 import SUITE

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
DID = did_key_from_public_key(KEY.public_key())
CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def _credential(achievements: list[dict[str, Any]]) -> dict[str, Any]:
    """A credential whose subject holds ``achievements``, with a real proof of another one."""
    credential = {
        "@context": CONTEXT,
        "id": "urn:uuid:0b3c9d4e-5f60-4a71-8b92-a3b4c5d6e7f8",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": DID, "type": ["Profile"], "name": "Hostile issuer"},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"type": ["AchievementSubject"], "achievement": achievements[:1]},
    }
    signed = SUITE.create_proof(
        credential, private_key=KEY, verification_method=f"{DID}#{DID[8:]}", created=None
    )
    signed["credentialSubject"] = {"type": ["AchievementSubject"], "achievement": achievements}
    return signed


def _achievement(label: str, links: list[str]) -> dict[str, Any]:
    return {
        "@id": f"_:{label}",
        "type": ["Achievement"],
        "name": "Look-alike",
        "alignment": [{"@id": f"_:{link}"} for link in links],
    }


def clique(size: int) -> dict[str, Any]:
    """Every blank node linked to every other: the suite's poison graph (test074)."""
    nodes = [f"n{i}" for i in range(size)]
    return _credential([_achievement(n, [m for m in nodes if m != n]) for n in nodes])


def cycle(size: int) -> dict[str, Any]:
    """A ring of identical blank nodes: all share one hash, and each leads round the ring."""
    return _credential([_achievement(f"b{i}", [f"b{(i + 1) % size}"]) for i in range(size)])


def chain(size: int) -> dict[str, Any]:
    """A long open chain: recursion as deep as the chain, past Python's recursion limit."""
    return _credential([_achievement(f"b{i}", [f"b{i + 1}"]) for i in range(size)])


def twin_stars(leaves: int) -> dict[str, Any]:
    """Two identical hubs, each with identical leaves: many blank nodes of one hash."""
    hubs = [_achievement(f"h{h}", [f"l{h}x{i}" for i in range(leaves)]) for h in range(2)]
    return _credential(hubs)


HOSTILE = {
    "clique": lambda: clique(8),
    "cycle": lambda: cycle(400),
    "chain": lambda: chain(600),
    "twin-stars": lambda: twin_stars(300),
}


def _assert_too_complex(report: dict[str, Any]) -> None:
    checks = {check["id"]: check for check in report["checks"]}
    assert report["verified"] is False
    assert checks["proof"]["outcome"] == "unknown"
    assert checks["proof"]["message"].startswith("Too complex to verify: ")
    assert {checks[c]["outcome"] for c in ("issuer", "status", "validity")} == {"skipped"}


@pytest.mark.parametrize("shape", HOSTILE, ids=str)
def test_hostile_graph_is_too_complex_to_verify_in_the_library(shape: str) -> None:
    limits = Limits(canonicalization=Budget(max_blank_nodes=5_000, max_steps=20_000))

    report = verify(HOSTILE[shape](), limits=limits)

    _assert_too_complex(report.as_dict())


@pytest.mark.parametrize("shape", HOSTILE, ids=str)
def test_hostile_graph_posted_to_the_api_is_too_complex_to_verify(
    client: FlaskClient, shape: str
) -> None:
    response = client.post("/api/verify", json=HOSTILE[shape]())

    assert response.status_code == 200
    _assert_too_complex(response.get_json())


def test_too_many_blank_nodes_is_too_complex_before_any_hashing() -> None:
    nquads = to_nquads(twin_stars(30))

    with pytest.raises(CanonicalizationError, match="blank nodes, more than the 40 allowed"):
        canonicalize(nquads, budget=Budget(max_blank_nodes=40))


def test_budget_error_is_the_too_complex_error() -> None:
    with pytest.raises(TooComplex):
        canonicalize(to_nquads(clique(8)), budget=Budget(max_steps=1_000))


class TestConfiguredBudget:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return dataclasses.replace(settings, canon_max_blank_nodes=50, canon_max_steps=300)

    def test_api_applies_the_configured_blank_node_budget(self, client: FlaskClient) -> None:
        report = client.post("/api/verify", json=twin_stars(30)).get_json()

        _assert_too_complex(report)
        proof = next(check for check in report["checks"] if check["id"] == "proof")
        assert "63 blank nodes, more than the 50 allowed" in proof["message"]

    def test_api_applies_the_configured_step_budget(self, client: FlaskClient) -> None:
        report = client.post("/api/verify", json=clique(5)).get_json()

        _assert_too_complex(report)
        proof = next(check for check in report["checks"] if check["id"] == "proof")
        assert "work limit of 300 steps" in proof["message"]
