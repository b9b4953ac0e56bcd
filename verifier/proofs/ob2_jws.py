"""Open Badges 2.0 verification: signed assertions (JWS RS256) and hosted assertions."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeGuard
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from verifier.errors import (
    HttpStatusError,
    InvalidKey,
    InvalidProof,
    MalformedInput,
    ResolutionError,
)
from verifier.keys import resolve_key
from verifier.proofs import jws
from verifier.resolver import Resolver, fetch_json

ACCEPT = "application/ld+json, application/json;q=0.9"
SIGNED = frozenset({"SignedBadge", "signed"})
HOSTED = frozenset({"HostedBadge", "hosted"})
# Fields a presented copy must share with the hosted one.
COMPARED = ("recipient", "badge", "issuedOn")


@dataclass(frozen=True)
class HostedAssertion:
    """The hosted copy of an assertion (the one to trust and show) and what looked off."""

    assertion: Mapping[str, Any]
    warnings: tuple[str, ...] = ()


def sign_assertion(assertion: Mapping[str, Any], *, private_key: RSAPrivateKey) -> str:
    """Sign an assertion as an OB 2.0 signed badge: a compact JWS, header ``{"alg":"RS256"}``.

    Raises:
        InvalidKey: The key is not an RSA key of 2048 bits or more.
        MalformedInput: The assertion does not declare SignedBadge verification.
    """
    if not isinstance(private_key, RSAPrivateKey):
        raise InvalidKey("OB 2.0 signed assertions use RS256: pass an RSA private key")
    if not _types(_verification(assertion)) & SIGNED:
        raise MalformedInput("verification.type must be SignedBadge to sign an assertion")
    body = json.dumps(dict(assertion), separators=(",", ":"), ensure_ascii=False)
    return jws.sign({"alg": "RS256"}, body.encode("utf-8"), private_key)


def verify_assertion(token: str, *, resolver: Resolver) -> Mapping[str, Any]:
    """Verify a signed assertion with a key its issuer profile links (OB 2.0 SignedBadge steps).

    The BadgeClass names the issuer; the issuer profile is always fetched from its id, and
    only keys in its ``publicKey`` whose ``owner`` is that id are tried; ``creator``, when
    present, must be one of them.

    Returns:
        The assertion (the JWS payload).

    Raises:
        InvalidProof: Malformed token, alg other than RS256, untrusted key, bad signature.
        ResolutionError: The BadgeClass, profile or key cannot be fetched.
    """
    compact = jws.decode(token)
    if compact.header.get("alg") != "RS256":
        raise InvalidProof(f"OB 2.0 signed assertions use RS256, not {compact.header.get('alg')}")
    assertion = compact.payload
    verification = _verification(assertion)
    if not _types(verification) & SIGNED:
        raise InvalidProof(f"verification.type is {verification.get('type')!r}, not SignedBadge")
    issuer = _issuer_reference(_badge_class(assertion, resolver))
    profile = fetch_json(resolver, issuer, accept=ACCEPT)
    trusted = [_id(k) for k in _list(profile.get("publicKey")) if _id(k)]
    creator = verification.get("creator")
    if creator is not None and creator not in trusted:
        raise InvalidProof(f"creator {creator!r} is not a publicKey of the issuer profile {issuer}")
    candidates = [creator] if creator is not None else trusted
    if not candidates:
        raise InvalidProof(f"the issuer profile {issuer} lists no publicKey to verify with")
    failures = []
    for reference in candidates:
        key = resolve_key(reference, resolver=resolver)
        if key.controller != issuer:
            failures.append(
                f"key {reference} has owner {key.controller!r}, not the issuer {issuer}"
            )
            continue
        try:
            jws.verify(compact, key.public_key)
        except InvalidProof as error:
            failures.append(f"key {reference}: {error}")
            continue
        return assertion
    raise InvalidProof("; ".join(failures))


def verify_hosted(assertion: Mapping[str, Any], *, resolver: Resolver) -> HostedAssertion:
    """Fetch a hosted assertion from its id and check the issuer allows it to live there.

    The presented copy only says where to look (OB 2.0 HostedBadge verification); the
    hosted copy is returned, with warnings where the two differ.

    Raises:
        InvalidProof: The id is not http(s), either copy is not HostedBadge, the hosted
            copy answers 410 Gone (revoked), or the id is outside the issuer's scope.
        ResolutionError: The assertion, BadgeClass or issuer profile cannot be fetched.
    """
    url = assertion.get("id")
    if not _is_http(url):
        raise InvalidProof(f"a hosted assertion's id must be its http(s) URL, not {url!r}")
    if not _types(_verification(assertion)) & HOSTED:
        raise InvalidProof(
            f"verification.type is {_verification(assertion).get('type')!r}, not HostedBadge"
        )
    try:
        hosted = fetch_json(resolver, url, accept=ACCEPT)
    except HttpStatusError as error:
        if error.status == 410:
            raise InvalidProof(f"{url} answers 410 Gone: the issuer revoked it") from None
        raise
    if not _types(_verification(hosted)) & HOSTED:
        raise InvalidProof(f"the hosted copy at {url} does not declare HostedBadge verification")
    warnings = []
    if hosted.get("id") != url:
        warnings.append(f"the hosted copy at {url} has id {hosted.get('id')!r}")
    for name in COMPARED:
        ours, theirs = assertion.get(name), hosted.get(name)
        if name == "badge":
            ours, theirs = _id(ours), _id(theirs)
        if ours != theirs:
            warnings.append(f"{name} differs from the hosted copy at {url}, which prevails")
    badge_class = _badge_class(hosted, resolver)
    issuer = badge_class.get("issuer")
    if isinstance(issuer, Mapping):
        profile, reference = issuer, _id(issuer)
    else:
        reference = _issuer_reference(badge_class)
        profile = fetch_json(resolver, reference, accept=ACCEPT)
    warnings += _check_scope(url, reference, profile)
    return HostedAssertion(hosted, tuple(warnings))


def _check_scope(url: str, issuer: object, profile: Mapping[str, Any]) -> list[str]:
    """Check the assertion URL against the profile's verification rules, or its origin."""
    policy = profile.get("verification")
    policy = policy if isinstance(policy, Mapping) else {}
    starts = [s for s in _list(policy.get("startsWith")) if isinstance(s, str)]
    origins = [o.lower() for o in _list(policy.get("allowedOrigins")) if isinstance(o, str)]
    host = (urlsplit(url).hostname or "").lower()
    if starts and not any(url.startswith(s) for s in starts):
        raise InvalidProof(
            f"{url} starts with none of the issuer's verification.startsWith {starts}"
        )
    if origins and host not in origins:
        raise InvalidProof(f"{host} is not in the issuer's verification.allowedOrigins {origins}")
    if starts or origins:
        return []
    # No rules: the assertion must be on the issuer profile id's host (OB 2.0 HostedBadge).
    declared = profile.get("id", issuer)
    warnings = []
    if not _is_http(declared):
        warnings.append(f"the issuer id {declared!r} is not an http(s) URL")
        if not _is_http(issuer):
            return [*warnings, f"so nothing says where {url} may be hosted"]
        declared = issuer
    issuer_host = (urlsplit(declared).hostname or "").lower()
    if host != issuer_host:
        raise InvalidProof(f"{url} is not hosted on the issuer's host, {issuer_host}")
    return warnings


