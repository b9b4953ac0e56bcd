"""The ecdsa-rdfc-2019 cryptosuite (W3C vc-di-ecdsa): ECDSA P-256/P-384 over RDFC-1.0.

The curve picks the hash everywhere: SHA-256 for P-256 and SHA-384 for P-384, both for
RDFC-1.0's own blank-node hashing and for the two hashes that are signed. Signatures are
IEEE P1363 (``r || s``, each padded to the curve size), not DER.
"""

from __future__ import annotations

import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from verifier.canon import HashAlgorithm
from verifier.errors import InvalidKey, InvalidProof
from verifier.multikey import PublicKey
from verifier.proofs import data_integrity
from verifier.proofs.data_integrity import MISMATCH, PrivateKey

NAME = "ecdsa-rdfc-2019"
# Curve name -> (hash, signature size in bytes).
_CURVES: dict[str, tuple[HashAlgorithm, int]] = {
    ec.SECP256R1.name: ("sha256", 64),
    ec.SECP384R1.name: ("sha384", 96),
}
_HASHES: dict[HashAlgorithm, hashes.HashAlgorithm] = {
    "sha256": hashes.SHA256(),
    "sha384": hashes.SHA384(),
}
_CURVE_LABELS = {ec.SECP256R1.name: "P-256", ec.SECP384R1.name: "P-384"}


def curve_hash(key: PrivateKey | PublicKey) -> HashAlgorithm:
    """Return the hash that goes with a P-256 or P-384 key.

    Raises:
        InvalidKey: A private key that is not P-256 or P-384 (we cannot sign with it).
        InvalidProof: A public key that is not P-256 or P-384 (the proof cannot hold).
    """
    return _curve_of(key)[0]


def sign_p1363(private_key: PrivateKey, data: bytes) -> bytes:
    """Sign with ECDSA over the curve's hash, returning ``r || s`` at the curve's size.

    Raises:
        InvalidKey: The key is not a P-256 or P-384 private key.
    """
    algorithm, size = _curve_of(private_key)
    assert isinstance(private_key, ec.EllipticCurvePrivateKey)  # _curve_of checked it
    r, s = decode_dss_signature(private_key.sign(data, ec.ECDSA(_HASHES[algorithm])))
    return r.to_bytes(size // 2, "big") + s.to_bytes(size // 2, "big")


def verify_p1363(public_key: PublicKey, data: bytes, signature: bytes) -> None:
    """Check an ``r || s`` ECDSA signature over the curve's hash.

    Raises:
        InvalidProof: The key is not P-256 or P-384, the signature has the wrong size,
            or it does not match the data.
    """
    algorithm, size = _curve_of(public_key)
    assert isinstance(public_key, ec.EllipticCurvePublicKey)  # _curve_of checked it
    if len(signature) != size:
        curve = _CURVE_LABELS[public_key.curve.name]
        raise InvalidProof(
            f"malformed proofValue: {len(signature)} bytes, not a {size}-byte {curve} signature"
        )
    half = size // 2
    r, s = int.from_bytes(signature[:half], "big"), int.from_bytes(signature[half:], "big")
    try:
        public_key.verify(encode_dss_signature(r, s), data, ec.ECDSA(_HASHES[algorithm]))
    except InvalidSignature:
        raise InvalidProof(MISMATCH) from None


def _curve_of(key: PrivateKey | PublicKey) -> tuple[HashAlgorithm, int]:
    """Return the hash and signature size of a P-256 or P-384 key, or raise."""
    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey):
        found = _CURVES.get(key.curve.name)
        if found is not None:
            return found
        kind = f"a {key.curve.name} key"
    else:
        kind = f"a {type(key).__name__}"
    message = f"ECDSA proofs need a P-256 or P-384 key, not {kind}"
    if isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key, PublicKey):
        raise InvalidKey(message)
    raise InvalidProof(f"the verification method holds {kind}; {message}")


class EcdsaRdfc2019(data_integrity.DataIntegritySuite):
    """The ecdsa-rdfc-2019 cryptosuite."""

    name = NAME
    names = frozenset({NAME})

    def hash(self, data: bytes, key: PrivateKey | PublicKey) -> bytes:
        """Return SHA-256 (P-256) or SHA-384 (P-384) of canonical N-Quads."""
        return hashlib.new(curve_hash(key), data).digest()

    def canonical_hash(self, key: PrivateKey | PublicKey) -> HashAlgorithm:
        """Return the RDFC-1.0 hash the key's curve requires."""
        return curve_hash(key)

    def sign(self, private_key: PrivateKey, data: bytes) -> bytes:
        """Sign the hash data with ECDSA."""
        return sign_p1363(private_key, data)

    def verify(self, public_key: PublicKey, data: bytes, signature: bytes) -> None:
        """Check an ECDSA signature over the hash data."""
        verify_p1363(public_key, data, signature)


SUITE = EcdsaRdfc2019()
