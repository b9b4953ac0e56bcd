"""Hostile credentials through the whole pipeline: a clear failure, bounded, never a crash."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest

from verifier.errors import MalformedInput, UnsupportedFormat, VerifierError
from verifier.pipeline import verify

VC = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential"],
    "issuer": "did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
    "credentialSubject": {"id": "did:example:x"},
}


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _outcome(data: bytes | dict[str, Any]) -> str:
    """'refused' (cannot say), or whether the report verified; timed."""
    started = time.perf_counter()
    try:
        result = "verified" if verify(data).verified else "not verified"
    except VerifierError:
        result = "refused"
    assert time.perf_counter() - started < 5, "hostile input must be bounded in time"
    return result


@pytest.mark.parametrize(
    "context",
    [
        ["https://www.w3.org/ns/credentials/v2", "https://evil.example/context.jsonld"],
        ["https://www.w3.org/ns/credentials/v2", {"@import": "https://evil.example/loop.jsonld"}],
        [
            "https://www.w3.org/ns/credentials/v2",
            {
                "x": {
                    "@id": "ex:x",
                    "@context": {
                        "y": {"@id": "ex:y", "@context": "https://www.w3.org/ns/credentials/v2"}
                    },
                }
            },
        ],
    ],
    ids=["unpinned-context", "imported-context", "scoped-context-loop"],
)
def test_unpinned_or_looping_contexts_never_verify(context: list[Any]) -> None:
    assert _outcome({**VC, "@context": context, "x": {"y": {"x": {}}}}) != "verified"


def test_deeply_nested_json_is_refused_not_recursed() -> None:
    nested = b'{"@context": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    with pytest.raises(MalformedInput):
        verify(nested)


def test_jwt_with_alg_none_is_refused() -> None:
    token = f"{_b64({'alg': 'none'})}.{_b64(VC)}."
    assert _outcome(token.encode()) == "refused"


def test_jwt_claiming_hmac_with_a_public_key_is_refused() -> None:
    token = f"{_b64({'alg': 'HS256', 'kid': VC['issuer']})}.{_b64(VC)}.c2lnbmF0dXJl"
    assert _outcome(token.encode()) == "refused"


def test_unsigned_credential_is_not_verified() -> None:
    report = verify(VC)
    assert not report.verified and report.check("proof").outcome == "failed"  # type: ignore[union-attr]


def test_truncated_and_random_inputs_are_refused() -> None:
    signed_like = json.dumps({**VC, "proof": {"type": "DataIntegrityProof"}}).encode()
    for data in (
        signed_like[: len(signed_like) // 2],
        b"\x89PNG\r\n\x1a\n\x00",
        b"%PDF-1.7\n",
        b"\x00" * 64,
    ):
        assert _outcome(data) == "refused"


def test_an_oversized_upload_is_refused_before_parsing() -> None:
    class Huge(bytes):
        def __len__(self) -> int:
            return 1 << 30  # claims 1 GiB without allocating it

    with pytest.raises(MalformedInput, match="at most"):
        verify(Huge(b"{}"))


def test_not_a_credential_is_unsupported() -> None:
    with pytest.raises(UnsupportedFormat):
        verify({"hello": "world"})


def test_an_unreachable_key_skips_the_rest_without_calling_it_forged() -> None:
    signed = {
        **VC,
        "proof": {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "verificationMethod": "did:web:unreachable.example#key",
            "proofPurpose": "assertionMethod",
            "proofValue": "z3",
        },
    }
    report = verify(signed)  # no resolver: nothing can be fetched
    assert report.check("proof").outcome == "unknown"  # type: ignore[union-attr]
    assert "until the signature can be checked" in report.check("status").message  # type: ignore[union-attr]
