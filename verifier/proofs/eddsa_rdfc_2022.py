"""The eddsa-rdfc-2022 cryptosuite (W3C vc-di-eddsa): Ed25519 over SHA-256 of RDFC-1.0."""

from __future__ import annotations

import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from verifier.canon import HashAlgorithm
from verifier.errors import InvalidKey, InvalidProof
from verifier.multikey import PublicKey
from verifier.proofs import data_integrity
from verifier.proofs.data_integrity import MISMATCH, PrivateKey

NAME = "eddsa-rdfc-2022"
# The same algorithm under the name of the 2023 drafts; 1EdTech's validator still meets it.
LEGACY_NAME = "eddsa-2022"


def sign_ed25519(private_key: PrivateKey, data: bytes) -> bytes:
    """Sign with an Ed25519 key, raising InvalidKey for any other kind of key."""
    if not isinstance(private_key, Ed25519PrivateKey):
        raise InvalidKey(f"Ed25519 proofs need an Ed25519 key, not {type(private_key).__name__}")
    return private_key.sign(data)


def verify_ed25519(public_key: PublicKey, data: bytes, signature: bytes) -> None:
    """Check an Ed25519 signature, raising InvalidProof if it does not hold."""
    if not isinstance(public_key, Ed25519PublicKey):
        raise InvalidProof(
            f"the verification method holds a {type(public_key).__name__}, not an Ed25519 key"
        )
    if len(signature) != 64:
        raise InvalidProof(f"malformed proofValue: {len(signature)} bytes, not a 64-byte signature")
    try:
        public_key.verify(signature, data)
    except InvalidSignature:
        raise InvalidProof(MISMATCH) from None


class EddsaRdfc2022(data_integrity.DataIntegritySuite):
    """The eddsa-rdfc-2022 cryptosuite, which also verifies proofs named eddsa-2022."""

    name = NAME
    names = frozenset({NAME, LEGACY_NAME})

    def hash(self, data: bytes, key: PrivateKey | PublicKey) -> bytes:
        """Return SHA-256 of canonical N-Quads."""
        return hashlib.sha256(data).digest()

    def canonical_hash(self, key: PrivateKey | PublicKey) -> HashAlgorithm:
        """Return sha256, the RDFC-1.0 default."""
        return "sha256"

    def sign(self, private_key: PrivateKey, data: bytes) -> bytes:
        """Sign the hash data with Ed25519."""
        return sign_ed25519(private_key, data)

    def verify(self, public_key: PublicKey, data: bytes, signature: bytes) -> None:
        """Check an Ed25519 signature over the hash data."""
        verify_ed25519(public_key, data, signature)


SUITE = EddsaRdfc2022()
