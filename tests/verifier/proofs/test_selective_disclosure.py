"""Selective-disclosure primitives: JSON pointer selection, skolemization, relabelling."""

from __future__ import annotations

from typing import Any

import pytest

from verifier.errors import MalformedInput
from verifier.proofs.selective_disclosure import (
    hmac_labeler,
    parse_pointer,
    relabelled_canonical_nquads,
    select_json_ld,
    skolemize,
)

CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"]
DOCUMENT: dict[str, Any] = {
    "@context": CONTEXT,
    "id": "urn:uuid:1",
    "type": ["VerifiableCredential", "ExampleCredential"],
    "credentialSubject": {
        "id": "_:holder",
        "type": "Person",
        "name": "Ada",
        "items": [{"id": "urn:item:0", "name": "a"}, {"name": "b"}, {"name": "c"}],
        "tags": ["x", "y"],
        "a/b": 1,
        "m~n": 2,
    },
}


def test_selection_keeps_ids_but_not_blank_node_ids_and_makes_arrays_dense() -> None:
    selection = select_json_ld(DOCUMENT, ["/credentialSubject/items/2/name"])

    assert selection == {
        "@context": CONTEXT,
        "id": "urn:uuid:1",
        "type": DOCUMENT["type"],
        "credentialSubject": {"type": "Person", "items": [{"name": "c"}]},
    }


def test_selecting_an_array_or_an_object_copies_it_whole() -> None:
    selection = select_json_ld(DOCUMENT, ["/credentialSubject/tags", "/credentialSubject/items/0"])

    assert selection is not None
    assert selection["credentialSubject"]["tags"] == ["x", "y"]
    assert selection["credentialSubject"]["items"] == [{"id": "urn:item:0", "name": "a"}]
    selection["credentialSubject"]["tags"].append("z")
    assert DOCUMENT["credentialSubject"]["tags"] == ["x", "y"]


def test_empty_pointer_selects_the_whole_document_and_no_pointer_selects_nothing() -> None:
    assert select_json_ld(DOCUMENT, [""]) == DOCUMENT
    assert select_json_ld(DOCUMENT, []) is None


def test_pointer_escapes_and_indexes_follow_rfc_6901() -> None:
    assert parse_pointer("/credentialSubject/a~1b/m~0n/10/01") == [
        "credentialSubject",
        "a/b",
        "m~n",
        10,
        "01",
    ]
    selection = select_json_ld(DOCUMENT, ["/credentialSubject/a~1b", "/credentialSubject/m~0n"])
    assert selection is not None
    assert (selection["credentialSubject"]["a/b"], selection["credentialSubject"]["m~n"]) == (1, 2)


@pytest.mark.parametrize(
    ("pointer", "message"),
    [
        ("credentialSubject", "must be empty or start with '/'"),
        ("/credentialSubject/~2", "escape other than ~0 or ~1"),
        ("/credentialSubject/items/7", "does not match"),
        ("/credentialSubject/items/name", "does not match"),
        ("/credentialSubject/name/0", "does not match"),
        ("/credentialSubject/age", "does not match"),
    ],
)
def test_bad_or_unmatched_pointer_is_refused(pointer: str, message: str) -> None:
    with pytest.raises(MalformedInput, match=message):
        select_json_ld(DOCUMENT, [pointer])


def test_skolemization_names_every_node_and_keeps_blank_node_labels() -> None:
    expanded, compact = skolemize(DOCUMENT)

    subject = compact["credentialSubject"]
    assert subject["id"] == "urn:bnid:holder"
    assert subject["items"][0]["id"] == "urn:item:0"
    assert all(item["id"].startswith("urn:bnid:_") for item in subject["items"][1:])
    assert expanded[0]["@id"] == "urn:uuid:1"


def test_skolemizing_a_document_without_context_fails() -> None:
    with pytest.raises(MalformedInput, match="no @context"):
        skolemize({"id": "urn:x"})


def test_hmac_labels_replace_canonical_labels_and_sort() -> None:
    nquads = '_:x <urn:p> "1" .\n_:y <urn:p> "2" .\n'

    lines, label_map = relabelled_canonical_nquads(nquads, hmac_labeler(bytes(32)))

    assert set(label_map) == {"x", "y"}
    assert all(label.startswith("u") and len(label) == 44 for label in label_map.values())
    assert lines == sorted(f'_:{label_map[n]} <urn:p> "{v}" .\n' for n, v in (("x", 1), ("y", 2)))
