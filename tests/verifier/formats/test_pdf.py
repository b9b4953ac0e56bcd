"""Tests for verifier/formats/pdf.py: PDF/A-3 associated files, attached and read back."""

from __future__ import annotations

import io
import time
import zlib
from datetime import UTC, datetime

import pikepdf
import pytest

from tests.verifier.formats.samples import (
    CREDENTIAL_JSON,
    minimal_pdf,
    pdf_with_raw_file,
    vc_jwt,
    zlib_bomb,
)
from verifier.errors import MalformedInput, NoCredential
from verifier.formats import pdf

MODIFIED = datetime(2025, 6, 30, 12, 0, tzinfo=UTC)
FILES = {
    "credential.jwt": (vc_jwt().encode(), "application/vc+jwt"),
    "credential.json": (CREDENTIAL_JSON.encode(), "application/vc+ld+json"),
}


def embedded() -> bytes:
    return pdf.embed(minimal_pdf(), FILES, modified=MODIFIED)


def test_embedded_files_are_extracted_json_first() -> None:
    files = pdf.extract(embedded())
    assert list(files) == ["credential.json", "credential.jwt"]
    assert files["credential.json"] == CREDENTIAL_JSON.encode()
    assert files["credential.jwt"] == vc_jwt().encode()


def test_each_file_is_an_alternative_listed_in_both_af_and_embedded_files() -> None:
    with pikepdf.open(io.BytesIO(embedded())) as document:
        associated = list(document.Root.AF)
        named = dict(pikepdf.NameTree(document.Root.Names.EmbeddedFiles).items())
        assert sorted(str(spec.UF) for spec in associated) == sorted(FILES)
        assert {spec.objgen for spec in associated} == {spec.objgen for spec in named.values()}
        spec = named["credential.json"]
        assert spec.AFRelationship == pikepdf.Name.Alternative
        assert (str(spec.F), str(spec.UF)) == ("credential.json", "credential.json")
        stream = spec.EF.F
        assert stream.Type == pikepdf.Name.EmbeddedFile
        assert stream.Subtype == pikepdf.Name("/application/vc+ld+json")
        assert stream.Params.Size == len(CREDENTIAL_JSON)
        assert str(stream.Params.ModDate) == "D:20250630120000Z"
        assert document.pdf_version >= "1.7"


def test_embedding_keeps_the_pages_as_they_were() -> None:
    with pikepdf.open(io.BytesIO(embedded())) as document:
        assert len(document.pages) == 1
        assert document.pages[0].Contents.read_bytes() == b"BT /F1 24 Tf 72 720 Td (Hi) Tj ET"


def test_embedding_again_replaces_a_file_of_the_same_name() -> None:
    newer = pdf.embed(embedded(), {"credential.json": (b'{"@context": []}', "application/json")})
    assert pdf.extract(newer)["credential.json"] == b'{"@context": []}'
    with pikepdf.open(io.BytesIO(newer)) as document:
        assert sorted(str(spec.UF) for spec in document.Root.AF) == sorted(FILES)


def test_media_type_ranks_an_oddly_named_credential_before_other_files() -> None:
    data = pdf.embed(
        minimal_pdf(),
        {
            "invoice.xml": (b"<invoice/>", "text/xml"),
            "badge.jsonld": (CREDENTIAL_JSON.encode(), "application/vc+ld+json"),
        },
    )
    assert list(pdf.extract(data)) == ["badge.jsonld", "invoice.xml"]


def test_pdf_without_attachments_has_no_credential() -> None:
    with pytest.raises(NoCredential, match="no credential attached"):
        pdf.extract(minimal_pdf())


def test_flate_bomb_attachment_is_refused_fast() -> None:
    data = pdf_with_raw_file("credential.json", zlib_bomb(), size=100)
    started = time.perf_counter()
    with pytest.raises(MalformedInput, match="inflates to over"):
        pdf.extract(data)
    assert time.perf_counter() - started < 1.0


