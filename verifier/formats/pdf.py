"""Credentials in PDF: read attached files within limits, and attach them as PDF/A-3 does."""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime

import pikepdf
from pikepdf import Name

from verifier.errors import MalformedInput, NoCredential

_STREAM_NAME = re.compile(r"(stream )?<_io\.BytesIO object at 0x[0-9a-f]+>:?")
MAX_FILES = 32
# Per attached file, after decompression: a credential is kilobytes; a Flate bomb stops here.
MAX_FILE_BYTES = 4 * 1024 * 1024
# The order extract() returns files in: the credential's JSON first, then its JWT.
PREFERRED = {
    "credential.json": 0,
    "application/vc+ld+json": 0,
    "application/vc": 0,
    "credential.jwt": 1,
    "application/vc+jwt": 1,
}


def extract(pdf: bytes, *, max_file_bytes: int = MAX_FILE_BYTES) -> dict[str, bytes]:
    """Return a PDF's attached files by name, the credential's JSON first, then its JWT.

    Files are found in the catalog's /Names /EmbeddedFiles tree and its /AF array (PDF/A-3
    associated files). A stream is only inflated when it is unfiltered or FlateDecode,
    and never past max_file_bytes, whatever its /Params /Size claims.

    Args:
        pdf: the whole file.
        max_file_bytes: the most bytes read from one attached file, after decompression.

    Returns:
        Each attached file's contents under its /UF (or /F) name, in preference order:
        `credential.json` or `application/vc+ld+json`, then `credential.jwt` or
        `application/vc+jwt`, then the rest in document order.

    Raises:
        NoCredential: the PDF has no attached file.
        MalformedInput: the PDF cannot be opened (broken, encrypted), has too many
            attachments, or an attachment is too large, corrupt or oddly encoded.
    """
    try:
        document = pikepdf.open(io.BytesIO(pdf))
    except pikepdf.PasswordError:
        raise MalformedInput("The PDF is encrypted with a password; submit it unlocked.") from None
    except (pikepdf.PdfError, ValueError, RuntimeError) as exc:
        raise MalformedInput(f"The PDF cannot be read ({_first_line(exc)}).") from None
    with document:
        files: list[tuple[int, int, str, bytes]] = []
        try:
            for order, (name, stream) in enumerate(_attachments(document)):
                rank = PREFERRED.get(name, PREFERRED.get(_media_type(stream), 2))
                files.append((rank, order, name, _read(stream, name, max_file_bytes)))
        except (pikepdf.PdfError, ValueError, RuntimeError, TypeError, AttributeError) as exc:
            raise MalformedInput(
                f"The PDF's attachments cannot be read ({_first_line(exc)})."
            ) from None
    if not files:
        raise NoCredential(
            "The PDF has no credential attached to it (no credential.json or credential.jwt)."
        )
    found: dict[str, bytes] = {}
    for _, _, name, data in sorted(files):
        if name in found:
            raise MalformedInput(f"The PDF attaches two different files named {name}.")
        found[name] = data
    return found


def embed(
    pdf: bytes,
    files: Mapping[str, tuple[bytes, str]],
    *,
    modified: datetime | None = None,
) -> bytes:
    """Attach files to a PDF as PDF/A-3 associated files, each an /Alternative of the document.

    Each file becomes an /EmbeddedFile stream with /Subtype (its media type) and /Params
    (/Size, /ModDate, /CheckSum) in a Filespec with /F, /UF and /AFRelationship
    /Alternative, listed in the catalog's /Names /EmbeddedFiles tree and its /AF array,
    as Factur-X attaches its invoice XML. A file of the same name is replaced. Existing
    streams are copied as they are, not decoded and recompressed.

    Args:
        pdf: any PDF, such as WeasyPrint's certificate.
        files: name to (contents, media type), e.g.
            {"credential.json": (data, "application/vc+ld+json")}.
        modified: the files' /ModDate; now if not given.

    Returns:
        The PDF with the files attached, at least version 1.7.

    Raises:
        MalformedInput: the PDF cannot be opened.
    """
    stamp = _pdf_date(modified or datetime.now(UTC))
    try:
        document = pikepdf.open(io.BytesIO(pdf))
    except (pikepdf.PdfError, ValueError, RuntimeError) as exc:
        raise MalformedInput(f"The PDF cannot be read ({_first_line(exc)}).") from None
    with document:
        for name, (data, media_type) in files.items():
            if name in document.attachments:
                del document.attachments[name]  # qpdf drops it from /AF as well
            spec = pikepdf.AttachedFileSpec(
                document,
                data,
                description=f"Verifiable credential ({media_type})",
                filename=name,
                mime_type=media_type,
                creation_date=stamp,
                mod_date=stamp,
            )
            spec.obj.AFRelationship = Name.Alternative
            document.attachments[name] = spec  # qpdf lists it in the catalog's /AF too
        out = io.BytesIO()
        document.save(
            out,
            min_version="1.7",
            compress_streams=True,
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
        )
    return out.getvalue()


