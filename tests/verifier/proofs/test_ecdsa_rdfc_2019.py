"""ecdsa-rdfc-2019: the W3C vc-di-ecdsa P-256 and P-384 vectors, and every tampering fails."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.verifier.proofs import VECTORS, ecdsa_from_multibase, public_key_for, read_json
from verifier.errors import InvalidKey, InvalidProof
from verifier.loader import offline_loader
from verifier.multikey import PublicKey
from verifier.proofs import SUITES, suite_for
from verifier.proofs.data_integrity import (
    MISMATCH,
    canonical_document,
    canonical_proof_config,
    encode_proof_value,
    hash_data,
    unsecured_document,
)
from verifier.proofs.ecdsa_rdfc_2019 import SUITE, curve_hash, sign_p1363, verify_p1363

ECDSA = VECTORS / "vc-di-ecdsa"
CASES = sorted(path.parent for path in ECDSA.glob("ecdsa-rdfc-2019-*/**/signedECDSA*.json"))
assert CASES, f"no ecdsa-rdfc-2019 vectors under {ECDSA}"  # fail the run, never skip
UNSIGNED = {"ecdsa-rdfc-2019-p256": "unsigned.json", "ecdsa-rdfc-2019-p384": "unsigned.json"}
KEYS = {
    curve: ecdsa_from_multibase(read_json(ECDSA / f"{curve}KeyPair.json")["secretKeyMultibase"])
    for curve in ("p256", "p384")
}
P256_SIGNED = ECDSA / "ecdsa-rdfc-2019-p256" / "signedECDSAP256.json"


def curve_of(case: Path) -> str:
    """Return ``p256`` or ``p384`` for a vector folder."""
    return "p384" if "p384" in str(case.relative_to(ECDSA)) else "p256"


def text(case: Path, name: str) -> str:
    """Return one published intermediate, named ``<name>ECDSAP256.txt`` or ``...P384.txt``."""
    return (case / f"{name}ECDSA{curve_of(case).upper()}.txt").read_text(encoding="utf-8")


def unsigned(case: Path) -> dict[str, Any]:
    """Return the published unsigned document a vector folder signs."""
    document: dict[str, Any] = read_json(ECDSA / UNSIGNED.get(case.name, "employmentAuth.json"))
    return document


def config(case: Path) -> dict[str, Any]:
    """Return the published proof configuration of a vector folder."""
    options: dict[str, Any] = read_json(case / f"proofConfigECDSA{curve_of(case).upper()}.json")
    return options


def signed(case: Path) -> dict[str, Any]:
    """Return the published signed document of a vector folder."""
    document: dict[str, Any] = read_json(case / f"signedECDSA{curve_of(case).upper()}.json")
    return document


def verify(document: dict[str, Any], public_key: PublicKey) -> None:
    """Verify the document's one proof through the registry."""
    suite_for(document["proof"]).verify_proof(document, document["proof"], public_key=public_key)


def case_id(case: Path) -> str:
    """Name a vector folder for pytest ids."""
    return str(case.relative_to(ECDSA))


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_canonical_document_and_its_hash_match_the_vector(case: Path) -> None:
    algorithm = curve_hash(KEYS[curve_of(case)])

    canonical = canonical_document(unsigned(case), loader=offline_loader, hash_algorithm=algorithm)

    assert canonical == text(case, "canonDoc")
    assert hashlib.new(algorithm, canonical.encode()).hexdigest() == text(case, "docHash")


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_canonical_proof_config_and_its_hash_match_the_vector(case: Path) -> None:
    algorithm = curve_hash(KEYS[curve_of(case)])

    canonical = canonical_proof_config(
        config(case), unsigned(case), loader=offline_loader, hash_algorithm=algorithm
    )

    assert canonical == text(case, "proofCanon")
    assert hashlib.new(algorithm, canonical.encode()).hexdigest() == text(case, "proofHash")


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_hash_data_matches_the_vector_and_its_published_signature(case: Path) -> None:
    key = KEYS[curve_of(case)]
    combined = bytes.fromhex(text(case, "combinedHash"))
    signature = bytes.fromhex(text(case, "sigHex"))

    data = hash_data(
        unsigned(case),
        config(case),
        digest=lambda data: SUITE.hash(data, key),
        hash_algorithm=curve_hash(key),
    )

    assert data == combined
    verify_p1363(key.public_key(), combined, signature)
    assert encode_proof_value(signature) == text(case, "sigBTC58")


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_published_signed_document_verifies(case: Path) -> None:
    document = signed(case)

    verify(document, public_key_for(document["proof"]["verificationMethod"]))


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_our_proof_verifies_and_matches_the_vector_but_for_the_random_signature(
    case: Path,
) -> None:
    key = KEYS[curve_of(case)]
    options = config(case)

    document = SUITE.create_proof(
        unsigned(case),
        private_key=key,
        verification_method=options["verificationMethod"],
        created=options["created"],
    )

    verify(document, key.public_key())
    expected = signed(case)
    assert document["proof"].pop("proofValue") != expected["proof"].pop("proofValue")
    assert document == expected


