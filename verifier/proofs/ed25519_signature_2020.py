"""The legacy Ed25519Signature2020 proof type (w3c-ccg, digitalbazaar ed25519-signature-2020).

It signs exactly what eddsa-rdfc-2022 signs (SHA-256 of the RDFC-1.0 proof options under the
document's ``@context``, then of the document), but names itself by ``type`` alone and its
terms come from the suite context, which the document's ``@context`` must therefore hold.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from verifier.errors import InvalidProof
from verifier.loader import DocumentLoader, offline_loader
from verifier.multikey import PublicKey
from verifier.proofs.data_integrity import (
    PrivateKey,
    add_proof,
    decode_proof_value,
    encode_proof_value,
    format_created,
    hash_data,
    unsecured_document,
)
from verifier.proofs.eddsa_rdfc_2022 import sign_ed25519, verify_ed25519

PROOF_TYPE = "Ed25519Signature2020"
CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"


def _sha256(data: bytes) -> bytes:
    """Return the SHA-256 digest of ``data``."""
    return hashlib.sha256(data).digest()


class Ed25519Signature2020:
    """Creates and verifies Ed25519Signature2020 proofs."""

    def create_proof(
        self,
        document: Mapping[str, Any],
        *,
        private_key: PrivateKey,
        verification_method: str,
        created: datetime | str | None,
        proof_purpose: str = "assertionMethod",
        loader: DocumentLoader = offline_loader,
    ) -> dict[str, Any]:
        """Return a copy of the document, with the suite context added, signed by this suite."""
        context = document.get("@context")
        contexts = context if isinstance(context, list) else [context]
        if CONTEXT not in contexts:  # as jsonld-signatures' addSuiteContext does
            document = {**document, "@context": [*contexts, CONTEXT]}
        options: dict[str, Any] = {"type": PROOF_TYPE}
        if created is not None:
            options["created"] = format_created(created)
        options["verificationMethod"] = verification_method
        options["proofPurpose"] = proof_purpose
        data = hash_data(unsecured_document(document), options, digest=_sha256, loader=loader)
        signature = sign_ed25519(private_key, data)
        return add_proof(document, {**options, "proofValue": encode_proof_value(signature)})

    def verify_proof(
        self,
        document: Mapping[str, Any],
        proof: Mapping[str, Any],
        *,
        public_key: PublicKey,
        loader: DocumentLoader = offline_loader,
    ) -> None:
        """Check one Ed25519Signature2020 proof of the document.

        Raises:
            InvalidProof: The proof is malformed, the document lacks the suite context, or
                the signature does not match.
            UndefinedTerm: A term is not defined by the contexts.
        """
        if proof.get("type") != PROOF_TYPE:
            raise InvalidProof(f"proof type must be {PROOF_TYPE}, not {proof.get('type')!r}")
        context = document.get("@context")
        if CONTEXT not in (context if isinstance(context, list) else [context]):
            raise InvalidProof(f"{PROOF_TYPE} needs {CONTEXT} in the document's @context")
        signature = decode_proof_value(proof.get("proofValue"))
        options = {key: value for key, value in proof.items() if key != "proofValue"}
        unsecured = unsecured_document(document)
        data = hash_data(unsecured, options, digest=_sha256, loader=loader)
        verify_ed25519(public_key, data, signature)


SUITE = Ed25519Signature2020()
