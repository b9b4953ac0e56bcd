"""How much JSON-LD expansion one document may take: its size, depth and contexts, bounded.

Expansion, the node map, RDF conversion and canonicalization are each linear in the values
a document holds, but at tens of microseconds a value in pure Python: 2 MB of short tags
(200,000 values) took 15 s from JSON to canonical N-Quads. So a document is measured before
pyld sees it, by one walk that stops at the limit, and refused as too complex to verify
when it holds more values or nests deeper than the ``ExpansionBudget``. Each context
processed (an embedded ``@context``, or a scoped context met under a parent context not
seen before) clones the whole active context, about 1 ms under OB 3.0, so those are
counted during expansion against ``max_contexts`` (``bench/jsonld_expansion.py``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from verifier.errors import ExpansionLimit


@dataclass(frozen=True)
class ExpansionBudget:
    """How large a JSON-LD document may be for expansion.

    The OB 3.0 spec's full example holds 551 JSON values, nests 10 deep and needs 21
    contexts processed; at these limits the costliest shapes verify in under 1 s.
    """

    max_values: int = 10_000  # objects, array items and scalars, inline contexts included
    max_depth: int = 64  # as verifier.formats.json.MAX_DEPTH: the top object is level 1
    max_contexts: int = 200  # distinct (parent, local) context pairs processed


DEFAULT_EXPANSION_BUDGET = ExpansionBudget()
_BUDGET: ContextVar[ExpansionBudget] = ContextVar(
    "expansion_budget", default=DEFAULT_EXPANSION_BUDGET
)


@contextmanager
def expansion_budget(value: ExpansionBudget) -> Iterator[None]:
    """Expand within ``value`` wherever no budget is passed, until the block ends."""
    token = _BUDGET.set(value)
    try:
        yield
    finally:
        _BUDGET.reset(token)


def current_budget() -> ExpansionBudget:
    """Return the budget ``expansion_budget()`` set, else the default one."""
    return _BUDGET.get()


def check_extent(document: Mapping[str, Any], budget: ExpansionBudget) -> None:
    """Walk the document once, without recursion, stopping at the first limit it passes.

    Raises:
        ExpansionLimit: It holds more values or nests deeper than ``budget`` allows.
    """
    values = 0
    pending: list[tuple[Any, int]] = [(document, 1)]
    while pending:
        value, depth = pending.pop()
        values += 1
        if values > budget.max_values:
            raise ExpansionLimit(
                f"the document holds more than the {budget.max_values} JSON values allowed"
            )
        if isinstance(value, Mapping | list | tuple):
            if depth > budget.max_depth:
                raise ExpansionLimit(
                    f"the document nests more than the {budget.max_depth} levels allowed"
                )
            items = value.values() if isinstance(value, Mapping) else value
            pending.extend((item, depth + 1) for item in items)


def context_limit_reached(budget: ExpansionBudget) -> ExpansionLimit:
    """Return the error for a document that needs more contexts processed than allowed."""
    return ExpansionLimit(
        f"the document needs more than the {budget.max_contexts} JSON-LD contexts"
        " processed that are allowed (embedded or scoped contexts in too many places)"
    )
