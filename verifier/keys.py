"""Public keys by reference: did:key, did:jwk, did:web, https JWKS, JWKs, methods, PEM keys."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_pem_public_key,
)

from verifier.did_key import resolve_did_key
from verifier.errors import InvalidKey, InvalidProof, ResolutionError, UnknownVerificationMethod
from verifier.multikey import PublicKey, decode_public_key, jwk_thumbprint, public_key_from_jwk
from verifier.resolver import Forgetting, Resolver, fetch_json

DID_ACCEPT = "application/did+ld+json, application/did+json, application/json;q=0.9"
KEY_ACCEPT = (
    "application/jwk-set+json, application/jwk+json, application/ld+json, application/json;q=0.9"
)
_RELATIONSHIPS = (
    "assertionMethod",
    "authentication",
    "capabilityInvocation",
    "capabilityDelegation",
)
# Which member carries the key for each verification method type.
_MEMBERS = {
    "Multikey": ("publicKeyMultibase",),
    "Ed25519VerificationKey2020": ("publicKeyMultibase",),
    "EcdsaSecp256r1VerificationKey2019": ("publicKeyMultibase", "publicKeyJwk"),
    "JsonWebKey": ("publicKeyJwk",),
    "JsonWebKey2020": ("publicKeyJwk",),
    "CryptographicKey": ("publicKeyPem",),  # Open Badges 2.0
}
_DID_WEB_HOST = re.compile(r"[A-Za-z0-9.-]+(:[0-9]{1,5})?")
_DID_WEB_SEGMENT = re.compile(r"[A-Za-z0-9._~%-]+")
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")
THUMBPRINT_URN = "urn:ietf:params:oauth:jwk-thumbprint:sha-256:"


@dataclass(frozen=True)
class ResolvedKey:
    """A public key, the id it was found under, and who its document says controls it."""

    id: str
    controller: str | None
    public_key: PublicKey
    document: Mapping[str, Any] | None = None


def resolve_key(reference: str, *, resolver: Resolver) -> ResolvedKey:
    """Find the public key a DID URL or http(s) URL names.

    Args:
        reference: ``did:key:…``, ``did:jwk:…``, ``did:web:…#fragment``, or an http(s) URL
            serving a JWK Set (picked by ``kid`` = fragment or full URL), a JWK, a DID or
            controller document, one verification method, or an OB 2.0 ``CryptographicKey``.
        resolver: Where remote documents come from.

    Returns:
        The key, with the id and controller its document declares.

    Raises:
        ResolutionError: The document cannot be fetched, or does not hold that key.
        InvalidKey: The key is malformed or of an unsupported type.
    """
    if not isinstance(reference, str) or not reference:
        raise ResolutionError("a key reference must be a non-empty string")
    base = reference.partition("#")[0]
    if base.startswith("did:key:"):
        return _from_controller_document(resolve_did_key(base), reference, base)
    if base.startswith("did:jwk:"):
        return _from_controller_document(resolve_did_jwk(base), reference, base)
    if base.startswith("did:web:"):
        try:
            return _from_controller_document(_did_web_document(base, resolver), reference, base)
        except UnknownVerificationMethod:
            if not isinstance(resolver, Forgetting):
                raise
            # A key newer than a cached copy (a rotation): read the document once more, as
            # JWKS clients refetch on an unknown `kid`.
            resolver.forget(did_web_url(base), accept=DID_ACCEPT)
            return _from_controller_document(_did_web_document(base, resolver), reference, base)
    if base.startswith("did:"):
        method = base.split(":")[1]
        raise ResolutionError(
            f"{reference}: did:{method} is not supported; use did:key, did:jwk or did:web"
        )
    if urlsplit(base).scheme.lower() not in ("http", "https"):
        raise ResolutionError(f"{reference!r} is neither a DID URL nor an http(s) URL")
    return _from_fetched(fetch_json(resolver, base, accept=KEY_ACCEPT), reference, base)


def resolve_did_jwk(did: str) -> dict[str, Any]:
    """Return the DID document of a did:jwk: its one key, ``#0``, from the base64url JWK.

    Raises:
        InvalidKey: The identifier is not base64url JSON of a public JWK.
    """
    encoded = did.removeprefix("did:jwk:")
    try:
        if not _BASE64URL.fullmatch(encoded):
            raise ValueError("not base64url")
        jwk = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    except (ValueError, binascii.Error) as error:
        raise InvalidKey(f"{did} does not encode a JWK: {error}") from None
    if not isinstance(jwk, Mapping):
        raise InvalidKey(f"{did} does not encode a JWK object")
    public_key_from_jwk(jwk)
    method = {"id": f"{did}#0", "type": "JsonWebKey", "controller": did, "publicKeyJwk": jwk}
    return {"id": did, "verificationMethod": [method], "assertionMethod": [method["id"]]}


def did_web_url(did: str) -> str:
    """Return the https URL of a did:web's DID document (did:web method, "Read").

    Raises:
        ResolutionError: The host or a path segment is not well formed.
    """
    host, *path = did.removeprefix("did:web:").split(":")
    host = unquote(host)  # only the port's colon is percent-encoded
    if not _DID_WEB_HOST.fullmatch(host):
        raise ResolutionError(f"{did}: {host!r} is not a host name (with an optional %3A port)")
    if any(not _DID_WEB_SEGMENT.fullmatch(s) or s in (".", "..") for s in path):
        raise ResolutionError(f"{did}: a path segment is empty or not URL-safe")
    return f"https://{host}/{'/'.join(path) if path else '.well-known'}/did.json"


def key_from_jwt_header(
    header: Mapping[str, Any], *, resolver: Resolver, issuer: str | None = None
) -> ResolvedKey:
    """Find the key a JWS header names: an embedded public ``jwk``, or a ``kid`` to resolve.

    A ``kid`` of the form ``#fragment`` is read relative to an ``issuer`` DID
    (VC-JOSE-COSE). When both are present they must be the same key. A ``jwk`` alone is
    the issuer's only when it is the very key (same public key material) that a did:key
    or did:jwk ``issuer`` encodes; then it is returned as that DID's verification method.

    Raises:
        InvalidProof: The header has neither, a ``kid`` that is not a string, or two keys.
        InvalidKey: The ``jwk`` is malformed or carries private members.
        ResolutionError: The ``kid`` cannot be resolved.
    """
    jwk, kid = header.get("jwk"), header.get("kid")
    if jwk is None and kid is None:
        raise InvalidProof("the JWT header has neither kid nor jwk, so no key can check it")
    if kid is not None and (not isinstance(kid, str) or not kid):
        raise InvalidProof("the JWT header's kid must be a non-empty string")
    embedded = None
    if jwk is not None:
        if not isinstance(jwk, Mapping):
            raise InvalidKey("the JWT header's jwk must be a JSON object")
        public_key = public_key_from_jwk(jwk)
        name = kid or f"{THUMBPRINT_URN}{jwk_thumbprint(jwk)}"
        embedded = ResolvedKey(name, None, public_key, jwk)
    if kid is None:
        assert embedded is not None
        return _bound_to_issuer(embedded, issuer, resolver)
    if kid.startswith("#") and issuer and issuer.startswith("did:"):
        kid = issuer + kid
    resolved = resolve_key(kid, resolver=resolver)
    if embedded is not None and _der(embedded.public_key) != _der(resolved.public_key):
        raise InvalidProof(f"the JWT header's jwk is not the key its kid {kid} names")
    return resolved


def _bound_to_issuer(embedded: ResolvedKey, issuer: str | None, resolver: Resolver) -> ResolvedKey:
    """Return a header jwk as the issuer's method when a did:key/did:jwk issuer encodes it."""
    if issuer is None or not issuer.startswith(("did:key:", "did:jwk:")):
        return embedded
    try:
        own = resolve_key(issuer, resolver=resolver)
    except (InvalidKey, ResolutionError):
        return embedded
    if _der(own.public_key) != _der(embedded.public_key):
        return embedded
    return ResolvedKey(own.id, own.controller, own.public_key, embedded.document)


