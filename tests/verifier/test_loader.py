"""Tests for the offline JSON-LD document loader."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld

from tests.paths import CONFORMANCE
from verifier.errors import ContextIntegrityError, UnknownContext
from verifier.loader import (
    CONTEXTS,
    PinnedContexts,
    load_context,
    offline_loader,
    pinned_contexts,
)

PUBLISHED_MANIFEST = CONFORMANCE / "contexts" / "manifest.json"
OB3_EXAMPLES = sorted((CONFORMANCE / "vectors" / "ob3-spec-examples").glob("*.json"))
assert OB3_EXAMPLES, f"no OB 3.0 spec examples under {CONFORMANCE}"  # fail the run, never skip

OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
UNPINNED = "https://example.com/contexts/unpinned.jsonld"
# Pinned contexts that import a context the conformance data does not hold.
IMPORTS_UNPINNED = {
    "https://w3id.org/openbadges/v1": "https://w3id.org/openbadges/legacy-v1",
    "https://www.w3.org/2018/credentials/examples/v1": "https://www.w3.org/ns/odrl.jsonld",
}
SELF_CONTAINED = sorted(set(pinned_contexts()) - set(IMPORTS_UNPINNED))


def published_manifest() -> dict[str, Any]:
    """Read the conformance data's manifest of the contexts as their publishers serve them."""
    manifest: dict[str, Any] = json.loads(PUBLISHED_MANIFEST.read_text())
    return manifest


def causes(error: BaseException) -> list[BaseException]:
    """Return an exception and every ``__cause__`` behind it, outermost first."""
    chain = [error]
    while chain[-1].__cause__ is not None:
        chain.append(chain[-1].__cause__)
    return chain


def tampered_copy(tmp_path: Path, url: str) -> Path:
    """Copy the shipped contexts to ``tmp_path`` and flip one byte of ``url``'s file."""
    shutil.copytree(Path(str(CONTEXTS)), tmp_path, dirs_exist_ok=True)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    target = tmp_path / manifest[url]["file"]
    data = bytearray(target.read_bytes())
    data[-2] ^= 0x01
    target.write_bytes(bytes(data))
    return tmp_path


@pytest.mark.parametrize("url", sorted(pinned_contexts()))
def test_every_pinned_context_is_served_in_pyld_shape(url: str) -> None:
    remote = offline_loader(url, {})
    assert remote["documentUrl"] == url
    assert remote["contextUrl"] is None
    assert remote["contentType"] == "application/ld+json"
    assert "@context" in remote["document"]


@pytest.mark.parametrize("url", SELF_CONTAINED)
def test_self_contained_context_processes_offline_in_pyld(url: str) -> None:
    document = {"@context": url, "@id": "urn:example:node", "urn:example:p": "v"}
    expanded = jsonld.expand(document, {"documentLoader": offline_loader})
    assert expanded == [{"@id": "urn:example:node", "urn:example:p": [{"@value": "v"}]}]


@pytest.mark.parametrize("url", sorted(IMPORTS_UNPINNED))
def test_context_importing_an_unpinned_context_is_refused_in_pyld(url: str) -> None:
    with pytest.raises(jsonld.JsonLdError) as caught:
        jsonld.expand({"@context": url}, {"documentLoader": offline_loader})
    refused = [error for error in causes(caught.value) if isinstance(error, UnknownContext)]
    assert [error.url for error in refused] == [IMPORTS_UNPINNED[url]]


def test_pinned_hashes_equal_the_published_manifest() -> None:
    expected = {url: entry["sha256"] for url, entry in published_manifest()["contexts"].items()}
    assert dict(pinned_contexts()) == expected


def test_shipped_files_are_the_published_bytes() -> None:
    for url, entry in published_manifest()["contexts"].items():
        shipped = (CONTEXTS / entry["file"]).read_bytes()
        assert len(shipped) == entry["bytes"], url
        assert hashlib.sha256(shipped).hexdigest() == entry["sha256"], url


def test_both_open_badges_2_urls_serve_the_same_context() -> None:
    assert load_context("https://w3id.org/openbadges/v2") == load_context(
        "https://openbadgespec.org/v2/context.json"
    )


def test_validator_variant_of_ob_3_0_3_is_not_shipped() -> None:
    manifest = published_manifest()
    for variant in manifest["variants"]:
        assert not (CONTEXTS / variant["file"]).is_file()
    published = CONTEXTS / manifest["contexts"][OB3_CONTEXT]["file"]
    assert load_context(OB3_CONTEXT) == json.loads(published.read_bytes())


