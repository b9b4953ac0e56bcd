"""ecdsa-sd-2023: derived proofs from W3C and 1EdTech verify; tampered or hostile ones fail."""

from __future__ import annotations

import base64
import copy
import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.verifier.proofs import VECTORS, ecdsa_from_multibase, public_key_for, read_json
from verifier import cbor
from verifier.errors import InvalidKey, InvalidProof, MalformedInput
from verifier.multikey import PublicKey, encode_public_key
from verifier.proofs import SUITES, suite_for
from verifier.proofs import ecdsa_sd_proof_value as proof_value
from verifier.proofs.ecdsa_sd_2023 import (
    BASE_MISMATCH,
    BASE_PROOF_REFUSED,
    SUITE,
    base_transform,
    create_verify_data,
)
from verifier.proofs.ecdsa_sd_disclosure import derive_proof
from verifier.proofs.selective_disclosure import select_json_ld, sort_nquads

ECDSA = VECTORS / "vc-di-ecdsa"
ONE_EDTECH = VECTORS / "1edtech-validator-ob30" / "sd" / "derivedcredential.json"
EMPLOYMENT = read_json(ECDSA / "employmentAuth.json")
ISSUER_KEY = ecdsa_from_multibase(read_json(ECDSA / "p256KeyPair.json")["secretKeyMultibase"])
ISSUER_PUBLIC = ISSUER_KEY.public_key()
P384_KEY = ecdsa_from_multibase(read_json(ECDSA / "p384KeyPair.json")["secretKeyMultibase"])
DID = "did:key:" + encode_public_key(ISSUER_KEY.public_key())
METHOD = f"{DID}#{DID.removeprefix('did:key:')}"
MANDATORY = ["/issuer"]
SELECTIVE = ["/validFrom", "/validUntil", "/credentialSubject/birthCountry"]
# The ecdsa-sd-2023 "employ" example of github:w3c/vc-di-ecdsa@00781de (TestVectors/
# ecdsa-sd-2023/employ/), which tests/data/conformance does not hold: its HMAC key,
# proof options and hashes, and the derived proofValue of derivedRevealDocument.json.
W3C_HMAC_KEY = bytes.fromhex("00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF")
W3C_PROOF = {
    "type": "DataIntegrityProof",
    "cryptosuite": "ecdsa-sd-2023",
    "created": "2023-08-15T23:36:38Z",
    "verificationMethod": METHOD,
    "proofPurpose": "assertionMethod",
}
W3C_PROOF_HASH = "9c5c9b189f06cfa9d9f21a838ccb9b04316f07ad1a517bfd4955ee28c6a8229c"
W3C_MANDATORY_HASH = "a042dc047c236816f49fbe5282a79c5e77abe111e47f4c20203b5064c7f0f059"
W3C_NON_MANDATORY_SHA256 = "400ec1d42e7afadb4f16819d96629904d764b19721498378d9b9fef4214b4b32"
W3C_DERIVED_PROOF_VALUE = (
    "u2V0BhVhAuNxVr-tkJ6mQ6dYMDTY7ZUMG2ScD5QNiEMopYZ2O0gQZS6PYbjHNvJn07p1fJfDMHB9E9fo5q-yaUM31Gb"
    "RX4FgjgCQCKnLOGbY_FuM-ASpSkkOxsIR2E8n7Ml2q1UQ6tEwzi5OGWED9kexIs1JJZfehRT6f-gZwVOym99Yzio"
    "RSXrMoi7DK96llHwL-4U1tM-4WeaqIKDSMzFdOGU1_V_yovjVMGzD3WEDJLm6l9lNDxwSslFDaTVX4c0KCm5utev"
    "rOgwCgh5vJly7Eh57ruq_9mtnj-R0pGXHI_-XXaEl9YvonJWp-A7-ZWEArZtKW8tCf8oDUzewdArbDgGXtNsmbbb"
    "QKmoAPT66kYYfHtCxssjK1EDvIhEX14fMsiWkgcVRvMWqDbNMal5-NWEAJ6R-J39CiUvealwyuxVgUzVcKjkHsKs"
    "JcM72K_keacLjnRNNjvH2qMTYl0MtMHqjGTIdXeDXpt0FrRhW7gt75WECxgZhu8s-3e3HyfPtDZbiGB5nZ6Ew99i"
    "s4YzGSUNV6kdQpyxUScSLDb9NKkuoHRbSmQUVMVhxVw3dB7iR6hmJkWEAT0Cqcrw2WufvsOX1PqtkOeMVtDL2TMi"
    "TVi1yBYj41cbIqoVvErSAcNk41Znk8ndqcmD6ZZfR8fOX_bhtCSE3UogBYINy79kKRYKPmAHoHNXEECliRVtrBI0"
    "BehX7mdFRKDCh4AVgg4YIOZn1MHES1Z4Ij2hWZG3R4dEYBqg5fHTyDEvYhC3-EAAQFBw"
)