def _attachments(document: pikepdf.Pdf) -> Iterator[tuple[str, pikepdf.Stream]]:
    specs: list[pikepdf.Object] = []
    names = document.Root.get("/Names")
    if isinstance(names, pikepdf.Dictionary) and "/EmbeddedFiles" in names:
        tree = pikepdf.NameTree(names.EmbeddedFiles)
        for count, (_, spec) in enumerate(tree.items()):
            if count >= MAX_FILES:
                raise MalformedInput(f"The PDF has over {MAX_FILES} attached files.")
            specs.append(spec)
    associated = document.Root.get("/AF")
    if isinstance(associated, pikepdf.Array):
        if len(associated) > MAX_FILES:
            raise MalformedInput(f"The PDF's /AF lists over {MAX_FILES} files.")
        specs.extend(associated)
    seen: set[tuple[int, int]] = set()
    for spec in specs:
        if not isinstance(spec, pikepdf.Dictionary):
            continue
        if spec.is_indirect:  # /AF usually lists the specs that /EmbeddedFiles names
            if spec.objgen in seen:
                continue
            seen.add(spec.objgen)
        embedded = spec.get("/EF")
        if not isinstance(embedded, pikepdf.Dictionary):
            continue
        stream = embedded.get("/UF", embedded.get("/F"))
        name = spec.get("/UF", spec.get("/F"))
        if isinstance(stream, pikepdf.Stream) and isinstance(name, pikepdf.String):
            yield str(name), stream


def _media_type(stream: pikepdf.Stream) -> str:
    subtype = stream.get("/Subtype")
    return str(subtype)[1:] if isinstance(subtype, Name) else ""


def _read(stream: pikepdf.Stream, name: str, limit: int) -> bytes:
    params = stream.get("/Params")
    size = params.get("/Size") if isinstance(params, pikepdf.Dictionary) else None
    if isinstance(size, int) and size > limit:
        raise MalformedInput(f"The PDF's attachment {name} is {size} bytes; at most {limit}.")
    filters = stream.get("/Filter")
    if isinstance(filters, pikepdf.Array) and len(filters) == 1:
        filters = filters[0]
    raw = stream.read_raw_bytes()
    if filters is None:
        data = raw
    elif filters == Name.FlateDecode and "/DecodeParms" not in stream:
        data = _inflate(raw, name, limit)
    else:
        raise MalformedInput(f"The PDF's attachment {name} is encoded other than FlateDecode.")
    if len(data) > limit:
        raise MalformedInput(f"The PDF's attachment {name} is over {limit} bytes.")
    return data


def _inflate(data: bytes, name: str, limit: int) -> bytes:
    # Stop one byte past the limit: a bomb costs at most `limit` bytes of work.
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise MalformedInput(f"The PDF's attachment {name} is corrupt ({exc}).") from None
    if len(out) > limit:
        raise MalformedInput(f"The PDF's attachment {name} inflates to over {limit} bytes.")
    if not inflater.eof:
        raise MalformedInput(f"The PDF's attachment {name} is truncated.")
    return out


def _pdf_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("D:%Y%m%d%H%M%SZ")


def _first_line(exc: BaseException) -> str:
    # qpdf names the file it read; here that is a BytesIO's address, which says nothing.
    text = _STREAM_NAME.sub("", str(exc)).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__
