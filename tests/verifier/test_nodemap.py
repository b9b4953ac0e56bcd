"""Our linear node map gives exactly pyld's node map, labels and all, and stays linear."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld as pyld
from pyld.identifier_issuer import IdentifierIssuer

from tests.paths import CONFORMANCE
from verifier.errors import VerifierError
from verifier.jsonld import expand_safely
from verifier.loader import offline_loader
from verifier.nodemap import create_node_map


def _expanded_vectors() -> list[tuple[str, list[Any]]]:
    """Every shipped JSON-LD document that expands in safe mode, with its expansion."""
    found = []
    for path in sorted((CONFORMANCE / "vectors").rglob("*.json")):
        try:
            document = json.loads(path.read_text())
            if isinstance(document, dict) and "@context" in document:
                found.append((str(path.relative_to(CONFORMANCE)), expand_safely(document)))
        except (ValueError, VerifierError):
            continue
    return found


VECTORS = _expanded_vectors()
assert any(Path(name).stem == "fullOpenBadge" for name, _ in VECTORS), "vectors missing"


def _pyld_node_map(expanded: list[Any]) -> tuple[dict[str, Any], list[str]]:
    issuer = IdentifierIssuer("_:b")
    graphs: dict[str, Any] = {"@default": {}}
    pyld.JsonLdProcessor()._create_node_map(copy.deepcopy(expanded), graphs, "@default", issuer)
    return graphs, issuer.order


def _our_node_map(expanded: list[Any]) -> tuple[dict[str, Any], list[str]]:
    issuer = IdentifierIssuer("_:b")
    return create_node_map(copy.deepcopy(expanded), issuer), issuer.order


@pytest.mark.parametrize("expanded", [v for _, v in VECTORS], ids=[n for n, _ in VECTORS])
def test_node_map_of_every_vector_is_pyld_s(expanded: list[Any]) -> None:
    assert _our_node_map(expanded) == _pyld_node_map(expanded)


def _expand(body: dict[str, Any]) -> list[Any]:
    document = {"@context": {"@vocab": "urn:example:"}, **body}
    expanded: list[Any] = pyld.expand(document, {"documentLoader": offline_loader})
    return expanded


DUPLICATES = {
    "repeated strings": {"tag": ["a", "b", "a", "c", "b"]},
    "true is not 1": {"n": [True, 1, 1.0, False, 0, True]},
    "same value, other language": {
        "name": [
            {"@value": "x", "@language": "en"},
            {"@value": "x", "@language": "fr"},
            {"@value": "x", "@language": "en"},
            "x",
        ]
    },
    "same node twice": {
        "knows": [{"@id": "urn:a", "p": 1}, {"@id": "urn:b"}, {"@id": "urn:a", "q": 2}]
    },
    "blank nodes": {"knows": [{"p": 1}, {"p": 1}, {"@id": "_:x"}, {"@id": "_:x"}]},
    "json literals": {
        "@context": {"@vocab": "urn:example:", "j": {"@type": "@json"}},
        "j": [{"a": 1}, {"a": 1}, [1, 2], {"a": True}],
    },
    "lists are never merged": {"l": [{"@list": [1, 2]}, {"@list": [1, 2]}]},
    "repeated types": {"@type": ["T", "U", "T", "_:t", "_:t"]},
    "reverse": {
        "@id": "urn:s",
        "@reverse": {"r": [{"@id": "urn:a"}, {"@id": "urn:a"}, {"@id": "_:b"}]},
    },
    "named graphs": {
        "@id": "urn:g",
        "@graph": [{"@id": "urn:a", "p": ["v", "v"]}, {"@id": "urn:a", "p": "w"}],
    },
    "included and index": {
        "@included": [{"@id": "urn:i", "p": 1}, {"@id": "urn:i", "p": 1}],
        "@index": "k",
        "@id": "urn:x",
    },
}


@pytest.mark.parametrize("body", DUPLICATES.values(), ids=DUPLICATES.keys())
def test_duplicate_values_merge_as_pyld_merges_them(body: dict[str, Any]) -> None:
    expanded = _expand(body)

    assert _our_node_map(expanded) == _pyld_node_map(expanded)


def test_conflicting_indexes_are_invalid_jsonld() -> None:
    expanded = _expand(
        {"knows": [{"@id": "urn:a", "@index": "1"}, {"@id": "urn:a", "@index": "2"}]}
    )

    with pytest.raises(pyld.JsonLdError, match="conflicting @index"):
        create_node_map(expanded, IdentifierIssuer("_:b"))


def test_many_values_of_one_property_are_indexed_not_compared() -> None:
    expanded = _expand({"tag": [f"t{i}" for i in range(50_000)] + ["t0"]})

    graphs = create_node_map(expanded, IdentifierIssuer("_:b"))  # pyld's: minutes

    (node,) = graphs["@default"].values()
    assert len(node["urn:example:tag"]) == 50_000
