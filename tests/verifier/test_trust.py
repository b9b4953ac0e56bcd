"""Trust lists: our format and the DCC registry's, matched by exact DID or by https origin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from verifier.trust import MalformedTrustList, Trusts, origin_of, parse_trust_list

TRUST = Path(__file__).resolve().parents[1] / "data" / "trust"
OURS = parse_trust_list((TRUST / "trust-list.json").read_bytes(), source="ours.json")
DCC = parse_trust_list((TRUST / "dcc-registry.json").read_bytes(), source="dcc.json")


@pytest.mark.parametrize(
    ("issuer_id", "origin"),
    [
        ("did:web:college.example", "https://college.example"),
        ("did:web:College.Example:issuers:42", "https://college.example"),
        ("did:web:localhost%3A8443:issuers:42", "https://localhost:8443"),
        ("https://college.example/ob2/issuers/1", "https://college.example"),
        ("https://college.example:443/x", "https://college.example"),
        ("http://college.example", None),
        ("did:key:z6Mk", None),
        ("urn:uuid:1", None),
    ],
)
def test_origin_of_an_issuer_id(issuer_id: str, origin: str | None) -> None:
    assert origin_of(issuer_id) == origin


def test_an_origin_entry_matches_did_web_and_https_issuers_on_that_origin() -> None:
    for issuer_id in ("did:web:college.example:issuers:7", "https://college.example/profile"):
        found = OURS.lookup(issuer_id)
        assert found is not None and found.name == "Example College"
        assert found.source == "trust list ours.json"
    assert OURS.lookup("did:web:other.example") is None
    assert OURS.lookup("https://college.example.evil") is None


def test_a_did_entry_matches_that_did_exactly() -> None:
    assert DCC.lookup("did:web:registry-member.example") is not None
    assert DCC.lookup("did:web:registry-member.example:issuers:1") is None
    assert DCC.lookup("https://registry-member.example") is None


def test_the_first_list_that_knows_an_issuer_names_it() -> None:
    did = "did:key:z6MkvDqGT54cXesYGvABpF1UapVNwjCqRcafi4Px6Thv5T3Z"
    found = Trusts([DCC, OURS]).lookup(did)
    assert found is not None and found.name == "Harvard University (test registry)"
    assert Trusts([]).lookup(did) is None


@pytest.mark.parametrize(
    ("document", "error"),
    [
        ({"issuers": [{"id": "https://a.example/path", "name": "A"}]}, r"issuers\[0\]\.id .*path"),
        ({"issuers": [{"id": "http://a.example", "name": "A"}]}, r"DID or an https origin"),
        ({"issuers": [{"id": "did:key:z6Mk", "name": " "}]}, r"issuers\[0\]\.name"),
        ({"issuers": ["did:key:z6Mk"]}, r"issuers\[0\] must be an object"),
        ({"registry": {"https://a.example": {"name": "A"}}}, r"registry keys must be DIDs"),
        ({"registry": {"did:key:z6Mk": "A"}}, r"must be an object"),
        ({"entries": {}}, r"`issuers` list or a DCC `registry`"),
    ],
)
def test_a_malformed_list_names_the_entry_at_fault(document: dict[str, Any], error: str) -> None:
    with pytest.raises(MalformedTrustList, match=error):
        parse_trust_list(document, source="bad.json")


def test_unreadable_json_is_a_malformed_list() -> None:
    with pytest.raises(MalformedTrustList, match="bad.json"):
        parse_trust_list(b"{not json", source="bad.json")
