"""Tests for VC-JWT (OB 3.0 §8.2): the exact shape we issue, verification and its refusals."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.paths import CONFORMANCE
from tests.verifier.servers import DocumentResolver
from verifier.did_key import did_key_from_public_key
from verifier.errors import InvalidKey, InvalidProof, MalformedInput, ResolutionError
from verifier.formats import png, svg
from verifier.keys import ResolvedKey
from verifier.multikey import public_key_to_jwk
from verifier.proofs.jws import PrivateKey
from verifier.proofs.vc_jwt import (
    VerifiedJwt,
    check_claims,
    check_format,
    credential_from_payload,
    sign_vc_jwt,
    verify_vc_jwt,
)

VECTORS = CONFORMANCE / "vectors"
OB30 = VECTORS / "1edtech-validator-ob30"
CREDENTIAL: dict[str, Any] = json.loads(
    (VECTORS / "ob3-spec-examples" / "basicOpenBadgeCredential.json").read_bytes()
)
FULL: dict[str, Any] = json.loads(
    (VECTORS / "ob3-spec-examples" / "fullOpenBadge.json").read_bytes()
)
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
P256_KEY = ec.generate_private_key(ec.SECP256R1())
ED25519_KEY = Ed25519PrivateKey.generate()
KEYS: dict[str, PrivateKey] = {"RS256": RSA_KEY, "ES256": P256_KEY, "EdDSA": ED25519_KEY}
JWKS_URL = "https://example.com/issuers/876543/jwks.json"
NO_NETWORK = DocumentResolver()


def parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Decode a token's header and payload without verifying it."""
    header, payload, _ = token.split(".")
    return _json(header), _json(payload)


def _json(part: str) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return decoded


def _b64(data: bytes | dict[str, Any]) -> str:
    raw = json.dumps(data).encode() if isinstance(data, dict) else data
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def jwks_resolver() -> DocumentResolver:
    """Serve a JWK Set holding each test key, with the kid the issuer puts in headers."""
    keys = [
        {**public_key_to_jwk(key.public_key()), "kid": f"{JWKS_URL}#{alg}", "alg": alg}
        for alg, key in KEYS.items()
    ]
    return DocumentResolver({JWKS_URL: {"keys": keys}})


@pytest.mark.parametrize("alg", sorted(KEYS))
def test_embedded_jwk_round_trip_verifies(alg: str) -> None:
    token = sign_vc_jwt(CREDENTIAL, private_key=KEYS[alg])
    verified = verify_vc_jwt(token, resolver=NO_NETWORK)
    assert verified.credential == CREDENTIAL
    assert verified.header["alg"] == alg
    assert check_claims(verified) == check_format(verified) == []


@pytest.mark.parametrize("alg", sorted(KEYS))
def test_kid_round_trip_verifies_with_the_published_key(alg: str) -> None:
    resolver = jwks_resolver()
    token = sign_vc_jwt(CREDENTIAL, private_key=KEYS[alg], kid=f"{JWKS_URL}#{alg}")
    verified = verify_vc_jwt(token, resolver=resolver)
    assert verified.key.id == f"{JWKS_URL}#{alg}"
    assert resolver.fetched == [JWKS_URL]


def test_did_key_kid_round_trip_verifies() -> None:
    did = did_key_from_public_key(ED25519_KEY.public_key())
    kid = f"{did}#{did.removeprefix('did:key:')}"
    credential = {**CREDENTIAL, "issuer": {**CREDENTIAL["issuer"], "id": did}}
    verified = verify_vc_jwt(
        sign_vc_jwt(credential, private_key=ED25519_KEY, kid=kid), resolver=NO_NETWORK
    )
    assert (verified.key.id, verified.key.controller) == (kid, did)


def test_header_is_exactly_alg_typ_and_kid() -> None:
    token = sign_vc_jwt(CREDENTIAL, private_key=RSA_KEY, kid=f"{JWKS_URL}#RS256")
    assert parts(token)[0] == {"alg": "RS256", "typ": "JWT", "kid": f"{JWKS_URL}#RS256"}


def test_header_embeds_the_public_jwk_when_there_is_no_kid() -> None:
    header, _ = parts(sign_vc_jwt(CREDENTIAL, private_key=P256_KEY))
    assert header == {"alg": "ES256", "typ": "JWT", "jwk": public_key_to_jwk(P256_KEY.public_key())}


def test_payload_is_the_credential_with_iss_jti_sub_and_nbf() -> None:
    _, payload = parts(sign_vc_jwt(CREDENTIAL, private_key=RSA_KEY))
    assert payload == {
        **CREDENTIAL,
        "iss": "https://example.com/issuers/876543",
        "jti": "http://example.com/credentials/3527",
        "sub": "did:example:ebfeb1f712ebc6f1c276e12ec21",
        "nbf": 1262304000,  # 2010-01-01T00:00:00Z
    }


