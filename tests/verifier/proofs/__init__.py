"""Tests of verifier/proofs/, and the key helpers they share."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import base58
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.paths import CONFORMANCE
from verifier.did_key import resolve_did_key
from verifier.multikey import PublicKey, decode_public_key

VECTORS = CONFORMANCE / "vectors"
_ED25519_PRIVATE = b"\x80\x26"  # multicodec ed25519-priv (0x1300) as a varint
# multicodec p256-priv (0x1306) and p384-priv (0x1307) as varints
_EC_PRIVATE: dict[bytes, ec.EllipticCurve] = {
    b"\x86\x26": ec.SECP256R1(),
    b"\x87\x26": ec.SECP384R1(),
}


def read_json(path: Path) -> Any:
    """Parse a JSON file."""
    return json.loads(path.read_text(encoding="utf-8"))


def ed25519_from_multibase(private_key_multibase: str) -> Ed25519PrivateKey:
    """Decode a Multikey ``privateKeyMultibase`` (the vc-di-eddsa key pair format)."""
    raw = base58.b58decode(private_key_multibase.removeprefix("z"))
    assert raw[:2] == _ED25519_PRIVATE and len(raw) == 34, "not an Ed25519 Multikey secret"
    return Ed25519PrivateKey.from_private_bytes(raw[2:])


def ecdsa_from_multibase(secret_key_multibase: str) -> ec.EllipticCurvePrivateKey:
    """Decode a P-256 or P-384 Multikey ``secretKeyMultibase`` (the vc-di-ecdsa key pairs)."""
    raw = base58.b58decode(secret_key_multibase.removeprefix("z"))
    curve = _EC_PRIVATE[raw[:2]]
    assert len(raw) == 2 + (curve.key_size + 7) // 8, "not a P-256 or P-384 Multikey secret"
    return ec.derive_private_key(int.from_bytes(raw[2:], "big"), curve)


def public_key_for(verification_method: str) -> PublicKey:
    """Resolve a vector's verification method offline.

    A did:key resolves to its own key. The 1EdTech fixtures name https keys whose fragment
    is the Multikey, which their tests serve from a mocked issuer profile; the fragment
    stands in for that profile here.
    """
    if verification_method.startswith("did:key:"):
        did, _, fragment = verification_method.partition("#")
        (method,) = resolve_did_key(did)["verificationMethod"]
        assert not fragment or method["id"] == verification_method, "not this did:key's key"
        return decode_public_key(method["publicKeyMultibase"])
    return decode_public_key(verification_method.rsplit("#", 1)[-1])
