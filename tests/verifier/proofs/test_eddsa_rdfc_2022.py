"""eddsa-rdfc-2022: the W3C vc-di-eddsa vectors byte for byte, and every tampering fails."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.verifier.proofs import VECTORS, ed25519_from_multibase, public_key_for, read_json
from verifier.errors import InvalidKey, InvalidProof, MalformedInput, UndefinedTerm
from verifier.loader import offline_loader
from verifier.multikey import decode_public_key
from verifier.proofs import SUITES, data_integrity, suite_for
from verifier.proofs.data_integrity import (
    MISMATCH,
    canonical_document,
    canonical_proof_config,
    proofs_of,
)
from verifier.proofs.eddsa_rdfc_2022 import SUITE

EDDSA = VECTORS / "vc-di-eddsa"
CASES = sorted(path.parent for path in EDDSA.glob("eddsa-rdfc-2022/**/signedDataInt.json"))
assert CASES, f"no eddsa-rdfc-2022 vectors under {EDDSA}"  # fail the run, never skip
# Each vector folder signs one of the published unsigned documents.
UNSIGNED = {"eddsa-rdfc-2022": "unsigned.json", "employ": "employmentAuth.json"}
PROOF_SETS = sorted((EDDSA / "proof-set-chain").glob("signed*.json"))
assert PROOF_SETS, f"no proof set or chain vectors under {EDDSA}"
OB3_SIGNED = VECTORS / "ob3-impl-guide-eddsa" / "obv3p0" / "signed-credential.json"
OB3_TEMPLATE = VECTORS / "ob3-spec-examples" / "basicOpenBadgeCredential.json"

KEY_PAIR = read_json(EDDSA / "keyPair.json")
PRIVATE_KEY = ed25519_from_multibase(KEY_PAIR["privateKeyMultibase"])
PUBLIC_KEY = decode_public_key(KEY_PAIR["publicKeyMultibase"])
DID = "did:key:" + KEY_PAIR["publicKeyMultibase"]
METHOD = f"{DID}#{KEY_PAIR['publicKeyMultibase']}"


def unsigned(case: Path) -> dict[str, Any]:
    """Return the published unsigned document a vector folder signs."""
    document: dict[str, Any] = read_json(EDDSA / UNSIGNED[case.name])
    return document


def text(case: Path, name: str) -> str:
    """Return one published intermediate of a vector folder."""
    return (case / name).read_text(encoding="utf-8")


def signed_vector() -> dict[str, Any]:
    """Return the published signed credential of the main vector."""
    document: dict[str, Any] = read_json(EDDSA / "eddsa-rdfc-2022" / "signedDataInt.json")
    return document


def verify(document: dict[str, Any], public_key: Any = PUBLIC_KEY) -> None:
    """Verify every proof of a document with one key."""
    for proof in proofs_of(document):
        suite_for(proof).verify_proof(document, proof, public_key=public_key)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_canonical_document_matches_the_vector(case: Path) -> None:
    canonical = canonical_document(unsigned(case), loader=offline_loader)

    assert canonical == text(case, "canonDocDataInt.txt")
    assert hashlib.sha256(canonical.encode()).hexdigest() == text(case, "docHashDataInt.txt")


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_canonical_proof_config_matches_the_vector(case: Path) -> None:
    config = read_json(case / "proofConfigDataInt.json")

    canonical = canonical_proof_config(config, unsigned(case), loader=offline_loader)

    assert canonical == text(case, "proofCanonDataInt.txt")
    assert hashlib.sha256(canonical.encode()).hexdigest() == text(case, "proofHashDataInt.txt")


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_signing_reproduces_signature_proof_value_and_signed_document(case: Path) -> None:
    config = read_json(case / "proofConfigDataInt.json")
    combined = bytes.fromhex(text(case, "combinedHashDataInt.txt"))

    signed = SUITE.create_proof(
        unsigned(case),
        private_key=PRIVATE_KEY,
        verification_method=config["verificationMethod"],
        created=config["created"],
    )

    assert PRIVATE_KEY.sign(combined).hex() == text(case, "sigHexDataInt.txt")
    assert signed["proof"]["proofValue"] == text(case, "sigBTC58DataInt.txt")
    assert signed == read_json(case / "signedDataInt.json")


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_published_signed_document_verifies(case: Path) -> None:
    verify(read_json(case / "signedDataInt.json"))


@pytest.mark.parametrize("path", PROOF_SETS, ids=lambda p: p.stem)
def test_every_proof_of_a_published_proof_set_or_chain_verifies(path: Path) -> None:
    document = read_json(path)

    for proof in proofs_of(document):
        key = public_key_for(proof["verificationMethod"])
        SUITE.verify_proof(document, proof, public_key=key)


def test_chained_proof_fails_when_its_previous_proof_is_gone() -> None:
    document = read_json(EDDSA / "proof-set-chain" / "signedProofChain2.json")
    last = document["proof"][-1]
    document["proof"] = [p for p in document["proof"] if p.get("id") != last["previousProof"]]

    with pytest.raises(InvalidProof, match="previousProof .* is not in the document's proof set"):
        SUITE.verify_proof(document, last, public_key=public_key_for(last["verificationMethod"]))


def _change_subject(document: dict[str, Any]) -> None:
    document["credentialSubject"]["alumniOf"] = "The School of Forgeries"


def _flip_proof_value(document: dict[str, Any]) -> None:
    value = document["proof"]["proofValue"]
    document["proof"]["proofValue"] = value[:20] + ("A" if value[20] != "A" else "B") + value[21:]


def _drop_examples_context(document: dict[str, Any]) -> None:
    document["@context"] = document["@context"][:1]


TAMPERINGS: dict[str, tuple[Callable[[dict[str, Any]], None], type[Exception], str]] = {
    "credentialSubject changed": (_change_subject, InvalidProof, MISMATCH),
    "issuer changed": (lambda d: d.update(issuer="https://evil.example/"), InvalidProof, MISMATCH),
    "validFrom changed": (
        lambda d: d.update(validFrom="2020-01-01T00:00:00Z"),
        InvalidProof,
        MISMATCH,
    ),
    "proofValue flipped": (_flip_proof_value, InvalidProof, MISMATCH),
    "proofValue not base58": (
        lambda d: d["proof"].update(proofValue="z0OIl"),
        InvalidProof,
        "malformed proofValue",
    ),
    "proofValue truncated": (
        lambda d: d["proof"].update(proofValue=d["proof"]["proofValue"][:40]),
        InvalidProof,
        "malformed proofValue: .* not a 64-byte signature",
    ),
    "proofValue missing": (lambda d: d["proof"].pop("proofValue"), InvalidProof, "malformed"),
    "created changed": (
        lambda d: d["proof"].update(created="2023-02-24T23:36:39Z"),
        InvalidProof,
        MISMATCH,
    ),
    "created not a date": (
        lambda d: d["proof"].update(created="yesterday"),
        InvalidProof,
        "dateTimeStamp",
    ),
    "proofPurpose changed": (
        lambda d: d["proof"].update(proofPurpose="authentication"),
        InvalidProof,
        MISMATCH,
    ),
    "cryptosuite changed": (
        lambda d: d["proof"].update(cryptosuite="ecdsa-rdfc-2019"),
        InvalidProof,
        "unsupported cryptosuite 'ecdsa-rdfc-2019'",
    ),
    "cryptosuite renamed to its legacy name": (
        lambda d: d["proof"].update(cryptosuite="eddsa-2022"),
        InvalidProof,
        MISMATCH,
    ),
    "proof type changed": (
        lambda d: d["proof"].update(type="Ed25519Signature2020"),
        InvalidProof,
        "proof type must be DataIntegrityProof",
    ),
    "@context entry removed": (_drop_examples_context, UndefinedTerm, "alumniOf"),
}


@pytest.mark.parametrize("name", TAMPERINGS)
def test_tampered_vector_fails(name: str) -> None:
    tamper, error, message = TAMPERINGS[name]
    document = signed_vector()
    tamper(document)

    with pytest.raises(error, match=message):
        SUITE.verify_proof(document, document["proof"], public_key=PUBLIC_KEY)


def test_generic_entry_point_finds_the_suite_and_refuses_unknown_ones() -> None:
    document = signed_vector()
    data_integrity.verify_proof(document, document["proof"], public_key=PUBLIC_KEY)

    document["proof"]["cryptosuite"] = "bbs-2023"
    with pytest.raises(InvalidProof, match="unsupported proof type/cryptosuite"):
        data_integrity.verify_proof(document, document["proof"], public_key=PUBLIC_KEY)


def test_vector_fails_with_another_ed25519_key() -> None:
    other = Ed25519PrivateKey.generate().public_key()

    with pytest.raises(InvalidProof, match=MISMATCH):
        verify(signed_vector(), public_key=other)


def test_vector_fails_with_a_key_that_is_not_ed25519() -> None:
    p256 = ec.generate_private_key(ec.SECP256R1()).public_key()

    with pytest.raises(InvalidProof, match="not an Ed25519 key"):
        verify(signed_vector(), public_key=p256)


def test_undefined_term_added_after_signing_fails_safe_mode() -> None:
    document = read_json(OB3_SIGNED)
    document["credentialSubject"]["favouriteColour"] = "blue"

    with pytest.raises(UndefinedTerm, match="credentialSubject.favouriteColour is not defined"):
        SUITE.verify_proof(document, document["proof"], public_key=PUBLIC_KEY)


def test_undefined_term_is_refused_at_issue_time() -> None:
    credential = read_json(OB3_TEMPLATE)
    credential["credentialSubject"]["favouriteColour"] = "blue"

    with pytest.raises(UndefinedTerm, match="credentialSubject.favouriteColour"):
        SUITE.create_proof(
            credential, private_key=PRIVATE_KEY, verification_method=METHOD, created=None
        )


def test_second_proof_joins_a_proof_set_and_both_verify() -> None:
    other = Ed25519PrivateKey.generate()

    signed = SUITE.create_proof(
        signed_vector(),
        private_key=other,
        verification_method="urn:example:second-key",
        created=datetime(2024, 5, 1, 12, 0, 0, 999, tzinfo=UTC),
    )

    first, second = signed["proof"]
    assert second["created"] == "2024-05-01T12:00:00Z"
    SUITE.verify_proof(signed, first, public_key=PUBLIC_KEY)
    SUITE.verify_proof(signed, second, public_key=other.public_key())


def test_created_is_written_in_utc_and_may_be_left_out() -> None:
    credential = read_json(OB3_TEMPLATE)
    east = datetime(2024, 5, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))

    dated = SUITE.create_proof(
        credential, private_key=PRIVATE_KEY, verification_method=METHOD, created=east
    )
    undated = SUITE.create_proof(
        credential, private_key=PRIVATE_KEY, verification_method=METHOD, created=None
    )

    assert dated["proof"]["created"] == "2024-05-01T12:00:00Z"
    assert "created" not in undated["proof"]
    verify(dated)
    verify(undated)


@pytest.mark.parametrize("created", [datetime(2024, 5, 1), "2024-05-01", "2024-13-01T00:00:00Z"])
def test_created_without_time_zone_or_invalid_is_refused(created: datetime | str) -> None:
    with pytest.raises(MalformedInput, match="created"):
        SUITE.create_proof(
            read_json(OB3_TEMPLATE),
            private_key=PRIVATE_KEY,
            verification_method=METHOD,
            created=created,
        )


def test_signing_with_a_key_that_is_not_ed25519_is_refused() -> None:
    with pytest.raises(InvalidKey, match="Ed25519"):
        SUITE.create_proof(
            read_json(OB3_TEMPLATE),
            private_key=ec.generate_private_key(ec.SECP256R1()),
            verification_method=METHOD,
            created=None,
        )


def test_document_without_context_cannot_be_signed() -> None:
    with pytest.raises(MalformedInput, match="no @context"):
        SUITE.create_proof(
            {"name": "x"}, private_key=PRIVATE_KEY, verification_method=METHOD, created=None
        )


def test_registry_finds_the_suite_for_both_names_and_refuses_others() -> None:
    assert suite_for({"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"}) is SUITE
    assert suite_for({"type": "DataIntegrityProof", "cryptosuite": "eddsa-2022"}) is SUITE
    assert len(SUITES) >= 3

    with pytest.raises(InvalidProof, match="unsupported proof type/cryptosuite SomeProofType"):
        suite_for({"type": "SomeProofType"})
    with pytest.raises(InvalidProof, match="DataIntegrityProof/bbs-2023"):
        suite_for({"type": "DataIntegrityProof", "cryptosuite": "bbs-2023"})


# Plain-text fields of an OB 3.0 credential: any Unicode text may fill them.
FIELDS: tuple[tuple[str, ...], ...] = (
    ("name",),
    ("issuer", "name"),
    ("credentialSubject", "achievement", "name"),
    ("credentialSubject", "achievement", "description"),
    ("credentialSubject", "achievement", "criteria", "narrative"),
)
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


def _set(document: dict[str, Any], path: tuple[str, ...], value: str) -> None:
    """Set a nested field of a document."""
    for key in path[:-1]:
        document = document[key]
    document[path[-1]] = value


@settings(max_examples=60, deadline=None)
@given(values=st.lists(TEXT, min_size=len(FIELDS), max_size=len(FIELDS)), data=st.data())
def test_any_text_signs_and_verifies_and_changing_one_value_breaks_it(
    values: list[str], data: st.DataObject
) -> None:
    credential = read_json(OB3_TEMPLATE)
    for path, value in zip(FIELDS, values, strict=True):
        _set(credential, path, value)
    signed = SUITE.create_proof(
        credential, private_key=PRIVATE_KEY, verification_method=METHOD, created=None
    )
    verify(signed)

    index = data.draw(st.integers(0, len(FIELDS) - 1), label="field")
    other = data.draw(TEXT.filter(lambda v: v != values[index]), label="new value")
    tampered = copy.deepcopy(signed)
    _set(tampered, FIELDS[index], other)

    with pytest.raises(InvalidProof, match=MISMATCH):
        verify(tampered)
