"""RDF Dataset Canonicalization (RDFC-1.0, formerly URDNA2015) of N-Quads, within a budget.

Our own implementation, chosen by measurement (``bench/canonicalization.py``): pyld's
URDNA2015 escapes literals in a pre-RDFC-1.0 way (it fails the RDFC-1.0 escaping test) and
neither it nor pyoxigraph bounds its work, so a ten-node blank-node clique (the suite's
poison graph) runs for minutes. Terms are kept as canonical N-Quads strings throughout, so
hashing and output are plain string joins.

Every dataset is canonicalized within a ``Budget``: at most so many blank nodes, and so many
steps of Hash N-Degree Quads work (one per related blank node hashed, per permutation element
tried and per label copied between issuers), so hostile input costs a bounded time whatever
its shape. Issuers are copied on write: most copies never issue a label, and copying every
one made a symmetric graph quadratic (6,000 blank nodes took 36 s).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Literal

from verifier.errors import CanonicalizationError
from verifier.nquads import Quad, parse_nquads, serialize_quad

HashAlgorithm = Literal["sha256", "sha384"]
HASH_ALGORITHMS: dict[str, Callable[[bytes], hashlib._Hash]] = {
    "sha256": hashlib.sha256,
    "sha384": hashlib.sha384,
}
# Nested Hash N-Degree Quads calls allowed: each takes two Python frames, and a long chain
# of look-alike blank nodes would otherwise exhaust Python's recursion limit (1,000).
MAX_DEPTH = 200
_POSITIONS = ("s", "", "o", "g")  # Hash Related Blank Node's position, by component index


@dataclass(frozen=True)
class Budget:
    """How much canonicalization work one dataset may take.

    Credentials have tens of blank nodes and need at most a few hundred steps; the
    suite's hardest computable graph (test044-046) needs 7,308 steps, while the ten-node
    clique (test074) is stopped at the step budget.
    """

    max_blank_nodes: int = 5_000
    max_steps: int = 100_000


DEFAULT_BUDGET = Budget()
_BUDGET: ContextVar[Budget] = ContextVar("canonicalization_budget", default=DEFAULT_BUDGET)


@contextmanager
def budget(value: Budget) -> Iterator[None]:
    """Canonicalize within ``value`` wherever no budget is passed, until the block ends."""
    token = _BUDGET.set(value)
    try:
        yield
    finally:
        _BUDGET.reset(token)


def canonicalize(
    nquads: str, *, hash_algorithm: HashAlgorithm = "sha256", budget: Budget | None = None
) -> str:
    """Return the RDFC-1.0 canonical form of an N-Quads dataset.

    Args:
        nquads: The dataset as N-Quads; duplicate quads count once.
        hash_algorithm: ``sha256`` (the default of RDFC-1.0) or ``sha384``.
        budget: The work allowed; by default the one ``budget()`` set, else ``Budget()``.

    Returns:
        The canonical N-Quads, one quad a line, sorted, each line ending in a newline.

    Raises:
        MalformedInput: A line is not an N-Quads statement.
        CanonicalizationError: The dataset needs more work than the budget allows.
    """
    state = _Canonicalizer(
        parse_nquads(nquads), HASH_ALGORITHMS[hash_algorithm], budget or _BUDGET.get()
    )
    return state.serialize()


def issued_identifiers(
    nquads: str, *, hash_algorithm: HashAlgorithm = "sha256", budget: Budget | None = None
) -> dict[str, str]:
    """Return the canonical blank-node label that RDFC-1.0 issues for each input label.

    Args:
        nquads: The dataset as N-Quads.
        hash_algorithm: ``sha256`` or ``sha384``.
        budget: The work allowed, as for ``canonicalize``.

    Returns:
        Input labels mapped to canonical labels (``c14n0`` ...), without ``_:``, in issue order.

    Raises:
        MalformedInput: A line is not an N-Quads statement.
        CanonicalizationError: The dataset needs more work than the budget allows.
    """
    state = _Canonicalizer(
        parse_nquads(nquads), HASH_ALGORITHMS[hash_algorithm], budget or _BUDGET.get()
    )
    return {old[2:]: new[2:] for old, new in state.canonical.issued.items()}


class _Issuer:
    """The Issue Identifier algorithm's state: a prefix and labels issued in order.

    Copies share their labels until one of them issues a new label (copy on write).
    """

    def __init__(self, prefix: str, issued: dict[str, str] | None = None) -> None:
        self.prefix = prefix
        self.issued = issued if issued is not None else {}
        self.shared = issued is not None

    def issue(self, existing: str) -> str:
        """Return the label issued for ``existing``, issuing the next one if needed."""
        label = self.issued.get(existing)
        if label is None:
            if self.shared:
                self.issued, self.shared = dict(self.issued), False
            label = self.issued[existing] = f"{self.prefix}{len(self.issued)}"
        return label

    def copy(self) -> _Issuer:
        """Return a copy that behaves as an independent one."""
        self.shared = True
        return _Issuer(self.prefix, self.issued)


class _Canonicalizer:
    """The RDFC-1.0 canonicalization state for one dataset."""

    def __init__(
        self,
        quads: list[Quad],
        hash_factory: Callable[[bytes], hashlib._Hash],
        budget: Budget,
    ) -> None:
        self.quads = quads
        self.hash_factory = hash_factory
        self.budget = budget
        self.steps = 0
        self.depth = 0
        self.canonical = _Issuer("_:c14n")
        self.blank_quads: dict[str, list[Quad]] = {}
        self.first_degree: dict[str, str] = {}
        for quad in quads:
            for index in (0, 2, 3):
                term = quad[index]
                if term.startswith("_:"):
                    quads_of = self.blank_quads.setdefault(term, [])
                    if not quads_of or quads_of[-1] is not quad:
                        quads_of.append(quad)
        if len(self.blank_quads) > budget.max_blank_nodes:
            raise CanonicalizationError(
                f"the dataset has {len(self.blank_quads)} blank nodes,"
                f" more than the {budget.max_blank_nodes} allowed"
            )
        self._issue_canonical_identifiers()

    def serialize(self) -> str:
        """Return the dataset with canonical labels, as sorted canonical N-Quads."""
        issued = self.canonical.issued
        lines = {serialize_quad(_relabel(quad, lambda node: issued[node])) for quad in self.quads}
        return "".join(sorted(lines))

    def _issue_canonical_identifiers(self) -> None:
        """Steps 3 to 5 of the Canonicalization Algorithm."""
        by_hash: dict[str, list[str]] = {}
        for node in self.blank_quads:
            by_hash.setdefault(self._hash_first_degree(node), []).append(node)
        shared: list[list[str]] = []
        for _, nodes in sorted(by_hash.items()):
            if len(nodes) == 1:
                self.canonical.issue(nodes[0])
            else:
                shared.append(nodes)
        for nodes in shared:
            results: list[tuple[str, _Issuer]] = []
            for node in nodes:
                if node in self.canonical.issued:
                    continue
                temporary = _Issuer("_:b")
                temporary.issue(node)
                results.append(self._hash_n_degree(node, temporary))
            for _, issuer in sorted(results, key=lambda result: result[0]):
                for existing in issuer.issued:
                    self.canonical.issue(existing)

    def _spend(self, steps: int) -> None:
        """Count Hash N-Degree Quads work, stopping at the budget."""
        self.steps += steps
        if self.steps > self.budget.max_steps:
            raise CanonicalizationError(
                f"RDFC-1.0 work limit of {self.budget.max_steps} steps"
                " reached; the dataset's blank nodes are too alike (a poison graph)"
            )

    def _issue(self, issuer: _Issuer, node: str) -> str:
        """Issue a temporary label, counting the copy it may cost."""
        if issuer.shared and node not in issuer.issued:
            self._spend(len(issuer.issued))
        return issuer.issue(node)

    def _hash(self, text: str) -> str:
        """Return the hex digest of ``text`` under the chosen hash algorithm."""
        return self.hash_factory(text.encode("utf-8")).hexdigest()

    def _hash_first_degree(self, node: str) -> str:
        """Hash First Degree Quads: the node's quads with itself as _:a, others as _:z."""
        cached = self.first_degree.get(node)
        if cached is not None:
            return cached
        lines = sorted(
            serialize_quad(_relabel(quad, lambda other: "_:a" if other == node else "_:z"))
            for quad in self.blank_quads[node]
        )
        digest = self.first_degree[node] = self._hash("".join(lines))
        return digest

    def _hash_related(self, related: str, quad: Quad, issuer: _Issuer, position: str) -> str:
        """Hash Related Blank Node."""
        label = self.canonical.issued.get(related) or issuer.issued.get(related)
        if label is None:
            label = self._hash_first_degree(related)
        predicate = quad[1] if position != "g" else ""
        return self._hash(position + predicate + label)

    def _hash_n_degree(self, node: str, issuer: _Issuer) -> tuple[str, _Issuer]:
        """Hash N-Degree Quads, within the depth limit and the step budget."""
        if self.depth >= MAX_DEPTH:
            raise CanonicalizationError(
                f"RDFC-1.0 work limit reached: Hash N-Degree Quads"
                f" nested more than {MAX_DEPTH} deep (a long chain of alike blank nodes)"
            )
        self.depth += 1
        try:
            return self._hash_n_degree_within(node, issuer)
        finally:
            self.depth -= 1

    def _hash_n_degree_within(self, node: str, issuer: _Issuer) -> tuple[str, _Issuer]:
        """Steps 1 to 6 of Hash N-Degree Quads."""
        self._spend(1 + len(self.blank_quads[node]))
        related_by_hash: dict[str, list[str]] = {}
        for quad in self.blank_quads[node]:
            for index in (0, 2, 3):
                term = quad[index]
                if term != node and term.startswith("_:"):
                    digest = self._hash_related(term, quad, issuer, _POSITIONS[index])
                    related_by_hash.setdefault(digest, []).append(term)
        data = []
        for digest, related in sorted(related_by_hash.items()):
            data.append(digest)
            chosen_path = ""
            chosen_issuer: _Issuer | None = None
            for permutation in _permutations(related):
                self._spend(len(permutation))
                path, issuer_copy = self._path(permutation, issuer, chosen_path)
                if path is not None and (not chosen_path or path < chosen_path):
                    chosen_path, chosen_issuer = path, issuer_copy
            data.append(chosen_path)
            assert chosen_issuer is not None  # the first permutation is always chosen
            issuer = chosen_issuer
        return self._hash("".join(data)), issuer

    def _path(
        self, permutation: list[str], issuer: _Issuer, chosen_path: str
    ) -> tuple[str | None, _Issuer]:
        """Steps 5.4.1 to 5.4.5 for one permutation; the path is None once it cannot win."""
        issuer_copy = issuer.copy()
        path = ""
        recursion: list[str] = []
        for related in permutation:
            label = self.canonical.issued.get(related)
            if label is None:
                if related not in issuer_copy.issued:
                    recursion.append(related)
                label = self._issue(issuer_copy, related)
            path += label
            if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                return None, issuer_copy
        for related in recursion:
            digest, issuer_copy = self._hash_n_degree(related, issuer_copy)
            path += self._issue(issuer_copy, related) + "<" + digest + ">"
            if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                return None, issuer_copy
        return path, issuer_copy


def _relabel(quad: Quad, label: Callable[[str], str]) -> Quad:
    """Return the quad with every blank node relabelled by ``label``."""
    subject, predicate, obj, graph = quad
    return (
        label(subject) if subject.startswith("_:") else subject,
        predicate,
        label(obj) if obj.startswith("_:") else obj,
        label(graph) if graph.startswith("_:") else graph,
    )


def _permutations(elements: list[str]) -> Iterator[list[str]]:
    """Yield permutations in the Steinhaus-Johnson-Trotter order that rdf-canonize uses.

    The order decides which of several equal paths wins, and so the issued labels that
    the map tests compare.
    """
    elements = sorted(elements)
    left = dict.fromkeys(elements, True)
    last = len(elements) - 1
    while True:
        yield list(elements)
        mobile, position = None, 0
        for index, element in enumerate(elements):
            if (mobile is None or element > mobile) and (
                (left[element] and index > 0 and element > elements[index - 1])
                or (not left[element] and index < last and element > elements[index + 1])
            ):
                mobile, position = element, index
        if mobile is None:
            return
        swap = position - 1 if left[mobile] else position + 1
        elements[position], elements[swap] = elements[swap], mobile
        for element in elements:
            if element > mobile:
                left[element] = not left[element]
