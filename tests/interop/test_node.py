"""Independent implementations agree with us: Digital Bazaar vc (eddsa-rdfc-2022) and jose.

What we issue verifies in Node and fails there once altered; what Node signs verifies with our
verifier; and both canonicalize the 1EdTech examples to the same N-Quads. Each test sends its
documents through one Node process. Skipped only where node or npm is absent.
"""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from issuer.issuance.documents import hash_identity, ob2_assertion
from issuer.keys.services import verification_method
from tests.interop import NodeError, install_node_packages, missing_node, run_node
from tests.interop.issued import (
    DID,
    DID_DOCUMENT,
    HASHED_RECIPIENT,
    JWT_KEYS,
    KEYS,
    METHOD,
    NOW,
    RESOLVER_DOCUMENTS,
    RSA_KEY,
    SEED,
    SETTINGS,
    SIGNING_KEY,
    VARIANTS,
    our_signature,
    status_list_credential,
)
from tests.paths import CONFORMANCE
from tests.verifier.servers import DocumentResolver
from verifier.bitstring import encode_bitstring
from verifier.did_key import did_key_from_public_key
from verifier.errors import InvalidProof, VerifierError
from verifier.loader import offline_loader
from verifier.multikey import encode_public_key, public_key_to_jwk
from verifier.pipeline import verify
from verifier.proofs import data_integrity, ob2_jws, vc_jwt

MISSING = missing_node()
pytestmark = pytest.mark.skipif(MISSING is not None, reason=MISSING or "")

SPEC_EXAMPLES = sorted((CONFORMANCE / "vectors" / "ob3-spec-examples").glob("*.json"))
assert SPEC_EXAMPLES, f"no OB 3.0 spec examples under {CONFORMANCE}"  # fail, never skip

EXAMPLE_METHOD = "https://example.com/issuers/876543#key-1"
Tamper = Callable[[dict[str, Any]], None]


@pytest.fixture(scope="session")
def node() -> None:
    """Install the pinned npm packages once; npm's failure fails the run, never skips it."""
    try:
        install_node_packages()
    except NodeError as error:
        pytest.fail(str(error), pytrace=False)


def edit(path: str, change: Callable[[Any], Any]) -> Tamper:
    """Return a tampering that replaces the value at a dotted path (list indexes are numbers)."""
    *parents, last = path.split(".")

    def tamper(document: dict[str, Any]) -> None:
        target: Any = document
        for name in parents:
            target = target[int(name)] if isinstance(target, list) else target[name]
        target[last] = change(target[last])

    return tamper


def setter(path: str, value: Any) -> Tamper:
    """Return a tampering that sets the value at a dotted path."""
    return edit(path, lambda _: value)


def other_base58(value: str) -> str:
    """Change one base58 character in the middle of a proofValue."""
    middle = len(value) // 2
    return value[:middle] + ("2" if value[middle] != "2" else "3") + value[middle + 1 :]


def drop_or_add_valid_until(document: dict[str, Any]) -> None:
    if document.pop("validUntil", None) is None:
        document["validUntil"] = "2099-01-01T00:00:00Z"


