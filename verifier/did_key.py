"""did:key identifiers and the DID documents they resolve to (w3c-ccg did-method-key)."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePublicKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from verifier.errors import InvalidKey
from verifier.multikey import decode_public_key, encode_public_key

PREFIX = "did:key:"
_RELATIONSHIPS = (
    "authentication",
    "assertionMethod",
    "capabilityDelegation",
    "capabilityInvocation",
)


def did_key_from_public_key(key: Ed25519PublicKey | EllipticCurvePublicKey) -> str:
    """Return the did:key that encodes a public key.

    Args:
        key: An Ed25519, P-256 or P-384 public key.

    Returns:
        ``did:key:`` followed by the key's Multikey encoding.

    Raises:
        InvalidKey: The key has no Multikey encoding.
    """
    return PREFIX + encode_public_key(key)


def resolve_did_key(did: str) -> dict[str, Any]:
    """Return the DID document of a did:key, with one Multikey verification method.

    Args:
        did: A bare did:key (no path, query or fragment).

    Returns:
        The DID document, its single key referenced by every verification relationship.

    Raises:
        InvalidKey: The DID is not a did:key or its key does not decode.
    """
    if not isinstance(did, str) or not did.startswith(PREFIX):
        raise InvalidKey(f"{did!r} is not a did:key")
    multibase = did.removeprefix(PREFIX)
    if any(char in multibase for char in "/?#"):
        raise InvalidKey(f"{did} is a DID URL; resolve the DID without path, query or fragment")
    decode_public_key(multibase)
    method_id = f"{did}#{multibase}"
    document: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [
            {
                "id": method_id,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": multibase,
            }
        ],
    }
    document.update({relationship: [method_id] for relationship in _RELATIONSHIPS})
    return document