def w3c_derived() -> dict[str, Any]:
    """Return the W3C derived credential: the published selection plus its derived proof."""
    reveal = select_json_ld(EMPLOYMENT, MANDATORY + SELECTIVE)
    assert reveal is not None
    return {**reveal, "proof": {**W3C_PROOF, "proofValue": W3C_DERIVED_PROOF_VALUE}}


def verify(document: dict[str, Any], public_key: PublicKey = ISSUER_PUBLIC) -> None:
    """Verify the document's proof through the registry."""
    suite_for(document["proof"]).verify_proof(document, document["proof"], public_key=public_key)


def with_proof_bytes(document: dict[str, Any], change: Callable[[bytes], bytes]) -> dict[str, Any]:
    """Return a copy of the document whose decoded proofValue bytes were changed."""
    value = document["proof"]["proofValue"][1:]
    data = change(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    changed = copy.deepcopy(document)
    changed["proof"]["proofValue"] = "u" + base64.urlsafe_b64encode(data).decode().rstrip("=")
    return changed


def with_parts(document: dict[str, Any], change: Callable[[list[Any]], None]) -> dict[str, Any]:
    """Return a copy of the document whose five proofValue components were changed."""

    def rewrite(data: bytes) -> bytes:
        parts = cbor.decode(data[3:])
        assert isinstance(parts, list)
        change(parts)
        return data[:3] + cbor.encode(parts)

    return with_proof_bytes(document, rewrite)


@pytest.fixture(scope="module")
def base_signed() -> dict[str, Any]:
    """The employment credential with our base proof, mandatory issuer."""
    return SUITE.create_proof(
        EMPLOYMENT,
        private_key=ISSUER_KEY,
        verification_method=METHOD,
        created=W3C_PROOF["created"],
        mandatory_pointers=MANDATORY,
    )


def test_1edtech_derived_credential_verifies() -> None:
    document = read_json(ONE_EDTECH)
    (proof,) = document["proof"]

    suite_for(proof).verify_proof(
        document, proof, public_key=public_key_for(proof["verificationMethod"])
    )


def test_w3c_derived_credential_verifies() -> None:
    verify(w3c_derived())


def test_verify_data_reproduces_the_w3c_hashes_and_statements() -> None:
    document = w3c_derived()

    data = create_verify_data(document, document["proof"])

    assert data.proof_hash.hex() == W3C_PROOF_HASH
    assert data.mandatory_hash.hex() == W3C_MANDATORY_HASH
    assert len(data.mandatory) == 4 and len(data.non_mandatory) == 6
    joined = "".join(data.non_mandatory).encode()
    assert hashlib.sha256(joined).hexdigest() == W3C_NON_MANDATORY_SHA256
    assert set(data.proof.label_map) == {"c14n0", "c14n1"}
    assert data.proof.mandatory_indexes == [0, 4, 5, 7]


def test_base_transform_with_the_w3c_hmac_key_reproduces_the_mandatory_hash() -> None:
    mandatory, others = base_transform(
        EMPLOYMENT, hmac_key=W3C_HMAC_KEY, mandatory_pointers=MANDATORY
    )

    assert hashlib.sha256("".join(mandatory).encode()).hexdigest() == W3C_MANDATORY_HASH
    assert (len(mandatory), len(others)) == (4, 20)


def test_selection_keeps_ids_types_and_the_pointed_values_only() -> None:
    reveal = select_json_ld(EMPLOYMENT, MANDATORY + SELECTIVE)

    assert reveal is not None
    assert reveal["credentialSubject"] == {
        "type": ["Person", "EmployablePerson"],
        "birthCountry": "Bahamas",
    }
    assert set(reveal) == {
        "@context",
        "type",
        "issuer",
        "validFrom",
        "validUntil",
        "credentialSubject",
    }


def test_base_proof_derives_to_proofs_that_verify(base_signed: dict[str, Any]) -> None:
    for pointers in (SELECTIVE, [], ["/credentialSubject/employmentAuthorizationDocument"]):
        derived = derive_proof(base_signed, selective_pointers=pointers)

        verify(derived)
        assert derived["issuer"] == EMPLOYMENT["issuer"]


def test_open_badge_with_nested_blank_nodes_round_trips() -> None:
    badge = read_json(VECTORS / "ob3-spec-examples" / "basicOpenBadgeCredential.json")
    badge.pop("proof", None)
    signed = SUITE.create_proof(
        badge,
        private_key=ISSUER_KEY,
        verification_method=METHOD,
        created=None,
        mandatory_pointers=["/issuer", "/validFrom"],
    )

    derived = derive_proof(signed, selective_pointers=["/credentialSubject/achievement/name"])

    verify(derived)
    assert set(derived["credentialSubject"]["achievement"]) == {"id", "type", "name"}


def test_base_proof_is_refused_by_verifiers(base_signed: dict[str, Any]) -> None:
    with pytest.raises(InvalidProof, match=BASE_PROOF_REFUSED):
        verify(base_signed)


def test_creating_a_base_proof_needs_a_p256_key() -> None:
    with pytest.raises(InvalidKey, match="P-256"):
        SUITE.create_proof(
            EMPLOYMENT, private_key=P384_KEY, verification_method="urn:k", created=None
        )


def test_deriving_with_a_pointer_that_matches_nothing_fails(base_signed: dict[str, Any]) -> None:
    with pytest.raises(MalformedInput, match="does not match the document"):
        derive_proof(base_signed, selective_pointers=["/credentialSubject/shoeSize"])


def _drop_last_signature(parts: list[Any]) -> None:
    parts[2] = parts[2][:-1]


def _swap_labels(parts: list[Any]) -> None:
    parts[3] = dict(zip(parts[3], reversed(parts[3].values()), strict=True))


TAMPERINGS: dict[str, tuple[Callable[[dict[str, Any]], dict[str, Any]], str]] = {
    "disclosed value changed": (
        lambda d: {**d, "credentialSubject": {**d["credentialSubject"], "birthCountry": "Utopia"}},
        "disclosed statement 2 does not match its signature",
    ),
    "mandatory value changed": (
        lambda d: {**d, "issuer": {**d["issuer"], "image": "data:image/png;base64,AAAA"}},
        BASE_MISMATCH,
    ),
    "disclosed statement removed": (
        lambda d: {k: v for k, v in d.items() if k != "validUntil"},
        "5 disclosed non-mandatory statements",
    ),
    "undisclosed statement added": (
        lambda d: {**d, "credentialSubject": {**d["credentialSubject"], "givenName": "JOHN"}},
        "7 disclosed non-mandatory statements",
    ),
    "a disclosed statement's signature dropped": (
        lambda d: with_parts(d, _drop_last_signature),
        "5 signatures for 6",
    ),
    "label map swapped": (lambda d: with_parts(d, _swap_labels), "does not match"),
    "mandatory index out of range": (
        lambda d: with_parts(d, lambda p: p.__setitem__(4, [0, 40])),
        "mandatoryIndexes names statement 40",
    ),
    "header swapped to base": (
        lambda d: with_proof_bytes(d, lambda b: proof_value.BASE_HEADER + b[3:]),
        "base proof",
    ),
    "header swapped to bbs-2023": (
        lambda d: with_proof_bytes(d, lambda b: b"\xd9\x5d\x03" + b[3:]),
        "neither an ecdsa-sd-2023 base proof",
    ),
    "proofValue in base58": (
        lambda d: {**d, "proof": {**d["proof"], "proofValue": "z3FXQ"}},
        "multibase base64url",
    ),
    "created changed": (
        lambda d: {**d, "proof": {**d["proof"], "created": "2024-01-01T00:00:00Z"}},
        BASE_MISMATCH,
    ),
    "cryptosuite renamed": (
        lambda d: {**d, "proof": {**d["proof"], "cryptosuite": "ecdsa-rdfc-2019"}},
        "cryptosuite must be ecdsa-sd-2023",
    ),
}


@pytest.mark.parametrize("name", TAMPERINGS)
def test_tampered_derived_credential_fails(name: str) -> None:
    tamper, message = TAMPERINGS[name]
    document = tamper(w3c_derived())

    with pytest.raises(InvalidProof, match=message):
        SUITE.verify_proof(document, document["proof"], public_key=ISSUER_PUBLIC)


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (ec.generate_private_key(ec.SECP256R1()).public_key(), BASE_MISMATCH),
        (P384_KEY.public_key(), "need a P-256 issuer key, not secp384r1"),
        (Ed25519PrivateKey.generate().public_key(), "need a P-256 issuer key"),
    ],
    ids=["another P-256 key", "P-384 key", "Ed25519 key"],
)
def test_derived_credential_fails_with_the_wrong_key(key: PublicKey, message: str) -> None:
    with pytest.raises(InvalidProof, match=message):
        verify(w3c_derived(), key)