def unbound_reason(key: ResolvedKey, issuer_id: str) -> str:
    """Say why ``controller_matches`` refused a key, for the issuer check's message."""
    if not key.id.startswith(THUMBPRINT_URN):
        return f"the key {key.id} does not belong to the issuer {issuer_id}"
    if issuer_id.startswith(("did:key:", "did:jwk:")):
        return f"the JWT header's jwk is not the key of {issuer_id}"
    return (
        f"the JWT header's jwk is not a key of {issuer_id}: nothing ties it to the issuer"
        " (name a key the issuer publishes with kid)"
    )


def controller_matches(key: ResolvedKey, issuer_id: str) -> bool:
    """Tell whether a key belongs to an issuer.

    It does when the key's id is in the issuer's own document (the part before ``#`` is
    the issuer id), or when the key's document names the issuer as ``controller`` or
    ``owner`` and is served from the issuer's host; a key document elsewhere could claim
    any controller.
    """
    if key.id.partition("#")[0] == issuer_id:
        return True
    return (
        key.controller == issuer_id
        and _host(key.id) is not None
        and (_host(key.id) == _host(issuer_id))
    )


def key_from_method(method: Mapping[str, Any], *, id: str) -> ResolvedKey:
    """Read the public key of one verification method (or OB 2.0 CryptographicKey).

    Raises:
        InvalidKey: The type is unsupported, its key member missing or malformed.
    """
    types = method.get("type")
    names = [types] if isinstance(types, str) else types if isinstance(types, list) else []
    known = [t for t in names if t in _MEMBERS]
    if not known:
        raise InvalidKey(
            f"verification method {id} has type {types!r}; expected one of {', '.join(_MEMBERS)}"
        )
    member = next((m for t in known for m in _MEMBERS[t] if m in method), None)
    if member is None:
        raise InvalidKey(f"{known[0]} {id} has no {' or '.join(_MEMBERS[known[0]])}")
    value = method[member]
    if member == "publicKeyMultibase":
        public_key: PublicKey = decode_public_key(value)
    elif member == "publicKeyJwk":
        if not isinstance(value, Mapping):
            raise InvalidKey(f"publicKeyJwk of {id} must be a JSON object")
        public_key = public_key_from_jwk(value)
    else:
        public_key = _pem(value, id)
    _check_type(known, public_key, id)
    controller = method.get("controller", method.get("owner"))
    return ResolvedKey(id, controller if isinstance(controller, str) else None, public_key, method)


