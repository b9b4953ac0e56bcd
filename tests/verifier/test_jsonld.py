"""Safe-mode JSON-LD expansion: undefined terms fail, named by their path in the document."""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld as pyld

from tests.paths import CONFORMANCE
from verifier.errors import MalformedInput, UndefinedTerm, UnknownContext
from verifier.jsonld import expand_safely, to_nquads
from verifier.loader import RemoteDocument, load_context, offline_loader

OB3_EXAMPLES = sorted((CONFORMANCE / "vectors" / "ob3-spec-examples").glob("*.json"))
assert OB3_EXAMPLES, f"no OB 3.0 spec examples under {CONFORMANCE}"  # fail the run, never skip

OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
NARRATIVE = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#narrative"


def basic_credential() -> dict[str, Any]:
    """Return the OB 3.0 spec's minimal OpenBadgeCredential."""
    path = next(p for p in OB3_EXAMPLES if p.stem == "basicOpenBadgeCredential")
    credential: dict[str, Any] = json.loads(path.read_text())
    return credential


@pytest.mark.parametrize("path", OB3_EXAMPLES, ids=lambda p: p.stem)
def test_ob3_spec_example_passes_safe_mode_and_expands_as_pyld_does(path: Path) -> None:
    document = json.loads(path.read_text())

    expanded = expand_safely(document)

    assert expanded == pyld.expand(document, {"documentLoader": offline_loader})


@pytest.mark.parametrize("path", OB3_EXAMPLES, ids=lambda p: p.stem)
def test_ob3_spec_example_gives_the_same_nquads_as_pyld_to_rdf(path: Path) -> None:
    document = json.loads(path.read_text())
    options = {
        "documentLoader": offline_loader,
        "format": "application/n-quads",
        "rdfDirection": "i18n-datatype",
    }

    assert to_nquads(document) == pyld.to_rdf(document, options)


def test_expansion_does_not_modify_the_document() -> None:
    document = basic_credential()
    before = copy.deepcopy(document)

    to_nquads(document)

    assert document == before


@pytest.mark.parametrize(
    ("where", "path"),
    [
        ((), "favouriteColour"),
        (("credentialSubject",), "credentialSubject.favouriteColour"),
        (("credentialSubject", "achievement"), "credentialSubject.achievement.favouriteColour"),
        (("credentialSubject", "achievement", "criteria"), "achievement.criteria.favouriteColour"),
    ],
    ids=["top-level", "credentialSubject", "achievement", "criteria"],
)
def test_undefined_property_fails_naming_its_path(where: tuple[str, ...], path: str) -> None:
    document = basic_credential()
    node = document
    for key in where:
        node = node[key]
    node["favouriteColour"] = "blue"

    with pytest.raises(UndefinedTerm, match=rf"{path} is not defined by any @context"):
        expand_safely(document)


def test_typo_in_a_known_term_fails() -> None:
    document = basic_credential()
    achievement = document["credentialSubject"]["achievement"]
    achievement["descripton"] = achievement.pop("description")

    with pytest.raises(UndefinedTerm, match="achievement.descripton is not defined"):
        expand_safely(document)


def test_undefined_type_fails_before_the_terms_it_hides() -> None:
    document = basic_credential()
    document["credentialSubject"]["type"] = ["AchievementSubjekt"]

    with pytest.raises(UndefinedTerm) as caught:
        expand_safely(document)

    assert str(caught.value).startswith(
        "credentialSubject.type 'AchievementSubjekt' is not defined by any @context"
    )


def test_undefined_type_is_not_resolved_against_example_org() -> None:
    document = basic_credential()
    document["type"] = ["VerifiableCredential", "BadgeCredential"]

    with pytest.raises(UndefinedTerm, match="type 'BadgeCredential' is not defined"):
        to_nquads(document)


def test_relative_id_fails() -> None:
    document = basic_credential()
    document["credentialSubject"]["achievement"]["id"] = "achievements/teamwork"

    with pytest.raises(UndefinedTerm, match="'achievements/teamwork' is not an absolute IRI"):
        expand_safely(document)


def test_key_that_looks_like_a_keyword_fails() -> None:
    document = basic_credential()
    document["credentialSubject"]["@id"] = document["credentialSubject"].pop("id")
    document["credentialSubject"]["@colour"] = "blue"

    with pytest.raises(UndefinedTerm, match="credentialSubject.@colour looks like a JSON-LD"):
        expand_safely(document)


def test_invalid_language_tag_fails() -> None:
    document = basic_credential()
    document["name"] = {"@value": "Teamwork", "@language": "not a tag"}

    with pytest.raises(UndefinedTerm, match="language tag 'not a tag'"):
        expand_safely(document)


def test_relative_datatype_is_invalid_jsonld() -> None:
    document = basic_credential()
    document["name"] = {"@value": "Teamwork", "@type": "myString"}

    with pytest.raises(MalformedInput, match=r"\(invalid typed value\): Invalid JSON-LD syntax"):
        expand_safely(document)


def test_term_defined_as_blank_node_property_fails() -> None:
    document = basic_credential()
    document["@context"] = [*document["@context"], {"secret": "_:secret"}]
    document["secret"] = "x"

    with pytest.raises(UndefinedTerm, match="blank-node property"):
        to_nquads(document)


def test_many_problems_are_summarised() -> None:
    document = basic_credential()
    for index in range(5):
        document[f"extra{index}"] = index

    with pytest.raises(UndefinedTerm, match="; and 2 more$"):
        expand_safely(document)


def test_thousands_of_undefined_terms_are_summarised_without_searching_for_each() -> None:
    document = basic_credential()
    document["credentialSubject"].update({f"extra{index}": "x" for index in range(5_000)})
    started = time.perf_counter()

    with pytest.raises(UndefinedTerm, match="; and 4997 more$"):
        expand_safely(document)
    assert time.perf_counter() - started < 5  # one search per undefined term took 14 s


def test_unpinned_context_raises_our_error_not_pyld_s() -> None:
    document = basic_credential()
    document["@context"].append("https://example.com/contexts/unpinned.jsonld")

    with pytest.raises(UnknownContext):
        expand_safely(document)


def test_invalid_jsonld_is_malformed_input() -> None:
    document = basic_credential()
    document["@context"] = [*document["@context"], 5]

    with pytest.raises(MalformedInput, match="not valid JSON-LD"):
        expand_safely(document)


def test_direction_becomes_an_i18n_datatype_as_jsonld_js_writes_it() -> None:
    document = basic_credential()
    document["name"] = {"@value": "Teamwork", "@language": "ar", "@direction": "rtl"}

    assert '"Teamwork"^^<https://www.w3.org/ns/i18n#ar_rtl>' in to_nquads(document)


def test_processed_contexts_are_not_shared_with_other_loaders() -> None:
    expand_safely(basic_credential())  # fills the shared memo for the pinned contexts

    def renaming_loader(url: str, options: dict[str, Any] | None = None) -> RemoteDocument:
        document = load_context(url)
        if url == OB3_CONTEXT:
            document = json.loads(json.dumps(document).replace(NARRATIVE, "urn:example:story"))
        return {"contextUrl": None, "documentUrl": url, "document": document, "contentType": ""}

    renamed = json.dumps(expand_safely(basic_credential(), loader=renaming_loader))
    pinned = json.dumps(expand_safely(basic_credential()))

    assert "urn:example:story" in renamed and NARRATIVE not in renamed
    assert NARRATIVE in pinned and "urn:example:story" not in pinned
