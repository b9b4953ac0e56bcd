"""Tests for Multikey and JWK encodings of public keys."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import base58
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.paths import CONFORMANCE
from verifier.errors import InvalidKey
from verifier.multikey import (
    decode_public_key,
    encode_public_key,
    jwk_thumbprint,
    public_key_from_jwk,
    public_key_to_jwk,
)

VECTORS = CONFORMANCE / "vectors"
# W3C vc-di-eddsa and vc-di-ecdsa key pairs: publicKeyMultibase and its secret key.
KEY_PAIRS = [
    VECTORS / "vc-di-eddsa" / "keyPair.json",
    VECTORS / "vc-di-ecdsa" / "p256KeyPair.json",
    VECTORS / "vc-di-ecdsa" / "p384KeyPair.json",
]
for _path in KEY_PAIRS:
    assert _path.is_file(), f"missing conformance key pair {_path}"  # fail, never skip

P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
# RFC 7638 section 3.1: the example RSA key and its SHA-256 thumbprint.
RFC7638_JWK = {
    "kty": "RSA",
    "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJ"
    "ECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2Q"
    "vzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6W"
    "eZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
    "e": "AQAB",
    "alg": "RS256",
    "kid": "2011-04-29",
}
RFC7638_THUMBPRINT = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
# RFC 8037 appendix A.1-A.3: an Ed25519 key pair and its thumbprint.
RFC8037_SEED = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
RFC8037_JWK = {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
RFC8037_THUMBPRINT = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


def multibase(raw: bytes) -> str:
    """Encode bytes as multibase base58btc."""
    return "z" + base58.b58encode(raw).decode("ascii")


def public_from_secret(secret_multibase: str) -> Ed25519PublicKey | ec.EllipticCurvePublicKey:
    """Derive the public key of a Multikey-encoded secret key (ed25519/p256/p384-priv)."""
    raw = base58.b58decode(secret_multibase[1:])
    prefix, secret = raw[:2], raw[2:]
    if prefix == b"\x80\x26":
        return Ed25519PrivateKey.from_private_bytes(secret).public_key()
    curve = {b"\x86\x26": ec.SECP256R1(), b"\x87\x26": ec.SECP384R1()}[prefix]
    return ec.derive_private_key(int.from_bytes(secret, "big"), curve).public_key()


@pytest.mark.parametrize("path", KEY_PAIRS, ids=lambda p: p.stem)
def test_w3c_key_pair_encodes_to_its_published_multibase(path: Path) -> None:
    pair: dict[str, str] = json.loads(path.read_bytes())
    secret = pair.get("privateKeyMultibase") or pair["secretKeyMultibase"]
    key = public_from_secret(secret)
    assert encode_public_key(key) == pair["publicKeyMultibase"]
    assert decode_public_key(pair["publicKeyMultibase"]) == key


@settings(max_examples=50)
@given(seed=st.binary(min_size=32, max_size=32))
def test_ed25519_keys_round_trip_through_multikey_and_jwk(seed: bytes) -> None:
    key = Ed25519PrivateKey.from_private_bytes(seed).public_key()
    encoded = encode_public_key(key)
    assert encoded.startswith("z6Mk")
    assert decode_public_key(encoded) == key
    assert public_key_from_jwk(public_key_to_jwk(key)) == key


@settings(max_examples=50)
@given(secret=st.integers(min_value=1, max_value=P256_ORDER - 1))
def test_p256_keys_round_trip_through_multikey_and_jwk(secret: int) -> None:
    key = ec.derive_private_key(secret, ec.SECP256R1()).public_key()
    encoded = encode_public_key(key)
    assert encoded.startswith("zDn")
    assert decode_public_key(encoded) == key
    assert public_key_from_jwk(public_key_to_jwk(key)) == key


def test_rsa_key_round_trips_through_jwk() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    jwk = public_key_to_jwk(key)
    assert jwk["e"] == "AQAB"
    assert public_key_from_jwk(jwk) == key


def test_rfc7638_example_thumbprint() -> None:
    assert jwk_thumbprint(RFC7638_JWK) == RFC7638_THUMBPRINT


def test_rfc8037_ed25519_key_and_thumbprint() -> None:
    secret = base64.urlsafe_b64decode(RFC8037_SEED + "=")
    key = Ed25519PrivateKey.from_private_bytes(secret).public_key()
    assert public_key_to_jwk(key) == RFC8037_JWK
    assert jwk_thumbprint(RFC8037_JWK) == RFC8037_THUMBPRINT


def test_thumbprint_ignores_optional_members_and_their_order() -> None:
    reordered = {"e": "AQAB", "n": RFC7638_JWK["n"], "kty": "RSA", "use": "sig"}
    assert jwk_thumbprint(reordered) == RFC7638_THUMBPRINT


def test_rsa_jwk_builds_the_same_key_as_its_numbers() -> None:
    key = public_key_from_jwk(RFC7638_JWK)
    assert isinstance(key, rsa.RSAPublicKey)
    assert key.public_numbers().e == 65537
    assert public_key_to_jwk(key) == {k: RFC7638_JWK[k] for k in ("kty", "n", "e")}


def test_unsupported_curve_has_no_encoding() -> None:
    key = ec.generate_private_key(ec.SECP256K1()).public_key()
    with pytest.raises(InvalidKey, match="secp256k1"):
        encode_public_key(key)
    with pytest.raises(InvalidKey, match="secp256k1"):
        public_key_to_jwk(key)


def test_keys_without_a_multikey_or_jwk_encoding_are_refused() -> None:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    x25519_key = X25519PrivateKey.generate().public_key()
    with pytest.raises(InvalidKey, match="RSAPublicKey has no Multikey encoding"):
        encode_public_key(rsa_key)  # type: ignore[arg-type]
    with pytest.raises(InvalidKey, match="X25519PublicKey has no JWK encoding"):
        public_key_to_jwk(x25519_key)  # type: ignore[arg-type]


def test_non_string_multikey_and_non_object_jwk_are_refused() -> None:
    with pytest.raises(InvalidKey, match="must start with 'z'"):
        decode_public_key(b"z6Mk")  # type: ignore[arg-type]
    with pytest.raises(InvalidKey, match="must be a JSON object"):
        public_key_from_jwk(["kty", "OKP"])  # type: ignore[arg-type]
    with pytest.raises(InvalidKey, match="must be a JSON object"):
        jwk_thumbprint("{}")  # type: ignore[arg-type]


ED25519_KEY = Ed25519PrivateKey.from_private_bytes(bytes(32)).public_key()
ED25519_RAW = ED25519_KEY.public_bytes_raw()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "must start with 'z'"),
        ("u7QE", "must start with 'z'"),
        ("z", "not base58btc"),
        ("z0OIl", "not base58btc"),
        (encode_public_key(ED25519_KEY) + " ", "not base58btc"),
        (encode_public_key(ED25519_KEY) + "\n", "not base58btc"),
        (multibase(b"\xed\x01" + ED25519_RAW[:31]), "holds 31 bytes; expected 32"),
        (multibase(b"\xed\x01" + ED25519_RAW + b"\x00"), "holds 33 bytes; expected 32"),
        (multibase(b"\xe7\x01\x02" + bytes(32)), "unsupported multicodec 0xe701"),
        (multibase(b"\x82\x24\x02" + bytes(66)), "unsupported multicodec 0x8224"),
        (multibase(b"\x80\x26" + bytes(32)), "unsupported multicodec 0x8026"),
        (multibase(b"\x80\x24\x04" + bytes(64)), "33-byte compressed point"),
        (multibase(b"\x80\x24\x02" + b"\xff" * 32), "not a point on the curve"),
    ],
    ids=[
        "empty",
        "base64url-multibase",
        "no-payload",
        "non-base58-characters",
        "trailing-space",
        "trailing-newline",
        "ed25519-too-short",
        "ed25519-too-long",
        "secp256k1",
        "p521",
        "private-key-codec",
        "p256-uncompressed",
        "p256-off-curve",
    ],
)
def test_malformed_multikey_is_rejected(value: str, message: str) -> None:
    with pytest.raises(InvalidKey, match=message):
        decode_public_key(value)


@pytest.mark.parametrize(
    ("jwk", "message"),
    [
        ({**RFC8037_JWK, "d": RFC8037_SEED}, "private member"),
        ({**RFC7638_JWK, "p": "AQAB"}, "private member"),
        ({"crv": "Ed25519", "x": RFC8037_JWK["x"]}, "'kty' is required"),
        ({"kty": 1, "crv": "Ed25519", "x": RFC8037_JWK["x"]}, "'kty' is required"),
        ({"kty": "oct", "k": "AAAA"}, "private member"),
        ({"kty": "oct"}, "kty must be OKP, EC or RSA"),
        ({"kty": "OKP", "crv": "Ed448", "x": RFC8037_JWK["x"]}, "crv must be Ed25519"),
        ({"kty": "OKP", "crv": "Ed25519"}, "'x' is required"),
        ({"kty": "OKP", "crv": "Ed25519", "x": RFC8037_JWK["x"] + "="}, "base64url"),
        ({"kty": "OKP", "crv": "Ed25519", "x": "11qY+YKx"}, "base64url"),
        ({"kty": "OKP", "crv": "Ed25519", "x": "A"}, "base64url"),
        ({"kty": "OKP", "crv": "Ed25519", "x": RFC8037_JWK["x"][:-4]}, "expected 32"),
        ({"kty": "EC", "crv": "P-521", "x": "AA", "y": "AA"}, "crv must be P-256 or P-384"),
        ({"kty": "EC", "crv": "P-256", "x": "A" * 43}, "'y' is required"),
        ({"kty": "EC", "crv": "P-256", "x": "A" * 43, "y": "A" * 43}, "not describe a valid"),
        ({"kty": "RSA", "n": RFC7638_JWK["n"]}, "'e' is required"),
        ({"kty": "RSA", "n": RFC7638_JWK["n"], "e": ""}, "expected some"),
        ({"kty": "RSA", "n": RFC7638_JWK["n"], "e": "Ag"}, "not describe a valid"),
    ],
    ids=[
        "okp-private",
        "rsa-private",
        "no-kty",
        "kty-not-string",
        "symmetric-secret",
        "symmetric",
        "ed448",
        "okp-no-x",
        "padded",
        "standard-base64",
        "impossible-length",
        "okp-short-x",
        "p521",
        "ec-no-y",
        "ec-off-curve",
        "rsa-no-e",
        "rsa-empty-e",
        "rsa-even-e",
    ],
)
def test_malformed_jwk_is_rejected(jwk: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidKey, match=message):
        public_key_from_jwk(jwk)


@pytest.mark.parametrize(
    "jwk",
    [{"kty": "oct", "k": "AAAA"}, {"kty": "EC", "crv": "P-256", "x": "AA"}, {"n": "AA"}],
    ids=["symmetric", "ec-no-y", "no-kty"],
)
def test_thumbprint_of_incomplete_jwk_is_refused(jwk: dict[str, Any]) -> None:
    with pytest.raises(InvalidKey):
        jwk_thumbprint(jwk)
