"""N-Quads parsing and canonical serialization (RDF 1.2 canonical form, as RDFC-1.0 needs)."""

from __future__ import annotations

import re

from verifier.errors import MalformedInput

# One quad as canonical N-Quads terms: subject, predicate, object, graph ("" = default graph).
Quad = tuple[str, str, str, str]

_XSD_STRING = "<http://www.w3.org/2001/XMLSchema#string>"

_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
# IRIs as jsonld.js writes them: it does not reject the "{}|^` that N-Quads' IRIREF excludes.
_IRI_CHARS = r"[^\x00-\x20<>\\]*"
_IRI = rf"<({_IRI_CHARS}(?:(?:{_UCHAR}){_IRI_CHARS})*)>"  # unrolled: 4x faster than (a|b)*
_PN_CHARS_U = (
    "A-Za-z_\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_BNODE = rf"(_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)"
_STRING_CHARS = r"[^\"\\\n\r]*"
_ESCAPED = rf"\\[tbnrf\"'\\]|{_UCHAR}"
_LITERAL = (
    rf"\"({_STRING_CHARS}(?:(?:{_ESCAPED}){_STRING_CHARS})*)\""
    rf"(?:\^\^{_IRI}|@([a-zA-Z]+(?:-[a-zA-Z0-9]+)*))?"
)
_QUAD = re.compile(
    rf"[ \t]*(?:{_IRI}|{_BNODE})[ \t]*{_IRI}[ \t]*(?:{_IRI}|{_BNODE}|{_LITERAL})"
    rf"[ \t]*(?:(?:{_IRI}|{_BNODE})[ \t]*)?\.[ \t]*(?:#.*)?"
)
_BLANK_OR_COMMENT = re.compile(r"[ \t]*(?:#.*)?")
_UNESCAPE = re.compile(rf"\\[tbnrf\"'\\]|{_UCHAR}")
_ECHARS = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
# RDF 1.2 canonical N-Quads: ECHAR for these seven, \uXXXX (upper-case) for other controls.
_ESCAPE = {
    ord(c): e
    for c, e in zip(
        '\b\t\n\f\r"\\', ("\\b", "\\t", "\\n", "\\f", "\\r", '\\"', "\\\\"), strict=True
    )
}
_ESCAPE.update({c: f"\\u{c:04X}" for c in [*range(0x20), 0x7F] if c not in _ESCAPE})


def parse_nquads(nquads: str) -> list[Quad]:
    """Parse N-Quads into quads of canonical terms, dropping duplicates.

    Args:
        nquads: N-Quads text; comments and blank lines are ignored.

    Returns:
        The distinct quads, in input order.

    Raises:
        MalformedInput: A line is not an N-Quads statement, or the text is not Unicode.
    """
    if not nquads.isascii():
        try:
            nquads.encode("utf-8")
        except UnicodeEncodeError as error:  # a lone surrogate, which cannot be hashed
            raise MalformedInput(f"N-Quads text is not valid Unicode: {error.reason}") from None
    quads: dict[Quad, None] = {}
    for number, line in enumerate(nquads.split("\n"), start=1):
        match = _QUAD.fullmatch(line.removesuffix("\r"))
        if match is None:
            if _BLANK_OR_COMMENT.fullmatch(line):
                continue
            raise MalformedInput(f"N-Quads line {number} is not a statement: {line[:80]!r}")
        quads[_quad(match.groups())] = None
    return list(quads)


def serialize_quad(quad: Quad) -> str:
    """Return one quad as a canonical N-Quads line."""
    subject, predicate, obj, graph = quad
    if graph:
        return f"{subject} {predicate} {obj} {graph} .\n"
    return f"{subject} {predicate} {obj} .\n"


def _quad(groups: tuple[str | None, ...]) -> Quad:
    """Build a quad of canonical terms from the groups of one ``_QUAD`` match."""
    (s_iri, s_bnode, p_iri, o_iri, o_bnode, lexical, datatype, language, g_iri, g_bnode) = groups
    subject = _iri(s_iri) if s_iri is not None else s_bnode
    if o_iri is not None:
        obj = _iri(o_iri)
    elif o_bnode is not None:
        obj = o_bnode
    else:
        obj = '"' + _unescape(lexical or "").translate(_ESCAPE) + '"'
        if language is not None:
            obj += "@" + language
        elif datatype is not None and _iri(datatype) != _XSD_STRING:
            obj += "^^" + _iri(datatype)
    graph = _iri(g_iri) if g_iri is not None else g_bnode or ""
    return (subject or "", _iri(p_iri or ""), obj, graph)


def _iri(value: str) -> str:
    """Return an IRI as a canonical term: angle brackets, escapes decoded."""
    return "<" + (_unescape(value) if "\\" in value else value) + ">"


def _unescape(value: str) -> str:
    """Decode the ECHAR and UCHAR escapes of N-Quads."""
    if "\\" not in value:
        return value
    return _UNESCAPE.sub(_decode_escape, value)


def _decode_escape(match: re.Match[str]) -> str:
    """Decode one escape sequence."""
    text = match.group()
    if text[1] not in "uU":
        return _ECHARS[text[1]]
    code = int(text[2:], 16)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:  # no such character, or half of one
        raise MalformedInput(f"N-Quads escape {text} is not a Unicode scalar value")
    return chr(code)
