"""Batch Data Integrity signing: convert a credential template to RDF once, then substitute.

Credentials of one achievement differ in a few strings only (#4). ``CredentialTemplate``
converts a document holding placeholders (``"⟦credential_id⟧"``) to N-Quads once and records
where each lands: a whole IRI or a whole literal. Per credential the values are written
into those lines (literals escaped as pyld escapes them) and sorted as pyld sorts them, so
only RDFC-1.0 runs; the proof configuration is hashed once per batch. A value goes this
way only where full processing provably keeps it as text (see ``nquads``); any other is
signed by full processing, so ``sign_many`` always returns what ``create_proof`` returns.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pyld.nquads import escape

from verifier.canon import canonicalize
from verifier.errors import TemplateMismatch
from verifier.jsonld import to_nquads
from verifier.loader import DocumentLoader, offline_loader
from verifier.nquads import parse_nquads
from verifier.proofs import data_integrity
from verifier.proofs.data_integrity import Cryptosuite, PrivateKey

PLACEHOLDER = re.compile(r"⟦([A-Za-z_][A-Za-z0-9_]*)⟧")
# While compiling, a placeholder is this absolute IRI: it stays whole as an IRI or a literal.
_TOKEN = "urn:x-certifikation-placeholder:"
_TOKEN_NAME = re.compile(re.escape(_TOKEN) + r"([A-Za-z0-9_]+)")
_IRI_TERM = re.compile(f"<{_TOKEN_NAME.pattern}>")
_LITERAL_TERM = re.compile(f'"{_TOKEN_NAME.pattern}"(\\^\\^<[^>]*>|@[A-Za-z0-9-]+)?')
_LINE_SLOT = re.compile(f'(?<=[<"]){_TOKEN_NAME.pattern}(?=[>"])')
_JSON_SLOT = re.compile(f'"{_TOKEN_NAME.pattern}"')
# IRIs that pyld and our N-Quads parser keep as they are: a scheme, no space or delimiter.
_SAFE_IRI = re.compile(r'[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|^`\\\x00-\x20\x7f]*')
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XSD_DOUBLE = "^^<http://www.w3.org/2001/XMLSchema#double>"
_LITERAL = "#"  # a literal slot's key in the rendered values: name + "#"


def placeholder(name: str) -> str:
    """Return the placeholder string that marks a value named ``name`` in a template."""
    if not re.fullmatch(PLACEHOLDER.pattern[1:-1], name):
        raise TemplateMismatch(f"placeholder name {name!r} must be letters, digits and _")
    return f"⟦{name}⟧"


@dataclass(frozen=True)
class CredentialTemplate:
    """A credential document converted to N-Quads once, with slots for its placeholders."""

    names: frozenset[str]
    context: Any
    loader: DocumentLoader
    _json: str  # the document as a str.format template: {name} for each JSON value
    _fixed: tuple[str, ...]  # N-Quads lines without placeholders
    _lines: tuple[str, ...]  # the others, as str.format templates: {name} or {name#}
    _slots: tuple[str, ...]  # each slot's key: name for an IRI, name + "#" for a literal
    _subject_names: frozenset[str]  # placeholders that are a node's id
    _subjects: frozenset[str]  # the IRIs of the other nodes that have properties
    _terms: frozenset[str]  # every term any of the contexts defines

    @classmethod
    def compile(
        cls, document: Mapping[str, Any], *, loader: DocumentLoader = offline_loader
    ) -> CredentialTemplate:
        """Expand and convert a document with placeholders to N-Quads once.

        Args:
            document: An unsigned JSON-LD document in which some string values are
                placeholders, e.g. ``{"id": "⟦credential_id⟧", ...}``.
            loader: Where contexts come from.

        Returns:
            The template.

        Raises:
            TemplateMismatch: A placeholder is not a whole value, lies in a key or
                ``@context``, reaches no quad, or lands in a type, a graph name, an
                ``xsd:double`` or inside a larger term; or the document is signed, is
                not plain JSON, or holds an RDF list.
            UndefinedTerm: See ``verifier.jsonld.to_nquads``.
        """
        text = json.dumps(document, ensure_ascii=False)
        if _TOKEN in text or "proof" in document or json.loads(text) != document:
            raise TemplateMismatch(
                f"a template must be plain JSON without a proof or the text {_TOKEN}"
            )
        contexts: list[Any] = []
        marked = _mark(document, contexts)
        names = frozenset(_TOKEN_NAME.findall(json.dumps(marked)))
        nquads = to_nquads(marked, loader=loader)
        lines = [line + "\n" for line in nquads.split("\n")[:-1]]
        if len(set(lines)) != len(lines) or f"<{_RDF}first>" in nquads:
            raise TemplateMismatch("templates with RDF lists or repeated quads are unsupported")
        slotted = [_slot_line(line) for line in lines if _TOKEN in line]
        slots = frozenset(slot for _, line_slots in slotted for slot in line_slots)
        missing = names - {slot.removesuffix(_LITERAL) for slot in slots}
        if missing or not names:
            raise TemplateMismatch(f"placeholders {sorted(missing)} reach no quad; need one")
        return cls(
            names=names,
            context=copy.deepcopy(document.get("@context")),
            loader=loader,
            _json=_JSON_SLOT.sub(r"{\1}", _braces(json.dumps(marked, ensure_ascii=False))),
            _fixed=tuple(line for line in lines if _TOKEN not in line),
            _lines=tuple(line for line, _ in slotted),
            _slots=tuple(sorted(slots)),
            _subject_names=frozenset(_subject(line) for line in lines) - {""},
            _subjects=frozenset(line[1 : line.index(">")] for line in lines if line[0] == "<")
            - {_TOKEN + name for name in names},
            _terms=frozenset(_terms(contexts, loader, set())),
        )

    def document(self, values: Mapping[str, object]) -> dict[str, Any]:
        """Return the JSON document with each placeholder replaced by its value.

        Raises:
            TemplateMismatch: A placeholder has no value, or a value names no placeholder.
        """
        self._check_names(values)
        encoded = {name: json.dumps(value, ensure_ascii=False) for name, value in values.items()}
        document: dict[str, Any] = json.loads(self._json.format_map(encoded))
        return document

    def nquads(self, values: Mapping[str, object]) -> str:
        """Return ``to_nquads(self.document(values))``, computed by substitution alone.

        An IRI must be absolute, not a blank node, and safe from every context term (as a
        term or as the prefix of a compact IRI); a literal must be a string (a number
        would change its datatype). No node may take another's id, and no two quads may
        become one: pyld would merge them.

        Raises:
            TemplateMismatch: A value breaks these rules; full processing then gives
                the right answer, or the right error.
        """
        self._check_names(values)
        rendered: dict[str, str] = {}
        for slot in self._slots:
            name = slot.removesuffix(_LITERAL)
            value = values[name]
            if slot == name:
                rendered[slot] = self._iri(name, value)
            elif isinstance(value, str):  # pyld escapes literals, never IRIs
                rendered[slot] = escape(value)
            else:
                raise TemplateMismatch(f"{name} must be a string, not {value!r}")
        subjects = [values[name] for name in self._subject_names]
        if len(set(subjects)) < len(subjects) or not self._subjects.isdisjoint(subjects):
            raise TemplateMismatch("a node id equals another node's id; pyld merges them")
        lines = [*self._fixed, *(line.format_map(rendered) for line in self._lines)]
        if len(set(lines)) < len(lines):
            raise TemplateMismatch("two quads become equal; pyld would keep one")
        return "".join(sorted(lines))

    def _iri(self, name: str, value: object) -> str:
        """Return an IRI slot's value, unchanged, if full processing would keep it so."""
        if not isinstance(value, str) or not _SAFE_IRI.fullmatch(value):
            raise TemplateMismatch(f"{name} must be an absolute IRI, not {value!r}")
        scheme, rest = value.split(":", 1)
        if value in self._terms or (scheme in self._terms and not rest.startswith("//")):
            raise TemplateMismatch(f"{name} {value!r} could expand as a term or compact IRI")
        return value

    def _check_names(self, values: Mapping[str, object]) -> None:
        """Require exactly one value per placeholder."""
        if values.keys() != self.names:
            missing, unknown = self.names - values.keys(), values.keys() - self.names
            raise TemplateMismatch(f"values missing for {sorted(missing)}, unknown {unknown}")


