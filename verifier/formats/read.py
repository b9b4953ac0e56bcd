"""Tell a credential's container from its bytes and read the credential into an Envelope."""

from __future__ import annotations

import re
from dataclasses import replace

from verifier.errors import MalformedInput, NoCredential, UnsupportedFormat, VerifierError
from verifier.formats import Container, Envelope, jwt, pdf, png, svg
from verifier.formats import json as bounded_json

MAX_BYTES = 10 * 1024 * 1024
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_XML = (b"<?xml", b"\xff\xfe", b"\xfe\xff")  # an XML declaration, or UTF-16
_WHITESPACE = b" \t\r\n"
_JOSE = re.compile(r"eyJ[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)*")
_URL = re.compile(r"https?://[^\s\"<>]+")
# The names issue #5 attaches; any other attachment is only read if it parses.
_CREDENTIAL_FILES = frozenset({"credential.json", "credential.jwt"})


def read(data: bytes, *, max_bytes: int = MAX_BYTES) -> Envelope:
    """Detect the format of data and read the credential it carries, without fetching.

    JSON starts with `{`, a compact JWS is base64url parts joined by dots, a PNG starts
    with its signature, a PDF with `%PDF-`, and an SVG with `<` (after a BOM or
    whitespace). An OB 2.0 image that bakes only a hosted assertion's URL gives
    `document={}` and `url`; fetching it is the pipeline's job.

    Args:
        data: the uploaded bytes.
        max_bytes: the largest input read; larger input is refused before any parsing.

    Returns:
        The container, the credential's JSON and, when it came as one, its compact JWS.

    Raises:
        UnsupportedFormat: the bytes are in none of these formats.
        NoCredential: an image or PDF with no credential in it.
        MalformedInput: a recognised format that is broken, too large or hostile.
    """
    if len(data) > max_bytes:
        raise MalformedInput(f"The input is {len(data)} bytes; at most {max_bytes} are read.")
    if data.startswith(png.SIGNATURE):
        keyword, text = png.extract(data)
        return _baked("png", text, hosted=keyword == "openbadges")
    if data.startswith(b"%PDF-"):
        return _from_pdf(data)
    head = data[:64]
    for bom in _BOMS:
        head = head.removeprefix(bom)
    head = head.lstrip(_WHITESPACE)
    if head.startswith(b"{"):
        return Envelope(container="json", document=bounded_json.parse(data, max_bytes=max_bytes))
    if head.startswith(b"<") or data.startswith(_BOMS[1:]):
        return _from_svg(data, max_bytes)
    if head[:1].isalnum() or head[:1] in (b"-", b"_"):
        text = data.decode("ascii", errors="replace").strip()
        # "eyJ" is base64url for '{"': a JOSE header, so a token with parts missing is
        # a broken JWT (MalformedInput), not an unknown format.
        if jwt.is_compact(text) or _JOSE.fullmatch(text):
            return jwt.read(text, max_bytes=max_bytes)
    raise UnsupportedFormat(
        "The input is not a credential in a format read here: JSON, a compact JWT, "
        "or a PNG, SVG or PDF with a credential baked in or attached."
    )


def _baked(container: Container, text: str, *, hosted: bool, verify: str | None = None) -> Envelope:
    # hosted: OB 2.0, where the image may hold only the hosted assertion's URL.
    text = text.strip()
    if text.startswith("{"):
        what = f"credential baked into the {container.upper()}"
        document = bounded_json.parse(text, what=what)
        url = verify if hosted and verify and _URL.fullmatch(verify) else None
        return Envelope(container=container, document=document, url=url)
    if jwt.is_compact(text):
        return replace(jwt.read(text), container=container)
    if hosted and _URL.fullmatch(text):
        return Envelope(container=container, document={}, url=text)
    raise MalformedInput(
        f"The text baked into the {container.upper()} is neither JSON nor a compact JWS"
        + (", nor a hosted assertion's URL." if hosted else ".")
    )


def _from_svg(data: bytes, max_bytes: int) -> Envelope:
    try:
        baked = svg.extract(data, max_bytes=max_bytes)
    except NoCredential:
        raise
    except MalformedInput:
        if b"<svg" in data or data.removeprefix(_BOMS[0]).lstrip(_WHITESPACE).startswith(_XML):
            raise
        # Markup that is neither XML nor has an <svg> (HTML, say) is no broken SVG.
        raise UnsupportedFormat(
            "The input is markup but not an SVG; upload the badge image or the credential."
        ) from None
    verify = (baked.verify or "").strip()
    if jwt.is_compact(verify):
        # A signature wins over a body: only what was signed can be verified.
        return _baked("svg", verify, hosted=False)
    if not baked.text and not verify:
        element = svg.ELEMENTS[baked.version]
        raise NoCredential(f"The SVG's <openbadges:{element}> is empty (no verify, no body).")
    if baked.version == "ob3":
        if verify:
            raise MalformedInput("The SVG's <openbadges:credential verify> must be a compact JWS.")
        return _baked("svg", baked.text, hosted=False)
    return _baked("svg", baked.text or verify, hosted=True, verify=verify or None)


def _from_pdf(data: bytes) -> Envelope:
    files = pdf.extract(data)
    for name, content in files.items():
        try:
            envelope = _attached(content, name)
        except VerifierError:
            if name in _CREDENTIAL_FILES:
                raise  # the file named to hold it is broken: say so, do not look past it
            continue
        return replace(envelope, container="pdf")
    raise NoCredential(
        f"The PDF has {len(files)} attached file(s) ({', '.join(sorted(files))[:200]}) "
        "but none is a credential (credential.json or credential.jwt)."
    )


def _attached(content: bytes, name: str) -> Envelope:
    head = content[:64].removeprefix(_BOMS[0]).lstrip(_WHITESPACE)
    if head.startswith(b"{"):
        document = bounded_json.parse(content, what=f"PDF attachment {name}")
        if "@context" not in document:
            raise MalformedInput(f"The PDF attachment {name} is JSON but not a credential.")
        return Envelope(container="pdf", document=document)
    return jwt.read(content.decode("ascii", errors="replace"))
