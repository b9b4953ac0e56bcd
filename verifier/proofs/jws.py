"""Compact JWS signatures with public-key algorithms only: RS256, ES256, ES384 and EdDSA."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any, TypeAlias

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from verifier.errors import InvalidKey, InvalidProof, MalformedInput
from verifier.formats.jwt import Jws, decode_jws
from verifier.multikey import PublicKey

PrivateKey: TypeAlias = Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey

# RFC 7518 §3.3: "A key of size 2048 bits or larger MUST be used with these algorithms."
MIN_RSA_BITS = 2048
# curve name -> (JWS alg, hash, coordinate size in bytes), RFC 7518 §3.4.
_EC: dict[str, tuple[str, hashes.HashAlgorithm, int]] = {
    "secp256r1": ("ES256", hashes.SHA256(), 32),
    "secp384r1": ("ES384", hashes.SHA384(), 48),
}


def algorithm_for(key: PublicKey) -> str:
    """Return the one JWS ``alg`` a public key may be used with.

    Raises:
        InvalidKey: The key is an RSA key under 2048 bits or on an unsupported curve.
    """
    if isinstance(key, Ed25519PublicKey):
        return "EdDSA"
    if isinstance(key, ec.EllipticCurvePublicKey):
        if key.curve.name not in _EC:
            raise InvalidKey(f"curve {key.curve.name} has no JWS algorithm here; use P-256")
        return _EC[key.curve.name][0]
    if isinstance(key, rsa.RSAPublicKey):
        if key.key_size < MIN_RSA_BITS:
            raise InvalidKey(f"RSA key has {key.key_size} bits; RS256 needs at least 2048")
        return "RS256"
    raise InvalidKey(f"{type(key).__name__} cannot sign a JWS")


def decode(token: str) -> Jws:
    """Split a compact JWS into header, payload and signature, refusing ``none`` and MACs.

    Raises:
        InvalidProof: The token is malformed, or its ``alg`` is none, symmetric or unknown.
    """
    if not isinstance(token, str):
        raise InvalidProof("a compact JWS must be a string")
    try:
        return decode_jws(token)
    except MalformedInput as error:
        raise InvalidProof(str(error)) from None


def sign(header: Mapping[str, Any], payload: bytes, private_key: PrivateKey) -> str:
    """Return ``header.payload.signature``, signed with the algorithm the header names.

    Raises:
        InvalidKey: The header's ``alg`` is not the one the key's type calls for.
    """
    alg = algorithm_for(private_key.public_key())
    if header.get("alg") != alg:
        raise InvalidKey(
            f"a {_kind(private_key.public_key())} key signs {alg}, not {header.get('alg')}"
        )
    encoded = _b64(json.dumps(dict(header), separators=(",", ":")).encode("utf-8"))
    signing_input = f"{encoded}.{_b64(payload)}".encode("ascii")
    if isinstance(private_key, Ed25519PrivateKey):
        signature = private_key.sign(signing_input)
    elif isinstance(private_key, ec.EllipticCurvePrivateKey):
        _, digest, size = _EC[private_key.curve.name]
        r, s = decode_dss_signature(private_key.sign(signing_input, ec.ECDSA(digest)))
        signature = r.to_bytes(size, "big") + s.to_bytes(size, "big")
    else:
        signature = private_key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input.decode('ascii')}.{_b64(signature)}"


def verify(jws: Jws, public_key: PublicKey) -> None:
    """Check the signature with ``public_key``, using only the algorithm its type calls for.

    The header's ``alg`` must equal that algorithm, so a token cannot choose how the key is
    used (algorithm confusion); no key ever reaches a MAC.

    Raises:
        InvalidProof: The ``alg`` does not fit the key, or the signature does not verify.
    """
    try:
        expected = algorithm_for(public_key)
    except InvalidKey as error:
        raise InvalidProof(str(error)) from None
    alg = jws.header.get("alg")
    if alg != expected:
        raise InvalidProof(
            f"JWS alg {alg!r} does not fit the {_kind(public_key)} key, which signs only "
            f"{expected}; a token may not choose how a key is used (algorithm confusion)"
        )
    try:
        if isinstance(public_key, Ed25519PublicKey):
            public_key.verify(jws.signature, jws.signing_input)
        elif isinstance(public_key, ec.EllipticCurvePublicKey):
            _, digest, size = _EC[public_key.curve.name]
            if len(jws.signature) != 2 * size:
                raise InvalidSignature
            r = int.from_bytes(jws.signature[:size], "big")
            s = int.from_bytes(jws.signature[size:], "big")
            public_key.verify(encode_dss_signature(r, s), jws.signing_input, ec.ECDSA(digest))
        else:
            public_key.verify(jws.signature, jws.signing_input, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise InvalidProof(f"the {alg} signature does not verify with the key") from None


def _kind(key: PublicKey) -> str:
    """Name a key's type for messages ("RSA", "P-256", "Ed25519")."""
    if isinstance(key, ec.EllipticCurvePublicKey):
        return {"secp256r1": "P-256", "secp384r1": "P-384"}.get(key.curve.name, key.curve.name)
    return "Ed25519" if isinstance(key, Ed25519PublicKey) else "RSA"


def _b64(data: bytes) -> str:
    """Encode bytes as base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
