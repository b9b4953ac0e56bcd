"""Tests for verifier/formats/json.py: bounded JSON parsing."""

from __future__ import annotations

import pytest

from verifier.errors import MalformedInput
from verifier.formats import json as bounded_json


def test_object_is_parsed_from_utf8_bytes_with_a_bom() -> None:
    assert bounded_json.parse(b'\xef\xbb\xbf {"name": "Bad\xc3\xa9"}') == {"name": "Badé"}


def test_text_input_is_parsed_too() -> None:
    assert bounded_json.parse('{"a": [1, 2.5, null, true]}') == {"a": [1, 2.5, None, True]}


@pytest.mark.parametrize("text", ["[]", '"x"', "1", "null"])
def test_top_level_other_than_an_object_is_refused(text: str) -> None:
    with pytest.raises(MalformedInput, match="must be a JSON object"):
        bounded_json.parse(text)


def test_100k_deep_nesting_is_refused_without_recursion_error() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    with pytest.raises(MalformedInput, match="nested more than 64 levels"):
        bounded_json.parse('{"a": ' + deep + "}")


def test_nesting_to_the_cap_is_accepted_and_one_more_level_is_refused() -> None:
    def nested(levels: int) -> str:
        return '{"a":' * (levels - 1) + "{}" + "}" * (levels - 1)

    assert bounded_json.parse(nested(64))
    with pytest.raises(MalformedInput, match="nested more than 64"):
        bounded_json.parse(nested(65))


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400", "-1e999"])
def test_non_finite_numbers_are_refused(number: str) -> None:
    with pytest.raises(MalformedInput, match="number JSON cannot carry"):
        bounded_json.parse('{"n": ' + number + "}")


def test_integer_of_5000_digits_is_refused() -> None:
    with pytest.raises(MalformedInput, match="number"):
        bounded_json.parse('{"n": ' + "9" * 5000 + "}")


def test_duplicate_keys_are_refused_even_when_nested() -> None:
    with pytest.raises(MalformedInput, match='"id" twice'):
        bounded_json.parse('{"a": {"id": 1, "id": 2}}')


def test_invalid_utf8_is_refused() -> None:
    with pytest.raises(MalformedInput, match="not UTF-8"):
        bounded_json.parse(b'{"a": "\xff"}')


def test_lone_surrogate_escape_is_refused_but_a_pair_is_accepted() -> None:
    assert bounded_json.parse('{"e": "\\ud83d\\ude00"}') == {"e": "\U0001f600"}
    with pytest.raises(MalformedInput, match="surrogate"):
        bounded_json.parse('{"e": ["\\ud83d"]}')
    with pytest.raises(MalformedInput, match="surrogate"):
        bounded_json.parse('{"\\udc00": 1}')


def test_input_over_the_size_cap_is_refused_before_parsing() -> None:
    with pytest.raises(MalformedInput, match="at most 100 are read"):
        bounded_json.parse(b"{" + b" " * 100 + b"}", max_bytes=100)


@pytest.mark.parametrize("text", ['{"a": 1', '{"a": }', "", '{"a": 1} x', "{'a': 1}"])
def test_truncated_or_malformed_json_is_refused(text: str) -> None:
    with pytest.raises(MalformedInput, match="not well-formed JSON"):
        bounded_json.parse(text)


def test_messages_name_the_input() -> None:
    with pytest.raises(MalformedInput, match="The JWT payload is not well-formed"):
        bounded_json.parse("{", what="JWT payload")
