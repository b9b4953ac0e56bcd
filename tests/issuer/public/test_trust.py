"""The deployment's trust: its own issuers always, then CERTIFIKATION_TRUST_LIST (file or URL)."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask

from issuer.clock import FrozenClock
from issuer.public.trust import DeploymentTrust, TrustListSource
from issuer.settings import Settings, SettingsError
from tests.factories import Factories
from tests.verifier.servers import DocumentResolver
from verifier.errors import ResolutionError

TRUST = Path(__file__).resolve().parents[2] / "data" / "trust"
URL = "https://trust.example/registry.json"
COLLEGE = "did:web:college.example:issuers:1"


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("http://trust.example/list.json", "a file path or an https URL"),
        ("/nonexistent/trust.json", "No such file"),
        (str(TRUST / "README.md"), "trust list"),
    ],
)
def test_an_unusable_trust_list_stops_the_start_naming_the_variable(
    settings: Settings, value: str, error: str
) -> None:
    with pytest.raises(SettingsError, match=f"CERTIFIKATION_TRUST_LIST.*{error}"):
        replace(settings, trust_list=value).validate()


def test_own_issuers_are_known_by_did_web_and_ob2_profile_url(
    app: Flask, factories: Factories
) -> None:
    issuer = factories.issuer(factories.tenant(), name="State Teacher Board")
    base = "https://certs.example.test"
    with app.app_context():
        trust = DeploymentTrust(app)
        for issuer_id in (
            f"did:web:certs.example.test:issuers:{issuer}",
            f"{base}/ob2/issuers/{issuer}",
        ):
            found = trust.lookup(issuer_id)
            assert found is not None and found.name == "State Teacher Board"
        assert trust.lookup("did:web:certs.example.test:issuers:not-a-uuid") is None
        assert trust.lookup(f"did:web:elsewhere.example:issuers:{issuer}") is None


def test_a_trust_list_url_is_fetched_once_per_five_minutes(clock: FrozenClock, app: Flask) -> None:
    resolver = DocumentResolver({URL: {"issuers": [{"id": COLLEGE, "name": "College"}]}})
    source = TrustListSource(URL)
    with app.app_context():
        for _ in range(3):
            found = source.get(resolver)
            assert found is not None and found.lookup(COLLEGE) is not None
        clock.advance(minutes=4)
        source.get(resolver)
        assert resolver.fetched == [URL]
        clock.advance(minutes=2)
        resolver.add(URL, {"issuers": []})
        assert source.get(resolver).lookup(COLLEGE) is None  # type: ignore[union-attr]
        assert resolver.fetched == [URL, URL]


def test_a_failing_url_keeps_the_last_good_copy(clock: FrozenClock, app: Flask) -> None:
    resolver = DocumentResolver({URL: {"issuers": [{"id": COLLEGE, "name": "College"}]}})
    source = TrustListSource(URL)
    with app.app_context():
        source.get(resolver)
        resolver.documents.clear()
        clock.advance(minutes=6)
        assert source.get(resolver).lookup(COLLEGE) is not None  # type: ignore[union-attr]
        never = TrustListSource("https://trust.example/down.json")
        with pytest.raises(ResolutionError, match="down.json did not load"):
            never.get(resolver)


def test_a_file_is_read_again_when_it_changes(tmp_path: Path) -> None:
    path = tmp_path / "trust.json"
    path.write_text(json.dumps({"issuers": [{"id": COLLEGE, "name": "Old name"}]}))
    source = TrustListSource(str(path))
    assert source.get(DocumentResolver()).lookup(COLLEGE).name == "Old name"  # type: ignore[union-attr]
    path.write_text(json.dumps({"issuers": [{"id": COLLEGE, "name": "New name"}]}))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert source.get(DocumentResolver()).lookup(COLLEGE).name == "New name"  # type: ignore[union-attr]
    path.unlink()
    with pytest.raises(ResolutionError, match="did not load"):
        source.get(DocumentResolver())


def test_a_trust_list_that_cannot_load_leaves_identity_unknown(app: Flask) -> None:
    from tests.security.test_self_issued_identity import self_issued

    app.extensions["resolver"] = DocumentResolver()  # the list's host is down
    app.extensions["trust_list"] = TrustListSource(URL)
    client = app.test_client()

    answer = client.post("/api/verify", json=self_issued())
    page = client.post("/verify", data={"text": json.dumps(self_issued())})
    assert answer.status_code == 200 and page.status_code == 200
    report, html = answer.json, page.get_data(as_text=True)

    identity = next(c for c in report["checks"] if c["id"] == "identity")
    assert report["verified"] is True and identity["outcome"] == "unknown"
    assert identity["message"].startswith(
        f"Issuer identity could not be checked: the trust list {URL}"
    )
    assert "Signature valid, issuer not confirmed" in html
