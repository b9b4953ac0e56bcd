"""Proof suites: each creates and verifies one kind of proof, raising InvalidProof on failure."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any, Protocol

from verifier.errors import InvalidProof
from verifier.loader import DocumentLoader, offline_loader
from verifier.multikey import PublicKey
from verifier.proofs import (
    ecdsa_rdfc_2019,
    ecdsa_sd_2023,
    ed25519_signature_2020,
    eddsa_rdfc_2022,
)
from verifier.proofs.data_integrity import PrivateKey


class Suite(Protocol):
    """Creates and verifies one kind of embedded proof, like a digitalbazaar suite."""

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
        """Return a copy of the document with a new proof added to its proof set."""

    def verify_proof(
        self,
        document: Mapping[str, Any],
        proof: Mapping[str, Any],
        *,
        public_key: PublicKey,
        loader: DocumentLoader = offline_loader,
    ) -> None:
        """Check one proof of the document, raising InvalidProof if it does not hold."""


# (proof type, cryptosuite) -> suite; a proof type without cryptosuites uses None.
SUITES: Mapping[tuple[str, str | None], Suite] = MappingProxyType(
    {
        ("DataIntegrityProof", eddsa_rdfc_2022.NAME): eddsa_rdfc_2022.SUITE,
        ("DataIntegrityProof", eddsa_rdfc_2022.LEGACY_NAME): eddsa_rdfc_2022.SUITE,
        ("DataIntegrityProof", ecdsa_rdfc_2019.NAME): ecdsa_rdfc_2019.SUITE,
        ("DataIntegrityProof", ecdsa_sd_2023.NAME): ecdsa_sd_2023.SUITE,
        (ed25519_signature_2020.PROOF_TYPE, None): ed25519_signature_2020.SUITE,
    }
)


def suite_for(proof: Mapping[str, Any]) -> Suite:
    """Return the suite that verifies a proof, by its ``type`` and ``cryptosuite``.

    Args:
        proof: One embedded proof.

    Returns:
        The registered suite.

    Raises:
        InvalidProof: No suite handles this proof type and cryptosuite.
    """
    if not isinstance(proof, Mapping):
        raise InvalidProof("a proof must be a JSON object")
    kind, cryptosuite = proof.get("type"), proof.get("cryptosuite")
    suite = SUITES.get((kind, cryptosuite)) if isinstance(kind, str) else None
    if suite is None:
        named = f"{kind}/{cryptosuite}" if cryptosuite is not None else f"{kind}"
        supported = ", ".join(sorted(f"{t}/{c}" if c else t for t, c in SUITES))
        raise InvalidProof(f"unsupported proof type/cryptosuite {named}; supported: {supported}")
    return suite
