"""Tests for compact JWS signing and verifying with public-key algorithms only."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives.asymmetric import dsa, ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from verifier.errors import InvalidKey, InvalidProof
from verifier.multikey import PublicKey
from verifier.proofs import jws

P384 = ec.generate_private_key(ec.SECP384R1())
P256 = ec.generate_private_key(ec.SECP256R1())
PAYLOAD = json.dumps({"iss": "https://issuer.test"}).encode()


@pytest.mark.parametrize(
    ("key", "alg"),
    [
        (Ed25519PrivateKey.generate().public_key(), "EdDSA"),
        (P256.public_key(), "ES256"),
        (P384.public_key(), "ES384"),
        (rsa.generate_private_key(65537, 2048).public_key(), "RS256"),
    ],
)
def test_each_key_type_has_one_algorithm(key: PublicKey, alg: str) -> None:
    assert jws.algorithm_for(key) == alg


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (ec.generate_private_key(ec.SECP521R1()).public_key(), "curve secp521r1 has no JWS"),
        (rsa.generate_private_key(65537, 1024).public_key(), "1024 bits; RS256 needs"),
        (dsa.generate_private_key(2048).public_key(), "DSAPublicKey cannot sign a JWS"),
    ],
)
def test_unsupported_keys_have_no_algorithm(key: object, message: str) -> None:
    with pytest.raises(InvalidKey, match=message):
        jws.algorithm_for(key)  # type: ignore[arg-type]


def test_es384_round_trip_verifies() -> None:
    token = jws.sign({"alg": "ES384"}, PAYLOAD, P384)
    decoded = jws.decode(token)
    jws.verify(decoded, P384.public_key())
    assert decoded.payload == json.loads(PAYLOAD)


def test_signing_refuses_a_header_naming_another_algorithm() -> None:
    with pytest.raises(InvalidKey, match="a P-256 key signs ES256, not RS256"):
        jws.sign({"alg": "RS256"}, PAYLOAD, P256)


def test_ecdsa_signature_of_the_wrong_length_fails() -> None:
    header, payload, signature = jws.sign({"alg": "ES256"}, PAYLOAD, P256).split(".")
    short = base64.urlsafe_b64encode(base64.urlsafe_b64decode(signature + "==")[:63])
    token = f"{header}.{payload}.{short.rstrip(b'=').decode()}"
    with pytest.raises(InvalidProof, match="ES256 signature does not verify"):
        jws.verify(jws.decode(token), P256.public_key())


def test_token_that_is_not_a_string_is_refused() -> None:
    with pytest.raises(InvalidProof, match="must be a string"):
        jws.decode(b"a.b.c")  # type: ignore[arg-type]