def sign_many(
    template: CredentialTemplate,
    values: Iterable[Mapping[str, object]],
    *,
    suite: Cryptosuite,
    private_key: PrivateKey,
    verification_method: str,
    created: datetime | str | None,
    proof_purpose: str = "assertionMethod",
) -> Iterator[dict[str, Any]]:
    """Sign one credential per set of values, each exactly as ``create_proof`` would.

    The proof configuration is canonicalized and hashed once; each credential costs a
    substitution, RDFC-1.0, one hash and one signature. Values the template cannot take
    (see ``CredentialTemplate.nquads``) are signed by full processing instead.

    Args:
        template: The compiled credential template.
        values: One mapping of placeholder name to value per credential.
        suite: The cryptosuite, for example eddsa-rdfc-2022.
        private_key: The signing key.
        verification_method: The URL of the public key.
        created: When the proofs were made; None leaves it out.
        proof_purpose: Why the key signs.

    Returns:
        The signed documents, in the order of ``values``, made as they are consumed.

    Raises:
        TemplateMismatch: A mapping lacks a placeholder's value or names an unknown one.
        InvalidKey: The key does not suit the cryptosuite.
        MalformedInput: ``created`` is not a date-time with a time zone.
        UndefinedTerm: A credential that took full processing is not safe to sign.
    """
    options: dict[str, Any] = {"type": data_integrity.PROOF_TYPE, "cryptosuite": suite.name}
    if created is not None:  # the same options, in the same order, as create_proof
        options["created"] = data_integrity.format_created(created)
    options |= {"verificationMethod": verification_method, "proofPurpose": proof_purpose}
    algorithm = suite.canonical_hash(private_key)
    config = data_integrity.canonical_proof_config(
        options, {"@context": template.context}, loader=template.loader, hash_algorithm=algorithm
    )
    config_hash = suite.hash(config.encode("utf-8"), private_key)
    for each in values:
        document = template.document(each)
        try:
            nquads = template.nquads(each)
        except TemplateMismatch:
            yield data_integrity.create_proof(
                document,
                suite=suite,
                private_key=private_key,
                verification_method=verification_method,
                created=created,
                proof_purpose=proof_purpose,
                loader=template.loader,
            )
            continue
        canonical = canonicalize(nquads, hash_algorithm=algorithm)
        data = config_hash + suite.hash(canonical.encode("utf-8"), private_key)
        signature = data_integrity.encode_proof_value(suite.sign(private_key, data))
        document["proof"] = {**options, "proofValue": signature}
        yield document


