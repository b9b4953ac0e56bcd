"""Open Badges in SVG: find the baked element with defusedxml, and splice one into the text."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any, Literal
from xml.sax.saxutils import escape

# No stubs are installed for defusedxml (types-defusedxml would make this ignore unused).
from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import DefusedXMLParser  # type: ignore[import-untyped]

from verifier.errors import MalformedInput, NoCredential, UnsupportedFormat
from verifier.formats import jwt

Version = Literal["ob3", "ob2"]
NAMESPACES: dict[Version, str] = {
    "ob3": "https://purl.imsglobal.org/ob/v3p0",
    "ob2": "http://openbadges.org",
}
ELEMENTS: dict[Version, str] = {"ob3": "credential", "ob2": "assertion"}
MAX_BYTES = 10 * 1024 * 1024
_TAGS: dict[str, Version] = {f"{{{NAMESPACES[v]}}}{ELEMENTS[v]}": v for v in NAMESPACES}

# Spans of tags that expat has already found well formed; attribute values cannot hold the
# quote that delimits them, nor "<".
_START_TAG = re.compile(rb"<[^\s/>]+(?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*\s*/?>")
_END_TAG = re.compile(rb"</[^\s>]+\s*>")
_ATTRIBUTE = re.compile(rb"\s+([^\s=/>]+)\s*=\s*(?:\"[^\"]*\"|'[^']*')")
_TAG_NAME = re.compile(rb"<([^\s/>]+)")
_ENCODING = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)")
_WHITESPACE = b" \t\r\n"


@dataclass(frozen=True)
class Baked:
    """What an SVG's Open Badges element holds: its `verify` attribute and its text."""

    version: Version
    verify: str | None
    text: str


def extract(svg: bytes, *, max_bytes: int = MAX_BYTES) -> Baked:
    """Return the Open Badges element of an SVG, refusing DTD entities (XXE, billion laughs).

    OB 3.0's `<openbadges:credential>` wins over OB 2.0's `<openbadges:assertion>`; either
    appearing twice is refused, since two readers could then see two different credentials.

    Args:
        svg: the whole file.
        max_bytes: the largest file read.

    Returns:
        The version, the `verify` attribute (a compact JWS, or for OB 2.0 a URL) and the
        element's text (the credential's JSON, from CDATA), stripped of whitespace.

    Raises:
        UnsupportedFormat: the XML's root is not `<svg>`.
        NoCredential: the SVG has no Open Badges element.
        MalformedInput: too large, not well-formed XML, declares entities, or a duplicate.
    """
    scan = _scan(svg, max_bytes)
    for version in NAMESPACES:
        found = [element for element in scan.elements if element.version == version]
        if len(found) > 1:
            raise MalformedInput(
                f"The SVG has {len(found)} <openbadges:{ELEMENTS[version]}> elements; "
                "one is allowed."
            )
        if found:
            element = found[0]
            return Baked(version, element.verify, "".join(element.text).strip())
    raise NoCredential(
        "The SVG has no Open Badges credential baked into it (no <openbadges:credential> "
        f"in {NAMESPACES['ob3']} nor <openbadges:assertion> in {NAMESPACES['ob2']})."
    )


def bake(
    svg: bytes, *, credential: str, version: Version = "ob3", verify: str | None = None
) -> bytes:
    """Return the SVG with an Open Badges element as the root's first child.

    Any Open Badges element already there is removed, so baking again replaces rather than
    stacks, and the root's `xmlns:openbadges` is set to the version's namespace; every
    other byte is kept as it was. A compact JWS goes in the `verify` attribute and JSON in
    a CDATA body, as both baking specifications say.

    Args:
        svg: a UTF-8 SVG.
        credential: the credential's JSON or compact JWS, or (OB 2.0) a hosted URL.
        version: "ob3" bakes `<openbadges:credential>`, "ob2" `<openbadges:assertion>`.
        verify: OB 2.0 only: the hosted assertion's URL, set beside a JSON body.

    Raises:
        MalformedInput: the SVG cannot be read or is not UTF-8, or the arguments do not fit
            the version.
    """
    element = _element(credential, version, verify)
    _check_utf8(svg)
    scan = _scan(svg, MAX_BYTES)
    root_start, root_end = _start_tag(svg, scan.root)
    name, root = _without_prefix(svg[root_start:root_end])
    declaration = f' xmlns:openbadges="{NAMESPACES[version]}"'.encode()
    if root.endswith(b"/>"):  # <svg .../> has no content yet: open it to hold a child
        root = root[:-2] + declaration + b">" + element + b"</" + name + b">"
    else:
        root = root[:-1] + declaration + b">" + element
    parts, kept_from = [svg[:root_start], root], root_end
    # The scan notes only outermost elements, so these spans never overlap.
    for start, end in sorted(_span(svg, found) for found in scan.elements):
        parts.append(svg[kept_from:start])
        kept_from = end
    parts.append(svg[kept_from:])
    baked = b"".join(parts)
    # Rebinding the root's openbadges: prefix could break or capture other elements.
    if len(_scan(baked, len(baked)).elements) != 1:
        raise MalformedInput("The SVG uses the openbadges: prefix for another namespace.")
    return baked