def test_byte_strings_tagged_as_uint8_arrays_are_accepted() -> None:
    def tag_bytes(data: bytes) -> bytes:
        parts = cbor.decode(data[3:])
        assert isinstance(parts, list)
        tagged = [b"\xd8\x40" + cbor.encode(parts[0]), b"\xd8\x40" + cbor.encode(parts[1])]
        return data[:3] + b"\x85" + b"".join(tagged) + b"".join(cbor.encode(p) for p in parts[2:])

    verify(with_proof_bytes(w3c_derived(), tag_bytes))


def _set(index: int, value: Any) -> Callable[[list[Any]], None]:
    """Return a change that replaces one proofValue component."""
    return lambda parts: parts.__setitem__(index, value)


def _keep_first_label(parts: list[Any]) -> None:
    parts[3] = {0: parts[3][0]}


MALFORMED_COMPONENTS: dict[str, tuple[Callable[[list[Any]], None], str]] = {
    "short baseSignature": (_set(0, bytes(63)), "baseSignature must be a 64-byte string"),
    "publicKey not P-256": (_set(1, b"\x81\x24" + bytes(33)), "must be a P-256 Multikey"),
    "publicKey off the curve": (_set(1, b"\x80\x24\x02" + b"\xff" * 32), "not a point on P-256"),
    "signatures not an array": (_set(2, b""), "signatures must be an array"),
    "a short signature": (_set(2, [bytes(63)]), "each signature must be a 64-byte string"),
    "labelMap not a map": (_set(3, []), "labelMap must be a map"),
    "labelMap key negative": (_set(3, {-1: bytes(32)}), "keys must be unsigned integers"),
    "labelMap value short": (_set(3, {0: bytes(31)}), "labelMap value must be a 32-byte"),
    "labelMap labels repeated": (_set(3, {0: bytes(32), 1: bytes(32)}), "the same label"),
    "labelMap lacks a node": (_keep_first_label, "has no label for blank node c14n1"),
    "mandatoryIndexes not an array": (_set(4, 0), "mandatoryIndexes must be an array"),
    "mandatoryIndexes negative": (_set(4, [-1]), "mandatoryIndexes must be an array"),
}