def test_declared_size_over_the_cap_is_refused_before_inflating() -> None:
    data = pdf_with_raw_file("credential.json", zlib.compress(b"{}"), size=1 << 30)
    with pytest.raises(MalformedInput, match="1073741824 bytes"):
        pdf.extract(data)


def test_unfiltered_attachment_is_read() -> None:
    data = pdf_with_raw_file("credential.json", b'{"a": 1}', filters=None)
    assert pdf.extract(data) == {"credential.json": b'{"a": 1}'}


def test_filespec_listed_directly_in_af_only_is_read() -> None:
    raw = zlib.compress(b'{"a": 1}')
    data = pdf_with_raw_file(
        "credential.json", raw, filters=[pikepdf.Name.FlateDecode], direct=True
    )
    assert pdf.extract(data) == {"credential.json": b'{"a": 1}'}


def test_attachment_encoded_other_than_flate_is_refused() -> None:
    data = pdf_with_raw_file("credential.json", b"7B7D>", filters=pikepdf.Name.ASCIIHexDecode)
    with pytest.raises(MalformedInput, match="other than FlateDecode"):
        pdf.extract(data)


def test_unfiltered_attachment_over_the_cap_is_refused() -> None:
    data = pdf_with_raw_file("credential.json", b"x" * 200, filters=None)
    with pytest.raises(MalformedInput, match="over 100 bytes"):
        pdf.extract(data, max_file_bytes=100)


def test_truncated_flate_attachment_is_refused() -> None:
    data = pdf_with_raw_file("credential.json", zlib.compress(b'{"a": 1}' * 50)[:-8])
    with pytest.raises(MalformedInput, match="truncated"):
        pdf.extract(data)


def test_two_different_files_of_one_name_are_refused() -> None:
    with pikepdf.open(io.BytesIO(embedded())) as document:
        twin = pikepdf.Dictionary(
            Type=pikepdf.Name.Filespec,
            UF="credential.json",
            EF=pikepdf.Dictionary(F=pikepdf.Stream(document, b"{}")),
        )
        document.Root.AF.append(twin)
        out = io.BytesIO()
        document.save(out)
    with pytest.raises(MalformedInput, match="two different files named credential.json"):
        pdf.extract(out.getvalue())


def test_af_array_over_the_cap_is_refused() -> None:
    data = pdf_with_raw_file("c.json", b"{}", filters=None, count=33, direct=True)
    with pytest.raises(MalformedInput, match="/AF lists over 32"):
        pdf.extract(data)


def test_corrupt_flate_attachment_is_refused() -> None:
    data = pdf_with_raw_file("credential.json", b"not zlib at all")
    with pytest.raises(MalformedInput, match="corrupt"):
        pdf.extract(data)


def test_too_many_attachments_are_refused() -> None:
    data = pdf_with_raw_file("c.json", zlib.compress(b"{}"), count=pdf.MAX_FILES + 1)
    with pytest.raises(MalformedInput, match="over 32 attached files"):
        pdf.extract(data)


def test_encrypted_pdf_is_refused() -> None:
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(embedded())) as document:
        document.save(out, encryption=pikepdf.Encryption(owner="owner", user="secret"))
    with pytest.raises(MalformedInput, match="encrypted"):
        pdf.extract(out.getvalue())


@pytest.mark.parametrize("cut", [5, 100, 600])
def test_truncated_pdf_is_refused(cut: int) -> None:
    with pytest.raises(MalformedInput):
        pdf.extract(embedded()[:cut])


def test_embed_refuses_a_file_that_is_not_a_pdf() -> None:
    with pytest.raises(MalformedInput, match="cannot be read"):
        pdf.embed(b"%PDF-1.7\nnot really", FILES)


def test_attachment_name_that_does_not_decode_is_refused() -> None:
    with pikepdf.open(io.BytesIO(embedded())) as document:
        document.Root.AF[0].UF = pikepdf.String(b"\xef\xbb\xbf\xa6")  # a UTF-8 BOM, then junk
        out = io.BytesIO()
        document.save(out)
    with pytest.raises(MalformedInput, match="attachments cannot be read"):
        pdf.extract(out.getvalue())