def test_p384_canonicalization_uses_sha384_for_blank_node_labels() -> None:
    (case,) = [c for c in CASES if curve_of(c) == "p384" and c.name == "employ"]

    with_sha256 = canonical_document(unsigned(case), loader=offline_loader)

    assert with_sha256 != text(case, "canonDoc")  # the blank nodes are labelled in another order


def test_p384_signature_over_sha256_hashes_fails() -> None:
    key = KEYS["p384"]
    document = read_json(ECDSA / "ecdsa-rdfc-2019-p384" / "signedECDSAP384.json")
    options = {k: v for k, v in document["proof"].items() if k != "proofValue"}
    data = hash_data(
        unsecured_document(document), options, digest=lambda d: hashlib.sha256(d).digest()
    )
    document["proof"]["proofValue"] = encode_proof_value(sign_p1363(key, data))

    with pytest.raises(InvalidProof, match=MISMATCH):
        verify(document, key.public_key())


def _change_subject(document: dict[str, Any]) -> None:
    document["credentialSubject"]["alumniOf"] = "The School of Forgeries"


def _flip_proof_value(document: dict[str, Any]) -> None:
    value = document["proof"]["proofValue"]
    document["proof"]["proofValue"] = value[:20] + ("A" if value[20] != "A" else "B") + value[21:]


def _zero_signature(document: dict[str, Any]) -> None:
    document["proof"]["proofValue"] = encode_proof_value(bytes(64))


TAMPERINGS: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "credentialSubject changed": (_change_subject, MISMATCH),
    "issuer changed": (lambda d: d.update(issuer="https://evil.example/"), MISMATCH),
    "proofValue flipped": (_flip_proof_value, MISMATCH),
    "signature all zeros (r = s = 0)": (_zero_signature, MISMATCH),
    "proofValue not base58": (lambda d: d["proof"].update(proofValue="u0OIl"), "malformed"),
    "proofValue truncated": (
        lambda d: d["proof"].update(proofValue=d["proof"]["proofValue"][:40]),
        "malformed proofValue: .* not a 64-byte P-256 signature",
    ),
    "created changed": (lambda d: d["proof"].update(created="2023-02-24T23:36:39Z"), MISMATCH),
    "proofPurpose changed": (lambda d: d["proof"].update(proofPurpose="authentication"), MISMATCH),
    "cryptosuite changed": (
        lambda d: d["proof"].update(cryptosuite="ecdsa-jcs-2019"),
        "unsupported cryptosuite 'ecdsa-jcs-2019'",
    ),
}


@pytest.mark.parametrize("name", TAMPERINGS)
def test_tampered_vector_fails(name: str) -> None:
    tamper, message = TAMPERINGS[name]
    document = read_json(P256_SIGNED)
    tamper(document)

    with pytest.raises(InvalidProof, match=message):
        SUITE.verify_proof(document, document["proof"], public_key=KEYS["p256"].public_key())


def test_vector_fails_with_another_p256_key() -> None:
    other = ec.generate_private_key(ec.SECP256R1()).public_key()

    with pytest.raises(InvalidProof, match=MISMATCH):
        verify(read_json(P256_SIGNED), other)


def test_p256_vector_fails_with_a_p384_key_on_signature_size() -> None:
    with pytest.raises(InvalidProof, match="64 bytes, not a 96-byte P-384 signature"):
        verify(read_json(P256_SIGNED), KEYS["p384"].public_key())


@pytest.mark.parametrize(
    "key",
    [
        Ed25519PrivateKey.generate().public_key(),
        ec.generate_private_key(ec.SECP521R1()).public_key(),
    ],
    ids=["Ed25519", "P-521"],
)
def test_vector_fails_with_a_key_that_is_not_p256_or_p384(key: PublicKey) -> None:
    with pytest.raises(InvalidProof, match="need a P-256 or P-384 key"):
        verify(read_json(P256_SIGNED), key)


@pytest.mark.parametrize(
    "key",
    [Ed25519PrivateKey.generate(), ec.generate_private_key(ec.SECP256K1())],
    ids=["Ed25519", "secp256k1"],
)
def test_signing_with_a_key_that_is_not_p256_or_p384_is_refused(key: Any) -> None:
    with pytest.raises(InvalidKey, match="need a P-256 or P-384 key"):
        SUITE.create_proof(
            unsigned(CASES[0]), private_key=key, verification_method="urn:k", created=None
        )


def test_registry_maps_the_cryptosuite_to_this_suite() -> None:
    assert SUITES[("DataIntegrityProof", "ecdsa-rdfc-2019")] is SUITE