@pytest.mark.parametrize("name", MALFORMED_COMPONENTS)
def test_derived_proof_with_malformed_components_fails(name: str) -> None:
    change, message = MALFORMED_COMPONENTS[name]

    with pytest.raises(InvalidProof, match=message):
        verify(with_parts(w3c_derived(), change))


PROOF_OPTIONS: dict[str, tuple[dict[str, Any], str]] = {
    "no proofValue": ({"proofValue": None}, "no proofValue string"),
    "proofValue too long": ({"proofValue": "u" + "A" * 2_000_000}, "longer than"),
    "proofValue of impossible length": ({"proofValue": "uAAAAA"}, "multibase base64url"),
    "another proof type": ({"type": "Ed25519Signature2020"}, "proof type must be"),
    "created not a date": ({"created": "yesterday"}, "dateTimeStamp"),
    "@context not the document's": (
        {"@context": ["https://w3id.org/security/data-integrity/v2"]},
        "first entries",
    ),
}


@pytest.mark.parametrize("name", PROOF_OPTIONS)
def test_derived_proof_with_bad_options_fails(name: str) -> None:
    options, message = PROOF_OPTIONS[name]
    document = w3c_derived()
    document["proof"].update(options)

    with pytest.raises(InvalidProof, match=message):
        SUITE.verify_proof(document, document["proof"], public_key=ISSUER_PUBLIC)


def test_proof_context_that_begins_the_documents_verifies() -> None:
    document = w3c_derived()
    document["proof"]["@context"] = document["@context"]

    verify(document)


