"""Inputs the format tests share: conformance vectors, a badge PNG, PDFs, JWS and zlib bombs."""

from __future__ import annotations

import base64
import io
import json
import random
import struct
import zlib
from functools import cache
from pathlib import Path
from typing import Any

import pikepdf
from PIL import Image

from tests.paths import CONFORMANCE

VECTORS = CONFORMANCE / "vectors"
OB30 = VECTORS / "1edtech-validator-ob30"
OB20 = VECTORS / "1edtech-validator-ob20"
BAKERY = VECTORS / "ob2-bakery"

CREDENTIAL: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    "id": "urn:uuid:2a3c4e8a-2f38-4b8b-9c1e-0d1f6d6f2b10",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": "https://issuer.example/", "type": ["Profile"], "name": "Example"},
    "validFrom": "2025-01-01T00:00:00Z",
    "name": "Teamwork ]]> badge",  # "]]>" must survive SVG CDATA
    "credentialSubject": {"type": ["AchievementSubject"], "achievement": {"name": "Teamwork"}},
}
CREDENTIAL_JSON = json.dumps(CREDENTIAL)


def vector(path: Path) -> bytes:
    """Read a conformance file, failing (never skipping) when it is missing."""
    assert path.is_file(), f"missing conformance vector {path}"
    return path.read_bytes()


def b64url(data: bytes) -> str:
    """Encode bytes as unpadded base64url."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def compact(header: dict[str, Any], payload: Any, signature: bytes = b"\x01" * 64) -> str:
    """Build a compact JWS with the given header and payload, and a made-up signature."""
    parts = [json.dumps(header).encode(), json.dumps(payload).encode(), signature]
    return ".".join(b64url(part) for part in parts)


def vc_jwt(credential: dict[str, Any] | None = None) -> str:
    """Build a VC-JWT (VCDM 1.1 style, `vc` claim) with a made-up EdDSA signature."""
    payload = {"iss": "https://issuer.example/", "nbf": 1735689600, "vc": credential or CREDENTIAL}
    return compact({"alg": "EdDSA", "typ": "JWT"}, payload)


@cache
def badge_png() -> bytes:
    """A 128x128 RGBA badge of about 20 KB, drawn once with seeded noise."""
    rng = random.Random(4)
    image = Image.new("RGBA", (128, 128))
    image.putdata(
        [
            (x * 2, y * 2, (x ^ y) & 0xFF, 255 if rng.random() < 0.7 else rng.randrange(256))
            for y in range(128)
            for x in range(128)
        ]
    )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def chunk(kind: bytes, data: bytes) -> bytes:
    """Serialise one PNG chunk with its length and CRC."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def with_chunks(png: bytes, *chunks: bytes) -> bytes:
    """Insert raw chunks right after a PNG's IHDR (8-byte signature plus 25-byte IHDR)."""
    return png[:33] + b"".join(chunks) + png[33:]


def itxt(keyword: str, text: bytes, *, compressed: bool = False) -> bytes:
    """An iTXt chunk; compressed text must already be zlib data."""
    flag = b"\x01\x00" if compressed else b"\x00\x00"
    return chunk(b"iTXt", keyword.encode() + b"\0" + flag + b"\0\0" + text)


@cache
def zlib_bomb(gibibytes: int = 1) -> bytes:
    """A valid zlib stream of about 1 MB that inflates to `gibibytes` GiB of zeros."""
    zeros, blocks = bytes(1 << 20), gibibytes << 10
    compressor = zlib.compressobj(9)
    # After a full flush each 1 MiB block compresses to the same bytes, with no history.
    head = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.flush()[:-4]  # the final empty block, less the 2 MiB's checksum
    size = blocks << 20
    adler = ((size % 65521) << 16) | 1  # Adler-32 of n zero bytes: A = 1, B = n mod 65521
    return head + block * (blocks - 1) + end + struct.pack(">I", adler)


@cache
def minimal_pdf() -> bytes:
    """A one-page PDF made with pikepdf, standing in for a WeasyPrint certificate."""
    document = pikepdf.Pdf.new()
    document.add_blank_page(page_size=(595, 842))
    document.pages[0].Contents = document.make_stream(b"BT /F1 24 Tf 72 720 Td (Hi) Tj ET")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_with_raw_file(
    name: str,
    raw: bytes,
    *,
    filters: Any = pikepdf.Name.FlateDecode,
    size: int | None = None,
    count: int = 1,
    direct: bool = False,
) -> bytes:
    """A PDF attaching `count` files whose stream bytes are `raw`, exactly as given.

    The stream claims `filters` (FlateDecode by default, so `raw` must be zlib data or a
    bomb); size sets /Params /Size, which may lie; direct lists the Filespecs in /AF as
    direct objects, and only there.
    """
    document = pikepdf.Pdf.open(io.BytesIO(minimal_pdf()))
    names, associated = pikepdf.Array(), pikepdf.Array()
    for index in range(count):
        stream = pikepdf.Stream(document, b"")
        stream.write(raw, filter=filters)
        if isinstance(filters, list):  # qpdf writes a one-filter list as a name; keep it
            stream.Filter = pikepdf.Array(filters)
        stream.Type = pikepdf.Name.EmbeddedFile
        stream.Subtype = pikepdf.Name("/application/vc+ld+json")
        if size is not None:
            stream.Params = pikepdf.Dictionary(Size=size)
        filename = name if count == 1 else f"{index:03d}-{name}"
        spec = pikepdf.Dictionary(
            Type=pikepdf.Name.Filespec,
            F=filename,
            UF=filename,
            EF=pikepdf.Dictionary(F=stream, UF=stream),
            AFRelationship=pikepdf.Name.Alternative,
        )
        if not direct:
            spec = document.make_indirect(spec)
            names.extend([pikepdf.String(filename), spec])
        associated.append(spec)
    if names:
        document.Root.Names = pikepdf.Dictionary(EmbeddedFiles=pikepdf.Dictionary(Names=names))
    document.Root.AF = associated
    out = io.BytesIO()
    # Level none: qpdf must copy the bomb as it is, not inflate it to recompress it.
    document.save(out, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    return out.getvalue()
