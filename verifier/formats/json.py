"""Bounded JSON parsing: a size cap, a depth cap, no NaN, no duplicate keys, objects only."""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from typing import Any

from verifier.errors import MalformedInput

MAX_BYTES = 10 * 1024 * 1024
# JSON-LD expansion, canonicalization and schema validation all recurse; real credentials
# nest about 8 levels, and 64 keeps every later step far from Python's recursion limit.
MAX_DEPTH = 64

# A JSON escape of a UTF-16 surrogate; only then can a string hold a lone surrogate.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def parse(
    data: bytes | str,
    *,
    what: str = "JSON",
    max_bytes: int = MAX_BYTES,
    max_depth: int = MAX_DEPTH,
) -> dict[str, Any]:
    """Parse a JSON object from UTF-8 bytes or text, within the size and depth caps.

    Duplicate keys are refused rather than resolved: parsers disagree on which one wins,
    so a signer and a verifier could see different credentials in the same bytes (I-JSON,
    RFC 7493, forbids them too). NaN, Infinity and numbers that overflow to them are
    refused, as JSON has no such values and canonicalization cannot encode them.

    Args:
        data: the JSON text, as UTF-8 bytes (a leading BOM is ignored) or a str.
        what: how messages name the input ("JWT payload").
        max_bytes: the largest input read, in bytes (or characters for a str).
        max_depth: the deepest nesting allowed; the top-level object is level 1.

    Returns:
        The top-level object.

    Raises:
        MalformedInput: too large, not UTF-8, not well formed, too deep, or not an object.
    """
    if len(data) > max_bytes:
        raise MalformedInput(f"The {what} is {len(data)} bytes; at most {max_bytes} are read.")
    text = _decode(data, what) if isinstance(data, bytes) else data
    try:
        value = json.loads(
            text,
            object_pairs_hook=_object,
            parse_constant=_reject_constant,
            parse_float=_finite_float,
        )
    except RecursionError:
        raise MalformedInput(f"The {what} is nested more than {max_depth} levels deep.") from None
    except _DuplicateKey as exc:
        raise MalformedInput(f'The {what} has the key "{exc.key}" twice in one object.') from None
    except json.JSONDecodeError as exc:
        raise MalformedInput(f"The {what} is not well-formed JSON: {exc}.") from None
    except ValueError as exc:  # NaN, Infinity, 1e400, an integer of over 4300 digits
        raise MalformedInput(f"The {what} has a number JSON cannot carry: {exc}.") from None
    if not isinstance(value, dict):
        raise MalformedInput(
            f"The {what} must be a JSON object {{...}}, not {type(value).__name__}."
        )
    _check(value, what, max_depth, strings=_SURROGATE_ESCAPE.search(text) is not None)
    return value


def _decode(data: bytes, what: str) -> str:
    try:
        return data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedInput(f"The {what} is not UTF-8 (bad byte at {exc.start}).") from None


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    value = dict(pairs)
    if len(value) != len(pairs):
        counts = Counter(key for key, _ in pairs)
        raise _DuplicateKey(next(key for key, count in counts.items() if count > 1))
    return value


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(literal: str) -> float:
    number = float(literal)
    if not math.isfinite(number):
        raise ValueError(f"{literal[:20]} overflows a 64-bit float")
    return number


def _check(value: dict[str, Any], what: str, max_depth: int, *, strings: bool) -> None:
    # Iterative, so a deep document cannot exhaust the stack here either.
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            _check_string(node, what)
            continue
        if depth > max_depth:
            raise MalformedInput(f"The {what} is nested more than {max_depth} levels deep.")
        children = node.values() if isinstance(node, dict) else node
        for child in children:
            if isinstance(child, dict | list):
                stack.append((child, depth + 1))
            elif strings and isinstance(child, str):
                stack.append((child, depth))
        if strings and isinstance(node, dict):
            stack.extend((key, depth) for key in node)


def _check_string(text: str, what: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise MalformedInput(
            f"The {what} has a lone UTF-16 surrogate escape (\\ud800-\\udfff) in a string."
        ) from None