def _did_web_document(did: str, resolver: Resolver) -> dict[str, Any]:
    """Fetch the DID document of a did:web and check it is that DID's."""
    url = did_web_url(did)
    document = fetch_json(resolver, url, accept=DID_ACCEPT)
    if document.get("id") != did:
        raise ResolutionError(f"{url} is the document of {document.get('id')!r}, not {did}")
    return document


def _from_controller_document(
    document: Mapping[str, Any], reference: str, base: str
) -> ResolvedKey:
    """Pick the verification method ``reference`` names from a DID or controller document."""
    methods: dict[str, Mapping[str, Any]] = {}
    entries = list(_list(document.get("verificationMethod")))
    entries += [e for name in _RELATIONSHIPS for e in _list(document.get(name))]
    for entry in entries:
        if isinstance(entry, Mapping) and isinstance(entry.get("id"), str):
            method_id = entry["id"]
            methods.setdefault(base + method_id if method_id.startswith("#") else method_id, entry)
    if "#" in reference:
        method = methods.get(reference)
        if method is None:
            raise UnknownVerificationMethod(
                f"{base}'s document has no verification method {reference}"
            )
        return _with_controller(key_from_method(method, id=reference), document)
    if len(methods) != 1:
        raise ResolutionError(
            f"{reference} names a document with {len(methods)} keys; add a #fragment to pick one"
        )
    ((method_id, method),) = methods.items()
    return _with_controller(key_from_method(method, id=method_id), document)