@pytest.mark.parametrize("path", OB3_EXAMPLES, ids=lambda p: p.stem)
def test_ob3_spec_example_expands_offline_without_dropping_terms(path: Path) -> None:
    dropped: list[str | None] = []
    expanded = jsonld.expand(
        json.loads(path.read_bytes()),
        {"documentLoader": offline_loader},
        on_property_dropped=dropped.append,
    )
    assert expanded and dropped == []


def test_loader_works_through_pyld_load_document() -> None:
    remote = jsonld.load_document(OB3_CONTEXT, {"documentLoader": offline_loader})
    assert remote["document"] == load_context(OB3_CONTEXT)


def test_unknown_context_is_refused_not_fetched() -> None:
    with pytest.raises(UnknownContext, match="not pinned; refusing to fetch it") as caught:
        offline_loader(UNPINNED, {})
    assert caught.value.url == UNPINNED
    assert UNPINNED in str(caught.value)
    assert caught.value.slug == "unknown-context"


@pytest.mark.parametrize(
    "url",
    [
        "http://www.w3.org/ns/credentials/v2",
        "https://www.w3.org/ns/credentials/v2/",
        "https://www.w3.org/ns/credentials/v2#",
        "https://www.w3.org/ns/credentials/V2",
        " https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.4.json",
    ],
)
def test_near_miss_urls_are_refused(url: str) -> None:
    with pytest.raises(UnknownContext):
        load_context(url)


# pyld 3.3 wraps every loader exception: ContextResolver._fetch_context raises
# JsonLdError(type "jsonld.InvalidUrl", code "loading remote context failed",
# details {"url": ...}) "from" it, so our UnknownContext is its __cause__. A URL
# in a scoped context (a term's "@context") adds one more JsonLdError (code
# "invalid scoped context"), so callers must walk the __cause__ chain.
@pytest.mark.parametrize(
    "document",
    [
        {"@context": UNPINNED, "@id": "urn:example:top"},
        {
            "@context": ["https://www.w3.org/ns/credentials/v2", UNPINNED],
            "type": "VerifiableCredential",
        },
        {
            "@context": "https://www.w3.org/ns/credentials/v2",
            "type": "VerifiableCredential",
            "credentialSubject": {"@context": UNPINNED, "id": "urn:example:subject"},
        },
        {
            "@context": {"term": {"@id": "urn:example:term", "@context": UNPINNED}},
            "term": {"value": 1},
        },
    ],
    ids=["top-level", "in-list", "embedded", "scoped"],
)
def test_unknown_context_inside_a_document_reaches_the_caller(document: dict[str, Any]) -> None:
    with pytest.raises(jsonld.JsonLdError) as caught:
        jsonld.expand(document, {"documentLoader": offline_loader})
    refused = [error for error in causes(caught.value) if isinstance(error, UnknownContext)]
    assert [error.url for error in refused] == [UNPINNED]


def test_loaded_context_is_a_fresh_copy() -> None:
    first = load_context(OB3_CONTEXT)
    first["@context"].clear()
    assert load_context(OB3_CONTEXT)["@context"]


def test_tampered_context_file_is_refused(tmp_path: Path) -> None:
    contexts = PinnedContexts(tampered_copy(tmp_path, OB3_CONTEXT))
    with pytest.raises(ContextIntegrityError, match="ob-v3p0-context-3.0.3.json"):
        contexts.load(OB3_CONTEXT)
    assert contexts.load("https://www.w3.org/ns/credentials/v2")


def test_tampered_context_file_is_refused_inside_pyld(tmp_path: Path) -> None:
    contexts = PinnedContexts(tampered_copy(tmp_path, OB3_CONTEXT))
    document = json.loads(OB3_EXAMPLES[0].read_bytes())
    with pytest.raises(jsonld.JsonLdError) as caught:
        jsonld.expand(document, {"documentLoader": contexts.loader})
    assert any(isinstance(error, ContextIntegrityError) for error in causes(caught.value))


def test_manifest_hash_mismatch_is_refused(tmp_path: Path) -> None:
    shutil.copytree(Path(str(CONTEXTS)), tmp_path, dirs_exist_ok=True)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    manifest[OB3_CONTEXT]["sha256"] = "0" * 64
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ContextIntegrityError, match="0{64}"):
        PinnedContexts(tmp_path).load(OB3_CONTEXT)


def test_pinned_contexts_cannot_be_changed_by_callers() -> None:
    with pytest.raises(TypeError):
        pinned_contexts()[UNPINNED] = "0" * 64  # type: ignore[index]
