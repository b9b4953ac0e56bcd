"""VC-JWT as Open Badges 3.0 §8.2 defines it: sign a credential as a JWT, verify one."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from verifier.errors import InvalidProof, MalformedInput
from verifier.keys import ResolvedKey, key_from_jwt_header
from verifier.multikey import public_key_from_jwk, public_key_to_jwk
from verifier.proofs import jws
from verifier.resolver import Resolver

# RFC 7519 §4.1 registered claims: never part of the credential itself.
REGISTERED_CLAIMS = ("iss", "sub", "aud", "exp", "nbf", "iat", "jti")
# OB 3.0 §8.2.2: "Additional JOSE Headers are NOT allowed."
ALLOWED_HEADERS = frozenset({"alg", "kid", "jwk", "typ"})
_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"


@dataclass(frozen=True)
class VerifiedJwt:
    """A VC-JWT whose signature verified: its header, payload, credential and key."""

    header: Mapping[str, Any]
    payload: Mapping[str, Any]
    credential: Mapping[str, Any]
    key: ResolvedKey


def sign_vc_jwt(
    credential: Mapping[str, Any],
    *,
    private_key: jws.PrivateKey,
    kid: str | None = None,
    jwk: Mapping[str, Any] | None = None,
) -> str:
    """Sign a credential as an OB 3.0 §8.2 JWT: the credential plus iss, jti, sub, nbf, exp.

    Args:
        credential: The credential; ``issuer.id``, ``id`` and ``validFrom`` (or VCDM 1.1
            ``issuanceDate``) are required, ``validUntil`` becomes ``exp`` when present.
        private_key: An RSA (2048 bits or more, RS256), P-256 (ES256) or Ed25519 (EdDSA) key.
        kid: A URI that dereferences to the public key, put in the header.
        jwk: The public JWK to embed; by default the key's own, when no ``kid`` is given.

    Returns:
        The compact JWS, with header exactly ``alg``, ``typ`` ("JWT") and ``kid``/``jwk``.

    Raises:
        MalformedInput: A required credential field is missing or a claim name is taken.
        InvalidKey: The key is unsupported, or ``jwk`` is private or another key.
    """
    public_key = private_key.public_key()
    header: dict[str, Any] = {"alg": jws.algorithm_for(public_key), "typ": "JWT"}
    if kid is not None:
        header["kid"] = kid
    if jwk is not None:
        if public_key_to_jwk(public_key_from_jwk(jwk)) != public_key_to_jwk(public_key):
            raise MalformedInput("the jwk to embed is not the signing key's public key")
        header["jwk"] = dict(jwk)
    elif kid is None:
        header["jwk"] = public_key_to_jwk(public_key)
    taken = sorted(set(REGISTERED_CLAIMS) & set(credential))
    if taken:
        raise MalformedInput(f"the credential has {', '.join(taken)}, which are JWT claim names")
    payload = {**credential, **_claims(credential)}
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return jws.sign(header, body, private_key)


def verify_vc_jwt(token: str, *, resolver: Resolver) -> VerifiedJwt:
    """Verify a VC-JWT's signature with the key its header names.

    The credential is the payload less registered claims (OB 3.0 §8.2.3), or the legacy
    ``vc`` claim (VCDM 1.1 §6.3.1), filling fields it omits from iss, jti, sub, nbf and exp.
    Claims are not compared here: see ``check_claims`` and ``check_format``.

    Raises:
        InvalidProof: Malformed token, alg none/HMAC/not the key's, or a bad signature.
        InvalidKey: The embedded or resolved key is malformed.
        ResolutionError: The ``kid`` cannot be resolved.
    """
    token_parts = jws.decode(token)
    header, payload = token_parts.header, token_parts.payload
    if "b64" in header:
        raise InvalidProof("the JWT header sets b64; unencoded payloads are not accepted")
    credential = credential_from_payload(payload)
    key = key_from_jwt_header(header, resolver=resolver, issuer=issuer_id(credential))
    declared = key.document.get("alg") if key.document is not None else None
    if isinstance(declared, str) and declared != header.get("alg"):
        raise InvalidProof(f"the key {key.id} is for {declared}, not {header.get('alg')}")
    jws.verify(token_parts, key.public_key)
    return VerifiedJwt(header, payload, credential, key)


def credential_from_payload(payload: Mapping[str, Any]) -> dict[str, Any]:
    """Return the credential a VC-JWT payload carries, in either encoding.

    Raises:
        InvalidProof: The payload holds no credential object.
    """
    legacy = payload.get("vc")
    if isinstance(legacy, Mapping) and "credentialSubject" not in payload:
        return _from_vc_claim(legacy, payload)
    if "@context" not in payload and "credentialSubject" not in payload:
        raise InvalidProof("the JWT payload holds no credential: no vc claim and no @context")
    credential = {k: v for k, v in payload.items() if k not in REGISTERED_CLAIMS}
    # OB 3.0 §8.2.4: exp "MUST be used to set the value of the validUntil".
    until = _date_time(payload.get("exp"))
    if until and "validUntil" not in credential and "expirationDate" not in credential:
        credential[_date_names(credential)[1]] = until
    return credential


def _from_vc_claim(vc: Mapping[str, Any], payload: Mapping[str, Any]) -> dict[str, Any]:
    """Read a VCDM 1.1 ``vc`` claim, the claims standing in for fields it omits (§6.3.1)."""
    credential = dict(vc)
    start, end = _date_names(credential)
    fills = {
        "id": payload.get("jti"),
        "issuer": payload.get("iss"),
        start: _date_time(payload.get("nbf")),
        end: _date_time(payload.get("exp")),
    }
    for name, value in fills.items():
        if value is not None and name not in credential:
            credential[name] = value
    subject = credential.get("credentialSubject")
    if isinstance(subject, Mapping) and "id" not in subject and "sub" in payload:
        credential["credentialSubject"] = {**subject, "id": payload["sub"]}
    return credential


def _date_names(credential: Mapping[str, Any]) -> tuple[str, str]:
    """Return the validity field names of the credential's data model version."""
    if "validFrom" in credential or _V2_CONTEXT in _list(credential.get("@context")):
        return "validFrom", "validUntil"
    return "issuanceDate", "expirationDate"