def _without_prefix(tag: bytes) -> tuple[bytes, bytes]:
    # Walk the attributes in order, so an attribute value that merely contains the text
    # xmlns:openbadges="..." is left alone.
    name = _match(_TAG_NAME, tag, 0)
    kept, position = [name.group()], name.end()
    while attribute := _ATTRIBUTE.match(tag, position):
        if attribute.group(1) != b"xmlns:openbadges":
            kept.append(attribute.group())
        position = attribute.end()
    return name.group(1), b"".join(kept) + tag[position:]


def _element(credential: str, version: Version, verify: str | None) -> bytes:
    name = f"openbadges:{ELEMENTS[version]}"
    text = credential.strip()
    if version == "ob3" and verify is not None:
        raise MalformedInput("verify is for OB 2.0; an OB 3.0 JWS goes in credential.")
    signed = jwt.is_compact(text)
    if version == "ob2" and (signed or text.startswith(("https://", "http://"))):
        return f'<{name} verify="{_attribute(text)}"/>'.encode()  # OB 2.0: self-closing
    if signed:
        return f'<{name} verify="{_attribute(text)}"></{name}>'.encode()  # as OB 3.0 shows
    if not text.startswith("{"):
        raise MalformedInput("The credential to bake must be JSON or a compact JWS.")
    opening = f'<{name} verify="{_attribute(verify)}">' if verify else f"<{name}>"
    # "]]>" cannot appear inside CDATA; JSON may hold it in a string, so split the section.
    body = text.replace("]]>", "]]]]><![CDATA[>")
    return f"{opening}<![CDATA[{body}]]></{name}>".encode()


def _attribute(value: str) -> str:
    return escape(value, {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def _check_utf8(svg: bytes) -> None:
    head = svg[:200]
    match = _ENCODING.search(head)
    encoding = match.group(1).lower() if match else b"utf-8"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or encoding not in (b"utf-8", b"utf8"):
        raise MalformedInput("Only UTF-8 SVGs can be baked; save the SVG as UTF-8.")


@dataclass
class _Element:
    version: Version
    verify: str | None
    start: int  # where its start tag begins
    end: int = -1  # where expat reported its end: at "</", or past "/>" when empty
    text: list[str] = field(default_factory=list)


class _Scan:
    """An ElementTree parser target noting where the root and Open Badges elements are."""

    def __init__(self, offset: int) -> None:
        self.offset = offset  # of the bytes fed to expat within the file
        self.parser: Any = None
        self.depth = 0
        self.root = -1
        self.elements: list[_Element] = []
        self.open: _Element | None = None
        self.open_depth = 0

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        if self.depth == 0:
            if tag.rpartition("}")[2] != "svg":
                raise UnsupportedFormat(f"The XML's root is <{tag[:100]}>, not an SVG's <svg>.")
            self.root = self._index()
        self.depth += 1
        version = _TAGS.get(tag)
        if version is not None and self.open is None:
            self.open = _Element(version, attrib.get("verify"), self._index())
            self.open_depth = self.depth

    def end(self, tag: str) -> None:
        if self.open is not None and self.depth == self.open_depth:
            self.open.end = self._index()
            self.elements.append(self.open)
            self.open = None
        self.depth -= 1

    def data(self, text: str) -> None:
        if self.open is not None:
            self.open.text.append(text)

    def close(self) -> None:
        return None

    def _index(self) -> int:
        return int(self.parser.CurrentByteIndex) + self.offset


def _scan(svg: bytes, max_bytes: int) -> _Scan:
    if len(svg) > max_bytes:
        raise MalformedInput(f"The SVG is {len(svg)} bytes; at most {max_bytes} are read.")
    # Whitespace before <?xml ...?> is an expat error, but harmless; skip it (and a BOM).
    data = svg.removeprefix(b"\xef\xbb\xbf").lstrip(_WHITESPACE)
    scan = _Scan(len(svg) - len(data))
    parser = DefusedXMLParser(target=scan)
    scan.parser = parser.parser
    try:
        parser.feed(data)
        parser.close()
    except DefusedXmlException:
        raise MalformedInput(
            "The SVG declares XML entities, which are refused (XXE and entity expansion)."
        ) from None
    except (ET.ParseError, LookupError, ValueError) as exc:  # LookupError: unknown encoding
        raise MalformedInput(f"The SVG is not well-formed XML ({exc}).") from None
    return scan


def _start_tag(svg: bytes, index: int) -> tuple[int, int]:
    return index, _match(_START_TAG, svg, index).end()


def _span(svg: bytes, element: _Element) -> tuple[int, int]:
    start, end = _start_tag(svg, element.start)
    if svg[end - 2 : end] != b"/>":
        end = _match(_END_TAG, svg, element.end).end()
    return start, end


def _match(pattern: re.Pattern[bytes], svg: bytes, index: int) -> re.Match[bytes]:
    match = pattern.match(svg, index)
    if match is None:  # pragma: no cover - expat found this tag, in UTF-8 (_check_utf8)
        raise MalformedInput("The SVG's tags could not be located; save it as plain UTF-8.")
    return match
