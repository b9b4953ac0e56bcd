"""RDFC-1.0 canonicalization against the W3C rdf-canon test suite, one test per file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.paths import CONFORMANCE
from verifier.canon import Budget, budget, canonicalize, issued_identifiers
from verifier.errors import CanonicalizationError, MalformedInput
from verifier.nquads import parse_nquads

RDF_CANON = CONFORMANCE / "vectors" / "rdf-canon"
EVAL_CASES = sorted((RDF_CANON / "rdfc10").glob("*-rdfc10.nq"))
MAP_CASES = sorted((RDF_CANON / "rdfc10").glob("*-rdfc10map.json"))
assert EVAL_CASES and MAP_CASES, f"no RDFC-1.0 vectors under {RDF_CANON}"  # fail, never skip


def manifest_entries() -> list[dict[str, Any]]:
    """Return the rdf-canon manifest's test entries."""
    entries: list[dict[str, Any]] = json.loads((RDF_CANON / "manifest.jsonld").read_text())[
        "entries"
    ]
    return entries


def entry_for(result: Path) -> dict[str, Any]:
    """Return the manifest entry whose expected result is ``result``."""
    name = f"rdfc10/{result.name}"
    return next(e for e in manifest_entries() if e.get("result") == name)


def hash_algorithm(entry: dict[str, Any]) -> str:
    """Return the hash algorithm an entry asks for, in hashlib's spelling."""
    return str(entry.get("hashAlgorithm", "SHA256")).lower()


NEGATIVE_CASES = [
    RDF_CANON / e["action"]
    for e in manifest_entries()
    if e["type"] == "rdfc:RDFC10NegativeEvalTest"
]
assert NEGATIVE_CASES, "the rdf-canon manifest lists no negative (poison graph) test"


def test_every_manifest_entry_has_a_case_here() -> None:
    covered = {f"rdfc10/{p.name}" for p in EVAL_CASES + MAP_CASES}
    negatives = {str(p.relative_to(RDF_CANON)) for p in NEGATIVE_CASES}
    for entry in manifest_entries():
        assert entry.get("result") in covered or entry["action"] in negatives, entry["id"]


@pytest.mark.parametrize("result", EVAL_CASES, ids=lambda p: p.stem)
def test_canonical_form_matches_the_suite_byte_for_byte(result: Path) -> None:
    entry = entry_for(result)
    dataset = (RDF_CANON / entry["action"]).read_text(encoding="utf-8")

    canonical = canonicalize(dataset, hash_algorithm=hash_algorithm(entry))

    assert canonical == result.read_text(encoding="utf-8")


@pytest.mark.parametrize("result", MAP_CASES, ids=lambda p: p.stem)
def test_issued_blank_node_labels_match_the_suite(result: Path) -> None:
    entry = entry_for(result)
    dataset = (RDF_CANON / entry["action"]).read_text(encoding="utf-8")

    issued = issued_identifiers(dataset, hash_algorithm=hash_algorithm(entry))

    assert issued == json.loads(result.read_text())


@pytest.mark.parametrize("action", NEGATIVE_CASES, ids=lambda p: p.stem)
def test_poison_graph_aborts_at_the_work_limit(action: Path) -> None:
    with pytest.raises(CanonicalizationError, match="work limit"):
        canonicalize(action.read_text(encoding="utf-8"))


def test_poison_graph_error_is_malformed_input_for_callers() -> None:
    assert issubclass(CanonicalizationError, MalformedInput)


def test_direction_datatype_is_kept_as_jsonld_writes_it() -> None:
    # jsonld.js and pyld write @direction as an i18n datatype; RDF 1.2's "x"@en--rtl differs.
    quad = '<urn:ex:s> <urn:ex:p> "Hallo"^^<https://www.w3.org/ns/i18n#de_rtl> .\n'

    assert canonicalize(quad) == quad


def test_xsd_string_datatype_is_left_out() -> None:
    quad = '<urn:ex:s> <urn:ex:p> "x"^^<http://www.w3.org/2001/XMLSchema#string> .\n'

    assert canonicalize(quad) == '<urn:ex:s> <urn:ex:p> "x" .\n'


def test_raw_control_characters_are_escaped_canonically() -> None:
    quad = '<urn:ex:s> <urn:ex:p> "a\x00b\x08c\td\x7f" .\n'

    assert canonicalize(quad) == '<urn:ex:s> <urn:ex:p> "a\\u0000b\\bc\\td\\u007F" .\n'


def test_iri_characters_jsonld_js_does_not_reject_are_kept() -> None:
    quad = "<http://a.example/{x}|y> <urn:ex:p> <urn:ex:\\u00E9> .\n"

    assert canonicalize(quad) == "<http://a.example/{x}|y> <urn:ex:p> <urn:ex:\u00e9> .\n"


def test_comments_and_blank_lines_are_ignored() -> None:
    nquads = "# a comment\n\n<urn:ex:s> <urn:ex:p> <urn:ex:o> . # trailing\n"

    assert canonicalize(nquads) == "<urn:ex:s> <urn:ex:p> <urn:ex:o> .\n"


def test_line_that_is_no_statement_is_malformed_with_its_number() -> None:
    with pytest.raises(MalformedInput, match="line 2"):
        parse_nquads('<urn:ex:s> <urn:ex:p> "ok" .\n<urn:ex:s> <urn:ex:p> .\n')


def test_lone_surrogate_is_malformed() -> None:
    with pytest.raises(MalformedInput, match="not valid Unicode"):
        canonicalize('<urn:ex:s> <urn:ex:p> "\ud800" .\n')


@pytest.mark.parametrize("escape", ["\\U00110000", "\\uD800"], ids=["too-high", "surrogate"])
def test_escape_that_is_no_character_is_malformed(escape: str) -> None:
    with pytest.raises(MalformedInput, match="not a Unicode scalar value"):
        canonicalize(f'<urn:ex:s> <urn:ex:p> "{escape}" .\n')


def test_budget_in_force_applies_where_none_is_passed() -> None:
    dataset = (RDF_CANON / "rdfc10" / "test044-in.nq").read_text(encoding="utf-8")

    with budget(Budget(max_steps=7_307)), pytest.raises(CanonicalizationError, match="7307"):
        canonicalize(dataset)
    assert canonicalize(dataset, budget=Budget(max_steps=7_308))
