"""Which key and which suite sign each format; the suites themselves live in verifier/proofs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from flask import current_app

from issuer import clock
from issuer.issuance.documents import Urls
from issuer.keys import services as keys
from issuer.keys.models import IssuerKey
from issuer.tenants.models import Issuer
from verifier.loader import offline_loader
from verifier.proofs.data_integrity import create_proof
from verifier.proofs.eddsa_rdfc_2022 import SUITE as EDDSA_RDFC_2022
from verifier.proofs.ob2_jws import sign_assertion
from verifier.proofs.vc_jwt import sign_vc_jwt


def data_integrity_proof(
    issuer: Issuer,
    credential: Mapping[str, Any],
    *,
    signer: tuple[IssuerKey, keys.PrivateKey] | None = None,
) -> dict[str, Any]:
    """`credential` with an eddsa-rdfc-2022 proof by `signer` (the active Ed25519 key).

    The proof is written as a one-element proof set: Data Integrity allows an object or an
    array, and the OB 3.0 JSON Schema accepts only the array.
    """
    key, private = signer or keys.signing_key(issuer, "Ed25519")
    assert isinstance(private, Ed25519PrivateKey)
    signed = create_proof(
        credential,
        suite=EDDSA_RDFC_2022,
        private_key=private,
        verification_method=keys.verification_method(current_app.extensions["settings"], key),
        created=clock.now(),
        loader=offline_loader,
    )
    signed["proof"] = [signed["proof"]]
    return signed


def vc_jwt_token(issuer: Issuer, credential: Mapping[str, Any]) -> str:
    """`credential` as an OB 3.0 §8.2 VC-JWT, RS256 by the issuer's active RSA key."""
    key, private = keys.signing_key(issuer, "RSA")
    kid = keys.verification_method(current_app.extensions["settings"], key)
    return sign_vc_jwt(credential, private_key=private, kid=kid)


def ob2_signed_assertion(issuer: Issuer, assertion: Mapping[str, Any], urls: Urls) -> str:
    """An OB 2.0 signed assertion: JWS RS256 by the issuer's active RSA key, named as creator."""
    key, private = keys.signing_key(issuer, "RSA")
    assert isinstance(private, RSAPrivateKey)
    signed = {**assertion, "verification": {"type": "SignedBadge", "creator": urls.ob2_key(key.id)}}
    return sign_assertion(signed, private_key=private)
