"""Endorsements cost one bounded wait: at most so many, fetched at once, within one deadline."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask.testing import FlaskClient

from issuer.settings import Settings
from verifier.did_key import did_key_from_public_key
from verifier.errors import ResolutionError
from verifier.pipeline import Limits, verify
from verifier.proofs.eddsa_rdfc_2022 import SUITE
from verifier.report import Check

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
DID = did_key_from_public_key(KEY.public_key())
CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def endorsement(number: int) -> dict[str, Any]:
    """An endorsement whose key lives on its endorser's (slow) host."""
    host = f"https://endorser-{number}.example"
    return {
        "@context": CONTEXT,
        "id": f"urn:uuid:00000000-0000-4000-8000-{number:012d}",
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "issuer": {"id": host, "type": ["Profile"], "name": f"Endorser {number}"},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "urn:uuid:achievement", "type": ["EndorsementSubject"]},
        "proof": {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "verificationMethod": f"{host}/keys/1",
            "proofPurpose": "assertionMethod",
            "proofValue": "z" + "2" * 86,
        },
    }


def endorsed(count: int) -> dict[str, Any]:
    """A credential signed by its did:key issuer, carrying ``count`` endorsements."""
    credential = {
        "@context": CONTEXT,
        "id": "urn:uuid:5e1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": DID, "type": ["Profile"], "name": "Issuer"},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:achievement",
                "type": ["Achievement"],
                "name": "Endorsed",
                "criteria": {"narrative": "Do it."},
            },
        },
        "endorsement": [endorsement(n) for n in range(count)],
    }
    return SUITE.create_proof(
        credential, private_key=KEY, verification_method=f"{DID}#{DID[8:]}", created=None
    )


class BlockingResolver:
    """Every key host hangs until the test releases it, then is unreachable."""

    def __init__(self, *, arrivals: int = 1) -> None:
        self.release = threading.Event()
        self.together = threading.Barrier(arrivals, timeout=30)
        self.fetched: list[str] = []
        self._lock = threading.Lock()

    def fetch(self, url: str, *, accept: str) -> bytes:
        with self._lock:
            self.fetched.append(url)
        self.together.wait()  # breaks unless `arrivals` fetches are under way at once
        self.release.wait(timeout=30)
        raise ResolutionError(f"{url}: connection refused")


@pytest.fixture
def blocking() -> Iterator[BlockingResolver]:
    resolver = BlockingResolver()
    yield resolver
    resolver.release.set()


def endorsements_check(credential: dict[str, Any], **options: Any) -> Check:
    check = verify(credential, **options).check("endorsements")
    assert check is not None
    return check


def test_key_fetches_of_all_endorsements_run_at_once() -> None:
    resolver = BlockingResolver(arrivals=8)
    resolver.release.set()

    check = endorsements_check(endorsed(8), resolver=resolver)

    assert len(resolver.fetched) == 8  # all eight met at the barrier: fetched concurrently
    assert check.outcome == "warning"
    assert check.message.startswith("Endorsement by Endorser 0, Endorser 1,")


def test_one_deadline_bounds_the_request_while_key_hosts_still_hang(
    blocking: BlockingResolver,
) -> None:
    limits = Limits(endorsement_deadline=0.2)

    check = endorsements_check(endorsed(8), resolver=blocking, limits=limits)

    assert not blocking.release.is_set()  # every fetch is still hanging: nothing waited for it
    assert len(blocking.fetched) == 8
    assert check.outcome == "unknown"
    assert check.message == (
        "Endorsement by "
        + ", ".join(f"Endorser {n}" for n in range(8))
        + " was not checked: it took longer than 0.2 s."
    )


def test_at_most_the_configured_number_of_endorsements_are_checked() -> None:
    resolver = BlockingResolver()
    resolver.release.set()

    check = endorsements_check(endorsed(25), resolver=resolver)

    assert len(resolver.fetched) == 20
    assert check.outcome == "warning"
    assert check.message.endswith(
        "; 5 more not checked: at most 20 endorsements are checked per credential."
    )


class TestConfiguredLimits:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return dataclasses.replace(settings, max_endorsements=2)

    def test_api_checks_only_the_configured_number(self, client: FlaskClient) -> None:
        report = client.post("/api/verify", json=endorsed(3)).get_json()

        check = next(c for c in report["checks"] if c["id"] == "endorsements")
        assert check["message"] == (
            "Endorsement by Endorser 0, Endorser 1 does not verify and should be disregarded;"
            " 1 more not checked: at most 2 endorsements are checked per credential."
        )
