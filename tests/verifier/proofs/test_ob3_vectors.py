"""Open Badges 3.0 vectors: 1EdTech's eddsa-rdfc-2022 guide byte for byte, and its validator's."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.verifier.proofs import VECTORS, public_key_for, read_json
from verifier.errors import InvalidKey, InvalidProof, UndefinedTerm
from verifier.jsonld import expand_safely
from verifier.loader import offline_loader
from verifier.proofs import suite_for
from verifier.proofs.data_integrity import (
    MISMATCH,
    canonical_document,
    canonical_proof_config,
    proofs_of,
)
from verifier.proofs.eddsa_rdfc_2022 import SUITE

GUIDE = VECTORS / "ob3-impl-guide-eddsa"
GUIDE_CASES = sorted(path.parent for path in GUIDE.glob("*/values.json"))
assert GUIDE_CASES, f"no OB 3.0 implementation guide vectors under {GUIDE}"  # never skip

VALIDATOR = VECTORS / "1edtech-validator-ob30"
OUR_SUITES = {("DataIntegrityProof", "eddsa-rdfc-2022"), ("DataIntegrityProof", "eddsa-2022")}
OUR_SUITES.add(("Ed25519Signature2020", None))  # type: ignore[arg-type]

SPEC_EXAMPLES = sorted((VECTORS / "ob3-spec-examples").glob("*.json"))
assert SPEC_EXAMPLES, "no OB 3.0 spec examples"

# What each Ed25519 proof of the 1EdTech validator fixtures gives, with the key named by its
# verification method (see tests/verifier/proofs/__init__.py). Their README says which
# fixtures are valid; the invalid ones fail here only where the proof itself is at fault.
VERIFIES = "verifies"
VALIDATOR_OUTCOMES: dict[str, tuple[str, ...]] = {
    "simple": (VERIFIES,),
    "simple-did-key-method": (VERIFIES,),
    "simple-did-web-method": (VERIFIES,),  # key from the fragment; did:web itself is not used
    "simple-context-alias": (VERIFIES,),
    "simple-context-version": (VERIFIES,),
    "simple-eddsa-2022": (VERIFIES,),  # the legacy cryptosuite name
    "simple_v1": (VERIFIES,),  # Ed25519Signature2020 on a VCDM 1.1 credential
    "endorsement-valid": (VERIFIES,),
    "complete": (VERIFIES,),
    "credential-status-revoked": (VERIFIES,),  # revoked, but the signature holds
    "bit-string-list/credential-status-revoked": (VERIFIES,),
    "bit-string-list/credential-status-revoked-blank-nodes": (VERIFIES,),
    "simple-err-expired": (VERIFIES,),  # invalid by its dates, not its proof
    "simple-err-issued": (VERIFIES,),
    "simple-err-issuer": (VERIFIES,),
    "simple-multiple-proofs": ("unsupported", VERIFIES),  # SomeProofType, then a good one
    "simple-err-proof-value": (MISMATCH,),
    "simple-err-proof-method-unknown-did-method": ("unresolvable key",),  # did:example:z6Mk…
    "simple-err-proof-method-unknown-scheme": ("unresolvable key",),  # xxx:z6Mk…
    # Fixture edited after signing (credentialSchema, status, refresh added): no match.
    "endorsement-err-schema-status-refresh": (MISMATCH,),
    "simple-err-proof-method": ("unresolvable key",),  # the fragment is no Multikey
    "simple-err-proof-method-no-scheme": ("undefined term",),  # relative verificationMethod
    "simple-err-context": ("undefined term",),
    "simple-err-type": ("undefined term",),
    "simple-err-credential-subject-type": ("undefined term",),
    "simple-err-credential-subject-achievement-result-description-type": ("undefined term",),
    "simple-err-credential-subject-identifier-type": ("undefined term",),
    "simple-err-credential-subject-profile-type": ("undefined term",),
    "simple-err-credential-subject-result-type": ("undefined term",),
    "simple-err-evidence-type": ("undefined term",),
    "simple-err-issuer-otheridentifier-type": ("undefined term",),
    "simple-err-issuer-parentorg-type": ("undefined term",),
    "simple-err-issuer-type": ("undefined term",),
}
# Its key must be fetched from https://1edtech.edu/issuers/565049 (a "#key-1" fragment): left
# to key resolution. Safe mode rejects it before any key is needed (checked below).
NEEDS_KEY_RESOLUTION = {"complete_v1"}


def fixture_name(path: Path) -> str:
    """Name a validator fixture by its path under the folder, without .json."""
    return str(path.relative_to(VALIDATOR).with_suffix(""))


def ed25519_fixtures() -> list[Path]:
    """Return every validator fixture holding a proof of a suite we implement."""
    found = []
    for path in sorted(VALIDATOR.glob("**/*.json")):
        proofs = proofs_of(read_json(path))
        if any((p.get("type"), p.get("cryptosuite")) in OUR_SUITES for p in proofs):
            found.append(path)
    return found


FIXTURES = ed25519_fixtures()
assert FIXTURES, f"no 1EdTech validator fixtures under {VALIDATOR}"


def outcome(document: dict[str, Any], proof: dict[str, Any]) -> str:
    """Verify one proof and name what happened."""
    try:
        suite = suite_for(proof)
    except InvalidProof:
        return "unsupported"
    try:
        suite.verify_proof(document, proof, public_key=public_key_for(proof["verificationMethod"]))
    except InvalidKey:
        return "unresolvable key"
    except UndefinedTerm:
        return "undefined term"
    except InvalidProof as error:
        return str(error)
    return VERIFIES


def test_every_ed25519_validator_fixture_has_an_expected_outcome() -> None:
    names = {fixture_name(path) for path in FIXTURES}

    assert names == set(VALIDATOR_OUTCOMES) | NEEDS_KEY_RESOLUTION


@pytest.mark.parametrize(
    "path",
    [p for p in FIXTURES if fixture_name(p) not in NEEDS_KEY_RESOLUTION],
    ids=fixture_name,
)
def test_validator_fixture_proofs_give_the_expected_outcome(path: Path) -> None:
    document = read_json(path)

    outcomes = tuple(outcome(document, proof) for proof in proofs_of(document))

    assert outcomes == VALIDATOR_OUTCOMES[fixture_name(path)]


def test_fixture_that_needs_key_resolution_already_fails_safe_mode() -> None:
    document = read_json(VALIDATOR / "complete_v1.json")
    unsecured = {key: value for key, value in document.items() if key != "proof"}

    with pytest.raises(UndefinedTerm, match="1EdTechJsonSchemaValidator2019"):
        expand_safely(unsecured)


@pytest.mark.parametrize("case", GUIDE_CASES, ids=lambda p: p.name)
def test_guide_canonical_forms_and_hashes_match(case: Path) -> None:
    values = read_json(case / "values.json")
    credential = read_json(case / "credential.json")
    proof = read_json(case / "proof.json")

    document = canonical_document(credential, loader=offline_loader)
    config = canonical_proof_config(proof, credential, loader=offline_loader)

    assert document == (case / "document-canon.nq").read_text(encoding="utf-8")
    assert config == (case / "proof-canon.nq").read_text(encoding="utf-8")
    document_hash = hashlib.sha256(document.encode()).hexdigest()
    proof_hash = hashlib.sha256(config.encode()).hexdigest()
    assert document_hash == values["Document hash (hex)"]
    assert proof_hash == values["Proof hash (hex)"]
    assert proof_hash + document_hash == values["Data to sign (hex)"]


@pytest.mark.parametrize("case", GUIDE_CASES, ids=lambda p: p.name)
def test_guide_signature_and_signed_credential_are_reproduced(case: Path) -> None:
    values = read_json(case / "values.json")
    proof = read_json(case / "proof.json")
    seed = bytes.fromhex(values["Private key (hex)"])[:32]  # the hex is seed || public key
    private_key = Ed25519PrivateKey.from_private_bytes(seed)

    signed = SUITE.create_proof(
        read_json(case / "credential.json"),
        private_key=private_key,
        verification_method=proof["verificationMethod"],
        created=proof["created"],
    )

    assert private_key.public_key().public_bytes_raw().hex() == values["Public key (hex)"]
    data = bytes.fromhex(values["Data to sign (hex)"])
    assert private_key.sign(data).hex() == values["Signature (hex)"]
    assert signed["proof"]["proofValue"] == values["Proof value (hex)"]  # it is base58btc
    published = read_json(case / "signed-credential.json")  # the CLR's proof is a 1-item list
    assert proofs_of(signed) == proofs_of(published)
    assert {**signed, "proof": None} == {**published, "proof": None}


@pytest.mark.parametrize("case", GUIDE_CASES, ids=lambda p: p.name)
def test_guide_signed_credential_verifies(case: Path) -> None:
    signed = read_json(case / "signed-credential.json")
    (proof,) = proofs_of(signed)

    suite_for(proof).verify_proof(
        signed, proof, public_key=public_key_for(proof["verificationMethod"])
    )


@pytest.mark.parametrize("path", SPEC_EXAMPLES, ids=lambda p: p.stem)
def test_spec_example_signs_and_verifies(path: Path) -> None:
    key = Ed25519PrivateKey.generate()

    signed = SUITE.create_proof(
        read_json(path),
        private_key=key,
        verification_method="https://example.com/issuers/876543#key-1",
        created="2024-01-01T00:00:00Z",
    )

    SUITE.verify_proof(signed, signed["proof"], public_key=key.public_key())
