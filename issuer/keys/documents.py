"""Public key documents: DID documents (did:web) and JWK Sets. Never any private material."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from issuer.keys.models import IssuerKey
from issuer.keys.services import JWS_ALGORITHMS, issuer_did, verification_method
from issuer.settings import Settings
from verifier.did_key import did_key_from_public_key
from verifier.multikey import encode_public_key, public_key_from_jwk

DID_CONTEXTS = [
    "https://www.w3.org/ns/did/v1",
    "https://w3id.org/security/multikey/v1",
    "https://w3id.org/security/jwk/v1",
]


def public_jwk(settings: Settings, key: IssuerKey) -> dict[str, Any]:
    """The key as a JWK with `kid` (its DID URL), `alg` and `use`."""
    return {
        **key.public_jwk,
        "kid": verification_method(settings, key),
        "alg": JWS_ALGORITHMS[key.algorithm],
        "use": "sig",
    }


def _method(settings: Settings, key: IssuerKey, did: str) -> dict[str, Any]:
    controller = issuer_did(settings, key.issuer_id)
    method: dict[str, Any] = {"id": f"{did}#{key.fragment}", "controller": controller}
    if key.algorithm == "RSA":  # Multikey has no RSA encoding: publish the JWK
        method |= {"type": "JsonWebKey", "publicKeyJwk": key.public_jwk}
    else:
        public = public_key_from_jwk(key.public_jwk)
        method |= {"type": "Multikey", "publicKeyMultibase": encode_public_key(public)}  # type: ignore[arg-type]
    return method


def did_document(settings: Settings, did: str, keys: Iterable[IssuerKey]) -> dict[str, Any]:
    """A DID document for `did` listing `keys`; retired keys stay so earlier credentials verify.

    The site-wide `did:web:<host>` lists every issuer's keys, each controlled by its issuer's
    own DID; an issuer's `did:web:<host>:issuers:<id>` lists its own.
    """
    keys = list(keys)
    methods = [_method(settings, k, did) for k in keys]
    ids = [m["id"] for m in methods]
    document: dict[str, Any] = {
        "@context": DID_CONTEXTS,
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": [
            m["id"] for k, m in zip(keys, methods, strict=True) if k.retired_at is None
        ],
    }
    also = [
        did_key_from_public_key(public_key_from_jwk(k.public_jwk))  # type: ignore[arg-type]
        for k in keys
        if k.algorithm == "Ed25519" and k.retired_at is None
    ]
    if also:
        document["alsoKnownAs"] = also
    return document


def issuer_did_document(
    settings: Settings, issuer_id: object, keys: Iterable[IssuerKey]
) -> dict[str, Any]:
    """The DID document of one issuer."""
    return did_document(settings, issuer_did(settings, issuer_id), keys)


def jwks(settings: Settings, keys: Iterable[IssuerKey]) -> dict[str, Any]:
    """A JWK Set (RFC 7517 §5) of `keys`."""
    return {"keys": [public_jwk(settings, k) for k in keys]}
