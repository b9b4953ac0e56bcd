"""The Bitstring Status List encoding: GZIP, then multibase base64url; bit 0 is left-most."""

from __future__ import annotations

import base64
import binascii
import gzip
import re
import zlib

from verifier.errors import InvalidStatusList

MAX_LIST_BYTES = 16 * 1024 * 1024  # 134 million one-bit entries; a larger list is refused
MIN_ENTRIES = 131_072  # Bitstring Status List v1.0 and StatusList2021: 16 KB of bits at least
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*=*")


def encode_bitstring(bits: bytes | bytearray) -> str:
    """Encode a bitstring as an encodedList: GZIP, then multibase base64url ("u", no padding).

    The GZIP header carries no timestamp, so the same bits always give the same text.
    Publishers must pad the list to at least `MIN_ENTRIES` bits.
    """
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def decode_bitstring(
    encoded: str, *, max_bytes: int = MAX_LIST_BYTES, multibase: bool = True
) -> bytes:
    """Expand an encodedList into its bitstring, refusing one that grows beyond `max_bytes`.

    Args:
        encoded: Multibase base64url text ("u" prefix), or plain base64(url) when
            `multibase` is false (StatusList2021).
        max_bytes: The largest bitstring accepted; decompression stops just past it, so a
            GZIP bomb costs at most this much memory and time.
        multibase: Whether the text starts with the multibase "u" prefix.

    Returns:
        The uncompressed bitstring.

    Raises:
        InvalidStatusList: The text is not base64url GZIP data, or expands too far.
    """
    if multibase:
        if not encoded.startswith("u"):
            raise InvalidStatusList("encodedList must be multibase base64url, starting with 'u'")
        encoded = encoded[1:]
    else:
        encoded = encoded.replace("+", "-").replace("/", "_")
    if len(encoded) > (max_bytes + 1024) * 4 // 3 + 4 or not _BASE64URL.fullmatch(encoded):
        raise InvalidStatusList("encodedList is not base64url text of a sane length")
    data = encoded.rstrip("=")
    try:
        compressed = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    except binascii.Error as error:
        raise InvalidStatusList(f"encodedList is not base64url: {error}") from None
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # the GZIP container only
    try:
        bits = inflater.decompress(compressed, max_bytes + 1)
    except zlib.error as error:
        raise InvalidStatusList(f"encodedList is not GZIP data: {error}") from None
    if len(bits) > max_bytes:
        raise InvalidStatusList(f"encodedList expands beyond {max_bytes} bytes; refused")
    if not inflater.eof or inflater.unused_data:
        raise InvalidStatusList("encodedList is truncated GZIP data or has data after it")
    return bits


def bit_at(bits: bytes | bytearray, index: int) -> bool:
    """Return the bit at `index`; index 0 is the left-most (most significant) bit of byte 0.

    Raises:
        InvalidStatusList: The index lies outside the bitstring.
    """
    if not 0 <= index < len(bits) * 8:
        raise InvalidStatusList(f"index {index} is outside a list of {len(bits) * 8} entries")
    return bool(bits[index // 8] >> (7 - index % 8) & 1)
