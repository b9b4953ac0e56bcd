"""Selective-disclosure primitives of vc-di-ecdsa (section 3.4): label replacement, selection.

The Python counterpart of digitalbazaar/di-sd-primitives: canonical N-Quads whose blank
nodes carry HMAC-derived (issuer, holder) or label-map (verifier) labels, JSON pointer
selection of a compact document, and skolemization, which gives every node an id so that
a selection's statements can be matched to the whole document's.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import itertools
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pyld import jsonld

from verifier.canon import issued_identifiers
from verifier.errors import MalformedInput
from verifier.jsonld import expand_safely, to_nquads
from verifier.loader import DocumentLoader, offline_loader
from verifier.nquads import Quad, parse_nquads, serialize_quad

# Canonical blank-node label (``c14n0``, no ``_:``) -> the label that replaces it.
Labeler = Callable[[str], str]
SKOLEM_PREFIX = "urn:bnid:"
_HOLE = object()  # an unselected array slot, removed once every pointer is applied
_INDEX = re.compile(r"0|[1-9][0-9]*")


@dataclass(frozen=True)
class Group:
    """The whole document's statements, split by whether a group of pointers selects them."""

    matching: dict[int, str]
    non_matching: dict[int, str]
    deskolemized: list[str]


def hmac_labeler(key: bytes) -> Labeler:
    """Return a labeler giving ``u`` + base64url(HMAC-SHA-256(key, canonical label))."""

    def label(canonical: str) -> str:
        digest = hmac.new(key, canonical.encode("utf-8"), hashlib.sha256).digest()
        return "u" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    return label


def relabelled_canonical_nquads(nquads: str, labeler: Labeler) -> tuple[list[str], dict[str, str]]:
    """Canonicalize N-Quads with RDFC-1.0, then replace every canonical label by ``labeler``.

    Returns:
        The relabelled N-Quads lines, sorted, and each input label's new label.

    Raises:
        MalformedInput: The N-Quads do not parse or need too much canonicalization work.
    """
    label_map = {old: labeler(new) for old, new in issued_identifiers(nquads).items()}
    lines = {serialize_quad(_relabel(quad, label_map)) for quad in parse_nquads(nquads)}
    return sort_nquads(lines), label_map


def sort_nquads(lines: Iterable[str]) -> list[str]:
    """Sort N-Quads lines by UTF-16 code units, as JavaScript's and Java's sorts do.

    The spec names no order for relabelled statements; the published implementations sort
    by UTF-16 code unit, which differs from code point order only past U+FFFF.
    """
    return sorted(lines, key=lambda line: line.encode("utf-16-be"))


def canonicalize_and_group(
    document: Mapping[str, Any],
    labeler: Labeler,
    groups: Mapping[str, Sequence[str]],
    *,
    loader: DocumentLoader = offline_loader,
) -> tuple[list[str], dict[str, str], dict[str, Group]]:
    """Canonicalize a document with replaced labels and group its statements by pointers.

    Args:
        document: The compact JSON-LD document, without its proof.
        labeler: Replaces each canonical blank-node label.
        groups: Group name -> JSON pointers into ``document``.
        loader: Where contexts come from.

    Returns:
        The relabelled canonical N-Quads, the label map (input label -> new label) and,
        per group, the statements its pointers select and those they do not.

    Raises:
        MalformedInput: A pointer does not match the document, or it is not valid JSON-LD.
        UndefinedTerm: A term is not defined by the document's contexts.
    """
    expanded, compact = skolemize(document, loader=loader)
    whole = deskolemized_nquads({"@graph": expanded}, loader=loader)
    nquads, label_map = relabelled_canonical_nquads("".join(whole), labeler)
    result: dict[str, Group] = {}
    for name, pointers in groups.items():
        selection = select_json_ld(compact, pointers)
        selected = deskolemized_nquads(selection, loader=loader) if selection else []
        relabelled = {
            serialize_quad(_relabel(quad, label_map)) for quad in parse_nquads("".join(selected))
        }
        matching = {i: line for i, line in enumerate(nquads) if line in relabelled}
        others = {i: line for i, line in enumerate(nquads) if line not in relabelled}
        result[name] = Group(matching, others, selected)
    return nquads, label_map, result


def skolemize(
    document: Mapping[str, Any], *, loader: DocumentLoader = offline_loader
) -> tuple[list[Any], dict[str, Any]]:
    """Give every node of a document an id (``urn:bnid:...``), in expanded and compact form.

    Raises:
        UndefinedTerm: A term is not defined by the document's contexts.
        MalformedInput: The document has no @context or is not valid JSON-LD.
    """
    context = document.get("@context")
    if context is None:
        raise MalformedInput("the document has no @context, so nothing can be selected from it")
    expanded = expand_safely(document, loader=loader)
    counter = itertools.count()
    skolemized = _skolemize_expanded(expanded, f"{SKOLEM_PREFIX}_{uuid.uuid4().hex}_", counter)
    # The document expanded safely above, so compacting it again with its own context holds.
    options = {"documentLoader": loader, "base": None, "processingMode": "json-ld-1.1"}
    compact: dict[str, Any] = jsonld.compact(skolemized, {"@context": context}, options)
    return skolemized, compact


def deskolemized_nquads(
    document: Mapping[str, Any], *, loader: DocumentLoader = offline_loader
) -> list[str]:
    """Return a skolemized document's N-Quads, its ``urn:bnid:`` ids blank nodes again."""
    quads = parse_nquads(to_nquads(document, loader=loader))
    return [serialize_quad(_deskolemize(quad)) for quad in quads]