def _mark(value: Any, contexts: list[Any]) -> Any:
    """Return a JSON value with placeholders replaced by tokens, collecting its contexts."""
    if isinstance(value, list):
        return [_mark(item, contexts) for item in value]
    if isinstance(value, dict):
        if any("⟦" in key for key in value):
            raise TemplateMismatch(f"a placeholder in a key of {value!r}: only values may vary")
        if "@context" in value:
            if "⟦" in json.dumps(value["@context"], ensure_ascii=False):
                raise TemplateMismatch("a placeholder inside @context: contexts cannot vary")
            contexts.append(value["@context"])
        return {k: v if k == "@context" else _mark(v, contexts) for k, v in value.items()}
    if isinstance(value, str) and "⟦" in value:
        match = PLACEHOLDER.fullmatch(value)
        if match is None:
            raise TemplateMismatch(f"{value!r}: a placeholder must be a whole value")
        return _TOKEN + match.group(1)
    return value


def _slot_line(line: str) -> tuple[str, list[str]]:
    """Return a line as a str.format template and its slots; only whole terms may vary."""
    ((subject, predicate, obj, graph),) = parse_nquads(line)
    slots: list[str] = []
    if match := _IRI_TERM.fullmatch(subject):
        slots.append(match.group(1))
    if match := _IRI_TERM.fullmatch(obj):
        if predicate == f"<{_RDF}type>":
            raise TemplateMismatch(f"⟦{match.group(1)}⟧ is a type, which selects contexts")
        slots.append(match.group(1))
    elif match := _LITERAL_TERM.fullmatch(obj):
        if match.group(2) == _XSD_DOUBLE:
            raise TemplateMismatch(f"⟦{match.group(1)}⟧ is an xsd:double, which pyld rewrites")
        slots.append(match.group(1) + _LITERAL)
    if graph or len(slots) != line.count(_TOKEN):
        where = "in a named graph" if graph else "inside a larger term"
        raise TemplateMismatch(f"a placeholder lands {where}: {line!r}")
    parts = _LINE_SLOT.split(_braces(line))  # text, name, text, name, ..., text
    parts[1::2] = [f"{{{slot}}}" for slot in slots]
    return "".join(parts), slots


def _subject(line: str) -> str:
    """Return the placeholder name a line's subject is, or "" if it is none."""
    match = _IRI_TERM.match(line)
    return match.group(1) if match else ""


def _braces(text: str) -> str:
    """Escape text for use as a str.format template."""
    return text.replace("{", "{{").replace("}", "}}")


def _terms(context: Any, loader: DocumentLoader, seen: set[str]) -> Iterator[str]:
    """Yield every term an ``@context`` value defines, loading URLs, scoped contexts included."""
    if isinstance(context, list):
        for item in context:
            yield from _terms(item, loader, seen)
    elif isinstance(context, str) and context not in seen:
        seen.add(context)
        yield from _terms(loader(context, None)["document"].get("@context"), loader, seen)
    elif isinstance(context, dict):
        yield from (key for key in context if not key.startswith("@"))
        yield from _terms(context.get("@import"), loader, seen)
        for definition in context.values():
            if isinstance(definition, dict):
                yield from _terms(definition.get("@context"), loader, seen)
