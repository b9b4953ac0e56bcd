"""The JSON-LD 1.1 Node Map Generation algorithm, in time linear in the values it maps.

pyld's ``_create_node_map`` keeps each property's values unique by comparing a new value
with every value already there, so a node with n values of one property costs n² / 2
comparisons: 4,000 tags took 6.4 s, the same 35 KB credential that expands in 20 ms.
This is the same algorithm, the same output and the same blank-node labels, with each
property's values indexed by their JSON-LD identity (``compare_values``'s rules: equal
primitives, equal ``@value`` objects, equal ``@id``), so each value costs one lookup.
``tests/verifier/test_nodemap.py`` compares it with pyld's on every shipped vector.
"""

from __future__ import annotations

from typing import Any

from pyld.identifier_issuer import IdentifierIssuer
from pyld.jsonld import KEYWORDS, JsonLdError, JsonLdProcessor

GraphMap = dict[str, dict[str, dict[str, Any]]]


def create_node_map(expanded: list[Any], issuer: IdentifierIssuer) -> GraphMap:
    """Flatten an expanded JSON-LD document into a map of graph name to node id to node.

    Args:
        expanded: The expanded document, as ``expand_safely`` returns it.
        issuer: Issues the blank-node labels (``_:b0`` ...), in pyld's order.

    Returns:
        The graph map, with ``@default`` always present.

    Raises:
        JsonLdError: A node has two different ``@index`` values.
    """
    builder = _Builder(issuer)
    builder.add(expanded, "@default")
    return builder.graphs


class _Builder:
    """The graph map being built, and an index of the values each node's property holds."""

    def __init__(self, issuer: IdentifierIssuer) -> None:
        self.issuer = issuer
        self.graphs: GraphMap = {"@default": {}}
        self.index: dict[tuple[int, str], set[object]] = {}

    def add_value(self, node: dict[str, Any], prop: str, value: Any, *, unique: bool) -> None:
        """Append ``value`` to ``node[prop]``, unless ``unique`` and an equal value is there."""
        values = node.setdefault(prop, [])
        if unique:
            key = _identity(value)
            if key is None:  # an @json literal: compared the slow way, as pyld does
                if any(JsonLdProcessor.compare_values(value, v) for v in values):
                    return
            else:
                seen = self.index.setdefault((id(node), prop), set())
                if key in seen:
                    return
                seen.add(key)
        values.append(value)

    def add(
        self,
        element: Any,
        graph: str,
        subject: str | dict[str, Any] | None = None,
        prop: str | None = None,
        list_: dict[str, list[Any]] | None = None,
    ) -> None:
        """Add one expanded element (or each of a list of them) to ``graph``."""
        if isinstance(element, list):
            for item in element:
                self.add(item, graph, subject, prop, list_)
            return
        nodes = self.graphs.setdefault(graph, {})
        subject_node = nodes.get(subject) if isinstance(subject, str) else None
        if "@value" in element:
            type_ = element.get("@type")
            if isinstance(type_, str) and type_.startswith("_:"):
                element["@type"] = self.issuer.get_id(type_)
            if list_ is not None:
                list_["@list"].append(element)
            elif subject_node is not None:
                self.add_value(subject_node, str(prop), element, unique=True)
            return
        for type_ in element.get("@type", ()):  # the spec labels @type blank nodes first
            if type_.startswith("_:"):
                self.issuer.get_id(type_)
        if "@list" in element:
            held: dict[str, list[Any]] = {"@list": []}
            self.add(element["@list"], graph, subject, prop, held)
            if list_ is not None:
                list_["@list"].append(held)
            elif subject_node is not None:
                self.add_value(subject_node, str(prop), held, unique=False)
            return
        self._add_node(element, graph, nodes, subject, subject_node, prop, list_)

    def _add_node(
        self,
        element: dict[str, Any],
        graph: str,
        nodes: dict[str, dict[str, Any]],
        subject: str | dict[str, Any] | None,
        subject_node: dict[str, Any] | None,
        prop: str | None,
        list_: dict[str, list[Any]] | None,
    ) -> None:
        """Add a node object: merge it into its node, link it, then map its properties."""
        id_ = element.get("@id")
        if id_ is None or str(id_).startswith("_:"):
            id_ = self.issuer.get_id(id_)
        node = nodes.setdefault(id_, {"@id": id_})
        if isinstance(subject, dict):  # a reverse property: the node points at the subject
            self.add_value(node, str(prop), subject, unique=True)
        elif prop:
            reference = {"@id": id_}
            if list_ is not None:
                list_["@list"].append(reference)
            elif subject_node is not None:
                self.add_value(subject_node, prop, reference, unique=True)
        for key, objects in sorted(element.items()):
            if key == "@id":
                continue
            if key == "@reverse":
                referenced = {"@id": id_}
                for reverse_prop, items in objects.items():
                    for item in items:
                        self.add(item, graph, referenced, reverse_prop)
            elif key == "@graph":
                self.graphs.setdefault(id_, {})
                self.add(objects, graph if graph == "@merged" else id_)
            elif key == "@included":
                self.add(objects, graph)
            elif key != "@type" and key in KEYWORDS:
                if key == "@index" and "@index" in node and objects != node["@index"]:
                    raise JsonLdError(
                        "Invalid JSON-LD syntax; conflicting @index property detected.",
                        "jsonld.SyntaxError",
                        {"node": node},
                        code="conflicting indexes",
                    )
                node[key] = objects
            else:
                self._add_property(node, id_, graph, key, objects)

    def _add_property(
        self, node: dict[str, Any], id_: str, graph: str, prop: str, objects: list[Any]
    ) -> None:
        """Map the values of one property (or @type) of the node ``id_``."""
        if prop.startswith("_:"):
            prop = self.issuer.get_id(prop)
        if not objects:
            node.setdefault(prop, [])
            return
        for item in objects:
            if prop == "@type":
                type_ = self.issuer.get_id(item) if item.startswith("_:") else item
                self.add_value(node, prop, type_, unique=True)
            else:
                self.add(item, graph, id_, prop)


def _identity(value: Any) -> object:
    """Return what ``compare_values`` compares a value by, or None for an @json literal.

    Booleans are kept apart from the numbers Python holds equal to them (``True == 1``).
    A node reference without ``@id`` and a ``@list`` equal nothing but themselves.
    """
    if not isinstance(value, dict):
        return ("literal", type(value) is bool, value)
    if "@value" in value:
        inner = value["@value"]
        if isinstance(inner, dict | list):
            return None
        kind = (value.get("@type"), value.get("@language"), value.get("@index"))
        return ("@value", kind, type(inner) is bool, inner)
    if value.get("@id") is not None:
        return ("@id", value["@id"])
    return ("object", id(value))
