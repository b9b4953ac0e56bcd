"""A VC-JWT's header jwk counts as the issuer's only when the issuer's DID encodes that key."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from verifier.did_key import did_key_from_public_key
from verifier.errors import InvalidKey
from verifier.keys import resolve_key
from verifier.multikey import public_key_to_jwk
from verifier.pipeline import verify
from verifier.proofs.vc_jwt import sign_vc_jwt
from verifier.resolver import Offline

ED25519 = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
OTHER = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
P256 = ec.derive_private_key(0x5EED, ec.SECP256R1())


def did_jwk(private_key: ec.EllipticCurvePrivateKey | Ed25519PrivateKey) -> str:
    encoded = json.dumps(public_key_to_jwk(private_key.public_key())).encode()
    return "did:jwk:" + base64.urlsafe_b64encode(encoded).rstrip(b"=").decode()


def credential(issuer: str) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:6d1f6a4e-8a8b-4c5e-9d0f-2b3c4d5e6f70",
        "type": ["VerifiableCredential"],
        "issuer": {"id": issuer, "name": "Example issuer"},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:earner"},
    }


def issuer_check(token: str) -> tuple[str, str, str]:
    report = verify(token)
    proof, issuer = report.check("proof"), report.check("issuer")
    assert proof is not None and issuer is not None
    return proof.outcome, issuer.outcome, issuer.message


def test_header_jwk_that_is_the_issuers_did_key_passes_the_issuer_check() -> None:
    issuer = did_key_from_public_key(ED25519.public_key())

    token = sign_vc_jwt(credential(issuer), private_key=ED25519)

    assert issuer_check(token) == ("passed", "passed", f"Signed with a key of its issuer {issuer}.")


def test_header_jwk_that_is_the_issuers_did_jwk_passes_the_issuer_check() -> None:
    issuer = did_jwk(P256)

    token = sign_vc_jwt(credential(issuer), private_key=P256)

    assert issuer_check(token) == ("passed", "passed", f"Signed with a key of its issuer {issuer}.")


def test_keys_are_compared_by_material_not_by_their_json() -> None:
    issuer = did_key_from_public_key(ED25519.public_key())
    jwk = {"use": "sig", "alg": "EdDSA", **public_key_to_jwk(ED25519.public_key())}

    token = sign_vc_jwt(credential(issuer), private_key=ED25519, jwk=jwk)

    assert issuer_check(token)[:2] == ("passed", "passed")


@pytest.mark.parametrize("make_issuer", [did_key_from_public_key, None], ids=["did:key", "did:jwk"])
def test_header_jwk_of_another_key_still_fails_the_issuer_check(make_issuer: Any) -> None:
    issuer = make_issuer(OTHER.public_key()) if make_issuer else did_jwk(OTHER)

    token = sign_vc_jwt(credential(issuer), private_key=ED25519)

    proof, outcome, message = issuer_check(token)
    assert (proof, outcome) == ("passed", "failed")
    assert message == f"The JWT header's jwk is not the key of {issuer}."


def test_header_jwk_with_an_issuer_url_is_tied_to_nothing() -> None:
    token = sign_vc_jwt(credential("https://issuer.example"), private_key=ED25519)

    proof, outcome, message = issuer_check(token)
    assert (proof, outcome) == ("passed", "failed")
    assert message.startswith(
        "The JWT header's jwk is not a key of https://issuer.example: nothing ties it"
    )


def test_did_jwk_resolves_to_its_one_key() -> None:
    issuer = did_jwk(P256)

    key = resolve_key(f"{issuer}#0", resolver=Offline())

    assert (key.id, key.controller) == (f"{issuer}#0", issuer)
    assert public_key_to_jwk(key.public_key) == public_key_to_jwk(P256.public_key())


@pytest.mark.parametrize("suffix", ["not*base64", base64.urlsafe_b64encode(b"[1]").decode()])
def test_did_jwk_that_encodes_no_jwk_is_an_invalid_key(suffix: str) -> None:
    with pytest.raises(InvalidKey, match="does not encode a JWK"):
        resolve_key(f"did:jwk:{suffix}", resolver=Offline())
