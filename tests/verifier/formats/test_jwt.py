"""Tests for verifier/formats/jwt.py: decoding a compact JWS without verifying it."""

from __future__ import annotations

import pytest

from tests.verifier.formats.samples import (
    CREDENTIAL,
    OB20,
    OB30,
    b64url,
    compact,
    vc_jwt,
    vector,
)
from verifier.errors import MalformedInput, UnsupportedFormat
from verifier.formats import jwt


def test_decode_jws_returns_header_payload_signing_input_and_signature() -> None:
    token = compact({"alg": "EdDSA"}, {"vc": CREDENTIAL}, signature=b"sig")
    header, payload, signing_input, signature = jwt.decode_jws(token)
    assert header == {"alg": "EdDSA"}
    assert payload == {"vc": CREDENTIAL}
    assert signing_input == token.rsplit(".", 1)[0].encode()
    assert signature == b"sig"


def test_vc_claim_is_the_credential() -> None:
    envelope = jwt.read(vc_jwt())
    assert envelope.container == "jwt"
    assert envelope.document == CREDENTIAL
    assert envelope.jws == vc_jwt()


def test_payload_with_a_context_is_itself_the_credential() -> None:
    token = compact({"alg": "ES256"}, {**CREDENTIAL, "iss": "https://issuer.example/"})
    assert jwt.read(token).document["type"] == CREDENTIAL["type"]


def test_surrounding_whitespace_is_ignored_and_dropped_from_the_token() -> None:
    assert jwt.read(f"\n {vc_jwt()}\r\n").jws == vc_jwt()


def test_ob30_vector_is_a_vc_jwt_with_an_rs256_header() -> None:
    token = vector(OB30 / "simple.jwt").decode()
    decoded = jwt.decode_jws(token)
    assert decoded.header["alg"] == "RS256"
    assert "OpenBadgeCredential" in jwt.credential(decoded.payload)["type"]


def test_ob20_vector_is_a_signed_assertion() -> None:
    envelope = jwt.read(vector(OB20 / "simple.jwt").decode())
    assert envelope.document["type"] == "Assertion"


@pytest.mark.parametrize("alg", ["none", "None", "NONE"])
def test_alg_none_is_never_accepted(alg: str) -> None:
    token = compact({"alg": alg}, {"vc": CREDENTIAL}, signature=b"")
    with pytest.raises(MalformedInput, match="never accepted"):
        jwt.read(token)


@pytest.mark.parametrize("alg", ["HS256", "HS512"])
def test_hmac_algorithms_are_refused_as_algorithm_confusion(alg: str) -> None:
    with pytest.raises(MalformedInput, match="algorithm-confusion"):
        jwt.read(compact({"alg": alg}, {"vc": CREDENTIAL}))


@pytest.mark.parametrize("header", [{"alg": "XYZ"}, {"alg": 5}, {"typ": "JWT"}])
def test_missing_or_unknown_alg_is_refused(header: dict[str, object]) -> None:
    with pytest.raises(MalformedInput, match="alg"):
        jwt.read(compact(header, {"vc": CREDENTIAL}))


def test_critical_header_extensions_are_refused() -> None:
    with pytest.raises(MalformedInput, match="crit"):
        jwt.read(compact({"alg": "EdDSA", "crit": ["b64"], "b64": False}, {"vc": CREDENTIAL}))


def test_empty_signature_is_refused() -> None:
    with pytest.raises(MalformedInput, match="no signature"):
        jwt.read(compact({"alg": "EdDSA"}, {"vc": CREDENTIAL}, signature=b""))


def test_encrypted_jwt_is_unsupported() -> None:
    with pytest.raises(UnsupportedFormat, match="JWE"):
        jwt.read("eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d")


@pytest.mark.parametrize(
    "token",
    [
        "a.b",
        "a.b.c.d",
        "a!.b.c",
        "abcde.abcd.abcd",  # a 5-character part is no base64 length
        b64url(b"not json") + "." + b64url(b"{}") + ".c2ln",
    ],
)
def test_token_that_is_not_a_well_formed_jws_is_refused(token: str) -> None:
    with pytest.raises(MalformedInput):
        jwt.decode_jws(token)


def test_truncated_vector_token_is_refused() -> None:
    token = vector(OB30 / "simple.jwt").decode()
    header, payload, _ = token.split(".")
    with pytest.raises(MalformedInput, match="JWT payload"):
        jwt.decode_jws(f"{header}.{payload[: len(payload) // 2]}.c2ln")


def test_payload_must_be_an_object() -> None:
    with pytest.raises(MalformedInput, match="JWT payload must be a JSON object"):
        jwt.decode_jws(compact({"alg": "EdDSA"}, ["not", "an", "object"]))


def test_vc_claim_must_be_an_object() -> None:
    with pytest.raises(MalformedInput, match="`vc` claim"):
        jwt.read(compact({"alg": "EdDSA"}, {"vc": "x"}))


def test_presentation_is_unsupported() -> None:
    with pytest.raises(UnsupportedFormat, match="presentation"):
        jwt.read(compact({"alg": "EdDSA"}, {"vp": {"type": "VerifiablePresentation"}}))


def test_payload_without_a_credential_is_refused() -> None:
    with pytest.raises(MalformedInput, match="no credential"):
        jwt.read(compact({"alg": "EdDSA"}, {"sub": "x"}))


def test_token_over_the_size_cap_is_refused() -> None:
    with pytest.raises(MalformedInput, match="at most 100"):
        jwt.decode_jws(vc_jwt(), max_bytes=100)


def test_is_compact_recognises_jws_and_jwe_only() -> None:
    assert jwt.is_compact(vc_jwt() + "\n")
    assert jwt.is_compact("a.b.c.d.e")
    assert not jwt.is_compact('{"a": 1}')
    assert not jwt.is_compact("a.b")


def test_header_over_64_kib_is_refused_before_decoding() -> None:
    token = compact({"alg": "EdDSA", "x5c": ["A" * 70_000]}, {"vc": CREDENTIAL})
    with pytest.raises(MalformedInput, match="header is over 65536 bytes"):
        jwt.decode_jws(token)
