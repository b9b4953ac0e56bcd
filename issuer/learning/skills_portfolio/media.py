"""What an evidence file is, from its bytes alone: the client's Content-Type is never trusted.

The magic bytes name the type, and then the whole structure must parse as that type
(`structure`): a PDF header on a Windows executable is refused.

Office documents are ZIP archives. Their type is read from one small entry (OOXML's
`[Content_Types].xml`, ODF's `mimetype`) without extracting anything, after the central
directory's size and entry count are checked, so an archive of a million entries is refused
before `zipfile` parses it; then the sizes its entries declare must stay under a total and
a compression ratio (a ZIP bomb is refused unopened), and reading the type entry never
decompresses more than its small limit, whatever size it declares.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib

from issuer.learning.skills_portfolio import structure
from issuer.learning.skills_portfolio.errors import EvidenceTooLarge, UnsupportedEvidence

PDF, PNG, JPEG, GIF, WEBP = (
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
)
TEXT = "text/plain"
_OOXML = "application/vnd.openxmlformats-officedocument."
DOCX = _OOXML + "wordprocessingml.document"
XLSX = _OOXML + "spreadsheetml.sheet"
PPTX = _OOXML + "presentationml.presentation"
ODT, ODS, ODP = (
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
)
# The file name extension each type is downloaded and exported with.
EXTENSIONS = {
    PDF: "pdf",
    PNG: "png",
    JPEG: "jpg",
    GIF: "gif",
    WEBP: "webp",
    TEXT: "txt",
    DOCX: "docx",
    XLSX: "xlsx",
    PPTX: "pptx",
    ODT: "odt",
    ODS: "ods",
    ODP: "odp",
}
ACCEPTED = "PDF, PNG, JPEG, GIF, WebP, DOCX, XLSX, PPTX, ODT/ODS/ODP or plain UTF-8 text"
_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
)
# The main part of each OOXML package, as [Content_Types].xml declares it (macro-enabled
# variants such as .docm declare another type and are refused).
_OOXML_MAIN = {
    f'ContentType="{DOCX}.main+xml"'.encode(): DOCX,
    f'ContentType="{XLSX}.main+xml"'.encode(): XLSX,
    f'ContentType="{PPTX}.main+xml"'.encode(): PPTX,
}
_ODF = {ODT.encode(): ODT, ODS.encode(): ODS, ODP.encode(): ODP}
MAX_ZIP_ENTRIES = 5000
MAX_ZIP_DIRECTORY = 1024 * 1024  # bytes of central directory zipfile may parse
MAX_MANIFEST = 256 * 1024  # bytes read, decompressed, of [Content_Types].xml
MAX_UNPACKED = 100 * 1024 * 1024  # total declared uncompressed size (the setting's default)
# Office XML compresses about 10:1, rarely beyond 50:1; a bomb's entries, 1000:1. Entries
# under RATIO_FLOOR bytes are not judged: tiny parts compress oddly and cannot harm.
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024
_EOCD = struct.Struct("<4s4H2LH")  # end of central directory record
_EOCD_SIGNATURE = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
# How zipfile reports damage, encryption and unknown compression methods.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    NotImplementedError,
    RuntimeError,
    ValueError,
    EOFError,
    OSError,
    struct.error,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_MARKUP = re.compile(r"<\s*(?:!doctype|html|head|body|script|iframe|svg)\b", re.IGNORECASE)


def check_evidence(
    data: bytes,
    *,
    max_bytes: int,
    check_seconds: float = 10,
    max_unpacked: int = MAX_UNPACKED,
) -> str:
    """The media type of an acceptable evidence file.

    Args:
        data: the uploaded bytes; any filename or declared content type is ignored.
        max_bytes: the largest file accepted.
        check_seconds: the time a PDF may take to parse.
        max_unpacked: the total uncompressed size an office document may declare.

    Returns:
        The media type sniffed from `data`, one of EXTENSIONS.

    Raises:
        EvidenceTooLarge: `data` is longer than `max_bytes`.
        UnsupportedEvidence: not one of the accepted types, or a damaged or unsafe one.
    """
    if len(data) > max_bytes:
        raise EvidenceTooLarge(
            f"The file is {len(data):,} bytes; upload one of at most {max_bytes:,} bytes."
        )
    if not data:
        raise UnsupportedEvidence(f"The file is empty. Upload a {ACCEPTED} file.")
    if data.startswith(b"%PDF-"):
        structure.check_pdf(data, timeout=check_seconds)
        return PDF
    for magic, media_type in _IMAGE_MAGIC:
        if data.startswith(magic):
            structure.check_image(data, media_type)
            return media_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        structure.check_image(data, WEBP)
        return WEBP
    if data.startswith(b"PK\x03\x04"):
        return _office(data, max_unpacked)
    if _is_text(data):
        return TEXT
    raise UnsupportedEvidence(f"This kind of file is not accepted. Upload a {ACCEPTED} file.")


def _office(data: bytes, max_unpacked: int) -> str:
    _check_directory(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_sizes(archive.infolist(), max_unpacked)
            names = set(archive.namelist())
            if "mimetype" in names:
                found = _ODF.get(_read(archive, "mimetype", 100).strip())
            elif "[Content_Types].xml" in names:
                manifest = _read(archive, "[Content_Types].xml", MAX_MANIFEST)
                found = next((t for key, t in _OOXML_MAIN.items() if key in manifest), None)
            else:
                found = None
    except _ZIP_ERRORS as exc:
        raise UnsupportedEvidence(
            "The archive is damaged or encrypted; save the document again and re-upload."
        ) from exc
    if found is None:
        raise UnsupportedEvidence(
            f"ZIP archives are accepted only as office documents. Upload a {ACCEPTED} file."
        )
    return found


def _check_directory(data: bytes) -> None:
    """Refuse archives whose central directory is too large before zipfile parses it.

    The record is found as `zipfile._EndRecData` finds it (at the very end, else the last
    signature within a comment's reach), so both read the same directory.
    """
    position = len(data) - _EOCD.size
    if not (data[position:].startswith(_EOCD_SIGNATURE) and data[-2:] == b"\x00\x00"):
        position = data.rfind(_EOCD_SIGNATURE, max(0, len(data) - _EOCD.size - (1 << 16)))
    if position < 0 or len(data) < position + _EOCD.size:
        raise UnsupportedEvidence("The archive has no central directory; it is damaged.")
    _, _, _, _, entries, directory_size, _, _ = _EOCD.unpack_from(data, position)
    zip64 = data[max(0, position - 20) : position].startswith(_ZIP64_LOCATOR)
    if zip64 or entries > MAX_ZIP_ENTRIES or directory_size > MAX_ZIP_DIRECTORY:
        raise UnsupportedEvidence(
            f"The archive lists too many files; an office document of at most "
            f"{MAX_ZIP_ENTRIES:,} parts is accepted."
        )


def _check_sizes(entries: list[zipfile.ZipInfo], max_unpacked: int) -> None:
    """Refuse an archive whose entries declare too much, or too much for their packed size."""
    total = sum(e.file_size for e in entries)
    if total > max_unpacked:
        raise UnsupportedEvidence(
            f"The archive unpacks to {total:,} bytes; an office document of at most "
            f"{max_unpacked:,} bytes unpacked is accepted."
        )
    for entry in entries:
        if entry.file_size > RATIO_FLOOR and entry.file_size > MAX_RATIO * entry.compress_size:
            raise UnsupportedEvidence(
                f"The archive's {entry.filename} is compressed over {MAX_RATIO}:1, as a ZIP "
                "bomb is; it is refused."
            )


def _read(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    # Reading at most limit + 1 bytes bounds the work whatever size the entry claims; zipfile
    # bounds each step of inflating (not of bzip2 or LZMA, which office documents never use).
    if archive.getinfo(name).compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise UnsupportedEvidence(f"The archive's {name} is compressed as no office suite does.")
    with archive.open(name) as entry:
        content = entry.read(limit + 1)
    if len(content) > limit:
        raise UnsupportedEvidence(f"The archive's {name} is implausibly large; it is refused.")
    return content


def _is_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if _CONTROL.search(text):
        return False
    head = text.removeprefix("\ufeff")[:1024]
    # Markup is not plain text: HTML or SVG must never pass as a harmless note.
    if head.lstrip().startswith("<") or _MARKUP.search(head):
        raise UnsupportedEvidence(
            f"HTML, XML and SVG are not accepted as evidence. Upload a {ACCEPTED} file, "
            "or add a web page as a link."
        )
    return True
