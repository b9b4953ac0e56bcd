"""The small, strict subset of CBOR (RFC 8949) that selective-disclosure proof values use.

Unsigned and negative integers, byte and text strings, arrays and maps, with definite
lengths only; tag 64 (a byte array, RFC 8746) is unwrapped because some encoders tag byte
strings with it. Every length is checked against the bytes that remain before anything is
read, so a hostile header claiming 2**64 items fails at once instead of allocating.
"""

from __future__ import annotations

from typing import TypeAlias

from verifier.errors import MalformedInput

Value: TypeAlias = "int | bytes | str | list[Value] | dict[Value, Value]"
MAX_DEPTH = 8
_UINT8_ARRAY_TAG = 64
_NAMES = (
    "unsigned integer",
    "negative integer",
    "byte string",
    "text string",
    "array",
    "map",
    "tag",
)


def decode(data: bytes) -> Value:
    """Decode one CBOR data item that fills ``data`` exactly.

    Args:
        data: The encoded item.

    Returns:
        ints, bytes, str, lists and dicts.

    Raises:
        MalformedInput: The bytes are truncated, trail the item, nest too deeply, or use
            CBOR features outside the subset (floats, simple values, other tags,
            indefinite lengths).
    """
    reader = _Reader(bytes(data))
    value = reader.item(0)
    if reader.position != len(reader.data):
        raise MalformedInput(f"CBOR: {len(data) - reader.position} bytes after the data item")
    return value


def encode(value: Value) -> bytes:
    """Encode ints, bytes, str, lists and dicts as CBOR with the shortest heads.

    Raises:
        MalformedInput: A value of another type (CBOR tagging and floats are not used).
    """
    if isinstance(value, bool):
        raise MalformedInput("CBOR: booleans are outside the subset")
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(encode(item) for item in value)
    if isinstance(value, dict):
        pairs = (encode(key) + encode(item) for key, item in value.items())
        return _head(5, len(value)) + b"".join(pairs)
    raise MalformedInput(f"CBOR: cannot encode a {type(value).__name__}")


def _head(major: int, argument: int) -> bytes:
    """Return the initial byte and argument of a data item, in the shortest form."""
    if argument < 24:
        return bytes([major << 5 | argument])
    for extra, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if argument < 1 << (8 * size):
            return bytes([major << 5 | extra]) + argument.to_bytes(size, "big")
    raise MalformedInput("CBOR: an integer above 2**64 - 1 has no encoding")


class _Reader:
    """A position in the bytes being decoded."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.position = 0

    def take(self, size: int, what: str) -> bytes:
        """Return the next ``size`` bytes, failing if fewer remain."""
        if size > len(self.data) - self.position:
            raise MalformedInput(
                f"CBOR: truncated {what}: {size} bytes announced, "
                f"{len(self.data) - self.position} left"
            )
        chunk = self.data[self.position : self.position + size]
        self.position += size
        return chunk

    def item(self, depth: int) -> Value:
        """Decode the data item at the current position."""
        if depth > MAX_DEPTH:
            raise MalformedInput(f"CBOR: nested deeper than {MAX_DEPTH} levels")
        initial = self.take(1, "data item")[0]
        major, extra = initial >> 5, initial & 0x1F
        if major == 7:
            raise MalformedInput("CBOR: floats and simple values are outside the subset")
        argument = self.argument(extra, major)
        if major == 0:
            return argument
        if major == 1:
            return -1 - argument
        if major == 2:
            return self.take(argument, "byte string")
        if major == 3:
            try:
                return self.take(argument, "text string").decode("utf-8")
            except UnicodeDecodeError:
                raise MalformedInput("CBOR: a text string is not UTF-8") from None
        if major == 6:
            return self.tagged(argument, depth)
        self.check_count(argument, major)
        if major == 4:
            return [self.item(depth + 1) for _ in range(argument)]
        result: dict[Value, Value] = {}
        for _ in range(argument):
            key = self.item(depth + 1)
            if isinstance(key, list | dict):
                raise MalformedInput("CBOR: a map key must be an integer or a string")
            if key in result:
                raise MalformedInput(f"CBOR: map key {key!r} appears twice")
            result[key] = self.item(depth + 1)
        return result

    def argument(self, extra: int, major: int) -> int:
        """Decode the argument (value, length or count) that follows the initial byte."""
        if extra < 24:
            return extra
        if extra in (24, 25, 26, 27):
            size = 1 << (extra - 24)
            return int.from_bytes(self.take(size, "header"), "big")
        if extra == 31:
            raise MalformedInput(f"CBOR: indefinite-length {_NAMES[major]} is not supported")
        raise MalformedInput(f"CBOR: reserved additional information {extra}")

    def check_count(self, count: int, major: int) -> None:
        """Fail when an array or map announces more items than bytes remain."""
        least = count if major == 4 else 2 * count  # every item takes at least one byte
        left = len(self.data) - self.position
        if least > left:
            raise MalformedInput(
                f"CBOR: {_NAMES[major]} announces {count} items but only {left} bytes remain"
            )

    def tagged(self, tag: int, depth: int) -> Value:
        """Decode a tagged item: only tag 64 around a byte string is accepted."""
        if tag != _UINT8_ARRAY_TAG:
            raise MalformedInput(f"CBOR: tag {tag} is outside the subset")
        value = self.item(depth + 1)
        if not isinstance(value, bytes):
            raise MalformedInput("CBOR: tag 64 must wrap a byte string")
        return value
