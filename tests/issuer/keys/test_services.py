"""The issuer's did:web and its inverse: one function each way."""

from __future__ import annotations

import uuid

import pytest

from issuer.keys.services import issuer_did, issuer_id_of
from issuer.settings import Settings


@pytest.mark.parametrize("public_url", ["https://certs.example.test", "http://127.0.0.1:5000"])
def test_issuer_did_round_trips_through_its_inverse(public_url: str) -> None:
    settings = Settings(public_url=public_url)
    issuer_id = uuid.uuid4()
    assert issuer_id_of(settings, issuer_did(settings, issuer_id)) == issuer_id


@pytest.mark.parametrize(
    "did",
    [
        "did:web:elsewhere.example:issuers:0b1e0b5e-7c3a-4bd4-a0a5-4ec3d4f2b7a1",
        "did:web:certs.example.test:issuers:not-a-uuid",
        "did:web:certs.example.test",
        "did:web:certs.example.test:issuers:",
    ],
)
def test_a_did_not_made_by_issuer_did_names_no_issuer(did: str) -> None:
    assert issuer_id_of(Settings(public_url="https://certs.example.test"), did) is None
