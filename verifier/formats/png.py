"""Open Badges in PNG: read the baked text chunk by hand, and splice one in without re-encoding."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from typing import NamedTuple

from verifier.errors import MalformedInput, NoCredential

SIGNATURE = b"\x89PNG\r\n\x1a\n"
# OB 3.0 bakes `openbadgecredential`, OB 2.0 `openbadges` (iTXt; before 2.0 a URL in tEXt).
KEYWORDS = ("openbadgecredential", "openbadges")
# A credential with an embedded image can reach a few hundred KB; a zlib bomb stops here.
MAX_TEXT_BYTES = 4 * 1024 * 1024
_MAX_CHUNK = 2**31 - 1  # PNG section 5.3: a chunk length fits in 31 bits
_TEXT_CHUNKS = (b"iTXt", b"tEXt", b"zTXt")


class Chunk(NamedTuple):
    """A chunk's type, its data and where the whole chunk (length to CRC) lies in the file."""

    type: bytes
    data: bytes
    start: int
    end: int


def chunks(png: bytes) -> Iterator[Chunk]:
    """Yield a PNG's chunks up to IEND, checking signature, lengths, types and CRCs.

    Raises:
        MalformedInput: not a PNG, truncated, a chunk's CRC or type is wrong, or no IEND.
    """
    if not png.startswith(SIGNATURE):
        raise MalformedInput("The file is not a PNG (its first 8 bytes are not the signature).")
    offset, first = len(SIGNATURE), True
    while True:
        if offset + 12 > len(png):
            raise MalformedInput(f"The PNG is truncated at byte {offset} (no IEND chunk).")
        length, kind = struct.unpack_from(">I4s", png, offset)
        if length > _MAX_CHUNK or offset + 12 + length > len(png):
            raise MalformedInput(f"The PNG is truncated: a {length}-byte chunk at {offset}.")
        if not kind.isalpha():  # four ASCII letters
            raise MalformedInput(f"The PNG has a chunk with an invalid type at byte {offset}.")
        if first and kind != b"IHDR":
            raise MalformedInput("The PNG does not start with an IHDR chunk.")
        end = offset + 12 + length
        data = png[offset + 8 : end - 4]
        (crc,) = struct.unpack_from(">I", png, end - 4)
        if zlib.crc32(data, zlib.crc32(kind)) != crc:
            raise MalformedInput(f"The PNG's {kind.decode()} chunk at byte {offset} fails its CRC.")
        yield Chunk(kind, data, offset, end)
        if kind == b"IEND":
            return
        offset, first = end, False


def extract(png: bytes, *, max_text: int = MAX_TEXT_BYTES) -> tuple[str, str]:
    """Return the Open Badges keyword and text baked into a PNG.

    `openbadgecredential` (OB 3.0) wins over `openbadges` (OB 2.0); for one keyword an
    iTXt chunk wins over a legacy tEXt one. A keyword baked twice is refused, since two
    readers could then see two different credentials.

    Args:
        png: the whole file.
        max_text: the most text read from one chunk, after decompression.

    Returns:
        The keyword and the chunk's text: JSON, a compact JWS, or (OB 2.0) a URL.

    Raises:
        NoCredential: the PNG is sound but has no Open Badges chunk.
        MalformedInput: the PNG or the chunk is broken, or the text exceeds max_text.
    """
    found: dict[tuple[str, bytes], str] = {}
    for chunk in chunks(png):
        if chunk.type not in (b"iTXt", b"tEXt"):
            continue
        keyword, _, rest = chunk.data.partition(b"\0")
        name = keyword.decode("latin-1")
        if name not in KEYWORDS:
            continue
        if (name, chunk.type) in found:
            raise MalformedInput(f"The PNG has more than one '{name}' chunk; one is allowed.")
        if chunk.type == b"iTXt":
            found[name, chunk.type] = _itxt_text(rest, name, max_text)
        else:
            found[name, chunk.type] = _text(rest, name, max_text)
    for name in KEYWORDS:
        for kind in (b"iTXt", b"tEXt"):
            if (name, kind) in found:
                return name, found[name, kind]
    raise NoCredential(
        "The PNG has no Open Badges credential baked into it "
        "(no iTXt 'openbadgecredential' or 'openbadges' chunk)."
    )


