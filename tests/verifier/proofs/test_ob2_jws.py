"""Tests for OB 2.0 signed (JWS RS256) and hosted assertion verification."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from tests.paths import CONFORMANCE
from tests.verifier.servers import DocumentResolver, LocalServer, Route
from verifier.errors import InvalidKey, InvalidProof, MalformedInput, ResolutionError
from verifier.http import HttpResolver
from verifier.proofs.ob2_jws import sign_assertion, verify_assertion, verify_hosted

VECTORS = CONFORMANCE / "vectors"
OB20 = VECTORS / "1edtech-validator-ob20"


def _bakery_key() -> rsa.RSAPrivateKey:
    """The RSA key of the Mozilla bakery's signed-badge fixtures."""
    pem = (VECTORS / "ob2-bakery" / "rsa-private.pem").read_bytes()
    key = serialization.load_pem_private_key(pem, password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


PRIVATE_KEY = _bakery_key()
PUBLIC_PEM = (
    PRIVATE_KEY.public_key()
    .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    .decode()
)


class Issuer:
    """An OB 2.0 issuer on a local HTTP server: profile, key, BadgeClass and assertions."""

    def __init__(self, server: LocalServer) -> None:
        self.server = server
        self.profile_url = server.url("/issuer")
        self.key_url = server.url("/key")
        self.badge_url = server.url("/badge")
        self.publish(
            "/issuer", {"type": "Issuer", "id": self.profile_url, "publicKey": self.key_url}
        )
        self.publish("/key", self.key(owner=self.profile_url))
        self.publish(
            "/badge", {"type": "BadgeClass", "id": self.badge_url, "issuer": self.profile_url}
        )

    def key(self, *, owner: str) -> dict[str, Any]:
        return {
            "type": "CryptographicKey",
            "id": self.key_url,
            "owner": owner,
            "publicKeyPem": PUBLIC_PEM,
        }

    def publish(self, path: str, document: dict[str, Any]) -> None:
        self.server.routes[path] = Route(json.dumps(document).encode())

    def assertion(self, **verification: str) -> dict[str, Any]:
        return {
            "@context": "https://w3id.org/openbadges/v2",
            "type": "Assertion",
            "id": self.server.url("/assertions/1"),
            "recipient": {"type": "email", "hashed": False, "identity": "beth@example.org"},
            "badge": self.badge_url,
            "issuedOn": "2016-12-31T23:59:59Z",
            "verification": verification or {"type": "SignedBadge", "creator": self.key_url},
        }


@pytest.fixture
def issuer() -> Iterator[Issuer]:
    with LocalServer({}) as server:
        yield Issuer(server)


@pytest.fixture
def resolver() -> HttpResolver:
    return HttpResolver(allow_loopback=True)


def _segments(token: str) -> list[str]:
    return token.split(".")


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_signed_assertion_round_trip_verifies(issuer: Issuer, resolver: HttpResolver) -> None:
    assertion = issuer.assertion()
    assert (
        verify_assertion(sign_assertion(assertion, private_key=PRIVATE_KEY), resolver=resolver)
        == assertion
    )
    assert issuer.server.hits == {"/badge": 1, "/issuer": 1, "/key": 1}


def test_header_is_exactly_rs256(issuer: Issuer) -> None:
    header = _segments(sign_assertion(issuer.assertion(), private_key=PRIVATE_KEY))[0]
    assert json.loads(base64.urlsafe_b64decode(header + "==")) == {"alg": "RS256"}


def test_assertion_without_creator_is_checked_with_the_profile_keys(
    issuer: Issuer, resolver: HttpResolver
) -> None:
    token = sign_assertion(issuer.assertion(type="signed"), private_key=PRIVATE_KEY)
    assert verify_assertion(token, resolver=resolver)["verification"] == {"type": "signed"}


def test_changed_assertion_fails(issuer: Issuer, resolver: HttpResolver) -> None:
    header, _, signature = _segments(sign_assertion(issuer.assertion(), private_key=PRIVATE_KEY))
    forged = {**issuer.assertion(), "recipient": {"type": "email", "identity": "mallory@evil.test"}}
    with pytest.raises(InvalidProof, match="signature does not verify"):
        verify_assertion(f"{header}.{_b64(forged)}.{signature}", resolver=resolver)


def test_key_owned_by_someone_else_fails(issuer: Issuer, resolver: HttpResolver) -> None:
    issuer.publish("/key", issuer.key(owner="https://mallory.test/issuer"))
    token = sign_assertion(issuer.assertion(), private_key=PRIVATE_KEY)
    with pytest.raises(
        InvalidProof, match="has owner 'https://mallory.test/issuer', not the issuer"
    ):
        verify_assertion(token, resolver=resolver)


def test_creator_the_profile_does_not_list_fails(issuer: Issuer, resolver: HttpResolver) -> None:
    issuer.publish("/issuer", {"type": "Issuer", "id": issuer.profile_url, "publicKey": []})
    token = sign_assertion(issuer.assertion(), private_key=PRIVATE_KEY)
    with pytest.raises(InvalidProof, match="is not a publicKey of the issuer profile"):
        verify_assertion(token, resolver=resolver)


def test_profile_without_keys_cannot_verify_an_unnamed_key(
    issuer: Issuer, resolver: HttpResolver
) -> None:
    issuer.publish("/issuer", {"type": "Issuer", "id": issuer.profile_url})
    token = sign_assertion(issuer.assertion(type="SignedBadge"), private_key=PRIVATE_KEY)
    with pytest.raises(InvalidProof, match="lists no publicKey"):
        verify_assertion(token, resolver=resolver)


def test_signature_by_another_key_fails(issuer: Issuer, resolver: HttpResolver) -> None:
    other = rsa.generate_private_key(65537, 2048)
    token = sign_assertion(issuer.assertion(), private_key=other)
    with pytest.raises(InvalidProof, match="signature does not verify"):
        verify_assertion(token, resolver=resolver)


@pytest.mark.parametrize("alg", ["none", "HS256", "ES256"])
def test_algorithms_other_than_rs256_are_refused(issuer: Issuer, alg: str) -> None:
    _, payload, signature = _segments(sign_assertion(issuer.assertion(), private_key=PRIVATE_KEY))
    with pytest.raises(InvalidProof, match=alg):
        verify_assertion(f"{_b64({'alg': alg})}.{payload}.{signature}", resolver=DocumentResolver())


def test_signed_token_declaring_hosted_verification_fails(issuer: Issuer) -> None:
    token = sign_assertion(issuer.assertion(), private_key=PRIVATE_KEY)
    header, _, signature = _segments(token)
    hosted = {**issuer.assertion(), "verification": {"type": "HostedBadge"}}
    with pytest.raises(InvalidProof, match="not SignedBadge"):
        verify_assertion(f"{header}.{_b64(hosted)}.{signature}", resolver=DocumentResolver())


def test_signing_needs_an_rsa_key_and_signed_verification(issuer: Issuer) -> None:
    with pytest.raises(InvalidKey, match="RSA private key"):
        sign_assertion(issuer.assertion(), private_key=ec.generate_private_key(ec.SECP256R1()))  # type: ignore[arg-type]
    with pytest.raises(MalformedInput, match="SignedBadge"):
        sign_assertion(issuer.assertion(type="HostedBadge"), private_key=PRIVATE_KEY)


class AssetResolver(DocumentResolver):
    """Serve 1EdTech's OB 2.0 assets for the example.org URLs their fixtures name."""

    def __init__(self, *hosted: dict[str, Any]) -> None:
        super().__init__({document["id"]: document for document in hosted})

    def fetch(self, url: str, *, accept: str) -> bytes:
        if url.partition("#")[0] in self.documents:
            return super().fetch(url, accept=accept)
        asset = OB20 / "assets" / url.partition("#")[0].rsplit("/", 1)[-1]
        if url.startswith(("http://example.org/", "https://example.org/")) and asset.is_file():
            self.fetched.append(url)
            return asset.read_bytes()
        raise ResolutionError(f"{url}: not among the 1EdTech assets")


def fixture(name: str) -> dict[str, Any]:
    """Read a fixture, dropping the // comments some of them carry."""
    text = re.sub(r"\s//[^\n]*", "", (OB20 / name).read_text())
    document: dict[str, Any] = json.loads(text)
    return document


@pytest.mark.parametrize("name", ["simple.jwt", "simple-not-revoked.jwt", "simple-revoked.jwt"])
def test_1edtech_signed_assertions_verify_with_their_hosted_keys(name: str) -> None:
    assertion = verify_assertion((OB20 / name).read_text().strip(), resolver=AssetResolver())
    assert assertion["verification"]["type"] == "signed"


def test_1edtech_signed_assertion_fails_after_one_payload_byte_changes() -> None:
    header, payload, signature = (OB20 / "simple.jwt").read_text().strip().split(".")
    changed = payload[:40] + ("A" if payload[40] != "A" else "B") + payload[41:]
    with pytest.raises(InvalidProof):
        verify_assertion(f"{header}.{changed}.{signature}", resolver=AssetResolver())


def test_spec_signed_badge_example_names_a_key_its_issuer_does_not_list() -> None:
    token = "".join((VECTORS / "ob2-spec-examples" / "SignedBadge.txt").read_text().split())
    profile = json.loads((VECTORS / "ob2-spec-examples" / "Issuer.json").read_bytes())
    with pytest.raises(InvalidProof, match="'https://example.org/publicKey' is not a publicKey"):
        verify_assertion(token, resolver=AssetResolver(profile))


@pytest.mark.parametrize(
    "name",
    [
        "basic-assertion.json",
        "basic-assertion-no-public-key.json",
        "basic-assertion-with-allowed-origins.json",
        "basic-assertion-with-allowed-origins-valid-starts-with.json",
        "basic-assertion-with-allowed-origins-valid-multiple-starts-with.json",
    ],
)
def test_1edtech_hosted_assertions_verify(name: str) -> None:
    assertion = fixture(name)
    result = verify_hosted(assertion, resolver=AssetResolver(assertion))
    assert (result.assertion, result.warnings) == (assertion, ())


@pytest.mark.parametrize(
    "name",
    [
        "basic-assertion-with-allowed-origins-invalid-starts-with.json",
        "basic-assertion-with-allowed-origins-invalid-multiple-starts-with.json",
    ],
)
def test_1edtech_hosted_assertions_outside_the_issuers_scope_fail(name: str) -> None:
    assertion = fixture(name)
    with pytest.raises(InvalidProof, match="starts with none of the issuer's"):
        verify_hosted(assertion, resolver=AssetResolver(assertion))


def test_1edtech_issuer_with_a_non_http_id_gives_a_warning() -> None:
    assertion = fixture("warning-issuer-non-http.json")
    result = verify_hosted(assertion, resolver=AssetResolver(assertion))
    assert result.warnings == (
        "the issuer id 'urn:uuid:2d391246-6e0d-4dab-906c-b29770bd7aa6' is not an http(s) URL",
    )


def test_1edtech_redirected_assertion_gives_warnings_and_the_hosted_copy() -> None:
    presented, hosted = (
        fixture("warning-with-redirection.json"),
        fixture("redirected-validation-subject.json"),
    )
    resolver = AssetResolver()
    resolver.add(presented["id"], hosted)
    result = verify_hosted(presented, resolver=resolver)
    assert result.assertion == hosted
    assert result.warnings == (
        f"the hosted copy at {presented['id']} has id 'http://example.org/altbadgeurl'",
        f"badge differs from the hosted copy at {presented['id']}, which prevails",
    )


@pytest.fixture
def hosted_issuer(issuer: Issuer) -> Issuer:
    assertion = issuer.assertion(type="HostedBadge")
    issuer.publish("/assertions/1", assertion)
    return issuer


def test_hosted_assertion_round_trip(hosted_issuer: Issuer, resolver: HttpResolver) -> None:
    assertion = hosted_issuer.assertion(type="HostedBadge")
    assert verify_hosted(assertion, resolver=resolver).assertion == assertion
    assert hosted_issuer.server.hits == {"/assertions/1": 1, "/badge": 1, "/issuer": 1}


def test_presented_copy_that_differs_gets_a_warning_and_the_hosted_copy(
    hosted_issuer: Issuer, resolver: HttpResolver
) -> None:
    hosted = hosted_issuer.assertion(type="HostedBadge")
    presented = {**hosted, "recipient": {"type": "email", "identity": "mallory@evil.test"}}
    result = verify_hosted(presented, resolver=resolver)
    assert result.assertion == hosted
    assert result.warnings == (
        f"recipient differs from the hosted copy at {hosted['id']}, which prevails",
    )


def test_revoked_hosted_assertion_fails(hosted_issuer: Issuer, resolver: HttpResolver) -> None:
    hosted_issuer.server.routes["/assertions/1"] = Route(b'{"revoked": true}', status=410)
    with pytest.raises(InvalidProof, match="410 Gone: the issuer revoked it"):
        verify_hosted(hosted_issuer.assertion(type="HostedBadge"), resolver=resolver)


def test_hosted_copy_that_is_not_hosted_verification_fails(
    hosted_issuer: Issuer, resolver: HttpResolver
) -> None:
    hosted_issuer.publish("/assertions/1", hosted_issuer.assertion())
    with pytest.raises(InvalidProof, match="does not declare HostedBadge"):
        verify_hosted(hosted_issuer.assertion(type="HostedBadge"), resolver=resolver)


def test_assertion_hosted_off_the_issuers_host_fails(
    hosted_issuer: Issuer, resolver: HttpResolver
) -> None:
    elsewhere = "https://issuer.example.org/profile"
    hosted_issuer.publish("/badge", {"type": "BadgeClass", "issuer": {"id": elsewhere}})
    with pytest.raises(
        InvalidProof, match="is not hosted on the issuer's host, issuer.example.org"
    ):
        verify_hosted(hosted_issuer.assertion(type="HostedBadge"), resolver=resolver)


@pytest.mark.parametrize("id_", ["urn:uuid:52e4c6b3-8c13-4fa8-8482-a5cf34ef37a9", None])
def test_hosted_assertion_needs_an_http_id(id_: str | None) -> None:
    with pytest.raises(InvalidProof, match="must be its http\\(s\\) URL"):
        verify_hosted({"id": id_, "verification": {"type": "hosted"}}, resolver=DocumentResolver())


def test_signed_assertion_is_not_verified_as_hosted(issuer: Issuer) -> None:
    with pytest.raises(InvalidProof, match="not HostedBadge"):
        verify_hosted(issuer.assertion(), resolver=DocumentResolver())


def test_hosted_assertion_that_cannot_be_fetched_is_a_resolution_error(
    issuer: Issuer, resolver: HttpResolver
) -> None:
    with pytest.raises(ResolutionError, match="HTTP 404"):
        verify_hosted(issuer.assertion(type="HostedBadge"), resolver=resolver)


def test_hosted_assertion_outside_allowed_origins_fails(
    hosted_issuer: Issuer, resolver: HttpResolver
) -> None:
    profile = {"id": "https://a.test/i", "verification": {"allowedOrigins": ["a.test"]}}
    hosted_issuer.publish("/badge", {"type": "BadgeClass", "issuer": profile})
    with pytest.raises(InvalidProof, match="127.0.0.1 is not in the issuer's verification.allowed"):
        verify_hosted(hosted_issuer.assertion(type="HostedBadge"), resolver=resolver)


def test_embedded_badge_and_issuer_without_http_ids_give_warnings(
    hosted_issuer: Issuer, resolver: HttpResolver
) -> None:
    badge = {"type": "BadgeClass", "issuer": {"id": "urn:uuid:1", "type": "Issuer"}}
    assertion = {**hosted_issuer.assertion(type="HostedBadge"), "badge": badge}
    hosted_issuer.publish("/assertions/1", assertion)
    result = verify_hosted(assertion, resolver=resolver)
    assert result.warnings == (
        "the issuer id 'urn:uuid:1' is not an http(s) URL",
        f"so nothing says where {assertion['id']} may be hosted",
    )


def test_assertion_without_a_badge_fails(hosted_issuer: Issuer, resolver: HttpResolver) -> None:
    assertion = {**hosted_issuer.assertion(type="HostedBadge"), "badge": None}
    hosted_issuer.publish("/assertions/1", assertion)
    with pytest.raises(InvalidProof, match="badge must be a BadgeClass URL or object"):
        verify_hosted(assertion, resolver=resolver)


def test_signed_assertion_whose_issuer_is_not_fetchable_fails(
    issuer: Issuer, resolver: HttpResolver
) -> None:
    badge = {"type": "BadgeClass", "issuer": "urn:uuid:1"}
    token = sign_assertion({**issuer.assertion(), "badge": badge}, private_key=PRIVATE_KEY)
    with pytest.raises(ResolutionError, match="issuer 'urn:uuid:1' is not an http"):
        verify_assertion(token, resolver=resolver)
