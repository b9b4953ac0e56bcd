"""Tests for image validation: sniffing, raster checks and the SVG sanitiser."""

from __future__ import annotations

import io
import random
import re
import struct
import time
import xml.etree.ElementTree as ET
import zlib
from xml.sax.saxutils import escape, quoteattr

import defusedxml.ElementTree as SafeET  # type: ignore[import-untyped]
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from issuer.errors import ValidationError
from issuer.images.errors import InvalidImage
from issuer.images.svg import ELEMENTS, SVG_NS
from issuer.images.validation import ValidImage, validate_image

LIMIT = 512 * 1024
NS = f'xmlns="{SVG_NS}" xmlns:xlink="http://www.w3.org/1999/xlink"'


def raster(format: str, size: tuple[int, int] = (40, 20), **options: object) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 90)).save(buffer, format, **options)
    return buffer.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG whose IHDR declares width × height but whose IDAT holds only a few bytes."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def svg(body: str = "", attributes: str = 'width="10" height="10"') -> bytes:
    return f"<svg {NS} {attributes}>{body}</svg>".encode()


def sanitised(data: bytes) -> bytes:
    result = validate_image(data, max_bytes=LIMIT)
    assert result.media_type == "image/svg+xml"
    return result.data


def refusal(data: bytes, **limits: int) -> str:
    with pytest.raises(InvalidImage) as caught:
        validate_image(data, **{"max_bytes": LIMIT, **limits})
    return caught.value.detail


def parse_svg(data: bytes) -> ET.Element:
    root: ET.Element = SafeET.fromstring(data, forbid_dtd=True)
    assert root.tag == f"{{{SVG_NS}}}svg"
    return root


# Raster images


@pytest.mark.parametrize(("format", "media_type"), [("PNG", "image/png"), ("JPEG", "image/jpeg")])
def test_raster_image_is_accepted_unchanged_with_its_size(format: str, media_type: str) -> None:
    data = raster(format, (40, 20))
    assert validate_image(data, max_bytes=LIMIT) == ValidImage(media_type, data, 40, 20)


def test_animated_png_is_accepted_as_png() -> None:
    buffer = io.BytesIO()
    frames = [Image.new("RGB", (8, 6), colour) for colour in ("red", "blue")]
    frames[0].save(buffer, "PNG", save_all=True, append_images=frames[1:], duration=100)
    result = validate_image(buffer.getvalue(), max_bytes=LIMIT)
    assert (result.media_type, result.width, result.height) == ("image/png", 8, 6)


@pytest.mark.parametrize(
    "data",
    [
        raster("GIF"),
        raster("WEBP"),
        raster("BMP"),
        b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",
        b"<!DOCTYPE html><html><body><svg></svg></body></html>",
        b"<html><body>Hello</body></html>",
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"/>',
        b"",
        b"   \n",
        b"<!-- never closed <svg/>",
        random.Random(0).randbytes(2000),
    ],
    ids=["gif", "webp", "bmp", "pdf", "html5", "xhtml", "atom", "empty", "blank", "open", "random"],
)
def test_other_formats_are_refused_with_the_accepted_ones(data: bytes) -> None:
    assert refusal(data) == (
        "Only PNG, JPEG and SVG images are accepted. Upload a PNG, JPEG or SVG of at most 512 KB."
    )


def test_upload_over_the_byte_limit_is_refused_naming_the_limit_in_kb() -> None:
    data = raster("PNG", (300, 300), compress_level=0)
    message = refusal(data, max_bytes=100 * 1024)
    assert "Upload a PNG, JPEG or SVG of at most 100 KB." in message