def test_deriving_needs_a_base_proof_and_a_selection(base_signed: dict[str, Any]) -> None:
    unselected = SUITE.create_proof(
        EMPLOYMENT, private_key=ISSUER_KEY, verification_method=METHOD, created=None
    )

    with pytest.raises(MalformedInput, match="one ecdsa-sd-2023 base proof, not 0"):
        derive_proof(w3c_derived(), selective_pointers=SELECTIVE)
    with pytest.raises(MalformedInput, match="nothing is selected"):
        derive_proof(unselected, selective_pointers=[])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda parts: _set(3, parts[3][1:])(parts), "19 signatures for 20 non-mandatory"),
        (_set(4, [1]), "mandatoryPointers must be an array of strings"),
    ],
    ids=["a signature missing", "pointer not a string"],
)
def test_deriving_from_a_malformed_base_proof_fails(
    base_signed: dict[str, Any], change: Callable[[list[Any]], None], message: str
) -> None:
    with pytest.raises(InvalidProof, match=message):
        derive_proof(with_parts(base_signed, change), selective_pointers=SELECTIVE)


def test_a_derived_proof_value_is_not_read_as_a_base_proof() -> None:
    with pytest.raises(InvalidProof, match="not an ecdsa-sd-2023 base proof .*0xd95d01"):
        proof_value.parse_base(W3C_DERIVED_PROOF_VALUE)


def test_label_map_that_is_not_canonical_labels_to_hmac_labels_is_not_serialized() -> None:
    derived = proof_value.parse_derived(W3C_DERIVED_PROOF_VALUE)
    bad = proof_value.DerivedProofValue(**{**vars(derived), "label_map": {"b0": "uAAA"}})

    with pytest.raises(MalformedInput, match="cannot be compressed"):
        proof_value.serialize_derived(bad)


_SIG = b"\x58\x40" + bytes(64)  # a 64-byte string
_KEY = b"\x58\x23\x80\x24" + bytes(33)  # a 35-byte string shaped as a P-256 Multikey
_LABEL = b"\x58\x20" + bytes(32)  # a 32-byte string
HOSTILE = {
    "empty": b"",
    "truncated array": b"\x85\x58\x40" + bytes(10),
    "array of 2**32 items": b"\x9a\xff\xff\xff\xff",
    "byte string of 2**63 bytes": b"\x85\x5b\x7f\xff\xff\xff\xff\xff\xff\xff",
    "map of 2**64 - 1 entries": b"\xbb" + b"\xff" * 8,
    "signatures claiming a million items": b"\x85" + _SIG + _KEY + b"\x9a\x00\x0f\x42\x40",
    "indefinite-length array": b"\x9f\x01\xff",
    "deep nesting": b"\x81" * 5000,
    "a float": b"\xf9\x3c\x00",
    "tag 1 (a date)": b"\xc1\x01",
    "reserved header": b"\x1c",
    "not an array": b"\x01",
    "four components": b"\x84\x01\x02\x03\x04",
    "five wrong components": b"\x85\x01\x02\x03\x04\x05",
    "trailing byte": cbor.encode([b"", b"", [], {}, []]) + b"\x00",
    "duplicate map key": b"\x85" + _SIG + _KEY + b"\x80\xa2\x00" + _LABEL + b"\x00" + _LABEL,
    "invalid UTF-8 text": b"\x63\xff\xfe\xfd",
}


@pytest.mark.parametrize("payload", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_cbor_fails_cleanly(payload: bytes) -> None:
    document = with_proof_bytes(w3c_derived(), lambda _: proof_value.DERIVED_HEADER + payload)

    with pytest.raises(InvalidProof, match="malformed proofValue"):
        verify(document)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_after_the_header_fail_with_invalid_proof(payload: bytes) -> None:
    document = with_proof_bytes(w3c_derived(), lambda _: proof_value.DERIVED_HEADER + payload)

    with pytest.raises(InvalidProof):
        verify(document)


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=0, max_value=700), st.integers(min_value=1, max_value=255))
def test_any_changed_byte_of_a_derived_proof_value_fails(position: int, flip: int) -> None:
    def change(data: bytes) -> bytes:
        index = position % len(data)
        return data[:index] + bytes([data[index] ^ flip]) + data[index + 1 :]

    with pytest.raises(InvalidProof):
        verify(with_proof_bytes(w3c_derived(), change))


def test_relabelled_statements_sort_by_utf16_code_units_as_javascript_issuers_do() -> None:
    astral, bmp = '_:u <urn:p> "\U0001f393" .\n', '_:u <urn:p> "\uff21" .\n'

    assert sort_nquads([bmp, astral]) == [astral, bmp]  # code point order would swap them


def test_registry_maps_the_cryptosuite_to_this_suite() -> None:
    assert SUITES[("DataIntegrityProof", "ecdsa-sd-2023")] is SUITE