def test_valid_until_becomes_exp() -> None:
    _, payload = parts(sign_vc_jwt(FULL, private_key=RSA_KEY))
    assert (payload["nbf"], payload["exp"]) == (1262304000, 1893456000)


def test_subject_without_id_gets_no_sub() -> None:
    subject = {k: v for k, v in CREDENTIAL["credentialSubject"].items() if k != "id"}
    token = sign_vc_jwt({**CREDENTIAL, "credentialSubject": subject}, private_key=RSA_KEY)
    assert "sub" not in parts(token)[1]
    jwt = verify_vc_jwt(token, resolver=NO_NETWORK)
    assert check_claims(jwt) == check_format(jwt) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"issuer": {"type": ["Profile"]}}, "issuer.id is required"),
        ({"id": None}, "id is required"),
        ({"validFrom": None}, "validFrom is required"),
        ({"validFrom": "2010-01-01"}, "validFrom must be an ISO 8601 date-time with a time zone"),
        ({"iss": "https://other.test"}, "iss, which are JWT claim names"),
    ],
)
def test_credential_unfit_for_a_jwt_is_refused(change: dict[str, Any], message: str) -> None:
    credential = {k: v for k, v in {**CREDENTIAL, **change}.items() if v is not None}
    with pytest.raises(MalformedInput, match=message):
        sign_vc_jwt(credential, private_key=RSA_KEY)


def test_jwk_of_another_key_is_refused_when_signing() -> None:
    other = public_key_to_jwk(rsa.generate_private_key(65537, 2048).public_key())
    with pytest.raises(MalformedInput, match="not the signing key's public key"):
        sign_vc_jwt(CREDENTIAL, private_key=RSA_KEY, jwk=other)


def test_short_rsa_key_cannot_sign() -> None:
    with pytest.raises(InvalidKey, match="1024 bits; RS256 needs at least 2048"):
        sign_vc_jwt(CREDENTIAL, private_key=rsa.generate_private_key(65537, 1024))


def test_changed_payload_fails() -> None:
    header, _, signature = sign_vc_jwt(CREDENTIAL, private_key=RSA_KEY).split(".")
    forged = {**parts(sign_vc_jwt(CREDENTIAL, private_key=RSA_KEY))[1], "name": "Forged Badge"}
    with pytest.raises(InvalidProof, match="signature does not verify"):
        verify_vc_jwt(f"{header}.{_b64(forged)}.{signature}", resolver=NO_NETWORK)