def _from_fetched(document: Mapping[str, Any], reference: str, url: str) -> ResolvedKey:
    """Read the key ``reference`` names from the document fetched at ``url``."""
    fragment = reference.partition("#")[2]
    if "keys" in document:  # a JWK Set, RFC 7517 §5
        keys = [k for k in _list(document["keys"]) if isinstance(k, Mapping)]
        if fragment:
            keys = [k for k in keys if k.get("kid") in (reference, fragment)]
        if len(keys) != 1:
            raise ResolutionError(f"the JWK Set at {url} has {len(keys)} keys matching {reference}")
        return ResolvedKey(reference, None, public_key_from_jwk(keys[0]), keys[0])
    if "kty" in document:  # a bare JWK, as OB 3.0 §8.2.2 `kid` dereferences to
        return ResolvedKey(reference, None, public_key_from_jwk(document), document)
    if "verificationMethod" in document or any(r in document for r in _RELATIONSHIPS):
        return _from_controller_document(document, reference, url)
    declared = document.get("id")
    if declared is not None and declared not in (reference, url):
        raise ResolutionError(f"the key document at {url} declares id {declared!r}")
    return key_from_method(document, id=reference)


def _with_controller(key: ResolvedKey, document: Mapping[str, Any]) -> ResolvedKey:
    """Default a method's controller to the id of the document it was found in."""
    if key.controller is not None or not isinstance(document.get("id"), str):
        return key
    return ResolvedKey(key.id, document["id"], key.public_key, key.document)


def _check_type(types: list[str], key: PublicKey, id: str) -> None:
    """Refuse a key whose curve contradicts its method type."""
    if "Ed25519VerificationKey2020" in types and not isinstance(key, Ed25519PublicKey):
        raise InvalidKey(f"Ed25519VerificationKey2020 {id} does not hold an Ed25519 key")
    if "EcdsaSecp256r1VerificationKey2019" in types and not (
        isinstance(key, ec.EllipticCurvePublicKey) and key.curve.name == "secp256r1"
    ):
        raise InvalidKey(f"EcdsaSecp256r1VerificationKey2019 {id} does not hold a P-256 key")


def _pem(value: object, id: str) -> PublicKey:
    """Load an RSA, EC or Ed25519 public key from PEM text."""
    if not isinstance(value, str):
        raise InvalidKey(f"publicKeyPem of {id} must be a string")
    try:
        key = load_pem_public_key(value.encode("ascii"))
    except (ValueError, UnicodeEncodeError, UnsupportedAlgorithm) as error:
        raise InvalidKey(f"publicKeyPem of {id} is not a PEM public key: {error}") from None
    if not isinstance(key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey | Ed25519PublicKey):
        raise InvalidKey(
            f"publicKeyPem of {id} is a {type(key).__name__}; expected RSA, EC or Ed25519"
        )
    return key


def _der(key: PublicKey) -> bytes:
    """Return a key's SubjectPublicKeyInfo, to compare keys."""
    return key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)


def _host(identifier: str) -> str | None:
    """Return the host an http(s) URL or did:web lives on, or None for other identifiers."""
    if identifier.startswith("did:web:"):
        return unquote(identifier.removeprefix("did:web:").split(":")[0].partition("#")[0]).lower()
    parts = urlsplit(identifier)
    return parts.netloc.lower() if parts.scheme.lower() in ("http", "https") else None


def _list(value: object) -> list[Any]:
    """Return a JSON value as a list: itself, or a one-item list, or empty for null."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
