"""Tests for the identity check: a trust list's word on the issuer, never the credential's own."""

from __future__ import annotations

from typing import Any

from tests.verifier.servers import DocumentResolver
from verifier.checks.identity import check_identity
from verifier.errors import ResolutionError
from verifier.resolver import Offline
from verifier.trust import TrustedIssuer, parse_trust_list

COLLEGE = "https://college.example"
TRUST = parse_trust_list({"issuers": [{"id": COLLEGE, "name": "Example College"}]}, source="t")


def identity(document: dict[str, Any], *, kind: str = "vc", resolver: Any = None) -> Any:
    return check_identity(document, kind=kind, trust=TRUST, resolver=resolver or Offline())


def test_a_language_map_name_is_the_claim() -> None:
    check = identity({"issuer": {"id": "did:key:z6Mk", "name": {"en": "Harvard University"}}})
    assert check.outcome == "warning" and "calls its issuer Harvard University," in check.message


def test_an_issuer_named_only_by_its_id_is_claimed_by_its_id() -> None:
    check = identity({"issuer": "did:key:z6Mk"})
    assert check.outcome == "warning" and "calls its issuer did:key:z6Mk," in check.message
    assert identity({"issuer": {"name": "No id"}}).outcome == "warning"


def test_the_trusted_name_wins_and_a_differing_claim_is_said() -> None:
    check = identity({"issuer": {"id": f"{COLLEGE}/issuer", "name": "Example College"}})
    assert check.message == "Issuer identity known: Example College (trust list t)."
    renamed = identity({"issuer": {"id": f"{COLLEGE}/issuer", "name": "Oxford"}})
    assert renamed.outcome == "passed" and renamed.message.endswith(
        "the credential calls it Oxford."
    )


def test_an_ob2_issuer_is_read_from_its_badge_class_and_profile() -> None:
    resolver = DocumentResolver(
        {
            f"{COLLEGE}/badge": {"issuer": f"{COLLEGE}/profile"},
            f"{COLLEGE}/profile": {"id": f"{COLLEGE}/profile", "name": "Example College"},
        }
    )
    check = identity({"badge": f"{COLLEGE}/badge"}, kind="ob2", resolver=resolver)
    assert check.outcome == "passed", check.message
    embedded = {"badge": {"issuer": {"id": "https://else.example/p", "name": "Elsewhere"}}}
    assert identity(embedded, kind="ob2").outcome == "warning"


def test_what_cannot_be_fetched_or_looked_up_is_unknown() -> None:
    check = identity({"badge": f"{COLLEGE}/badge"}, kind="ob2")
    assert check.outcome == "unknown" and check.message.startswith("Issuer identity could not")

    class Down:
        def lookup(self, issuer_id: str) -> TrustedIssuer | None:
            raise ResolutionError("the trust list did not load")

    down = check_identity({"issuer": COLLEGE}, kind="vc", trust=Down(), resolver=Offline())
    assert (down.outcome, down.message) == (
        "unknown",
        "Issuer identity could not be checked: the trust list did not load",
    )
