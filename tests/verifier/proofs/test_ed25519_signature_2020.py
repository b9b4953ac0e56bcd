"""Ed25519Signature2020: the vc-di-eddsa legacy vector byte for byte, and tampering fails."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from tests.verifier.proofs import VECTORS, ed25519_from_multibase, read_json
from verifier.errors import InvalidProof
from verifier.loader import offline_loader
from verifier.multikey import decode_public_key
from verifier.proofs import data_integrity, suite_for
from verifier.proofs.data_integrity import MISMATCH, canonical_document, canonical_proof_config
from verifier.proofs.ed25519_signature_2020 import CONTEXT, SUITE

EDDSA = VECTORS / "vc-di-eddsa"
CASE = EDDSA / "Ed25519Signature2020"
assert (CASE / "signedEdSig.json").is_file(), f"no Ed25519Signature2020 vector under {EDDSA}"

KEY_PAIR = read_json(EDDSA / "keyPair.json")
PRIVATE_KEY = ed25519_from_multibase(KEY_PAIR["privateKeyMultibase"])
PUBLIC_KEY = decode_public_key(KEY_PAIR["publicKeyMultibase"])


def text(name: str) -> str:
    """Return one published intermediate of the vector."""
    return (CASE / name).read_text(encoding="utf-8")


def signed_vector() -> dict[str, Any]:
    """Return the published signed credential."""
    document: dict[str, Any] = read_json(CASE / "signedEdSig.json")
    return document


def test_canonical_document_and_proof_options_match_the_vector() -> None:
    signed = signed_vector()
    unsecured = {key: value for key, value in signed.items() if key != "proof"}
    config = read_json(CASE / "proofConfigEdSig.json")

    document = canonical_document(unsecured, loader=offline_loader)
    options = canonical_proof_config(config, unsecured, loader=offline_loader)

    assert document == text("canonDocEdSig.txt")
    assert options == text("proofCanonEdSig.txt")
    document_hash = hashlib.sha256(document.encode()).hexdigest()
    options_hash = hashlib.sha256(options.encode()).hexdigest()
    assert document_hash == text("docHashEdSig.txt")
    assert options_hash == text("proofHashEdSig.txt")
    assert options_hash + document_hash == text("combinedHashEdSig.txt")


def test_signing_adds_the_suite_context_and_reproduces_the_signed_vector() -> None:
    config = read_json(CASE / "proofConfigEdSig.json")
    combined = bytes.fromhex(text("combinedHashEdSig.txt"))

    signed = SUITE.create_proof(
        read_json(EDDSA / "unsigned.json"),
        private_key=PRIVATE_KEY,
        verification_method=config["verificationMethod"],
        created=config["created"],
    )

    assert PRIVATE_KEY.sign(combined).hex() == text("sigHexEdSig.txt")
    assert signed["proof"]["proofValue"] == text("sigBTC58EdSig.txt")
    assert signed == signed_vector()
    assert signed["@context"][-1] == CONTEXT


def test_published_vector_verifies_through_the_registry() -> None:
    signed = signed_vector()

    suite_for(signed["proof"]).verify_proof(signed, signed["proof"], public_key=PUBLIC_KEY)


def test_generic_data_integrity_entry_point_dispatches_to_this_suite() -> None:
    signed = signed_vector()

    data_integrity.verify_proof(signed, signed["proof"], public_key=PUBLIC_KEY)


def test_changed_field_fails() -> None:
    signed = signed_vector()
    signed["credentialSubject"]["alumniOf"] = "Another School"

    with pytest.raises(InvalidProof, match=MISMATCH):
        SUITE.verify_proof(signed, signed["proof"], public_key=PUBLIC_KEY)


def test_document_without_the_suite_context_fails() -> None:
    signed = signed_vector()
    signed["@context"] = signed["@context"][:-1]

    with pytest.raises(InvalidProof, match=f"needs {CONTEXT}"):
        SUITE.verify_proof(signed, signed["proof"], public_key=PUBLIC_KEY)


def test_proof_of_another_type_fails() -> None:
    signed = signed_vector()
    signed["proof"]["type"] = "Ed25519Signature2018"

    with pytest.raises(InvalidProof, match="proof type must be Ed25519Signature2020"):
        SUITE.verify_proof(signed, signed["proof"], public_key=PUBLIC_KEY)


def test_malformed_proof_value_fails() -> None:
    signed = signed_vector()
    signed["proof"]["proofValue"] = "not multibase"

    with pytest.raises(InvalidProof, match="malformed proofValue"):
        SUITE.verify_proof(signed, signed["proof"], public_key=PUBLIC_KEY)


def test_round_trip_on_a_document_that_already_has_the_context() -> None:
    signed = SUITE.create_proof(
        signed_vector(), private_key=PRIVATE_KEY, verification_method="urn:example:k", created=None
    )

    assert signed["@context"].count(CONTEXT) == 1
    for proof in signed["proof"]:
        SUITE.verify_proof(signed, proof, public_key=PUBLIC_KEY)
