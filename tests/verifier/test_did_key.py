"""Tests for did:key identifiers and their DID documents."""

from __future__ import annotations

import json
from typing import Any

import base58
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pyld import jsonld

from tests.paths import CONFORMANCE
from verifier.did_key import did_key_from_public_key, resolve_did_key
from verifier.errors import InvalidKey
from verifier.loader import offline_loader
from verifier.multikey import decode_public_key, public_key_from_jwk

VECTORS = CONFORMANCE / "vectors" / "did-key"
CASES: dict[str, dict[str, Any]] = {
    did: case
    for path in sorted(VECTORS.glob("*.json"))
    for did, case in json.loads(path.read_bytes()).items()
}
assert CASES, f"no did:key vectors under {VECTORS}"  # fail the run, never skip
# P-521 has a did:key but no Data Integrity cryptosuite, so we do not decode it.
UNSUPPORTED = {did for did, case in CASES.items() if "P-521" in json.dumps(case)}
assert len(UNSUPPORTED) == 2, UNSUPPORTED
SUPPORTED = sorted(set(CASES) - UNSUPPORTED)

ED25519_KEY = Ed25519PrivateKey.from_private_bytes(bytes(32)).public_key()
ED25519_DID = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"


def raw_public_key(key: object) -> bytes:
    """Return Ed25519 raw bytes or an EC compressed point."""
    if isinstance(key, Ed25519PublicKey):
        return key.public_bytes_raw()
    assert isinstance(key, ec.EllipticCurvePublicKey)
    return key.public_bytes(Encoding.X962, PublicFormat.CompressedPoint)


def vector_key_bytes(method: dict[str, Any]) -> bytes:
    """Return the public key bytes of a vector's verification method, whatever its type."""
    if "publicKeyJwk" in method:
        return raw_public_key(public_key_from_jwk(method["publicKeyJwk"]))
    if "publicKeyMultibase" in method:
        return raw_public_key(decode_public_key(method["publicKeyMultibase"]))
    # Ed25519VerificationKey2018 (raw key) and P256Key2021 (compressed point).
    raw: bytes = base58.b58decode(method["publicKeyBase58"])
    return raw


@pytest.mark.parametrize("did", SUPPORTED)
def test_vector_did_resolves_to_the_published_key(did: str) -> None:
    expected = CASES[did]["didDocument"]["verificationMethod"][0]
    document = resolve_did_key(did)
    (method,) = document["verificationMethod"]
    assert method["id"] == expected["id"]
    assert method["controller"] == expected["controller"] == did
    key = decode_public_key(method["publicKeyMultibase"])
    assert raw_public_key(key) == vector_key_bytes(expected)
    assert did_key_from_public_key(key) == did


@pytest.mark.parametrize("did", sorted(d for d in SUPPORTED if "seed" in CASES[d]))
def test_vector_seed_derives_its_did(did: str) -> None:
    seed = bytes.fromhex(CASES[did]["seed"])
    key = Ed25519PrivateKey.from_private_bytes(seed).public_key()
    assert did_key_from_public_key(key) == did


@pytest.mark.parametrize("did", sorted(UNSUPPORTED))
def test_p521_did_key_is_refused(did: str) -> None:
    with pytest.raises(InvalidKey, match="unsupported multicodec 0x8224"):
        resolve_did_key(did)


def test_did_document_uses_one_multikey_for_every_relationship() -> None:
    method_id = f"{ED25519_DID}#{ED25519_DID.removeprefix('did:key:')}"
    assert resolve_did_key(ED25519_DID) == {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": ED25519_DID,
        "verificationMethod": [
            {
                "id": method_id,
                "type": "Multikey",
                "controller": ED25519_DID,
                "publicKeyMultibase": ED25519_DID.removeprefix("did:key:"),
            }
        ],
        "authentication": [method_id],
        "assertionMethod": [method_id],
        "capabilityDelegation": [method_id],
        "capabilityInvocation": [method_id],
    }


def test_did_document_expands_with_pinned_contexts() -> None:
    dropped: list[str | None] = []
    jsonld.expand(
        resolve_did_key(ED25519_DID),
        {"documentLoader": offline_loader},
        on_property_dropped=dropped.append,
    )
    assert dropped == []


def test_p256_key_round_trips_through_did_key() -> None:
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    did = did_key_from_public_key(key)
    assert did.startswith("did:key:zDn")
    method = resolve_did_key(did)["verificationMethod"][0]
    assert decode_public_key(method["publicKeyMultibase"]) == key


@pytest.mark.parametrize(
    ("did", "message"),
    [
        ("did:web:example.com", "not a did:key"),
        ("DID:KEY:" + ED25519_DID.removeprefix("did:key:"), "not a did:key"),
        ("did:key:", "must start with 'z'"),
        (ED25519_DID + "#" + ED25519_DID.removeprefix("did:key:"), "is a DID URL"),
        (ED25519_DID + "/path", "is a DID URL"),
        (ED25519_DID + "?service=x", "is a DID URL"),
        ("did:key:1:" + ED25519_DID.removeprefix("did:key:"), "must start with 'z'"),
        ("did:key:z" + base58.b58encode(b"\xed\x01" + bytes(31)).decode(), "expected 32"),
    ],
    ids=["other-method", "upper-case", "empty", "fragment", "path", "query", "version", "short"],
)
def test_malformed_did_is_rejected(did: str, message: str) -> None:
    with pytest.raises(InvalidKey, match=message):
        resolve_did_key(did)
