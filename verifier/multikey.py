"""Multikey and JWK encodings of the public keys the verifier accepts."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Mapping
from typing import TypeAlias

import base58
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from verifier.errors import InvalidKey

PublicKey: TypeAlias = Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey

# Multicodec varint prefixes (ed25519-pub 0xed, p256-pub 0x1200, p384-pub 0x1201).
_ED25519 = b"\xed\x01"
_CURVES: dict[bytes, ec.EllipticCurve] = {b"\x80\x24": ec.SECP256R1(), b"\x81\x24": ec.SECP384R1()}
_JWK_CURVES: dict[str, ec.EllipticCurve] = {"P-256": ec.SECP256R1(), "P-384": ec.SECP384R1()}
_PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "oth", "k")
_THUMBPRINT_MEMBERS = {
    "EC": ("crv", "kty", "x", "y"),
    "OKP": ("crv", "kty", "x"),
    "RSA": ("e", "kty", "n"),
}
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
# The bitcoin alphabet; checked here because base58.b58decode strips trailing whitespace.
_BASE58BTC = re.compile(r"z[1-9A-HJ-NP-Za-km-z]+")


def encode_public_key(key: Ed25519PublicKey | ec.EllipticCurvePublicKey) -> str:
    """Encode an Ed25519, P-256 or P-384 public key as a Multikey ``publicKeyMultibase``.

    Args:
        key: The public key.

    Returns:
        ``z`` followed by base58btc of the multicodec prefix and the key bytes.

    Raises:
        InvalidKey: The key type or curve has no Multikey encoding here.
    """
    if isinstance(key, Ed25519PublicKey):
        raw = _ED25519 + key.public_bytes_raw()
    elif isinstance(key, ec.EllipticCurvePublicKey):
        prefix = next((p for p, c in _CURVES.items() if c.name == key.curve.name), None)
        if prefix is None:
            raise InvalidKey(f"curve {key.curve.name} has no Multikey encoding; use P-256 or P-384")
        raw = prefix + key.public_bytes(Encoding.X962, PublicFormat.CompressedPoint)
    else:
        raise InvalidKey(f"{type(key).__name__} has no Multikey encoding")
    return "z" + base58.b58encode(raw).decode("ascii")


def decode_public_key(multibase: str) -> Ed25519PublicKey | ec.EllipticCurvePublicKey:
    """Decode a Multikey ``publicKeyMultibase`` into a public key.

    Args:
        multibase: ``z`` followed by base58btc of multicodec prefix and key bytes.

    Returns:
        An Ed25519, P-256 or P-384 public key.

    Raises:
        InvalidKey: The value is not base58btc, or its multicodec or length is wrong.
    """
    if not isinstance(multibase, str) or not multibase.startswith("z"):
        raise InvalidKey("publicKeyMultibase must start with 'z' (base58btc)")
    if not _BASE58BTC.fullmatch(multibase):
        raise InvalidKey(f"publicKeyMultibase {multibase!r} is not base58btc")
    raw = base58.b58decode(multibase[1:])
    prefix, body = raw[:2], raw[2:]
    if prefix == _ED25519:
        if len(body) != 32:
            raise InvalidKey(f"Ed25519 Multikey holds {len(body)} bytes; expected 32")
        return Ed25519PublicKey.from_public_bytes(body)
    curve = _CURVES.get(prefix)
    if curve is None:
        raise InvalidKey(
            f"unsupported multicodec 0x{prefix.hex()}; expected Ed25519, P-256 or P-384"
        )
    size = 1 + (curve.key_size + 7) // 8
    if len(body) != size or body[0] not in (2, 3):
        raise InvalidKey(f"{curve.name} Multikey must hold a {size}-byte compressed point")
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(curve, body)
    except ValueError:
        raise InvalidKey(f"{curve.name} Multikey is not a point on the curve") from None


def public_key_to_jwk(key: PublicKey) -> dict[str, str]:
    """Return the public JWK (RFC 7517, RFC 8037) of an Ed25519, EC or RSA key.

    Args:
        key: The public key.

    Returns:
        The JWK members, base64url-encoded without padding.

    Raises:
        InvalidKey: The key type or curve has no JWK encoding here.
    """
    if isinstance(key, Ed25519PublicKey):
        return {"kty": "OKP", "crv": "Ed25519", "x": _b64(key.public_bytes_raw())}
    if isinstance(key, ec.EllipticCurvePublicKey):
        crv = next((n for n, c in _JWK_CURVES.items() if c.name == key.curve.name), None)
        if crv is None:
            raise InvalidKey(f"curve {key.curve.name} has no JWK encoding; use P-256 or P-384")
        size = (key.curve.key_size + 7) // 8
        numbers = key.public_numbers()
        return {
            "kty": "EC",
            "crv": crv,
            "x": _b64_int(numbers.x, size),
            "y": _b64_int(numbers.y, size),
        }
    if isinstance(key, rsa.RSAPublicKey):
        rsa_numbers = key.public_numbers()
        return {"kty": "RSA", "n": _b64_int(rsa_numbers.n), "e": _b64_int(rsa_numbers.e)}
    raise InvalidKey(f"{type(key).__name__} has no JWK encoding")


def public_key_from_jwk(jwk: Mapping[str, object]) -> PublicKey:
    """Return the public key that a public JWK describes.

    Args:
        jwk: An OKP (Ed25519), EC (P-256, P-384) or RSA public JWK.

    Returns:
        The public key.

    Raises:
        InvalidKey: A member is missing or malformed, or the JWK carries private material.
    """
    private = [m for m in _PRIVATE_MEMBERS if m in jwk]
    if private:
        raise InvalidKey(f"public JWK carries private member(s) {', '.join(private)}; remove them")
    kty = _member(jwk, "kty")
    try:
        if kty == "OKP":
            if _member(jwk, "crv") != "Ed25519":
                raise InvalidKey(f"OKP JWK crv must be Ed25519, not {jwk['crv']!r}")
            return Ed25519PublicKey.from_public_bytes(_b64_member(jwk, "x", 32))
        if kty == "EC":
            curve = _JWK_CURVES.get(_member(jwk, "crv"))
            if curve is None:
                raise InvalidKey(f"EC JWK crv must be P-256 or P-384, not {jwk['crv']!r}")
            size = (curve.key_size + 7) // 8
            x, y = (int.from_bytes(_b64_member(jwk, m, size), "big") for m in ("x", "y"))
            return ec.EllipticCurvePublicNumbers(x, y, curve).public_key()
        if kty == "RSA":
            n, e = (int.from_bytes(_b64_member(jwk, m), "big") for m in ("n", "e"))
            return rsa.RSAPublicNumbers(e, n).public_key()
    except ValueError as error:
        raise InvalidKey(f"{kty} JWK does not describe a valid public key: {error}") from None
    raise InvalidKey(f"JWK kty must be OKP, EC or RSA, not {kty!r}")


def jwk_thumbprint(jwk: Mapping[str, object]) -> str:
    """Return the RFC 7638 SHA-256 thumbprint of a JWK, base64url without padding.

    Args:
        jwk: An OKP, EC or RSA JWK; members other than the required ones are ignored.

    Returns:
        The base64url thumbprint.

    Raises:
        InvalidKey: The kty is unsupported or a required member is missing.
    """
    members = _THUMBPRINT_MEMBERS.get(_member(jwk, "kty"))
    if members is None:
        raise InvalidKey(f"JWK kty must be OKP, EC or RSA, not {jwk['kty']!r}")
    canonical = json.dumps({m: _member(jwk, m) for m in members}, separators=(",", ":"))
    return _b64(hashlib.sha256(canonical.encode("utf-8")).digest())


def _member(jwk: Mapping[str, object], name: str) -> str:
    """Return a required string member of a JWK."""
    if not isinstance(jwk, Mapping):
        raise InvalidKey("a JWK must be a JSON object")
    value = jwk.get(name)
    if not isinstance(value, str):
        raise InvalidKey(f"JWK member {name!r} is required and must be a string")
    return value


def _b64_member(jwk: Mapping[str, object], name: str, size: int | None = None) -> bytes:
    """Decode a base64url JWK member, checking its length when ``size`` is given."""
    value = _member(jwk, name)
    if not _BASE64URL.fullmatch(value) or len(value) % 4 == 1:
        raise InvalidKey(f"JWK member {name!r} must be base64url without padding")
    data = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    if not data or (size is not None and len(data) != size):
        raise InvalidKey(f"JWK member {name!r} holds {len(data)} bytes; expected {size or 'some'}")
    return data


def _b64(data: bytes) -> str:
    """Encode bytes as base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64_int(value: int, size: int | None = None) -> str:
    """Encode an unsigned integer big-endian, minimal or padded to ``size`` bytes."""
    return _b64(value.to_bytes(size or max(1, (value.bit_length() + 7) // 8), "big"))