def _badge_class(assertion: Mapping[str, Any], resolver: Resolver) -> Mapping[str, Any]:
    """Return the assertion's BadgeClass, fetched when it is a URL."""
    badge = assertion.get("badge")
    if isinstance(badge, Mapping):
        return badge
    if isinstance(badge, str):
        return fetch_json(resolver, badge, accept=ACCEPT)
    raise InvalidProof("the assertion's badge must be a BadgeClass URL or object")


def _issuer_reference(badge_class: Mapping[str, Any]) -> str:
    """Return the id of the BadgeClass's issuer, which must be an http(s) URL to fetch."""
    issuer = _id(badge_class.get("issuer"))
    if not _is_http(issuer):
        raise ResolutionError(f"the BadgeClass issuer {issuer!r} is not an http(s) URL to fetch")
    return issuer


def _is_http(value: object) -> TypeGuard[str]:
    """Tell whether a value is an http(s) URL with a host."""
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _verification(assertion: Mapping[str, Any]) -> Mapping[str, Any]:
    """Return the verification object, also under its OB 2.0 context alias ``verify``."""
    value = assertion.get("verification", assertion.get("verify"))
    return value if isinstance(value, Mapping) else {}


def _types(node: Mapping[str, Any]) -> set[str]:
    """Return a node's ``type`` values as a set."""
    return {t for t in _list(node.get("type")) if isinstance(t, str)}


def _id(value: object) -> Any:
    """Return a node's id when it is an object, else the value itself."""
    return value.get("id") if isinstance(value, Mapping) else value


def _list(value: object) -> list[Any]:
    """Return a JSON value as a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
