"""Split and decode a compact JWS without verifying it, and find the credential inside."""

from __future__ import annotations

import base64
import re
from typing import Any, NamedTuple

from verifier.errors import MalformedInput, UnsupportedFormat
from verifier.formats import Envelope
from verifier.formats import json as bounded_json

MAX_BYTES = 10 * 1024 * 1024
# A header holds alg, kid and at most a JWK or a short x5c chain.
MAX_HEADER_BYTES = 64 * 1024
MAX_HEADER_DEPTH = 8

# Asymmetric JWS algorithms (RFC 7518, RFC 8037, RFC 8812, RFC 9864): a credential's
# signature must come from a key only its issuer holds.
ALGORITHMS = frozenset(
    "RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512 ES256K EdDSA Ed25519 Ed448".split()
)

# The signature may be empty here so that an unsigned token is recognised, then refused.
_COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_COMPACT_JWE = re.compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*){3}\.[A-Za-z0-9_-]+")
_WHITESPACE = " \t\r\n"


class Jws(NamedTuple):
    """A compact JWS taken apart: what a proof suite needs to check its signature."""

    header: dict[str, Any]
    payload: dict[str, Any]
    signing_input: bytes
    signature: bytes


def is_compact(text: str) -> bool:
    """Tell whether text, less surrounding whitespace, looks like a compact JWS or JWE."""
    token = text.strip(_WHITESPACE)
    return bool(_COMPACT_JWS.fullmatch(token) or _COMPACT_JWE.fullmatch(token))


def decode_jws(token: str, *, max_bytes: int = MAX_BYTES) -> Jws:
    """Decode a compact JWS's header and payload as JSON objects, without verifying it.

    Args:
        token: the compact serialization, `header.payload.signature` (whitespace around
            it is ignored).
        max_bytes: the longest token read.

    Returns:
        The header, the payload, the ASCII signing input and the raw signature bytes.

    Raises:
        MalformedInput: not three base64url parts, a part not JSON, `alg` missing, `none`,
            symmetric or unknown, or a `crit` header (no extension is understood).
        UnsupportedFormat: the token is an encrypted JWT (JWE, five parts).
    """
    if len(token) > max_bytes:
        raise MalformedInput(f"The JWT is {len(token)} bytes; at most {max_bytes} are read.")
    token = token.strip(_WHITESPACE)
    if _COMPACT_JWE.fullmatch(token):
        raise UnsupportedFormat("Encrypted JWTs (JWE) are not read; submit the signed credential.")
    if not _COMPACT_JWS.fullmatch(token):
        raise MalformedInput(
            "The JWT is not a compact JWS: expected three base64url parts joined by dots."
        )
    encoded_header, encoded_payload, encoded_signature = token.split(".")
    if len(encoded_header) > MAX_HEADER_BYTES * 4 // 3 + 4:
        raise MalformedInput(f"The JWT header is over {MAX_HEADER_BYTES} bytes.")
    header = bounded_json.parse(
        _unbase64(encoded_header, "header"), what="JWT header", max_depth=MAX_HEADER_DEPTH
    )
    _check_header(header)
    payload = bounded_json.parse(
        _unbase64(encoded_payload, "payload"), what="JWT payload", max_bytes=max_bytes
    )
    signature = _unbase64(encoded_signature, "signature")
    if not signature:
        raise MalformedInput("The JWT has no signature; an unsigned JWT proves nothing.")
    signing_input = f"{encoded_header}.{encoded_payload}".encode("ascii")
    return Jws(header, payload, signing_input, signature)


def credential(payload: dict[str, Any]) -> dict[str, Any]:
    """Return the credential a JWT payload carries: its `vc` claim, or the payload itself.

    VC-JWT (VCDM 1.1 and Open Badges 3.0 section 8.2) puts the credential in the `vc` claim
    beside registered claims (iss, nbf, exp, jti); VC-JOSE-COSE and Open Badges 2.0 signed
    assertions make the whole payload the credential, recognised by its `@context`.

    Raises:
        MalformedInput: `vc` is not an object, or the payload holds no credential.
        UnsupportedFormat: the payload is a presentation (`vp`).
    """
    if "vc" in payload:
        document = payload["vc"]
        if not isinstance(document, dict):
            raise MalformedInput("The JWT's `vc` claim must be a JSON object (the credential).")
        return document
    if "vp" in payload:
        raise UnsupportedFormat(
            "The JWT is a verifiable presentation (`vp`); submit the credential inside it."
        )
    if "@context" in payload:
        return payload
    raise MalformedInput("The JWT payload holds no credential: no `vc` claim and no `@context`.")


def read(token: str, *, max_bytes: int = MAX_BYTES) -> Envelope:
    """Read a compact JWS as an Envelope holding its credential and the token itself."""
    jws = decode_jws(token, max_bytes=max_bytes)
    return Envelope(container="jwt", document=credential(jws.payload), jws=token.strip(_WHITESPACE))


def _check_header(header: dict[str, Any]) -> None:
    alg = header.get("alg")
    if not isinstance(alg, str):
        raise MalformedInput('The JWT header has no "alg" (signature algorithm) string.')
    if alg.lower() == "none":
        raise MalformedInput('JWT "alg": "none" is never accepted: an unsigned JWT proves nothing.')
    if alg.startswith("HS"):
        raise MalformedInput(
            f'JWT "alg": "{alg}" is refused: a shared secret cannot show who issued a '
            "credential, and HMAC keyed with a public key is the algorithm-confusion attack."
        )
    if alg not in ALGORITHMS:
        raise MalformedInput(
            f'JWT "alg": "{alg[:40]}" is not supported; use one of {", ".join(sorted(ALGORITHMS))}.'
        )
    if "crit" in header:
        raise MalformedInput(
            'The JWT header lists "crit" extensions; none are understood, so it is refused.'
        )


def _unbase64(part: str, name: str) -> bytes:
    if len(part) % 4 == 1:
        raise MalformedInput(f"The JWT {name} is not valid base64url (bad length).")
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