@pytest.mark.parametrize("alg", sorted(KEYS))
def test_changed_signature_byte_fails(alg: str) -> None:
    header, payload, signature = sign_vc_jwt(CREDENTIAL, private_key=KEYS[alg]).split(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
    raw[0] ^= 1
    with pytest.raises(InvalidProof, match="signature does not verify"):
        verify_vc_jwt(f"{header}.{payload}.{_b64(bytes(raw))}", resolver=NO_NETWORK)


def test_alg_none_is_refused() -> None:
    _, payload, _ = sign_vc_jwt(CREDENTIAL, private_key=RSA_KEY).split(".")
    header = _b64({"alg": "none", "jwk": public_key_to_jwk(RSA_KEY.public_key())})
    with pytest.raises(InvalidProof, match="none"):
        verify_vc_jwt(f"{header}.{payload}.", resolver=NO_NETWORK)


def test_hs256_keyed_with_the_rsa_public_key_is_refused() -> None:
    public_pem = RSA_KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = _b64({"alg": "HS256", "typ": "JWT", "jwk": public_key_to_jwk(RSA_KEY.public_key())})
    _, payload, _ = sign_vc_jwt(CREDENTIAL, private_key=RSA_KEY).split(".")
    mac = hmac.new(public_pem, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    with pytest.raises(InvalidProof, match="HS256"):
        verify_vc_jwt(f"{header}.{payload}.{_b64(mac)}", resolver=NO_NETWORK)


def test_alg_that_does_not_fit_the_key_is_refused() -> None:
    token = sign_vc_jwt(CREDENTIAL, private_key=P256_KEY)
    _, payload, signature = token.split(".")
    header = _b64({"alg": "RS256", "jwk": public_key_to_jwk(P256_KEY.public_key())})
    with pytest.raises(InvalidProof, match="does not fit the P-256 key, which signs only ES256"):
        verify_vc_jwt(f"{header}.{payload}.{signature}", resolver=NO_NETWORK)


def test_key_published_for_another_alg_is_refused() -> None:
    kid = f"{JWKS_URL}#RS256"
    resolver = DocumentResolver(
        {
            JWKS_URL: {
                "keys": [{**public_key_to_jwk(RSA_KEY.public_key()), "kid": kid, "alg": "PS256"}]
            }
        }
    )
    token = sign_vc_jwt(CREDENTIAL, private_key=RSA_KEY, kid=kid)
    with pytest.raises(InvalidProof, match="is for PS256, not RS256"):
        verify_vc_jwt(token, resolver=resolver)


def test_short_rsa_key_is_refused_when_verifying() -> None:
    short = rsa.generate_private_key(65537, 1024)
    header = _b64({"alg": "RS256", "jwk": public_key_to_jwk(short.public_key())})
    _, payload, _ = sign_vc_jwt(CREDENTIAL, private_key=RSA_KEY).split(".")
    signature = short.sign(f"{header}.{payload}".encode(), padding.PKCS1v15(), hashes.SHA256())
    with pytest.raises(InvalidProof, match="needs at least 2048"):
        verify_vc_jwt(f"{header}.{payload}.{_b64(signature)}", resolver=NO_NETWORK)


def test_jwk_with_a_private_member_is_refused() -> None:
    _, payload, signature = sign_vc_jwt(CREDENTIAL, private_key=P256_KEY).split(".")
    numbers = P256_KEY.private_numbers()
    jwk = {
        **public_key_to_jwk(P256_KEY.public_key()),
        "d": _b64(numbers.private_value.to_bytes(32, "big")),
    }
    header = _b64({"alg": "ES256", "jwk": jwk})
    with pytest.raises(InvalidKey, match="private member"):
        verify_vc_jwt(f"{header}.{payload}.{signature}", resolver=NO_NETWORK)


@pytest.mark.parametrize("token", ["", "a.b", "a.b.c.d", "!!.!!.!!", "e30.e30.AA"])
def test_malformed_token_is_refused(token: str) -> None:
    with pytest.raises(InvalidProof):
        verify_vc_jwt(token, resolver=NO_NETWORK)


def test_unencoded_payload_header_is_refused() -> None:
    _, payload, signature = sign_vc_jwt(CREDENTIAL, private_key=P256_KEY).split(".")
    header = _b64({"alg": "ES256", "b64": True, "jwk": public_key_to_jwk(P256_KEY.public_key())})
    with pytest.raises(InvalidProof, match="b64"):
        verify_vc_jwt(f"{header}.{payload}.{signature}", resolver=NO_NETWORK)


def verified(header: dict[str, Any], payload: dict[str, Any]) -> VerifiedJwt:
    """A VerifiedJwt as verify_vc_jwt would return it, to test claims alone."""
    key = ResolvedKey("urn:test", None, ED25519_KEY.public_key())
    return VerifiedJwt(header, payload, credential_from_payload(payload), key)


def issued_payload() -> dict[str, Any]:
    return parts(sign_vc_jwt(FULL, private_key=RSA_KEY))[1]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"iss": "https://other.test/issuer"}, "iss 'https://other.test/issuer' is not the"),
        ({"jti": "urn:uuid:other"}, "jti 'urn:uuid:other' is not the credential's id"),
        ({"sub": "did:example:someone-else"}, "sub 'did:example:someone-else' is not the"),
        ({"nbf": 1262304001}, "nbf 1262304001 is not the credential's validFrom"),
        ({"nbf": "2010-01-01"}, "nbf must be a NumericDate"),
        ({"exp": 1893456001}, "exp 1893456001 is not the credential's validUntil"),
    ],
)
def test_claims_that_contradict_the_credential_are_reported(
    change: dict[str, Any], problem: str
) -> None:
    jwt = verified({"alg": "RS256", "typ": "JWT", "kid": "k"}, {**issued_payload(), **change})
    problems = check_claims(jwt)
    assert len(problems) == 1 and problems[0].startswith(problem), problems
    assert check_format(jwt) == []


@pytest.mark.parametrize(
    ("missing", "problem"),
    [
        (("iss",), "the JWT lacks iss, which OB 3.0 §8.2.3 requires"),
        (("sub", "nbf"), "the JWT lacks nbf, sub, which OB 3.0 §8.2.3 requires"),
        (("jti", "exp"), "the JWT lacks jti, exp, which OB 3.0 §8.2.3 requires"),
    ],
)
def test_missing_claims_are_format_problems_not_contradictions(
    missing: tuple[str, ...], problem: str
) -> None:
    payload = {k: v for k, v in issued_payload().items() if k not in missing}
    jwt = verified({"alg": "RS256", "typ": "JWT", "kid": "k"}, payload)
    assert (check_claims(jwt), check_format(jwt)) == ([], [problem])


