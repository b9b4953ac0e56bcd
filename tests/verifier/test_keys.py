"""Tests for key resolution: did:key, did:web, JWK Sets, JWKs, methods and OB 2.0 PEM keys."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from tests.paths import CONFORMANCE
from tests.verifier.servers import DocumentResolver, LocalServer, Route, Tls, make_tls
from verifier.did_key import did_key_from_public_key
from verifier.errors import InvalidKey, InvalidProof, ResolutionError
from verifier.http import HttpResolver
from verifier.keys import (
    ResolvedKey,
    controller_matches,
    did_web_url,
    key_from_jwt_header,
    resolve_key,
)
from verifier.multikey import encode_public_key, public_key_to_jwk

OB20_ASSETS = CONFORMANCE / "vectors" / "1edtech-validator-ob20" / "assets"
ED25519 = Ed25519PrivateKey.from_private_bytes(bytes(range(32))).public_key()
P256 = ec.derive_private_key(7, ec.SECP256R1()).public_key()
RSA = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
DID_KEY = did_key_from_public_key(ED25519)
MULTIBASE = encode_public_key(ED25519)


def did_document(did: str, *methods: dict[str, Any]) -> dict[str, Any]:
    """A DID document listing ``methods`` (ids relative to ``did``) for assertion."""
    listed = [{"controller": did, **m, "id": did + m["id"]} for m in methods]
    return {"id": did, "verificationMethod": listed, "assertionMethod": [m["id"] for m in listed]}


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Tls:
    return make_tls(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def did_web_server(tls: Tls) -> Iterator[LocalServer]:
    with LocalServer({}, tls=tls.server) as server:
        did = f"did:web:localhost%3A{server.port}"
        server.routes["/.well-known/did.json"] = _json_route(
            did_document(did, {"id": "#ed", "type": "Multikey", "publicKeyMultibase": MULTIBASE})
        )
        issuer = f"{did}:issuers:42"
        server.routes["/issuers/42/did.json"] = _json_route(
            did_document(
                issuer,
                {"id": "#rsa", "type": "JsonWebKey", "publicKeyJwk": public_key_to_jwk(RSA)},
                {"id": "#p256", "type": "Multikey", "publicKeyMultibase": encode_public_key(P256)},
            )
        )
        yield server


def _json_route(document: dict[str, Any]) -> Route:
    return Route(json.dumps(document).encode(), headers={"Content-Type": "application/did+json"})


def test_did_key_url_resolves_locally() -> None:
    multibase = DID_KEY.removeprefix("did:key:")
    key = resolve_key(f"{DID_KEY}#{multibase}", resolver=DocumentResolver())
    assert key.public_key == ED25519
    assert (key.id, key.controller) == (f"{DID_KEY}#{multibase}", DID_KEY)


def test_bare_did_key_resolves_to_its_only_key() -> None:
    assert resolve_key(DID_KEY, resolver=DocumentResolver()).public_key == ED25519


def test_did_key_with_another_fragment_is_not_found() -> None:
    with pytest.raises(ResolutionError, match="has no verification method"):
        resolve_key(f"{DID_KEY}#key-2", resolver=DocumentResolver())


@pytest.mark.parametrize(
    ("did", "url"),
    [  # the did:web method specification's examples
        ("did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"),
        ("did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"),
        ("did:web:example.com%3A3000:user:alice", "https://example.com:3000/user/alice/did.json"),
    ],
)
def test_did_web_maps_to_an_https_url(did: str, url: str) -> None:
    assert did_web_url(did) == url


@pytest.mark.parametrize(
    "did", ["did:web:evil.test%2F..", "did:web:user%40evil.test", "did:web:a.test:..:x"]
)
def test_did_web_with_a_malformed_host_or_path_is_refused(did: str) -> None:
    with pytest.raises(ResolutionError, match="did:web"):
        did_web_url(did)


def test_did_web_resolves_over_https(did_web_server: LocalServer, tls: Tls) -> None:
    did = f"did:web:localhost%3A{did_web_server.port}"
    resolver = HttpResolver(allow_loopback=True, ssl_context=tls.client)
    key = resolve_key(f"{did}#ed", resolver=resolver)
    assert (key.id, key.controller, key.public_key) == (f"{did}#ed", did, ED25519)
    assert did_web_server.hits == {"/.well-known/did.json": 1}


def test_did_web_with_a_path_picks_the_method_by_fragment(
    did_web_server: LocalServer, tls: Tls
) -> None:
    issuer = f"did:web:localhost%3A{did_web_server.port}:issuers:42"
    resolver = HttpResolver(allow_loopback=True, ssl_context=tls.client)
    assert resolve_key(f"{issuer}#rsa", resolver=resolver).public_key == RSA
    assert resolve_key(f"{issuer}#p256", resolver=resolver).public_key == P256
    assert did_web_server.hits == {"/issuers/42/did.json": 1}


def test_did_web_over_plain_http_for_a_local_issuer() -> None:
    with LocalServer({}) as server:
        did = f"did:web:localhost%3A{server.port}"
        method = {"id": "#ed", "type": "Multikey", "publicKeyMultibase": MULTIBASE}
        server.routes["/.well-known/did.json"] = _json_route(did_document(did, method))
        resolver = HttpResolver(allow_loopback=True, loopback_http=True)
        assert resolve_key(f"{did}#ed", resolver=resolver).public_key == ED25519


def test_did_web_refetches_a_cached_document_once_for_an_unknown_method() -> None:
    with LocalServer({}) as server:
        did = f"did:web:localhost%3A{server.port}"
        old = {"id": "#old", "type": "Multikey", "publicKeyMultibase": MULTIBASE}
        server.routes["/.well-known/did.json"] = _json_route(did_document(did, old))
        resolver = HttpResolver(allow_loopback=True, loopback_http=True)
        resolve_key(f"{did}#old", resolver=resolver)  # cached
        rotated = {"id": "#new", "type": "JsonWebKey", "publicKeyJwk": public_key_to_jwk(RSA)}
        server.routes["/.well-known/did.json"] = _json_route(did_document(did, old, rotated))
        assert resolve_key(f"{did}#new", resolver=resolver).public_key == RSA
        assert resolve_key(f"{did}#new", resolver=resolver).public_key == RSA
        assert server.hits == {"/.well-known/did.json": 2}
        with pytest.raises(ResolutionError, match="has no verification method"):
            resolve_key(f"{did}#never", resolver=resolver)
        assert server.hits == {"/.well-known/did.json": 3}  # one more fetch, no loop


def test_did_web_document_for_another_did_is_refused() -> None:
    resolver = DocumentResolver(
        {"https://issuer.test/.well-known/did.json": did_document("did:web:evil.test")}
    )
    with pytest.raises(ResolutionError, match="is the document of 'did:web:evil.test'"):
        resolve_key("did:web:issuer.test#k", resolver=resolver)


def test_did_document_with_several_keys_needs_a_fragment() -> None:
    document = did_document(
        "did:web:issuer.test",
        {"id": "#a", "type": "Multikey", "publicKeyMultibase": MULTIBASE},
        {"id": "#b", "type": "Multikey", "publicKeyMultibase": encode_public_key(P256)},
    )
    resolver = DocumentResolver({"https://issuer.test/.well-known/did.json": document})
    with pytest.raises(ResolutionError, match="2 keys; add a #fragment"):
        resolve_key("did:web:issuer.test", resolver=resolver)


@pytest.mark.parametrize(
    ("method", "type_"),
    [
        ({"publicKeyMultibase": MULTIBASE}, "Ed25519VerificationKey2020"),
        ({"publicKeyJwk": public_key_to_jwk(P256)}, "JsonWebKey2020"),
        ({"publicKeyMultibase": encode_public_key(P256)}, "EcdsaSecp256r1VerificationKey2019"),
        ({"publicKeyJwk": public_key_to_jwk(P256)}, "EcdsaSecp256r1VerificationKey2019"),
    ],
)
def test_verification_method_types_are_read(method: dict[str, Any], type_: str) -> None:
    document = did_document("did:web:issuer.test", {"id": "#k", "type": type_, **method})
    resolver = DocumentResolver({"https://issuer.test/.well-known/did.json": document})
    assert resolve_key("did:web:issuer.test#k", resolver=resolver).public_key in (ED25519, P256)


@pytest.mark.parametrize(
    ("method", "message"),
    [
        (
            {"type": "RsaVerificationKey2018", "publicKeyPem": "x"},
            "has type 'RsaVerificationKey2018'",
        ),
        ({"type": "Multikey"}, "Multikey .* has no publicKeyMultibase"),
        (
            {"type": "Ed25519VerificationKey2020", "publicKeyMultibase": encode_public_key(P256)},
            "does not hold an Ed25519 key",
        ),
        (
            {"type": "EcdsaSecp256r1VerificationKey2019", "publicKeyMultibase": MULTIBASE},
            "does not hold a P-256 key",
        ),
        ({"type": "JsonWebKey", "publicKeyJwk": "not an object"}, "must be a JSON object"),
    ],
)
def test_unsupported_or_inconsistent_methods_are_invalid_keys(
    method: dict[str, Any], message: str
) -> None:
    document = did_document("did:web:issuer.test", {"id": "#k", **method})
    resolver = DocumentResolver({"https://issuer.test/.well-known/did.json": document})
    with pytest.raises(InvalidKey, match=message):
        resolve_key("did:web:issuer.test#k", resolver=resolver)


def test_unknown_fragment_is_not_found() -> None:
    document = did_document(
        "did:web:issuer.test", {"id": "#k", "type": "Multikey", "publicKeyMultibase": MULTIBASE}
    )
    resolver = DocumentResolver({"https://issuer.test/.well-known/did.json": document})
    with pytest.raises(ResolutionError, match="no verification method did:web:issuer.test#nope"):
        resolve_key("did:web:issuer.test#nope", resolver=resolver)


@pytest.mark.parametrize("reference", ["did:example:123#k", "did:velocity:v2:0x4a#key-1"])
def test_other_did_methods_are_unsupported(reference: str) -> None:
    with pytest.raises(ResolutionError, match="is not supported; use did:key, did:jwk or did:web"):
        resolve_key(reference, resolver=DocumentResolver())


@pytest.mark.parametrize("reference", ["urn:uuid:1234", "key-1", ""])
def test_references_that_are_neither_dids_nor_urls_fail(reference: str) -> None:
    with pytest.raises(ResolutionError):
        resolve_key(reference, resolver=DocumentResolver())


JWKS = {
    "keys": [
        {**public_key_to_jwk(RSA), "kid": "rsa-1"},
        {**public_key_to_jwk(P256), "kid": "https://issuer.test/jwks.json#p256"},
    ]
}


@pytest.mark.parametrize(
    ("reference", "expected"),
    [("https://issuer.test/jwks.json#rsa-1", RSA), ("https://issuer.test/jwks.json#p256", P256)],
)
def test_jwks_key_is_picked_by_kid(reference: str, expected: object) -> None:
    resolver = DocumentResolver({"https://issuer.test/jwks.json": JWKS})
    key = resolve_key(reference, resolver=resolver)
    assert (key.id, key.public_key, key.controller) == (reference, expected, None)


@pytest.mark.parametrize("fragment", ["", "#missing"])
def test_jwks_without_a_matching_kid_fails(fragment: str) -> None:
    resolver = DocumentResolver({"https://issuer.test/jwks.json": JWKS})
    with pytest.raises(ResolutionError, match="has 0 keys matching|has 2 keys matching"):
        resolve_key(f"https://issuer.test/jwks.json{fragment}", resolver=resolver)


def test_bare_jwk_at_a_url_is_read() -> None:
    resolver = DocumentResolver({"https://issuer.test/keys/1": public_key_to_jwk(P256)})
    assert resolve_key("https://issuer.test/keys/1", resolver=resolver).public_key == P256


def test_single_verification_method_document_is_read() -> None:
    method = {
        "id": "https://issuer.test/keys/ed",
        "type": "Multikey",
        "controller": "https://issuer.test/profile",
        "publicKeyMultibase": MULTIBASE,
    }
    key = resolve_key(method["id"], resolver=DocumentResolver({method["id"]: method}))
    assert (key.public_key, key.controller) == (ED25519, "https://issuer.test/profile")


def test_method_document_declaring_another_id_is_refused() -> None:
    method = {"id": "https://elsewhere.test/k", "type": "Multikey", "publicKeyMultibase": MULTIBASE}
    resolver = DocumentResolver({"https://issuer.test/k": method})
    with pytest.raises(ResolutionError, match="declares id 'https://elsewhere.test/k'"):
        resolve_key("https://issuer.test/k", resolver=resolver)


def test_ob2_cryptographic_key_pem_is_read() -> None:
    key_document = json.loads((OB20_ASSETS / "key1.json").read_bytes())
    resolver = DocumentResolver({"http://example.org/key1.json": key_document})
    key = resolve_key("http://example.org/key1.json", resolver=resolver)
    assert isinstance(key.public_key, rsa.RSAPublicKey)
    assert key.controller == "https://example.org/organization.json"


def test_pem_that_is_not_a_public_key_is_invalid() -> None:
    document = {"id": "https://issuer.test/k", "type": "CryptographicKey", "publicKeyPem": "-----"}
    resolver = DocumentResolver({"https://issuer.test/k": document})
    with pytest.raises(InvalidKey, match="is not a PEM public key"):
        resolve_key("https://issuer.test/k", resolver=resolver)


def test_jwt_header_jwk_is_used_as_embedded() -> None:
    key = key_from_jwt_header(
        {"alg": "ES256", "jwk": public_key_to_jwk(P256)}, resolver=DocumentResolver()
    )
    assert key.public_key == P256
    assert key.id.startswith("urn:ietf:params:oauth:jwk-thumbprint:sha-256:")


def test_jwt_header_jwk_with_private_members_is_refused() -> None:
    private = {**public_key_to_jwk(P256), "d": "AAAA"}
    with pytest.raises(InvalidKey, match="private member"):
        key_from_jwt_header({"alg": "ES256", "jwk": private}, resolver=DocumentResolver())


def test_jwt_header_kid_is_resolved() -> None:
    resolver = DocumentResolver({"https://issuer.test/jwks.json": JWKS})
    header = {"alg": "RS256", "kid": "https://issuer.test/jwks.json#rsa-1"}
    assert key_from_jwt_header(header, resolver=resolver).public_key == RSA


def test_jwt_header_relative_kid_is_read_against_the_issuer_did() -> None:
    multibase = DID_KEY.removeprefix("did:key:")
    header = {"alg": "EdDSA", "kid": f"#{multibase}"}
    key = key_from_jwt_header(header, resolver=DocumentResolver(), issuer=DID_KEY)
    assert key.public_key == ED25519


def test_jwt_header_without_kid_or_jwk_fails() -> None:
    with pytest.raises(InvalidProof, match="neither kid nor jwk"):
        key_from_jwt_header({"alg": "RS256", "typ": "JWT"}, resolver=DocumentResolver())


def test_jwt_header_with_kid_and_a_different_jwk_fails() -> None:
    resolver = DocumentResolver({"https://issuer.test/jwks.json": JWKS})
    header = {
        "alg": "RS256",
        "kid": "https://issuer.test/jwks.json#rsa-1",
        "jwk": public_key_to_jwk(rsa.generate_private_key(65537, 2048).public_key()),
    }
    with pytest.raises(InvalidProof, match="jwk is not the key its kid"):
        key_from_jwt_header(header, resolver=resolver)


@pytest.mark.parametrize(
    ("key", "issuer", "matches"),
    [
        (
            ResolvedKey("did:web:a.test:issuers:1#k", None, ED25519),
            "did:web:a.test:issuers:1",
            True,
        ),
        (
            ResolvedKey("did:web:a.test#k", "did:web:a.test:issuers:1", ED25519),
            "did:web:a.test:issuers:1",
            True,
        ),
        (
            ResolvedKey("https://a.test/keys/1", "https://a.test/issuer", ED25519),
            "https://a.test/issuer",
            True,
        ),
        (
            ResolvedKey("https://evil.test/k", "https://a.test/issuer", ED25519),
            "https://a.test/issuer",
            False,
        ),
        (ResolvedKey("did:web:a.test#k", None, ED25519), "did:web:a.test:issuers:1", False),
        (
            ResolvedKey("urn:ietf:params:oauth:jwk-thumbprint:sha-256:x", None, ED25519),
            "https://a.test/issuer",
            False,
        ),
    ],
)
def test_controller_matches_only_keys_the_issuer_publishes(
    key: ResolvedKey, issuer: str, matches: bool
) -> None:
    assert controller_matches(key, issuer) is matches


@pytest.mark.parametrize(
    ("header", "error", "message"),
    [
        ({"alg": "RS256", "kid": 7}, InvalidProof, "kid must be a non-empty string"),
        ({"alg": "RS256", "kid": ""}, InvalidProof, "kid must be a non-empty string"),
        ({"alg": "RS256", "jwk": "eyJrdHkiOiJSU0EifQ"}, InvalidKey, "jwk must be a JSON object"),
    ],
)
def test_malformed_jwt_header_keys_are_refused(
    header: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        key_from_jwt_header(header, resolver=DocumentResolver())


def test_controller_document_at_an_https_url_is_searched_by_fragment() -> None:
    document = {
        "id": "https://issuer.test/profile",
        "verificationMethod": [{"id": "#ed", "type": "Multikey", "publicKeyMultibase": MULTIBASE}],
    }
    resolver = DocumentResolver({"https://issuer.test/profile": document})
    key = resolve_key("https://issuer.test/profile#ed", resolver=resolver)
    assert (key.public_key, key.controller) == (ED25519, "https://issuer.test/profile")
    assert controller_matches(key, "https://issuer.test/profile")


@pytest.mark.parametrize(
    ("pem", "message"),
    [
        (["not", "a", "string"], "must be a string"),
        (
            X25519PrivateKey.generate()
            .public_key()
            .public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
            .decode(),
            "is a .*X25519PublicKey; expected RSA, EC or Ed25519",
        ),
    ],
)
def test_unusable_pem_keys_are_invalid(pem: object, message: str) -> None:
    document: dict[str, Any] = {
        "id": "https://issuer.test/k",
        "type": "CryptographicKey",
        "publicKeyPem": pem,
    }
    with pytest.raises(InvalidKey, match=message):
        resolve_key("https://issuer.test/k", resolver=DocumentResolver({document["id"]: document}))