@pytest.mark.parametrize("format", ["PNG", "JPEG"])
def test_truncated_raster_image_is_refused(format: str) -> None:
    data = raster(format, (200, 200), **({"quality": 95} if format == "JPEG" else {}))
    message = refusal(data[: len(data) // 2])
    assert f"The {format} file is damaged or incomplete" in message


def test_png_with_a_bad_checksum_is_refused() -> None:
    data = bytearray(raster("PNG"))
    data[29] ^= 0xFF  # inside the IHDR CRC
    assert "damaged or incomplete" in refusal(bytes(data))


def test_png_declaring_50000_pixels_square_is_refused_before_decoding() -> None:
    started = time.perf_counter()
    message = refusal(png_header(50_000, 50_000))
    assert time.perf_counter() - started < 2
    assert message == (
        "The image has too many pixels. "
        "Scale it down to at most 16.8 megapixels and upload it again."
    )


def test_png_over_max_pixels_is_refused_from_its_header() -> None:
    # The IDAT is far too short for 5000×5000: a decode would say "damaged", not the size.
    assert refusal(png_header(5000, 5000)).startswith("The image is 5000×5000 pixels.")


def test_pillow_bomb_warning_is_a_refusal_even_under_a_larger_max_pixels() -> None:
    # 100 megapixels: above Pillow's MAX_IMAGE_PIXELS, where it only warns, below twice that.
    message = refusal(png_header(10_000, 10_000), max_pixels=10**12)
    assert message == (
        "The image has too many pixels. "
        "Scale it down to at most 1,000,000 megapixels and upload it again."
    )


def test_empty_png_and_jpeg_are_refused() -> None:
    jpeg = bytearray(raster("JPEG", (40, 20)))
    start_of_frame = jpeg.find(b"\xff\xc0")
    jpeg[start_of_frame + 5 : start_of_frame + 7] = b"\0\0"  # height 0
    for data in (png_header(0, 10), bytes(jpeg)):
        assert "damaged or incomplete; export it again" in refusal(data)


def test_invalid_image_is_a_422_validation_error() -> None:
    error = InvalidImage("x")
    assert isinstance(error, ValidationError)
    assert (error.status, error.slug, error.title) == (422, "invalid-image", "Invalid image")


# SVG: accepting and sizing


@pytest.mark.parametrize(
    ("attributes", "size"),
    [
        ('width="120" height="60"', (120, 60)),
        ('width="120px" height="60.4px"', (120, 60)),
        ('viewBox="0 0 300 150"', (300, 150)),
        ('viewBox="-5,-5,30,10" width="60"', (60, 20)),
        ('width="100%" height="100%" viewBox="0 0 40 20"', (40, 20)),
        ('width="210mm" height="297mm" viewBox="0 0 210 297"', (794, 1123)),
        ('width="72pt" height="1in"', (96, 96)),
    ],
)
def test_svg_size_comes_from_width_height_or_viewbox(
    attributes: str, size: tuple[int, int]
) -> None:
    result = validate_image(svg("<rect width='1' height='1'/>", attributes), max_bytes=LIMIT)
    assert (result.width, result.height) == size


@pytest.mark.parametrize(
    "attributes", ["", 'width="50%" height="2em"', 'viewBox="0 0 0 10"', 'viewBox="0 0 10"']
)
def test_svg_without_usable_size_is_refused(attributes: str) -> None:
    assert refusal(svg("", attributes)).startswith("SVG needs width/height or a viewBox")


def test_svg_over_max_pixels_is_refused() -> None:
    assert "pixels" in refusal(svg("", 'width="100000" height="100000"'))


def test_svg_may_start_with_bom_whitespace_declaration_and_comments() -> None:
    data = (
        b'\xef\xbb\xbf \n<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
        b"<!-- Generator: Adobe Illustrator -->\n" + svg("<rect/>")
    )
    assert parse_svg(sanitised(data))


def test_prefixed_svg_root_is_accepted_and_written_with_a_default_namespace() -> None:
    data = f'<s:svg xmlns:s="{SVG_NS}" width="4" height="4"><s:rect width="4"/></s:svg>'
    out = sanitised(data.encode())
    assert out == f'<svg xmlns="{SVG_NS}" width="4" height="4"><rect width="4" /></svg>'.encode()


def test_svg_root_without_the_svg_namespace_is_refused_with_the_fix() -> None:
    assert "add the xmlns" in refusal(b'<svg width="1" height="1"/>')


@pytest.mark.parametrize(
    "data",
    [b'<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>', b"<svg \xff/>", b"<svg"],
)
def test_malformed_svg_is_refused_as_not_well_formed(data: bytes) -> None:
    assert refusal(data).startswith("The SVG is not well-formed XML")


def test_svg_declaring_an_unknown_encoding_is_refused() -> None:
    data = b'<?xml version="1.0" encoding="x-nonsense"?>' + svg()
    assert "not well-formed" in refusal(data)


def test_svg_with_a_doctype_is_refused() -> None:
    data = (
        b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">' + svg()
    )
    assert "remove the <!DOCTYPE" in refusal(data)


def test_billion_laughs_is_refused_without_expanding_it() -> None:
    entities = "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i else "lol"}">' for i in range(10)
    )
    data = f"<!DOCTYPE svg [{entities}]>".encode() + svg("<text>&lol9;</text>")
    started = time.perf_counter()
    assert "DOCTYPE" in refusal(data)
    assert time.perf_counter() - started < 1


def test_external_entity_is_refused_without_reading_the_file() -> None:
    data = b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + svg("<text>&x;</text>")
    message = refusal(data)
    assert "DOCTYPE" in message
    assert "root:" not in message


def test_undeclared_entity_is_refused() -> None:
    assert "not well-formed" in refusal(svg("<text>&x;</text>"))


@pytest.mark.parametrize(
    "attributes",
    [f'class="{"a" * 400_000}"', f'width="1{" " * 400_000}x"', f'style="{"a(" * 200_000}"'],
    ids=["word", "blanks", "calls"],
)
def test_long_attribute_values_are_checked_in_linear_time(attributes: str) -> None:
    started = time.perf_counter()
    validate_image(svg("", f'viewBox="0 0 1 1" {attributes}'), max_bytes=2 * LIMIT)
    assert time.perf_counter() - started < 1


def test_deeply_nested_svg_is_refused_rather_than_overflowing() -> None:
    assert "flatten its groups" in refusal(svg("<g>" * 5000 + "</g>" * 5000))


# SVG: what the sanitiser removes


ATTACKS = {
    "script": ("<script>alert(1)</script><script xlink:href='http://evil/x.js'/>", ["script"]),
    "onload": ("<rect onload='alert(1)' onClick='alert(2)' width='1'/>", ["onload", "onclick"]),
    "javascript-link": ("<a xlink:href='javascript:alert(1)'><rect/></a>", ["javascript"]),
    "encoded-javascript": ("<a href='jav&#x61;script&#58;alert(1)'><rect/></a>", ["javascript"]),
    "tab-javascript": ("<use href='java\tscript:alert(1)'/>", ["script"]),
    "external-use": ("<use href='http://evil/x.svg#a'/>", ["evil"]),
    "external-xlink-use": ("<use xlink:href='//evil/x.svg#a'/>", ["evil"]),
    "external-image": ("<image href='http://evil/x.png' width='5' height='5'/>", ["evil"]),
    "data-image": ("<image href='data:image/svg+xml;base64,PHN2Zz4='/>", ["data:", "image"]),
    "foreign-object": (
        "<foreignObject><body xmlns='http://www.w3.org/1999/xhtml'>"
        "<iframe src='http://evil'/><script>alert(1)</script></body></foreignObject>",
        ["foreignobject", "iframe", "evil", "script", "xhtml"],
    ),
    "style-attribute-url": ("<g style='background:url(http://evil)'/>", ["evil", "url("]),
    "fill-url": ("<rect fill='url(http://evil/p.svg#g)'/>", ["evil"]),
    "style-import": ("<style>@import url(http://evil/x.css);</style>", ["import", "evil"]),
    "style-import-string": ("<style>@import 'http://evil/x.css';</style>", ["evil"]),
    "style-font-face": ("<style>@font-face{src:url(http://evil/f)}</style>", ["evil"]),
    "style-escape": (r"<style>.a{background:u\72l(http://evil)}</style>", ["evil"]),
    "style-image-set": ("<g style='fill:image-set(\"http://evil/x.png\" 1x)'/>", ["evil"]),
    "style-expression": ("<g style='width:expression(alert(1))'/>", ["alert"]),
    "style-breakout": ("<style>.a{}&lt;/style&gt;&lt;script&gt;x</style>", ["script"]),
    "animate-href": (
        "<a><animate attributeName='href' to='javascript:alert(1)'/><rect/></a>",
        ["animate", "javascript"],
    ),
    "set-handler": ("<set attributeName='onclick' to='alert(1)'/>", ["<set", "alert"]),
    "fe-image": ("<filter><feImage href='http://evil/x.png'/></filter>", ["feimage", "evil"]),
    "processing-instruction": (
        "<?xml-stylesheet href='http://evil/x.css'?><?php echo 1 ?><rect/>",
        ["<?", "stylesheet", "evil", "php"],
    ),
    "comment": ("<!-- secret <script>alert(1)</script> --><rect/>", ["<!--", "secret"]),
    "iframe": ("<iframe src='http://evil'/>", ["iframe", "evil"]),
    "xml-base": ("<g xml:base='http://evil/'><use href='#a'/></g>", ["evil"]),
}


@pytest.mark.parametrize(("body", "forbidden"), ATTACKS.values(), ids=ATTACKS.keys())
def test_dangerous_svg_content_is_removed(body: str, forbidden: list[str]) -> None:
    out = sanitised(svg(body))
    for text in forbidden:
        assert text.encode() not in out.lower()
    assert_safe(parse_svg(out))


def test_root_event_handler_is_removed() -> None:
    out = sanitised(svg("", 'width="1" height="1" onload="alert(1)"'))
    assert b"onload" not in out and b"alert" not in out


def test_pi_and_comment_before_the_root_are_removed() -> None:
    out = sanitised(b'<?xml-stylesheet href="http://evil/x.css"?><!-- c -->' + svg())
    assert out.startswith(b"<svg ") and b"evil" not in out


# SVG: what the sanitiser keeps


def test_drawing_styles_and_local_references_are_kept() -> None:
    body = (
        "<defs><linearGradient id='g'><stop offset='0' stop-color='#fff'/></linearGradient>"
        "<style>.cls-1{fill:#231f20;stroke:rgb(0,0,0)} .b>.c{fill:url(#g)}</style></defs>"
        "<path class='cls-1' d='M0 0L10 10' transform='translate(1 2) rotate(45)'/>"
        "<rect fill='url(#g)' style='opacity:.5'/><use xlink:href='#g'/>"
    )
    out = sanitised(svg(body)).decode()
    for kept in [
        "<style>.cls-1{fill:#231f20;stroke:rgb(0,0,0)} .b&gt;.c{fill:url(#g)}</style>",
        'transform="translate(1 2) rotate(45)"',
        'fill="url(#g)"',
        'style="opacity:.5"',
        '<use href="#g" />',
        'stop-color="#fff"',
    ]:
        assert kept in out


def test_link_is_dropped_but_its_drawing_kept() -> None:
    out = sanitised(svg("<a href='https://example.org' target='_blank'><rect width='3'/></a>"))
    assert b'<g><rect width="3" /></g>' in out


def test_text_after_a_dropped_element_is_kept() -> None:
    out = sanitised(svg("<text>Hello <script>x</script>world<tspan>!</tspan></text>"))
    assert b"<text>Hello world<tspan>!</tspan></text>" in out


def test_inkscape_svg_is_accepted_and_cleaned() -> None:
    data = b"""<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!-- Created with Inkscape (http://www.inkscape.org/) -->
<svg width="50mm" height="20mm" viewBox="0 0 50 20" version="1.1" id="svg5"
   inkscape:version="1.3 (0e150ed6c4, 2023-07-21)" sodipodi:docname="logo.svg"
   xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
   xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
   xmlns="http://www.w3.org/2000/svg" xmlns:svg="http://www.w3.org/2000/svg"
   xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
   xmlns:cc="http://creativecommons.org/ns#" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <sodipodi:namedview id="namedview7" pagecolor="#ffffff" inkscape:zoom="2.1"/>
  <defs id="defs2"/>
  <metadata id="metadata1"><rdf:RDF><cc:Work rdf:about=""><dc:title>Logo</dc:title>
  </cc:Work></rdf:RDF></metadata>
  <g inkscape:label="Layer 1" inkscape:groupmode="layer" id="layer1">
    <path style="fill:#1a5fb4;stroke:none;stroke-width:0.26" d="M 0,0 H 50 V 20 Z" id="p1"
       sodipodi:nodetypes="cccc"/>
    <text xml:space="preserve" style="font-size:8px;font-family:'DejaVu Sans'" x="4" y="14"
       id="t1"><tspan sodipodi:role="line" id="s1" x="4" y="14">ACME</tspan></text>
  </g>
</svg>
"""
    result = validate_image(data, max_bytes=LIMIT)
    assert (result.width, result.height) == (189, 76)
    out = result.data
    for gone in [b"inkscape", b"sodipodi", b"rdf", b"metadata", b"<!--", b"<?xml"]:
        assert gone not in out
    for kept in [b'd="M 0,0 H 50 V 20 Z"', b"fill:#1a5fb4", b'xml:space="preserve"', b"ACME"]:
        assert kept in out


def test_sanitising_is_idempotent() -> None:
    once = sanitised(svg("".join(body for body, _ in ATTACKS.values())))
    assert sanitised(once) == once


# Properties


def assert_safe(root: ET.Element) -> None:
    """No script element, handler, script URL or foreign element survives, anywhere."""
    for element in root.iter():
        assert element.tag.startswith(f"{{{SVG_NS}}}")
        assert element.tag.removeprefix(f"{{{SVG_NS}}}") in ELEMENTS
        for name, value in element.items():
            assert not name.lower().startswith("on")
            # As URL parsers do, ignore ASCII blanks and controls ("java\tscript:").
            assert "javascript:" not in re.sub(r"[\x00-\x20]", "", value).lower()
            if name == "href":
                assert value.startswith("#")
        if element.tag == f"{{{SVG_NS}}}style":
            css = (element.text or "").lower()
            assert not re.search(r"javascript:|@import|url\((?!\s*['\"]?\s*#)|\\", css)


XML_TEXT = st.text(
    st.characters(exclude_categories=["Cs", "Cc"], exclude_characters="\ufffe\uffff")
    | st.sampled_from("\t\n")
)
FRAGMENTS = [
    "javascript:",
    "JaVaScRiPt:",
    "java\tscript:",
    "<script>",
    "</style>",
    " onload=",
    "url(",
    "url(http://evil)",
    "url(#a)",
    "@import ",
    "\\",
    "data:",
    "&",
    '"',
    "'",
    "<",
    ">",
    "]]>",
    "<!--",
    "-->",
    "#",
    "expression(",
    "image-set(",
    "&#106;",
    ":",
    ")",
    ";",
]
HOSTILE_TEXT = st.lists(XML_TEXT | st.sampled_from(FRAGMENTS), max_size=8).map("".join)
ATTRIBUTE_NAMES = [
    "onload",
    "href",
    "xlink:href",
    "style",
    "fill",
    "class",
    "id",
    "transform",
    "font-family",
]


@settings(max_examples=300)
@given(
    name=st.sampled_from(ATTRIBUTE_NAMES),
    value=HOSTILE_TEXT,
    element=st.sampled_from(["text", "style", "title", "g", "script", "a"]),
    content=HOSTILE_TEXT,
)
def test_hostile_text_never_yields_script_handlers_or_script_urls(
    name: str, value: str, element: str, content: str
) -> None:
    body = f"<{element} {name}={quoteattr(value)}>{escape(content)}</{element}>"
    out = sanitised(svg(body, f'viewBox="0 0 10 10" {name}={quoteattr(value)}'))
    assert b"<script" not in out.lower()
    assert_safe(parse_svg(out))


@given(body=HOSTILE_TEXT, attribute=HOSTILE_TEXT)
def test_unescaped_hostile_text_is_refused_or_made_safe(body: str, attribute: str) -> None:
    data = svg(body, f'viewBox="0 0 10 10" style="{attribute}"')
    try:
        out = validate_image(data, max_bytes=LIMIT).data
    except InvalidImage:
        return
    assert b"<script" not in out.lower()
    assert_safe(parse_svg(out))


@given(
    prefix=st.sampled_from([b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"<svg", svg()[:-6]]),
    rest=st.binary(max_size=300),
)
def test_arbitrary_bytes_only_ever_raise_invalid_image(prefix: bytes, rest: bytes) -> None:
    try:
        validate_image(prefix + rest, max_bytes=LIMIT)
    except InvalidImage:
        pass
