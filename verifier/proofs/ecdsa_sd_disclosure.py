"""Deriving an ecdsa-sd-2023 proof: what a holder does to disclose part of a credential.

From a base proof, whose value carries the HMAC key and one signature per non-mandatory
statement, the holder keeps the mandatory parts and the parts it selects, the signatures of
the selected statements and the labels of the blank nodes that remain (createDisclosureData,
vc-di-ecdsa 3.4.4).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from verifier.canon import issued_identifiers
from verifier.errors import InvalidProof, MalformedInput
from verifier.loader import DocumentLoader, offline_loader
from verifier.proofs import ecdsa_sd_proof_value as proof_value
from verifier.proofs.data_integrity import proofs_of, unsecured_document
from verifier.proofs.ecdsa_sd_2023 import NAME
from verifier.proofs.ecdsa_sd_proof_value import DerivedProofValue
from verifier.proofs.selective_disclosure import (
    canonicalize_and_group,
    hmac_labeler,
    select_json_ld,
)


def derive_proof(
    document: Mapping[str, Any],
    *,
    selective_pointers: Sequence[str],
    loader: DocumentLoader = offline_loader,
) -> dict[str, Any]:
    """Return the document reduced to the mandatory and selected parts, with a derived proof.

    Args:
        document: A document holding one ecdsa-sd-2023 base proof.
        selective_pointers: JSON pointers to what the holder discloses beyond the
            mandatory parts.
        loader: Where contexts come from.

    Returns:
        The disclosed document with a derived proof in ``proof``.

    Raises:
        MalformedInput: The document has no single base proof, nothing is selected,
            or a pointer does not match.
        InvalidProof: The base proof value is malformed.
    """
    proof = _base_proof_of(document)
    base = proof_value.parse_base(proof["proofValue"])
    unsecured = unsecured_document(document)
    mandatory = list(base.mandatory_pointers)
    combined = mandatory + list(selective_pointers)
    reveal = select_json_ld(unsecured, combined)
    if reveal is None:
        raise MalformedInput("nothing is selected for disclosure: give selective pointers")
    groups = {"mandatory": mandatory, "selective": list(selective_pointers), "combined": combined}
    nquads, label_map, grouped = canonicalize_and_group(
        unsecured, hmac_labeler(base.hmac_key), groups, loader=loader
    )
    required, chosen = grouped["mandatory"].matching, grouped["selective"].matching
    indexes = [i for i, index in enumerate(grouped["combined"].matching) if index in required]
    others = [index for index in range(len(nquads)) if index not in required]
    if len(others) != len(base.signatures):
        raise InvalidProof(
            f"the base proof holds {len(base.signatures)} signatures for {len(others)}"
            " non-mandatory statements: the document or its mandatory pointers changed"
        )
    signatures = [
        sig for sig, index in zip(base.signatures, others, strict=True) if index in chosen
    ]
    issued = issued_identifiers("".join(grouped["combined"].deskolemized))
    derived = DerivedProofValue(
        base_signature=base.base_signature,
        public_key=base.public_key,
        signatures=signatures,
        label_map={canonical: label_map[label] for label, canonical in issued.items()},
        mandatory_indexes=indexes,
    )
    return {**reveal, "proof": {**proof, "proofValue": proof_value.serialize_derived(derived)}}


def _base_proof_of(document: Mapping[str, Any]) -> Mapping[str, Any]:
    """Return the document's one ecdsa-sd-2023 base proof."""
    found = [
        proof
        for proof in proofs_of(document)
        if isinstance(proof, Mapping)
        and proof.get("cryptosuite") == NAME
        and proof_value.kind_of(proof.get("proofValue")) == "base"
    ]
    if len(found) != 1:
        raise MalformedInput(f"the document must hold one {NAME} base proof, not {len(found)}")
    return found[0]
