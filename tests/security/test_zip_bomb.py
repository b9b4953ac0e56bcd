"""Office documents (ZIPs) are refused unopened when they declare too much to unpack.

The attack: a docx-shaped archive of a few KB whose parts unpack to hundreds of MB was stored
as evidence, to be opened later by a mentor's office suite or any indexer. Now the declared
total, each part's compression ratio and the entry count are bounded, and the type entry is
never inflated beyond its small limit.
"""

from __future__ import annotations

import functools
import io
import struct
import zipfile

import pytest
from flask.testing import FlaskClient

from issuer.accounts.roles import Role
from issuer.learning.skills_portfolio import media
from issuer.learning.skills_portfolio.errors import UnsupportedEvidence
from tests.factories import Factories, Person
from tests.issuer.learning.test_skills_portfolio import upload as portfolio_upload

MAIN = 'ContentType="' + media.DOCX + '.main+xml"'
TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    f'content-types"><Override PartName="/word/document.xml" {MAIN}/></Types>'
).encode()
MiB = 1024 * 1024


def docx(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", TYPES)
        for name, content in parts.items():
            zf.writestr(name, content)
    return out.getvalue()


def declaring(data: bytes, name: str, size: int) -> bytes:
    """`data` with the central directory claiming `name` unpacks to `size` bytes."""
    patched = bytearray(data)
    position = data.find(b"PK\x01\x02")
    while position >= 0:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if data[position + 46 : position + 46 + name_length] == name.encode():
            struct.pack_into("<I", patched, position + 24, size)  # uncompressed size
        position = data.find(b"PK\x01\x02", position + 4)
    assert patched != data, f"no entry {name}"
    return bytes(patched)


@pytest.fixture
def learner(factories: Factories) -> Person:
    return factories.person(factories.tenant(), [Role.EARNER])


upload = functools.partial(portfolio_upload, name="essay.docx")


def test_a_docx_that_inflates_a_thousandfold_is_refused(
    client: FlaskClient, learner: Person
) -> None:
    bomb = docx({"word/document.xml": bytes(20 * MiB)})
    assert len(bomb) < 30_000  # a few KB on disk
    r = upload(client, learner, bomb)
    assert r.status_code == 415 and r.mimetype == "application/problem+json"
    assert "ZIP bomb" in r.json["detail"]
    assert client.get("/api/v1/me/portfolio", headers=learner.headers).json["items"] == []


def test_a_docx_declaring_more_than_the_limit_unpacked_is_refused(
    client: FlaskClient, learner: Person
) -> None:
    honest = docx({"word/document.xml": b"<w:document/>", "word/media/a.bin": bytes(1000)})
    bomb = declaring(honest, "word/media/a.bin", 4 * 1024 * MiB - 1)
    r = upload(client, learner, bomb)
    assert r.status_code == 415 and "unpacks to 4,294,967," in r.json["detail"]
    assert "104,857,600" in r.json["detail"]  # CERTIFIKATION_MAX_EVIDENCE_UNPACKED_BYTES


def test_parts_at_the_limit_pass_and_one_byte_more_fails() -> None:
    data = docx({"word/document.xml": b"<w:document/>" * 100})
    total = len(TYPES) + len(b"<w:document/>" * 100)
    assert media.check_evidence(data, max_bytes=MiB, max_unpacked=total) == media.DOCX
    with pytest.raises(UnsupportedEvidence, match="unpacks to"):
        media.check_evidence(data, max_bytes=MiB, max_unpacked=total - 1)


def test_the_type_entry_is_never_inflated_beyond_its_limit() -> None:
    # The manifest itself is the bomb, declaring a harmless size: reading stops at that size
    # (then its checksum fails), so 50 MiB of padding is never inflated.
    padded = TYPES + b" " * (50 * MiB)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", padded)
    bomb = declaring(out.getvalue(), "[Content_Types].xml", len(TYPES))
    assert len(bomb) < 100_000
    with pytest.raises(UnsupportedEvidence, match="damaged"):
        media.check_evidence(bomb, max_bytes=MiB)


def test_a_type_entry_compressed_as_no_office_suite_does_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_BZIP2) as zf:
        zf.writestr("[Content_Types].xml", TYPES)  # bzip2 inflates unbounded per step
    with pytest.raises(UnsupportedEvidence, match="compressed as no office suite does"):
        media.check_evidence(out.getvalue(), max_bytes=MiB)


def test_an_archive_listing_too_many_entries_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("[Content_Types].xml", TYPES)
        for n in range(media.MAX_ZIP_ENTRIES):
            zf.writestr(f"p/{n}", b"")
    with pytest.raises(UnsupportedEvidence, match="too many files"):
        media.check_evidence(out.getvalue(), max_bytes=10 * MiB)
