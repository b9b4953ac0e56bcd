"""Sanitise uploaded SVG by copying only allowlisted elements and attributes into a new tree."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

# No stubs are installed for defusedxml (types-defusedxml would make this ignore unused).
import defusedxml.ElementTree as SafeET  # type: ignore[import-untyped]
from defusedxml import DefusedXmlException

from issuer.images.errors import InvalidImage

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"

# ElementTree serialises recursively; a cap keeps a 512 KB nest of <g> from hitting the
# recursion limit, and real logos stay far below it.
MAX_DEPTH = 64

# Everything not listed is dropped with its subtree: script, foreignObject (arbitrary HTML),
# image and feImage (fetch URLs; raster art belongs in a PNG/JPEG upload), animate, set and
# animateTransform (can rewrite attributes such as href after sanitising), cursor, view and
# every element of another namespace (sodipodi:namedview, metadata's RDF).
ELEMENTS = frozenset(
    """svg g defs symbol use switch title desc style path rect circle ellipse line polyline
    polygon text tspan textPath linearGradient radialGradient stop pattern clipPath mask marker
    filter feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix
    feDiffuseLighting feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB
    feFuncG feFuncR feGaussianBlur feMerge feMergeNode feMorphology feOffset fePointLight
    feSpecularLighting feSpotLight feTile feTurbulence""".split()
)
# A link is dropped but its drawing kept, so a logo wrapped in <a> still renders.
RENAMED = {"a": "g"}

ATTRIBUTES = frozenset(
    """id class style version viewBox preserveAspectRatio transform width height x y x1 y1 x2
    y2 cx cy r rx ry fx fy fr d points pathLength dx dy rotate textLength lengthAdjust
    startOffset method spacing side gradientUnits gradientTransform spreadMethod offset
    patternUnits patternContentUnits patternTransform clipPathUnits maskUnits maskContentUnits
    markerUnits markerWidth markerHeight refX refY orient filterUnits primitiveUnits
    systemLanguage type in in2 result stdDeviation mode operator k1 k2 k3 k4 values
    tableValues slope intercept amplitude exponent radius order kernelMatrix divisor bias
    targetX targetY edgeMode preserveAlpha surfaceScale diffuseConstant specularConstant
    specularExponent kernelUnitLength azimuth elevation z pointsAtX pointsAtY pointsAtZ
    limitingConeAngle baseFrequency numOctaves seed stitchTiles scale xChannelSelector
    yChannelSelector alignment-baseline baseline-shift clip clip-path clip-rule color
    color-interpolation color-interpolation-filters color-rendering direction display
    dominant-baseline enable-background fill fill-opacity fill-rule filter flood-color
    flood-opacity font font-family font-size font-size-adjust font-stretch font-style
    font-variant font-weight image-rendering isolation letter-spacing lighting-color marker
    marker-end marker-mid marker-start mask mask-type mix-blend-mode opacity overflow
    paint-order shape-rendering stop-color stop-opacity stroke stroke-dasharray
    stroke-dashoffset stroke-linecap stroke-linejoin stroke-miterlimit stroke-opacity
    stroke-width text-anchor text-decoration text-rendering transform-origin unicode-bidi
    vector-effect visibility white-space word-spacing writing-mode""".split()
)
XML_ATTRIBUTES = {f"{{{XML_NS}}}space": "xml:space", f"{{{XML_NS}}}lang": "xml:lang"}

# CSS can fetch through url(), image-set(), cross-fade(), @import and @font-face, and hide any
# of them behind backslash escapes. Keeping <style> matters (Illustrator writes its colours as
# classes), so it, style="" and every other value must pass one strict check: no escapes, no
# markup, no script or data URLs, only local url(#id), and only harmless functions/at-rules.
FUNCTIONS = frozenset(
    """rgb rgba hsl hsla hwb lab lch oklab oklch color calc min max clamp var matrix translate
    translatex translatey scale scalex scaley rotate skewx skewy cubic-bezier steps""".split()
)
AT_RULES = frozenset({"media", "keyframes", "charset"})
# The lookbehind starts names only at a word's start; without it a long word is quadratic.
_FUNCTION = re.compile(r"(?<![-\w])([-\w]*)\(\s*['\"]?\s*(#?)")
_AT_RULE = re.compile(r"@([-\w]*)")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
_FORBIDDEN = ("\\", "<", "javascript:", "vbscript:", "data:")
_NUMBER = re.compile(r"([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)([a-z]*)")
# Absolute CSS units in px; relative ones (%, em) say nothing about the intrinsic size.
_UNITS = {"": 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "in": 96.0, "cm": 96 / 2.54}
_UNITS |= {"mm": 96 / 25.4, "q": 96 / 101.6}


def sanitize_svg(data: bytes) -> tuple[bytes, int, int]:
    """Parse an SVG without DTDs and return its sanitised UTF-8 bytes, width and height."""
    root = _parse(data)
    if root.tag != f"{{{SVG_NS}}}svg":
        raise InvalidImage(f'The SVG root element must be <svg xmlns="{SVG_NS}">; add the xmlns.')
    # Output elements get plain names and the root a literal xmlns, so ElementTree writes a
    # default namespace instead of ns0: prefixes (it refuses default_namespace with plain
    # attribute names).
    out = ET.Element("svg", {"xmlns": SVG_NS, **_attributes(root)})
    out.text = root.text
    stack = [(root, out, 1)]
    while stack:
        source, target, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InvalidImage(f"The SVG nests more than {MAX_DEPTH} levels; flatten its groups.")
        for child in source:
            name = _output_name(child)
            if name is None:
                _append_text(target, child.tail)
                continue
            copy = ET.SubElement(target, name, _attributes(child))
            copy.text, copy.tail = child.text, child.tail
            if name != "style":  # a stylesheet is text only; its children are not CSS
                stack.append((child, copy, depth + 1))
    width, height = _size(out)
    return ET.tostring(out, encoding="utf-8"), width, height


def is_safe_value(value: str) -> bool:
    """Tell whether an attribute value or stylesheet can neither fetch, script nor escape."""
    text = value.lower()
    # Browsers drop tabs and newlines inside URLs ("java\tscript:"); look past all blanks.
    if any(token in _INVISIBLE.sub("", text) for token in _FORBIDDEN):
        return False
    if any(name not in AT_RULES for name in _AT_RULE.findall(text)):
        return False
    for match in _FUNCTION.finditer(text):
        name, local = match.groups()
        if name == "url" and not local:
            return False
        if name not in FUNCTIONS and name not in ("url", ""):
            return False
    return True


def _parse(data: bytes) -> ET.Element:
    # Leading whitespace before <?xml ...?> is an expat error, but harmless; drop it.
    data = data.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    try:
        root: ET.Element = SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        # forbid_dtd stops at <!DOCTYPE, before any entity (billion laughs, XXE) is declared.
        raise InvalidImage(
            "SVG files may not contain a DOCTYPE or entities; remove the <!DOCTYPE ...> "
            "declaration or export as plain SVG."
        ) from None
    except (ET.ParseError, LookupError, ValueError) as exc:  # LookupError: unknown encoding
        raise InvalidImage(f"The SVG is not well-formed XML ({exc}); export it again.") from None
    return root


def _output_name(element: ET.Element) -> str | None:
    tag, prefix = element.tag, f"{{{SVG_NS}}}"
    if not isinstance(tag, str) or not tag.startswith(prefix):
        return None
    name = RENAMED.get(tag[len(prefix) :], tag[len(prefix) :])
    if name not in ELEMENTS or (name == "style" and not is_safe_value(element.text or "")):
        return None
    return name


def _attributes(element: ET.Element) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in element.items():
        name = key if key in ATTRIBUTES else XML_ATTRIBUTES.get(key)
        if name is not None and is_safe_value(value):
            out[name] = value
    # Only local references survive; SVG 2's href wins over xlink:href, as in browsers.
    href = element.get("href", element.get(f"{{{XLINK_NS}}}href", "")).strip()
    if href.startswith("#") and is_safe_value(href):
        out["href"] = href
    return out


def _append_text(parent: ET.Element, text: str | None) -> None:
    # A dropped element's tail is the text after it (e.g. inside <text>); keep that text.
    if not text:
        return
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _size(svg: ET.Element) -> tuple[int, int]:
    width, height = _length(svg.get("width")), _length(svg.get("height"))
    box = _view_box(svg.get("viewBox", ""))
    if box is not None:
        # A missing side follows the viewBox's aspect ratio, as browsers size it.
        if width is None:
            width = box[0] if height is None else height * box[0] / box[1]
        if height is None:
            height = width * box[1] / box[0]
    if width is None or height is None or not math.isfinite(width * height):
        raise InvalidImage(
            'SVG needs width/height or a viewBox; add e.g. viewBox="0 0 200 100" to <svg>.'
        )
    return max(1, round(width)), max(1, round(height))


def _length(value: str | None) -> float | None:
    match = _NUMBER.fullmatch((value or "").strip().lower())
    if not match or match[2] not in _UNITS:
        return None
    return _positive(float(match[1]) * _UNITS[match[2]])


def _view_box(value: str) -> tuple[float, float] | None:
    try:
        numbers = [float(part) for part in re.split(r"[\s,]+", value.strip())]
    except ValueError:
        return None
    if len(numbers) != 4:
        return None
    width, height = _positive(numbers[2]), _positive(numbers[3])
    return (width, height) if width and height else None


def _positive(number: float) -> float | None:
    return number if math.isfinite(number) and number > 0 else None
