"""Tests for verifier/formats/read.py: format detection and the Envelope each format gives."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.verifier.formats.samples import (
    BAKERY,
    CREDENTIAL,
    CREDENTIAL_JSON,
    OB20,
    OB30,
    badge_png,
    chunk,
    compact,
    minimal_pdf,
    vc_jwt,
    vector,
    with_chunks,
)
from verifier.errors import MalformedInput, NoCredential, UnsupportedFormat
from verifier.formats import Envelope, pdf, png, svg
from verifier.formats.read import read

OB3_BAKED = {
    "simple-json.png": ("png", False),
    "simple-jwt.png": ("png", True),
    "simple-jwt_v1.png": ("png", True),
    "simple-json.svg": ("svg", False),
    "simple-jwt.svg": ("svg", True),
    "simple-jwt_v1.svg": ("svg", True),
    "simple.jwt": ("jwt", True),
    "simple.json": ("json", False),
    "simple.1ob": ("json", False),
}


@pytest.mark.parametrize("name", sorted(OB3_BAKED))
def test_ob30_vector_reads_as_an_open_badge_credential(name: str) -> None:
    container, signed = OB3_BAKED[name]
    envelope = read(vector(OB30 / name))
    assert envelope.container == container
    assert "OpenBadgeCredential" in envelope.document["type"]
    assert (envelope.jws is not None) is signed
    assert envelope.url is None


def test_ob30_jwt_vector_keeps_the_token_for_the_proof_check() -> None:
    data = vector(OB30 / "simple.jwt")
    assert read(data).jws == data.decode().strip()


@pytest.mark.parametrize("name", ["simple-badge.png", "simple.jwt"])
def test_ob20_vector_reads_as_an_assertion(name: str) -> None:
    assert read(vector(OB20 / name)).document["type"] == "Assertion"


def test_ob2_bakery_baked_svg_gives_the_json_body_and_the_verify_url() -> None:
    envelope = read(vector(BAKERY / "baked.svg"))
    assert envelope == Envelope(
        container="svg",
        document={"verify": {"url": "http://example.org"}},
        url="http://example.org",
    )


def test_ob2_bakery_svg_with_an_empty_body_is_a_hosted_url() -> None:
    envelope = read(vector(BAKERY / "no-json.svg"))
    assert envelope == Envelope(container="svg", document={}, url="http://example.org")


@pytest.mark.parametrize("name", ["unbaked.png", "unbaked.svg"])
def test_ob2_bakery_unbaked_images_have_no_credential(name: str) -> None:
    with pytest.raises(NoCredential, match="no Open Badges credential baked"):
        read(vector(BAKERY / name))


def test_ob2_bakery_bad_json_is_malformed_not_missing() -> None:
    with pytest.raises(MalformedInput, match="not well-formed JSON") as info:
        read(vector(BAKERY / "bad-json.svg"))
    assert not isinstance(info.value, NoCredential)


def test_ob2_legacy_png_with_a_url_is_a_hosted_assertion() -> None:
    data = with_chunks(badge_png(), chunk(b"tEXt", b"openbadges\0https://example.org/a/1"))
    assert read(data) == Envelope(container="png", document={}, url="https://example.org/a/1")


def test_ob3_png_with_only_a_url_is_refused() -> None:
    data = png.bake(badge_png(), keyword="openbadgecredential", text="https://example.org/a/1")
    with pytest.raises(MalformedInput, match="neither JSON nor a compact JWS."):
        read(data)


def test_png_baked_with_a_jwt_keeps_the_token() -> None:
    envelope = read(png.bake(badge_png(), keyword="openbadgecredential", text=vc_jwt()))
    assert envelope == Envelope(container="png", document=CREDENTIAL, jws=vc_jwt())


@pytest.mark.parametrize("version", ["ob3", "ob2"])
def test_svg_baked_with_a_jwt_keeps_the_token(version: svg.Version) -> None:
    data = svg.bake(vector(BAKERY / "unbaked.svg"), credential=vc_jwt(), version=version)
    assert read(data) == Envelope(container="svg", document=CREDENTIAL, jws=vc_jwt())


def test_ob2_svg_signature_wins_over_a_body() -> None:
    element = f'<a:assertion xmlns:a="http://openbadges.org" verify="{vc_jwt()}">{{}}</a:assertion>'
    assert read(f"<svg>{element}</svg>".encode()).jws == vc_jwt()


def test_empty_ob3_svg_element_has_no_credential() -> None:
    data = b'<svg><c:credential xmlns:c="https://purl.imsglobal.org/ob/v3p0"/></svg>'
    with pytest.raises(NoCredential, match="is empty"):
        read(data)


def test_ob3_svg_verify_that_is_not_a_jws_is_refused() -> None:
    data = b'<svg><c:credential xmlns:c="https://purl.imsglobal.org/ob/v3p0" verify="x"/></svg>'
    with pytest.raises(MalformedInput, match="must be a compact JWS"):
        read(data)


def test_pdf_reads_the_json_credential_first() -> None:
    data = pdf.embed(
        minimal_pdf(),
        {
            "credential.jwt": (vc_jwt().encode(), "application/vc+jwt"),
            "credential.json": (CREDENTIAL_JSON.encode(), "application/vc+ld+json"),
        },
    )
    assert read(data) == Envelope(container="pdf", document=CREDENTIAL)


def test_pdf_with_only_a_jwt_keeps_the_token() -> None:
    data = pdf.embed(minimal_pdf(), {"credential.jwt": (vc_jwt().encode(), "application/vc+jwt")})
    assert read(data) == Envelope(container="pdf", document=CREDENTIAL, jws=vc_jwt())


def test_pdf_with_a_broken_credential_json_fails_rather_than_falling_back() -> None:
    files = {
        "credential.json": (b'{"@context": ', "application/vc+ld+json"),
        "credential.jwt": (vc_jwt().encode(), "application/vc+jwt"),
    }
    with pytest.raises(MalformedInput, match="PDF attachment credential.json"):
        read(pdf.embed(minimal_pdf(), files))


def test_pdf_skips_attachments_that_are_no_credential() -> None:
    files = {
        "notes.txt": (b"hello", "text/plain"),
        "data.json": (b'{"a": 1}', "application/json"),
        "badge.json": (CREDENTIAL_JSON.encode(), "application/json"),
    }
    assert read(pdf.embed(minimal_pdf(), files)).document == CREDENTIAL


def test_pdf_with_only_other_attachments_has_no_credential() -> None:
    data = pdf.embed(minimal_pdf(), {"notes.txt": (b"hello", "text/plain")})
    with pytest.raises(NoCredential, match=r"1 attached file\(s\) \(notes.txt\)"):
        read(data)


def test_json_with_bom_and_leading_whitespace_is_json() -> None:
    data = b"\xef\xbb\xbf\n  " + CREDENTIAL_JSON.encode()
    assert read(data) == Envelope(container="json", document=CREDENTIAL)


def test_jwt_with_a_trailing_newline_is_a_jwt() -> None:
    assert read(vc_jwt().encode() + b"\n").container == "jwt"


def test_jwt_with_alg_none_is_refused() -> None:
    token = compact({"alg": "none"}, {"vc": CREDENTIAL}, signature=b"")
    with pytest.raises(MalformedInput, match="never accepted"):
        read(token.encode())


def test_utf16_svg_is_read() -> None:
    baked = svg.bake(vector(BAKERY / "unbaked.svg"), credential=CREDENTIAL_JSON)
    data = baked.replace(b"UTF-8", b"UTF-16").decode().encode("utf-16")
    assert read(data).document == CREDENTIAL


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \n",
        os.urandom(0) + bytes(range(256)),
        b"GIF89a\x01\x00",
        b"\xff\xd8\xff\xe0 JFIF",
        b"hello world",
        b"[1, 2, 3]",
        b"-----BEGIN PUBLIC KEY-----",
    ],
    ids=["empty", "blank", "bytes", "gif", "jpeg", "text", "array", "pem"],
)
def test_unknown_bytes_are_an_unsupported_format(data: bytes) -> None:
    with pytest.raises(UnsupportedFormat, match="not a credential in a format read here"):
        read(data)


def test_xml_that_is_not_svg_is_an_unsupported_format() -> None:
    with pytest.raises(UnsupportedFormat, match="not an SVG"):
        read(b'<?xml version="1.0"?><html/>')


def test_input_over_the_cap_is_refused_before_any_parsing() -> None:
    # Well formed but for its size: only the size check can refuse it.
    data = json.dumps({"pad": "x" * 2048}).encode()
    with pytest.raises(MalformedInput, match="at most 1024 are read"):
        read(data, max_bytes=1024)


def test_one_gigabyte_upload_is_refused_by_its_length_alone() -> None:
    class Huge(bytes):
        """Claims a gigabyte; any read past the size check would see only 2 bytes."""

        def __len__(self) -> int:
            return 1 << 30

    with pytest.raises(MalformedInput, match="1073741824 bytes"):
        read(Huge(b"{}"))


def _truncations() -> list[tuple[str, bytes]]:
    cases: list[tuple[str, bytes]] = []
    sources: list[tuple[str, Path | bytes]] = [
        ("png", OB30 / "simple-json.png"),
        ("svg", OB30 / "simple-json.svg"),
        ("json", OB30 / "simple.json"),
        ("pdf", pdf.embed(minimal_pdf(), {"credential.json": (b"{}", "application/json")})),
    ]
    for name, source in sources:
        data = vector(source) if isinstance(source, Path) else source
        cases += [(f"{name}-{cut}", data[:cut]) for cut in (10, len(data) // 2, len(data) - 3)]
    token = vector(OB30 / "simple.jwt")
    cases.append(("jwt", token[: token.rindex(b".")]))
    return cases


@pytest.mark.parametrize("data", [data for _, data in _truncations()], ids=dict(_truncations()))
def test_truncated_input_is_malformed(data: bytes) -> None:
    with pytest.raises(MalformedInput):
        read(data)


@pytest.mark.parametrize(
    "data",
    [b"<!DOCTYPE html><html><body><p>Badge<br></body></html>", b"<p>Badge<br><p>Earned"],
    ids=["html", "fragment"],
)
def test_html_is_an_unsupported_format(data: bytes) -> None:
    with pytest.raises(UnsupportedFormat, match="not an SVG"):
        read(data)
