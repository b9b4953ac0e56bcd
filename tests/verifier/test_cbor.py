"""The CBOR subset: what ecdsa-sd-2023 proof values use round-trips; anything else is refused."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verifier import cbor
from verifier.errors import MalformedInput

VALUES = st.recursive(
    st.integers(min_value=-(2**64), max_value=2**64 - 1) | st.binary() | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.integers(0, 2**32), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(VALUES)
def test_values_of_the_subset_round_trip(value: cbor.Value) -> None:
    assert cbor.decode(cbor.encode(value)) == value


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        (0, "00"),
        (23, "17"),
        (24, "1818"),
        (1000, "1903e8"),
        (2**32, "1b0000000100000000"),
        (-1, "20"),
        (b"\x01\x02", "420102"),
        ("ü", "62c3bc"),
        ([1, [2]], "82018102"),
        ({0: b""}, "a10040"),
    ],
)
def test_encoding_uses_the_shortest_heads_of_rfc_8949(value: cbor.Value, encoded: str) -> None:
    assert cbor.encode(value).hex() == encoded


def test_non_minimal_heads_are_read() -> None:
    assert cbor.decode(bytes.fromhex("1b0000000000000001")) == 1


def test_tag_64_around_a_byte_string_is_unwrapped() -> None:
    assert cbor.decode(bytes.fromhex("d84042abcd")) == b"\xab\xcd"


@pytest.mark.parametrize(
    ("encoded", "message"),
    [
        ("d84001", "tag 64 must wrap a byte string"),
        ("a1800001", "map key must be an integer or a string"),
        ("f5", "floats and simple values"),
        ("5f41014102ff", "indefinite-length byte string"),
        ("df", "indefinite-length tag"),
        ("1f", "indefinite-length unsigned integer"),
        ("1c", "reserved additional information 28"),
    ],
)
def test_data_outside_the_subset_is_refused(encoded: str, message: str) -> None:
    with pytest.raises(MalformedInput, match=message):
        cbor.decode(bytes.fromhex(encoded))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "booleans"),
        (1.5, "cannot encode a float"),
        (2**64, "no encoding"),
        (None, "NoneType"),
    ],
)
def test_values_outside_the_subset_are_not_encoded(value: Any, message: str) -> None:
    with pytest.raises(MalformedInput, match=message):
        cbor.encode(value)


@given(st.binary(max_size=64))
def test_any_bytes_decode_or_fail_with_malformed_input(data: bytes) -> None:
    try:
        cbor.decode(data)
    except MalformedInput:
        pass