TAMPERINGS: dict[str, Tamper] = {
    "achievement name": edit("credentialSubject.achievement.name", lambda s: s + "!"),
    "issuer name": edit("issuer.name", lambda s: s.replace(s[-1], "X", 1)),
    "validFrom one second later": setter(
        "validFrom", (NOW - timedelta(days=1, seconds=-1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    ),
    "validUntil dropped or added": drop_or_add_valid_until,
    "recipient identity": edit("credentialSubject.identifier.0.identityHash", lambda s: s + "0"),
    "status index": setter("credentialStatus.statusListIndex", "0"),
    "proof created": setter("proof.created", "2020-01-01T00:00:00Z"),
    "proofValue": edit("proof.proofValue", other_base58),
}


def tampered(document: dict[str, Any], tamper: Tamper) -> dict[str, Any]:
    """Return a deep copy of ``document`` with one change."""
    copied = copy.deepcopy(document)
    tamper(copied)
    assert copied != document, "the tampering changed nothing"
    return copied


def ours_verifies(document: dict[str, Any] | str) -> tuple[bool, str]:
    """Verify with our whole pipeline, the issuer's DID document served as did:web serves it.

    Returns:
        Whether the report is verified, and why not: the failed checks or the error.
    """
    try:
        report = verify(document, resolver=DocumentResolver(RESOLVER_DOCUMENTS), now=NOW)
    except VerifierError as error:  # "cannot say", e.g. a JWT whose alg is HS256
        return False, f"{type(error).__name__}: {error}"
    failed = [f"{c.id}: {c.message}" for c in report.checks if c.outcome == "failed"]
    return report.verified, "; ".join(failed)


def node_verifies(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Verify Data Integrity credentials with Digital Bazaar vc, the DID document served."""
    requests = [
        {"kind": "di", "document": d, "documents": {DID: DID_DOCUMENT}, "now": NOW.isoformat()}
        for d in documents
    ]
    answers: list[dict[str, Any]] = run_node("verify.mjs", requests)
    return answers


def test_our_signed_credentials_verify_in_node_and_fail_there_once_altered(node: None) -> None:
    cases: list[tuple[str, dict[str, Any], bool]] = []
    for name, unsigned in VARIANTS.items():
        signed = our_signature(unsigned)
        cases.append((name, signed, True))
        cases.extend(
            (f"{name}, {what} altered", tampered(signed, tamper), False)
            for what, tamper in TAMPERINGS.items()
        )
    reordered = dict(reversed(list(our_signature(VARIANTS["full"]).items())))
    cases.append(("full, members in reverse order (same RDF)", reordered, True))
    twice = our_signature(our_signature(VARIANTS["plain"]))
    cases.append(("plain, a proof set of two proofs", twice, True))
    listed = our_signature(VARIANTS["plain"])
    listed["proof"] = [listed["proof"]]
    cases.append(("plain, proof as a one-element array", listed, True))
    status_list = our_signature(status_list_credential())
    cases.append(("status list credential", status_list, True))
    cases.append(
        (
            "status list credential, encodedList altered",
            tampered(status_list, setter("credentialSubject.encodedList", encode_bitstring(b"\0"))),
            False,
        )
    )

    answers = node_verifies([document for _, document, _ in cases])

    disagreements = []
    for (name, document, expected), theirs in zip(cases, answers, strict=True):
        ours, why = ours_verifies(document)
        if (ours, theirs["verified"]) != (expected, expected):
            disagreements.append(
                f"{name}: expected {expected}, ours {ours} ({why}),"
                f" Digital Bazaar {theirs['verified']} ({theirs['error']})"
            )
    assert not disagreements, "\n".join(disagreements)


def test_every_node_rejection_of_an_altered_credential_is_a_signature_mismatch(
    node: None,
) -> None:
    signed = our_signature(VARIANTS["unicode-names"])
    altered = [tampered(signed, tamper) for tamper in TAMPERINGS.values()]

    answers = node_verifies(altered)

    assert all("Invalid signature" in a["error"] for a in answers), answers


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_json(part: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def rename_achievement(claims: dict[str, Any]) -> None:
    claims["credentialSubject"]["achievement"]["name"] += "!"


def jws_tamperings(token: str, change: Tamper = rename_achievement) -> dict[str, str]:
    """Return altered copies of a compact JWS, each keeping the original signature."""
    header, payload, signature = token.split(".")
    claims = b64url_json(payload)
    change(claims)
    forged_header = b64url_json(header) | {"alg": "HS256"}
    raw_signature = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
    raw_signature[len(raw_signature) // 2] ^= 0x01
    compact = json.dumps(claims, separators=(",", ":"), ensure_ascii=False).encode()
    return {
        "payload": f"{header}.{b64url(compact)}.{signature}",
        "signature": f"{header}.{payload}.{b64url(bytes(raw_signature))}",
        "alg HS256": f"{b64url(json.dumps(forged_header).encode())}.{payload}.{signature}",
    }


def test_our_vc_jwts_verify_with_jose_and_fail_once_altered(node: None) -> None:
    cases: list[tuple[str, str, str, bool]] = []
    for alg, key in JWT_KEYS.items():
        kid = verification_method(SETTINGS, KEYS[alg])
        for name in ("plain", "unicode-names", "no-valid-until"):
            token = vc_jwt.sign_vc_jwt(VARIANTS[name], private_key=key, kid=kid)
            cases.append((f"{alg} {name}", alg, token, True))
            cases.extend(
                (f"{alg} {name}, {what} altered", alg, forged, False)
                for what, forged in jws_tamperings(token).items()
            )
    requests = [
        {"kind": "jwt", "token": token, "alg": alg, "now": NOW.isoformat()}
        | {"jwk": public_key_to_jwk(JWT_KEYS[alg].public_key())}
        for _, alg, token, _ in cases
    ]

    answers = run_node("verify.mjs", requests)

    disagreements = []
    for (name, _, token, expected), theirs in zip(cases, answers, strict=True):
        ours, why = ours_verifies(token)
        if (ours, theirs["verified"]) != (expected, expected):
            disagreements.append(
                f"{name}: expected {expected}, ours {ours} ({why}),"
                f" jose {theirs['verified']} ({theirs['error']})"
            )
    assert not disagreements, "\n".join(disagreements)


def test_jose_reads_the_credential_and_claims_we_put_in_a_vc_jwt(node: None) -> None:
    credential = VARIANTS["unicode-names"]
    kid = verification_method(SETTINGS, KEYS["ES256"])
    token = vc_jwt.sign_vc_jwt(credential, private_key=JWT_KEYS["ES256"], kid=kid)
    jwk = public_key_to_jwk(JWT_KEYS["ES256"].public_key())
    request = {"kind": "jwt", "token": token, "jwk": jwk, "alg": "ES256", "now": NOW.isoformat()}

    (answer,) = run_node("verify.mjs", [request])

    payload = answer["payload"]
    assert answer["header"] == {"alg": "ES256", "typ": "JWT", "kid": kid}
    assert {k: payload[k] for k in credential} == credential
    assert payload["iss"] == DID and payload["jti"] == credential["id"]
    assert payload["sub"] == credential["credentialSubject"]["id"]
    assert payload["nbf"] == int((NOW - timedelta(days=1)).timestamp())
    assert payload["exp"] == int((NOW + timedelta(days=30)).timestamp())


def test_our_ob2_signed_assertions_verify_with_jose_and_fail_once_altered(node: None) -> None:
    assertion = ob2_assertion(
        assertion_url="https://certs.example.test/ob2/assertions/1",
        badge_url="https://certs.example.test/ob2/badges/1",
        recipient=HASHED_RECIPIENT,
        issued_on=NOW - timedelta(days=1),
        expires=None,
        verification={
            "type": "SignedBadge",
            "creator": "https://certs.example.test/ob2/keys/1",
        },
        evidence=[{"id": "https://example.edu/evidence/5", "narrative": "Soudure № 5 — 97 %"}],
    )
    token = ob2_jws.sign_assertion(assertion, private_key=RSA_KEY)
    forged = jws_tamperings(token, setter("recipient.identity", hash_identity("eve@x.org", "s")))
    jwk = public_key_to_jwk(RSA_KEY.public_key())
    requests = [
        {"kind": "jws", "token": t, "jwk": jwk, "alg": "RS256"} for t in (token, *forged.values())
    ]

    original, *altered = run_node("verify.mjs", requests)

    assert original["verified"], original["error"]
    assert original["payload"] == assertion
    assert original["header"] == {"alg": "RS256"}
    assert [a["verified"] for a in altered] == [False] * len(forged), altered


def did_key_issued(unsigned: dict[str, Any], did: str) -> dict[str, Any]:
    """Return a copy of a credential whose issuer (and achievement creator) is ``did``."""
    credential = copy.deepcopy(unsigned)
    credential["issuer"]["id"] = did
    credential["credentialSubject"]["achievement"]["creator"]["id"] = did
    return credential


def test_node_signed_credentials_verify_with_our_verifier(node: None) -> None:
    did_key = did_key_from_public_key(SIGNING_KEY.public_key())
    created = (NOW - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    requests = [
        {"credential": did_key_issued(c, did_key), "seed": SEED.hex(), "created": created}
        for c in VARIANTS.values()
    ] + [
        {
            "credential": c,
            "seed": SEED.hex(),
            "controller": DID,
            "verificationMethod": METHOD,
            "created": created,
        }
        for c in VARIANTS.values()
    ]

    answers = run_node("sign.mjs", requests)

    assert all(a["error"] is None for a in answers), [a["error"] for a in answers]
    assert {a["publicKeyMultibase"] for a in answers} == {
        encode_public_key(SIGNING_KEY.public_key())
    }
    failures = []
    for name, answer in zip([*VARIANTS, *VARIANTS], answers, strict=True):
        document = answer["document"]
        verified, why = ours_verifies(document)
        altered, _ = ours_verifies(tampered(document, TAMPERINGS["achievement name"]))
        if not verified or altered:
            method = document["proof"]["verificationMethod"]
            failures.append(f"{name} by {method}: ours {verified} ({why}), altered {altered}")
    assert not failures, "\n".join(failures)


def test_node_signed_spec_examples_verify_with_our_proof_check(node: None) -> None:
    requests = [
        {
            "credential": json.loads(path.read_text()),
            "seed": SEED.hex(),
            "verificationMethod": EXAMPLE_METHOD,
            "controller": "https://example.com/issuers/876543",
        }
        for path in SPEC_EXAMPLES
    ]

    answers = run_node("sign.mjs", requests)

    failures = []
    for path, answer in zip(SPEC_EXAMPLES, answers, strict=True):
        if answer["error"] is not None:
            failures.append(f"{path.name}: Digital Bazaar vc.issue refused: {answer['error']}")
            continue
        document = answer["document"]
        try:
            data_integrity.verify_proof(
                document, document["proof"], public_key=SIGNING_KEY.public_key()
            )
        except InvalidProof as error:
            failures.append(f"{path.name}: ours rejects Node's proof: {error}")
    assert not failures, "\n".join(failures)


def with_credits(value: float) -> dict[str, Any]:
    """Return the basic spec example earning ``value`` credits (a JSON number, xsd:float)."""
    document: dict[str, Any] = json.loads(SPEC_EXAMPLES_BY_NAME["basicOpenBadgeCredential"])
    document["credentialSubject"]["creditsEarned"] = value
    return document


SPEC_EXAMPLES_BY_NAME = {path.stem: path.read_text(encoding="utf-8") for path in SPEC_EXAMPLES}
# JSON numbers both sides write alike; see docs/standards-notes.md for those they do not.
NUMBERS = {
    "integer": 3,
    "integral float": 3.0,
    "fraction": 2.5,
    "binary fraction": 0.1 + 0.2,
    "negative zero": -0.0,
    "1e21": 1e21,
    "1e300": 1e300,
    "largest safe integer": 2**53 - 1,
}
SMALL_DOUBLE = 1e-7  # jsonld.js writes it as "0"
CANONICALIZED: dict[str, dict[str, Any]] = {
    **{name: json.loads(text) for name, text in SPEC_EXAMPLES_BY_NAME.items()},
    **VARIANTS,
    **{f"credits {name}": with_credits(value) for name, value in NUMBERS.items()},
    "credits 1e-7": with_credits(SMALL_DOUBLE),
    "unpinned context": {"@context": ["https://example.org/not-pinned"], "name": "x"},
}


@pytest.fixture(scope="module")
def node_nquads(node: None) -> dict[str, dict[str, Any]]:
    """Canonicalize every document of CANONICALIZED in one Node process."""
    answers = run_node("canonize.mjs", list(CANONICALIZED.values()))
    return dict(zip(CANONICALIZED, answers, strict=True))


def canonical_pair(name: str, node_nquads: dict[str, Any]) -> tuple[str, str]:
    """Return our canonical N-Quads of a document of CANONICALIZED and Node's."""
    answer = node_nquads[name]
    assert answer["error"] is None, f"Node could not canonicalize {name}: {answer['error']}"
    ours = data_integrity.canonical_document(CANONICALIZED[name], loader=offline_loader)
    return ours, answer["nquads"]


@pytest.mark.parametrize("name", list(SPEC_EXAMPLES_BY_NAME))
def test_spec_example_canonical_nquads_match_node(
    name: str, node_nquads: dict[str, dict[str, Any]]
) -> None:
    ours, theirs = canonical_pair(name, node_nquads)

    assert ours.split("\n") == theirs.split("\n")


@pytest.mark.parametrize("name", list(VARIANTS))
def test_issued_credential_canonical_nquads_match_node(
    name: str, node_nquads: dict[str, dict[str, Any]]
) -> None:
    ours, theirs = canonical_pair(name, node_nquads)

    assert ours.split("\n") == theirs.split("\n")


@pytest.mark.parametrize("name", list(NUMBERS))
def test_json_numbers_canonicalize_as_in_node(
    name: str, node_nquads: dict[str, dict[str, Any]]
) -> None:
    ours, theirs = canonical_pair(f"credits {name}", node_nquads)

    assert ours.split("\n") == theirs.split("\n")


def test_node_loads_only_our_pinned_contexts(node_nquads: dict[str, dict[str, Any]]) -> None:
    answer = node_nquads["unpinned context"]

    assert answer["nquads"] is None
    assert "https://example.org/not-pinned is neither a pinned context" in answer["error"]


def test_jsonld_js_still_writes_a_small_double_as_zero(
    node_nquads: dict[str, dict[str, Any]],
) -> None:
    """A known jsonld.js deviation (standards notes): when this fails, update the notes."""
    ours, theirs = canonical_pair("credits 1e-7", node_nquads)
    credits = "<https://purl.imsglobal.org/spec/vc/ob/vocab.html#creditsEarned>"
    xsd_float = "^^<https://www.w3.org/2001/XMLSchema#float>"  # sic: the OB context says https

    assert f'{credits} "1.0E-7"{xsd_float}' in ours
    assert f'{credits} "0"{xsd_float}' in theirs
