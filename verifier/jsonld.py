"""JSON-LD expansion in safe mode, and conversion to N-Quads, on top of pyld.

pyld has no safe mode: it silently drops undefined properties and resolves undefined types
and relative ids against ``http://example.org/base/``, where the Digital Bazaar libraries
reject the document. So expansion runs with no base IRI and then fails on anything that
would not survive as RDF, naming the field, before any signature is made or checked.

pyld re-processes every type-scoped context of the OB 3.0 context for every node (a cloned
context gets a fresh uuid, so its own cache never hits). ``_Processor`` remembers processed
contexts by (parent context, local context): across calls for the pinned contexts, which are
immutable and hash-checked, and within one call for any other loader. The OB 3.0 spec's
full example expands in 5 ms instead of 15, a typical credential in 0.7 ms instead of 2.8
(``bench/canonicalization.py``). The tests compare every result with pyld's own.

The node map is ours (``verifier/nodemap.py``), as pyld's is quadratic in the values of one
property, and a failure describes only the three problems it shows, as each description
searches the document. Each document is measured against the ``ExpansionBudget`` in
force before pyld sees it, and the contexts it needs processed are counted as they are
(``verifier/expansion.py``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import Any

from pyld import jsonld
from pyld.context_resolver import ContextResolver
from pyld.identifier_issuer import IdentifierIssuer
from pyld.nquads import serialize_nquads

from verifier.errors import MalformedInput, UndefinedTerm, VerifierError
from verifier.expansion import (
    ExpansionBudget,
    check_extent,
    context_limit_reached,
    current_budget,
)
from verifier.loader import DocumentLoader, offline_loader
from verifier.nodemap import create_node_map

_ABSOLUTE_IRI = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*|_):\S*")
_BCP47 = re.compile(r"[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*")
_MEMO_LIMIT = 512
# Processed contexts for offline_loader, shared by every call (see the module docstring).
_PINNED_MEMO: dict[tuple[object, ...], Any] = {}
# @direction becomes an i18n datatype IRI, as jsonld.js and the DI suites write it.
_RDF_OPTIONS = {
    "rdfDirection": "i18n-datatype",
    "produceGeneralizedRdf": False,
    "processingMode": "json-ld-1.1",
}


def expand_safely(
    document: Mapping[str, Any], *, loader: DocumentLoader = offline_loader
) -> list[dict[str, Any]]:
    """Expand a JSON-LD document, failing where expansion would drop or invent a term.

    Args:
        document: The compacted JSON-LD document; it is not modified.
        loader: Where contexts come from; the pinned contexts by default.

    Returns:
        The expanded document (a list of node objects).

    Raises:
        UndefinedTerm: A property or type is not defined by any context, an id or type
            is a relative IRI, or a language tag is invalid.
        UnknownContext: The document uses a context the loader refuses.
        ExpansionLimit: The document holds more values, nests deeper or needs more
            contexts processed than the budget ``expansion_budget()`` set allows.
        MalformedInput: The document is not valid JSON-LD.
    """
    budget = current_budget()
    check_extent(document, budget)
    dropped: list[str | None] = []
    memo = _PINNED_MEMO if loader is offline_loader else {}
    processor = _Processor(memo, dropped.append, budget)
    options = {
        "documentLoader": loader,
        "contextResolver": ContextResolver({}, loader),
        "base": None,
        "processingMode": "json-ld-1.1",
    }
    try:
        expanded: list[dict[str, Any]] = processor.expand(dict(document), options)
    except (jsonld.JsonLdError, ValueError, TypeError, KeyError, RecursionError) as error:
        raise _translate(error) from error
    problems = list(dict.fromkeys(_unsafe_values(expanded)))
    if dropped or problems:
        raise _undefined(document, problems, list(dict.fromkeys(dropped)))
    return expanded


def to_nquads(document: Mapping[str, Any], *, loader: DocumentLoader = offline_loader) -> str:
    """Expand a JSON-LD document safely and return its RDF dataset as N-Quads.

    Args:
        document: The compacted JSON-LD document; it is not modified.
        loader: Where contexts come from; the pinned contexts by default.

    Returns:
        The dataset as N-Quads (not canonical: blank-node labels are pyld's).

    Raises:
        UndefinedTerm, ExpansionLimit: See ``expand_safely``.
        UnknownContext: The document uses a context the loader refuses.
        MalformedInput: The document is not valid JSON-LD.
    """
    expanded = expand_safely(document, loader=loader)
    # pyld's to_rdf would expand the expanded document again (70 % of its time), so build
    # the node map (ours: pyld's is quadratic, see verifier/nodemap.py) and the triples
    # directly, as to_rdf does after its expansion.
    processor = jsonld.JsonLdProcessor()
    issuer = IdentifierIssuer("_:b")
    try:
        node_map = create_node_map(expanded, issuer)
        dataset = {
            name: processor._graph_to_rdf(graph, issuer, _RDF_OPTIONS)
            for name, graph in sorted(node_map.items())
            if name == "@default" or _ABSOLUTE_IRI.fullmatch(name)
        }
    except (jsonld.JsonLdError, ValueError, TypeError, KeyError, RecursionError) as error:
        raise _translate(error) from error
    nquads: str = serialize_nquads(dataset)
    return nquads


class _Processor(jsonld.JsonLdProcessor):  # type: ignore[misc]
    """pyld's processor, remembering processed contexts and reporting dropped properties."""

    def __init__(
        self,
        memo: dict[tuple[object, ...], Any],
        on_dropped: Callable[[str | None], object],
        budget: ExpansionBudget,
    ) -> None:
        super().__init__(on_property_dropped=on_dropped)
        self._memo = memo
        self._budget = budget
        self._processed: set[tuple[object, ...]] = set()  # this document's context pairs
        self._nested = 0

    def _count(self, key: tuple[object, ...]) -> None:
        """Count a context pair the document itself needs, stopping at the budget.

        Contexts processed while processing another (scoped ones, validated as they are
        defined) are not counted: they happen only when the memo misses, and the count
        must not depend on what earlier documents left in the memo.
        """
        if self._nested:
            return
        self._processed.add(key)
        if len(self._processed) > self._budget.max_contexts:
            raise context_limit_reached(self._budget)

    def _process_context(
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: Any,
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: Any = None,
    ) -> Any:
        """Return a processed context, from the memo when this pair was processed before."""
        parent = active_ctx.get("_uuid")
        arguments = (override_protected, propagate, validate_scoped, cycles)
        if parent is None:  # a clone not yet named: nothing to key it by
            self._count((id(active_ctx), id(local_ctx)))
            return self._process(active_ctx, local_ctx, options, arguments)
        local = local_ctx if isinstance(local_ctx, str) else _context_key(local_ctx)
        key = (parent, local, override_protected, propagate, validate_scoped)
        self._count(key)
        processed = self._memo.get(key)
        if processed is None:
            processed = self._process(active_ctx, local_ctx, options, arguments)
            if len(self._memo) >= _MEMO_LIMIT:
                self._memo.clear()
            self._memo[key] = processed
        return processed

    def _process(
        self, active_ctx: Any, local_ctx: Any, options: Any, arguments: tuple[Any, ...]
    ) -> Any:
        """Process a context with pyld, marking the contexts it processes in turn."""
        self._nested += 1
        try:
            return super()._process_context(active_ctx, local_ctx, options, *arguments)
        finally:
            self._nested -= 1


def _context_key(local_ctx: Any) -> str:
    """Return a stable text key for an inline context (pyld uses frozendicts inside)."""
    return json.dumps(local_ctx, sort_keys=True, default=dict)


def _translate(error: BaseException) -> VerifierError:
    """Return the verifier error behind a pyld failure, or a MalformedInput describing it."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, VerifierError):
            return cause
        cause = cause.__cause__ or cause.__context__
    if isinstance(error, RecursionError):
        return MalformedInput("the JSON-LD document is nested too deeply to expand")
    innermost = error
    while isinstance(innermost.__cause__, jsonld.JsonLdError):
        innermost = innermost.__cause__
    code = getattr(innermost, "code", None)
    detail = f" ({code})" if code else ""
    message = innermost.args[0] if innermost.args else type(innermost).__name__
    return MalformedInput(f"the document is not valid JSON-LD{detail}: {message}")


def _unsafe_values(element: Any) -> Iterator[tuple[str, str]]:
    """Yield (kind, value) for each id, type, language or property that RDF cannot keep."""
    if isinstance(element, list):
        for item in element:
            yield from _unsafe_values(item)
        return
    if not isinstance(element, dict):
        return
    if "@value" in element:  # pyld itself rejects a relative datatype
        language = element.get("@language")
        if language is not None and not _BCP47.fullmatch(language):
            yield "language", language
        return
    for key, value in element.items():
        if key == "@id":
            if not _is_absolute(value):
                yield "id", value
        elif key == "@type":
            yield from (("type", item) for item in value if not _is_absolute(item))
        elif key == "@reverse":
            yield from _unsafe_values(value)
            yield from (("property", name) for name in value if name.startswith("_:"))
        elif key in ("@list", "@graph", "@included") or not key.startswith("@"):
            if key.startswith("_:"):
                yield "property", key
            yield from _unsafe_values(value)


def _is_absolute(value: Any) -> bool:
    """Tell whether a value is an absolute IRI or a blank-node identifier."""
    return isinstance(value, str) and _ABSOLUTE_IRI.fullmatch(value) is not None


def _undefined(
    document: Mapping[str, Any], problems: list[tuple[str, str]], dropped: list[str | None]
) -> UndefinedTerm:
    """Describe the first three problems and count the rest.

    Each description searches the document, so only the ones shown are described: a
    document with thousands of undefined terms is answered as fast as one with four.
    """
    # An undefined type comes first: it hides the terms its scoped context defines.
    describers: list[Callable[[], str]] = [
        *(partial(_value_message, document, *p) for p in problems if p[0] == "type"),
        *(partial(_dropped_message, document, name) for name in dropped),
        *(partial(_value_message, document, *p) for p in problems if p[0] != "type"),
    ]
    shown: list[str] = []
    used = 0
    while used < len(describers) and len(shown) < 3:
        message = describers[used]()
        used += 1
        if message not in shown:
            shown.append(message)
    rest = len(describers) - used
    return UndefinedTerm("; ".join(shown) + (f"; and {rest} more" if rest else ""))


def _dropped_message(document: Mapping[str, Any], dropped: str | None) -> str:
    """Describe a property that expansion dropped, by its path in the document."""
    if dropped is None:  # a key that looks like a keyword but is none
        path = _find(document, lambda key, _: key.startswith("@") and key not in jsonld.KEYWORDS)
        return f"{path or 'a key'} looks like a JSON-LD keyword but is not one; rename it"
    path = _find(document, lambda key, _: key == dropped) or _find(
        document, lambda key, _: dropped.endswith(key)
    )
    return f"{path or dropped} is not defined by any @context"


def _value_message(document: Mapping[str, Any], kind: str, value: str) -> str:
    """Describe an id, type, language or property that RDF cannot keep."""
    path = _find(
        document, lambda _, found: found == value or (isinstance(found, list) and value in found)
    )
    where = f"{path} " if path else ""
    if kind == "type":
        return f"{where or 'type '}{value!r} is not defined by any @context"
    if kind == "id":
        return f"{where}{value!r} is not an absolute IRI; identifiers must be absolute"
    if kind == "language":
        return f"{where}language tag {value!r} is not a valid BCP 47 tag"
    return f"{value} expands to a blank-node property, which RDF cannot hold"


def _find(document: Any, matches: Callable[[str, Any], bool], path: str = "") -> str | None:
    """Return the dotted path of the first key (outside @context) where ``matches`` holds."""
    if isinstance(document, list):
        for item in document:
            found = _find(item, matches, path)
            if found is not None:
                return found
        return None
    if not isinstance(document, Mapping):
        return None
    for key, value in document.items():
        if key == "@context":
            continue
        here = f"{path}.{key}" if path else key
        if matches(key, value):
            return here
        found = _find(value, matches, here)
        if found is not None:
            return found
    return None