def select_json_ld(document: Mapping[str, Any], pointers: Sequence[str]) -> dict[str, Any] | None:
    """Return the part of a compact document that JSON pointers select, None for no pointers.

    Each selected object keeps its ``id`` (unless a blank node) and ``type``, and the
    selection keeps the document's ``@context``.

    Raises:
        MalformedInput: A pointer is malformed or does not match the document.
    """
    if not pointers:
        return None
    selection: dict[str, Any] = {"@context": copy.deepcopy(document.get("@context"))}
    _init_selection(selection, document)
    arrays: list[list[Any]] = []
    for pointer in pointers:
        paths = parse_pointer(pointer)
        if not paths:
            return copy.deepcopy(dict(document))
        _select_paths(document, pointer, paths, selection, arrays)
    for array in arrays:
        array[:] = [item for item in array if item is not _HOLE]
    return selection


def parse_pointer(pointer: str) -> list[str | int]:
    """Split an RFC 6901 JSON pointer into keys and array indexes.

    Raises:
        MalformedInput: The pointer does not start with ``/`` or has a bad ``~`` escape.
    """
    if not isinstance(pointer, str) or (pointer and not pointer.startswith("/")):
        raise MalformedInput(f"JSON pointer {pointer!r} must be empty or start with '/'")
    paths: list[str | int] = []
    for segment in pointer.split("/")[1:]:
        if re.search(r"~(?![01])", segment):
            raise MalformedInput(f"JSON pointer {pointer!r} has an escape other than ~0 or ~1")
        unescaped = segment.replace("~1", "/").replace("~0", "~")
        paths.append(int(segment) if _INDEX.fullmatch(segment) else unescaped)
    return paths


def _select_paths(
    document: Any,
    pointer: str,
    paths: list[str | int],
    selection: dict[str, Any],
    arrays: list[list[Any]],
) -> None:
    """Copy what one pointer names into the selection, creating its parents on the way."""
    value: Any = document
    selected: Any = selection
    parent: Any = selection
    for path in paths:
        parent = selected
        value = _child(value, path)
        if value is _HOLE:
            raise MalformedInput(f"JSON pointer {pointer!r} does not match the document")
        selected = _child(parent, path)
        if selected is _HOLE:
            if isinstance(value, list):
                selected = []
                arrays.append(selected)
            else:
                selected = _init_selection({}, value)
            _put(parent, path, selected)
    if isinstance(value, list):
        selected = copy.deepcopy(value)
    elif isinstance(value, dict):
        selected = {**selected, **copy.deepcopy(value)}
    else:
        selected = value
    _put(parent, paths[-1], selected)


def _child(value: Any, path: str | int) -> Any:
    """Return ``value[path]`` as JavaScript would look it up, or _HOLE when absent."""
    if isinstance(value, list):
        if isinstance(path, int) and path < len(value):
            return value[path]
        return _HOLE
    if isinstance(value, dict):
        return value.get(str(path), _HOLE)
    return _HOLE


def _put(parent: Any, path: str | int, value: Any) -> None:
    """Set ``parent[path]``, padding an array with holes as a sparse JavaScript array."""
    if isinstance(parent, list):
        assert isinstance(path, int)  # _child found an array element at this index
        parent.extend([_HOLE] * (path + 1 - len(parent)))
        parent[path] = value
    else:
        parent[str(path)] = value


def _init_selection(selection: dict[str, Any], source: Any) -> dict[str, Any]:
    """Start a selected object with its source's non-blank ``id`` and its ``type``."""
    if isinstance(source, Mapping):
        node_id = source.get("id")
        if isinstance(node_id, str) and node_id and not node_id.startswith("_:"):
            selection["id"] = node_id
        if source.get("type"):
            selection["type"] = copy.deepcopy(source["type"])
    return selection


def _skolemize_expanded(elements: list[Any], prefix: str, counter: Iterator[int]) -> list[Any]:
    """Give every node object of an expanded document an ``@id``, keeping blank-node labels."""
    result: list[Any] = []
    for element in elements:
        if not isinstance(element, dict) or "@value" in element:
            result.append(copy.deepcopy(element))
            continue
        node: dict[str, Any] = {}
        for key, value in element.items():
            items = value if isinstance(value, list) else [value]
            skolemized = _skolemize_expanded(items, prefix, counter)
            node[key] = skolemized if isinstance(value, list) else skolemized[0]
        node_id = node.get("@id")
        if node_id is None:
            node["@id"] = f"{prefix}{next(counter)}"
        elif isinstance(node_id, str) and node_id.startswith("_:"):
            node["@id"] = SKOLEM_PREFIX + node_id[2:]
        result.append(node)
    return result


def _deskolemize(quad: Quad) -> Quad:
    """Turn each ``<urn:bnid:label>`` term of a quad back into the blank node ``_:label``."""
    skolem = "<" + SKOLEM_PREFIX
    subject, predicate, obj, graph = (
        "_:" + term[len(skolem) : -1] if term.startswith(skolem) else term for term in quad
    )
    return subject, predicate, obj, graph


def _relabel(quad: Quad, label_map: Mapping[str, str]) -> Quad:
    """Replace each blank node's label through ``label_map`` (labels without ``_:``)."""
    subject, predicate, obj, graph = (
        "_:" + label_map.get(term[2:], term[2:]) if term.startswith("_:") else term for term in quad
    )
    return subject, predicate, obj, graph