def check_claims(verified: VerifiedJwt) -> list[str]:
    """List the claims that contradict the credential they carry (OB 3.0 §8.2.4).

    Each leaves unclear which credential the issuer signed for, so callers should treat
    them as fatal. Claims that are merely missing are ``check_format``'s; validity against
    the clock is the validity check's, and whether the key is the issuer's the issuer check's.
    """
    payload, credential = verified.payload, verified.credential
    problems = []
    for claim, expected, field in (
        ("iss", issuer_id(credential), "issuer.id"),
        ("jti", credential.get("id"), "id"),
    ):
        if claim in payload and payload[claim] != expected:
            problems.append(
                f"{claim} {payload[claim]!r} is not the credential's {field} {expected!r}"
            )
    if "sub" in payload and payload["sub"] not in _subject_ids(credential):
        problems.append(f"sub {payload['sub']!r} is not the credentialSubject.id")
    start, end = _date_names(credential)
    problems += _compare_date("nbf", payload, credential.get(start), start)
    problems += _compare_date("exp", payload, credential.get(end), end)
    return problems


def check_format(verified: VerifiedJwt) -> list[str]:
    """List departures from the OB 3.0 §8.2 shape that contradict nothing: header, missing claims.

    1EdTech's own samples omit ``sub``, so callers may prefer to warn about these.
    """
    header, payload, credential = verified.header, verified.payload, verified.credential
    problems = []
    if "typ" in header and header["typ"] != "JWT":
        problems.append(f"JWT header typ is {header['typ']!r}; OB 3.0 §8.2.2 requires 'JWT'")
    extra = sorted(set(header) - ALLOWED_HEADERS)
    if extra:
        problems.append(
            f"JWT header has {', '.join(extra)}; OB 3.0 §8.2.2 allows only alg, kid, jwk, typ"
        )
    required = ["iss", "jti", "nbf"]
    required += ["sub"] if _subject_ids(credential) else []
    required += ["exp"] if credential.get(_date_names(credential)[1]) is not None else []
    missing = [claim for claim in required if claim not in payload]
    if missing:
        problems.append(f"the JWT lacks {', '.join(missing)}, which OB 3.0 §8.2.3 requires")
    return problems


def issuer_id(credential: Mapping[str, Any]) -> str | None:
    """Return a credential's issuer id, whether ``issuer`` is a string or an object."""
    issuer = credential.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _claims(credential: Mapping[str, Any]) -> dict[str, Any]:
    """Build iss, jti, sub, nbf and exp from the credential (OB 3.0 §8.2.3)."""
    claims: dict[str, Any] = {"iss": issuer_id(credential), "jti": credential.get("id")}
    if not isinstance(claims["iss"], str):
        raise MalformedInput("issuer.id is required: it becomes the JWT iss claim")
    if not isinstance(claims["jti"], str):
        raise MalformedInput("id is required: it becomes the JWT jti claim")
    subject = credential.get("credentialSubject")
    if isinstance(subject, Mapping) and isinstance(subject.get("id"), str):
        claims["sub"] = subject["id"]
    start = credential.get("validFrom", credential.get("issuanceDate"))
    if start is None:
        raise MalformedInput("validFrom is required: it becomes the JWT nbf claim")
    claims["nbf"] = _numeric_date(start, "validFrom")
    end = credential.get("validUntil", credential.get("expirationDate"))
    if end is not None:
        claims["exp"] = _numeric_date(end, "validUntil")
    return claims


def _compare_date(claim: str, payload: Mapping[str, Any], value: object, field: str) -> list[str]:
    """Report a NumericDate claim that is not a number or not the same second as ``field``."""
    if claim not in payload or value is None:
        return []
    number = payload[claim]
    if isinstance(number, bool) or not isinstance(number, int | float):
        return [f"{claim} must be a NumericDate (seconds since 1970), not {number!r}"]
    try:
        expected = _numeric_date(value, field)
    except MalformedInput as error:
        return [f"{claim} cannot be compared: {error}"]
    if math.floor(number) != expected:
        return [f"{claim} {number} is not the credential's {field} {value!r}"]
    return []


def _subject_ids(credential: Mapping[str, Any]) -> list[Any]:
    """Return the ids of the credential's subjects."""
    subjects = _list(credential.get("credentialSubject"))
    return [s["id"] for s in subjects if isinstance(s, Mapping) and "id" in s]


def _numeric_date(value: object, field: str) -> int:
    """Convert an ISO 8601 date-time with a time zone to whole seconds since 1970."""
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise MalformedInput(
            f"{field} must be an ISO 8601 date-time with a time zone, not {value!r}"
        )
    return math.floor(moment.timestamp())


def _date_time(value: object) -> str | None:
    """Convert a NumericDate to an ISO 8601 UTC date-time, or None when it is not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        moment = datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return moment.isoformat().replace("+00:00", "Z")


def _list(value: object) -> list[Any]:
    """Return a JSON value as a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