def bake(png: bytes, *, keyword: str, text: str) -> bytes:
    """Return the PNG with one uncompressed iTXt chunk holding text, right after IHDR.

    Any Open Badges chunk already there is dropped, so baking again replaces rather than
    stacks; every other byte is kept as it was (no decoding, no re-encoding).

    Args:
        png: the image.
        keyword: `openbadgecredential` (OB 3.0) or `openbadges` (OB 2.0).
        text: the credential's JSON, its compact JWS, or (OB 2.0) the hosted assertion's URL.

    Raises:
        MalformedInput: the PNG is broken, the keyword is not an Open Badges one, or the
            text is over MAX_TEXT_BYTES.
    """
    if keyword not in KEYWORDS:
        raise MalformedInput(f"The PNG keyword must be one of {', '.join(KEYWORDS)}.")
    encoded = text.encode("utf-8")
    if len(encoded) > MAX_TEXT_BYTES:  # what extract() would refuse to read back
        raise MalformedInput(f"The text to bake is over {MAX_TEXT_BYTES} bytes.")
    body = keyword.encode("latin-1") + b"\0\0\0\0\0" + encoded
    new = struct.pack(">I", len(body)) + b"iTXt" + body
    new += struct.pack(">I", zlib.crc32(body, zlib.crc32(b"iTXt")))
    parts, kept_from = [], 0
    for chunk in chunks(png):
        if chunk.type == b"IHDR":
            parts += [png[: chunk.end], new]
            kept_from = chunk.end
        elif chunk.type in _TEXT_CHUNKS and _is_badge(chunk.data):
            parts.append(png[kept_from : chunk.start])
            kept_from = chunk.end
    parts.append(png[kept_from:])
    return b"".join(parts)


def _is_badge(data: bytes) -> bool:
    return data.partition(b"\0")[0].decode("latin-1") in KEYWORDS


def _itxt_text(rest: bytes, name: str, max_text: int) -> str:
    # iTXt after the keyword: compression flag, method, language tag\0, translated keyword\0.
    if len(rest) < 2:
        raise MalformedInput(f"The PNG's '{name}' iTXt chunk is truncated.")
    flag, method = rest[0], rest[1]
    parts = rest[2:].split(b"\0", 2)
    if len(parts) != 3 or flag not in (0, 1) or method != 0:
        raise MalformedInput(f"The PNG's '{name}' iTXt chunk is malformed.")
    text = parts[2]
    if flag == 1:
        text = _inflate(text, name, max_text)
    if len(text) > max_text:
        raise MalformedInput(f"The PNG's '{name}' text is over {max_text} bytes.")
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedInput(f"The PNG's '{name}' iTXt text is not UTF-8.") from None


def _text(rest: bytes, name: str, max_text: int) -> str:
    if len(rest) > max_text:
        raise MalformedInput(f"The PNG's '{name}' text is over {max_text} bytes.")
    return rest.decode("latin-1")  # tEXt is Latin-1 by definition


def _inflate(data: bytes, name: str, max_text: int) -> bytes:
    # Decompress at most one byte past the cap: a bomb is refused after max_text bytes of
    # work, whatever it claims to expand to.
    inflater = zlib.decompressobj()
    try:
        text = inflater.decompress(data, max_text + 1)
    except zlib.error as exc:
        raise MalformedInput(f"The PNG's '{name}' compressed text is corrupt ({exc}).") from None
    if len(text) > max_text:
        raise MalformedInput(
            f"The PNG's '{name}' text decompresses to over {max_text} bytes; refused."
        )
    if not inflater.eof:
        raise MalformedInput(f"The PNG's '{name}' compressed text is truncated.")
    return text