def test_exp_sets_valid_until_when_the_credential_has_none() -> None:
    payload = {**parts(sign_vc_jwt(CREDENTIAL, private_key=RSA_KEY))[1], "exp": 1893456000}
    assert credential_from_payload(payload)["validUntil"] == "2030-01-01T00:00:00Z"


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        ({"alg": "RS256", "typ": "vc+jwt", "kid": "k"}, "JWT header typ is 'vc+jwt'"),
        ({"alg": "RS256", "kid": "k", "cty": "vc"}, "JWT header has cty"),
    ],
)
def test_headers_beyond_section_8_2_2_are_reported(header: dict[str, Any], problem: str) -> None:
    problems = check_format(verified(header, issued_payload()))
    assert [p[: len(problem)] for p in problems] == [problem]


def test_legacy_vc_claim_is_read_with_claims_filling_what_it_omits() -> None:
    vc = {k: v for k, v in CREDENTIAL.items() if k not in ("id", "issuer", "validFrom")}
    vc["@context"] = ["https://www.w3.org/2018/credentials/v1"]
    payload = {
        "vc": vc,
        "iss": "https://i.test",
        "jti": "urn:uuid:1",
        "nbf": 1262304000,
        "exp": 1893456000,
    }
    credential = credential_from_payload(payload)
    assert (credential["id"], credential["issuer"]) == ("urn:uuid:1", "https://i.test")
    assert credential["issuanceDate"] == "2010-01-01T00:00:00Z"
    assert credential["expirationDate"] == "2030-01-01T00:00:00Z"


def test_1edtech_simple_jwt_decodes_but_names_no_key() -> None:
    token = (OB30 / "simple.jwt").read_text().strip()
    _, payload = parts(token)
    assert credential_from_payload(payload) == payload["vc"]
    with pytest.raises(InvalidProof, match="neither kid nor jwk"):
        verify_vc_jwt(token, resolver=NO_NETWORK)


def baked_token(name: str) -> str:
    """The VC-JWT baked into one of 1EdTech's OB 3.0 images."""
    data = (OB30 / name).read_bytes()
    if name.endswith(".png"):
        return png.extract(data)[1]
    baked = svg.extract(data)
    assert baked.verify is not None
    return baked.verify


@pytest.mark.parametrize(
    "name", ["simple-jwt.svg", "simple-jwt.png", "simple-jwt_v1.svg", "simple-jwt_v1.png"]
)
def test_1edtech_baked_jwts_verify_with_their_embedded_jwk(name: str) -> None:
    result = verify_vc_jwt(baked_token(name), resolver=NO_NETWORK)
    assert result.credential["id"] == result.payload["jti"]
    assert check_claims(result) == []
    # 1EdTech's samples carry aud where OB 3.0 §8.2.3 asks for sub.
    assert check_format(result) == ["the JWT lacks sub, which OB 3.0 §8.2.3 requires"]


JOSE_COSE: list[dict[str, Any]] = json.loads(
    (VECTORS / "vc-jose-cose" / "rendered-PR-snapshot-jwts.json").read_bytes()
)
assert JOSE_COSE, "no vc-jose-cose vectors"  # fail the run, never skip


@pytest.mark.parametrize("vector", JOSE_COSE, ids=lambda v: v["protected_header"].get("typ", "jws"))
def test_vc_jose_cose_vectors_decode_but_cannot_be_verified_offline(vector: dict[str, Any]) -> None:
    compact = vector["compact"]
    if "~" not in compact:  # SD-JWT disclosures are not a compact JWS
        header, payload = parts(compact)
        assert (header, payload) == (vector["protected_header"], vector["payload"])
        assert credential_from_payload(payload) == vector["payload"]
    with pytest.raises((ResolutionError, InvalidProof)):
        verify_vc_jwt(compact, resolver=NO_NETWORK)


def test_jwk_given_for_the_signing_key_is_embedded() -> None:
    jwk = {**public_key_to_jwk(P256_KEY.public_key()), "kid": "p256"}
    header, _ = parts(sign_vc_jwt(CREDENTIAL, private_key=P256_KEY, jwk=jwk))
    assert header == {"alg": "ES256", "typ": "JWT", "jwk": jwk}


def test_payload_without_a_credential_is_refused() -> None:
    with pytest.raises(InvalidProof, match="holds no credential"):
        credential_from_payload({"iss": "https://issuer.test", "vc": "not an object"})


def test_legacy_sub_fills_a_subject_without_id() -> None:
    vc = {"@context": [], "credentialSubject": {"type": "AchievementSubject"}}
    credential = credential_from_payload({"vc": vc, "sub": "did:example:me", "exp": 10**20})
    assert credential["credentialSubject"]["id"] == "did:example:me"
    assert "expirationDate" not in credential  # an exp beyond any calendar is ignored


def test_nbf_against_an_unreadable_valid_from_is_reported() -> None:
    payload = {**issued_payload(), "validFrom": "January 2010"}
    problems = check_claims(verified({"alg": "RS256", "kid": "k"}, payload))
    assert problems == [
        "nbf cannot be compared: validFrom must be an ISO 8601 date-time with a time zone, "
        "not 'January 2010'"
    ]
