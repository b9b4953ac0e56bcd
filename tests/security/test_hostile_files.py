"""Evidence files are judged by their whole structure, not by their first bytes.

The attack: a file that starts with `%PDF-` and continues as a Windows executable was stored
and served as a PDF. Now a PDF must open in qpdf (pikepdf) without repair and have pages,
and an image must decode whole within a pixel limit.
"""

from __future__ import annotations

import functools
import io
import struct
import zlib

import pikepdf
import pytest
from flask.testing import FlaskClient
from PIL import Image

from issuer.accounts.roles import Role
from issuer.learning.skills_portfolio import structure
from issuer.learning.skills_portfolio.errors import UnsupportedEvidence
from tests.factories import Factories, Person
from tests.issuer.learning.test_skills_portfolio import upload as portfolio_upload

# A DOS/PE header as every Windows executable starts: "MZ", then the PE offset at 0x3C.
EXECUTABLE = b"MZ\x90\x00" + bytes(56) + struct.pack("<I", 64) + b"PE\x00\x00" + bytes(400)


def real_pdf(*, encrypted: bool = False) -> bytes:
    document = pikepdf.Pdf.new()
    document.add_blank_page()
    out = io.BytesIO()
    encryption = pikepdf.Encryption(owner="owner", user="user") if encrypted else False
    document.save(out, encryption=encryption)
    return out.getvalue()


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("L", (width, height)).save(out, "PNG")
    return out.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG signature and IHDR declaring width × height, with no pixel data worth decoding."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    crc = struct.pack(">I", zlib.crc32(chunk))
    end = b"IEND"
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(ihdr))
        + chunk
        + crc
        + struct.pack(">I", 0)
        + end
        + struct.pack(">I", zlib.crc32(end))
    )


@pytest.fixture
def learner(factories: Factories) -> Person:
    return factories.person(factories.tenant(), [Role.EARNER])


upload = functools.partial(portfolio_upload, name="cv.pdf", declared="application/pdf")


def test_a_pdf_header_on_a_windows_executable_is_refused(
    client: FlaskClient, learner: Person
) -> None:
    r = upload(client, learner, b"%PDF-1.7\n" + EXECUTABLE)
    assert r.status_code == 415 and r.mimetype == "application/problem+json"
    assert r.json["type"].endswith("/problems/unsupported-evidence")
    assert "PDF" in r.json["detail"]
    items = client.get("/api/v1/me/portfolio", headers=learner.headers).json["items"]
    assert items == []


def test_a_real_pdf_with_an_executable_appended_is_refused(
    client: FlaskClient, learner: Person
) -> None:
    r = upload(client, learner, real_pdf() + EXECUTABLE)
    assert r.status_code == 415 and "does not end as one" in r.json["detail"]


def test_a_real_small_pdf_is_accepted(client: FlaskClient, learner: Person) -> None:
    r = upload(client, learner, real_pdf())
    assert r.status_code == 201 and r.json["media_type"] == "application/pdf"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (real_pdf(encrypted=True), "encrypted"),
        (real_pdf()[:-40] + b"\n%%EOF\n", "damaged"),  # its xref offset cut off
        (b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n", "PDF"),
    ],
    ids=["encrypted", "truncated", "no-xref"],
)
def test_pdfs_qpdf_cannot_open_as_they_are_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(UnsupportedEvidence, match=message):
        structure.check_pdf(data, timeout=30)


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + EXECUTABLE,
        png(64, 64)[:-30],  # truncated
        b"\xff\xd8\xff\xe0" + EXECUTABLE,
        b"GIF89a" + EXECUTABLE,
        b"RIFF\x00\x00\x00\x00WEBPVP8 " + EXECUTABLE,
    ],
    ids=["png", "truncated-png", "jpeg", "gif", "webp"],
)
def test_an_image_header_on_anything_else_is_refused(
    client: FlaskClient, learner: Person, data: bytes
) -> None:
    r = upload(client, learner, data)
    assert r.status_code == 415 and "damaged or incomplete" in r.json["detail"]


@pytest.mark.parametrize("side", [8_000, 100_000])  # under and over Pillow's own bomb limit
def test_an_image_declaring_too_many_pixels_is_refused_before_decoding(side: int) -> None:
    with pytest.raises(UnsupportedEvidence, match="megapixels"):
        structure.check_image(png_header(side, side), "image/png")
