"""Tests for verifier/formats/png.py: reading and baking the Open Badges iTXt chunk."""

from __future__ import annotations

import io
import time
import zlib

import pytest
from PIL import Image

from tests.verifier.formats.samples import (
    BAKERY,
    CREDENTIAL_JSON,
    OB20,
    OB30,
    badge_png,
    chunk,
    itxt,
    vc_jwt,
    vector,
    with_chunks,
    zlib_bomb,
)
from verifier.errors import MalformedInput, NoCredential
from verifier.formats import png


def test_ob30_json_vector_holds_the_credential_json() -> None:
    keyword, text = png.extract(vector(OB30 / "simple-json.png"))
    assert keyword == "openbadgecredential"
    assert text.lstrip().startswith("{")


@pytest.mark.parametrize("name", ["simple-jwt.png", "simple-jwt_v1.png"])
def test_ob30_jwt_vectors_hold_a_compact_jws(name: str) -> None:
    keyword, text = png.extract(vector(OB30 / name))
    assert keyword == "openbadgecredential"
    assert text.count(".") == 2


def test_ob20_vector_holds_the_assertion_under_openbadges() -> None:
    keyword, text = png.extract(vector(OB20 / "simple-badge.png"))
    assert keyword == "openbadges"
    assert '"type":"Assertion"' in text


def test_unbaked_png_has_no_credential() -> None:
    with pytest.raises(NoCredential, match="no iTXt 'openbadgecredential' or 'openbadges'"):
        png.extract(vector(BAKERY / "unbaked.png"))


def test_bake_splices_one_uncompressed_itxt_right_after_ihdr_and_keeps_every_other_byte() -> None:
    original = badge_png()
    baked = png.bake(original, keyword="openbadgecredential", text=CREDENTIAL_JSON)
    expected = itxt("openbadgecredential", CREDENTIAL_JSON.encode())
    assert baked == original[:33] + expected + original[33:]
    assert png.extract(baked) == ("openbadgecredential", CREDENTIAL_JSON)


def test_baked_image_decodes_to_the_same_pixels() -> None:
    baked = png.bake(badge_png(), keyword="openbadgecredential", text=vc_jwt())
    before, after = Image.open(io.BytesIO(badge_png())), Image.open(io.BytesIO(baked))
    assert after.tobytes() == before.tobytes()


def test_baking_again_replaces_the_chunk_instead_of_stacking() -> None:
    once = png.bake(badge_png(), keyword="openbadgecredential", text="{}")
    twice = png.bake(once, keyword="openbadgecredential", text=CREDENTIAL_JSON)
    assert twice == png.bake(badge_png(), keyword="openbadgecredential", text=CREDENTIAL_JSON)


def test_baking_ob3_removes_an_ob2_chunk_wherever_it_was() -> None:
    ob2 = vector(OB20 / "simple-badge.png")
    baked = png.bake(ob2, keyword="openbadgecredential", text=CREDENTIAL_JSON)
    keywords = [c.data.split(b"\0")[0] for c in png.chunks(baked) if c.type == b"iTXt"]
    assert keywords == [b"openbadgecredential"]


def test_rebaking_a_vector_with_the_chunk_before_iend_moves_it_after_ihdr() -> None:
    baked = png.bake(vector(OB30 / "simple-json.png"), keyword="openbadgecredential", text="{}")
    types = [c.type for c in png.chunks(baked)]
    assert types[:2] == [b"IHDR", b"iTXt"]
    assert types.count(b"iTXt") == 1


def test_bake_refuses_a_keyword_that_is_not_open_badges() -> None:
    with pytest.raises(MalformedInput, match="keyword"):
        png.bake(badge_png(), keyword="Comment", text="x")


def test_compressed_itxt_is_read() -> None:
    data = with_chunks(badge_png(), itxt("openbadges", zlib.compress(b'{"a": 1}'), compressed=True))
    assert png.extract(data) == ("openbadges", '{"a": 1}')


def test_legacy_text_chunk_with_a_url_is_read() -> None:
    data = with_chunks(badge_png(), chunk(b"tEXt", b"openbadges\0https://example.org/a/1"))
    assert png.extract(data) == ("openbadges", "https://example.org/a/1")


def test_ob3_keyword_wins_over_ob2_and_itxt_over_text() -> None:
    data = with_chunks(
        badge_png(),
        chunk(b"tEXt", b"openbadges\0https://example.org/a/1"),
        itxt("openbadges", b"ob2"),
        itxt("openbadgecredential", b"ob3"),
    )
    assert png.extract(data) == ("openbadgecredential", "ob3")
    assert png.extract(png.bake(data, keyword="openbadges", text="new")) == ("openbadges", "new")


def test_a_keyword_baked_twice_is_refused() -> None:
    data = with_chunks(badge_png(), itxt("openbadges", b"one"), itxt("openbadges", b"two"))
    with pytest.raises(MalformedInput, match="more than one 'openbadges'"):
        png.extract(data)


def test_zlib_bomb_of_one_gibibyte_is_refused_fast() -> None:
    data = with_chunks(badge_png(), itxt("openbadgecredential", zlib_bomb(), compressed=True))
    started = time.perf_counter()
    with pytest.raises(MalformedInput, match="decompresses to over"):
        png.extract(data)
    assert time.perf_counter() - started < 1.0


def test_truncated_compressed_text_is_refused() -> None:
    text = zlib.compress(b'{"a": 1}')[:-6]
    data = with_chunks(badge_png(), itxt("openbadges", text, compressed=True))
    with pytest.raises(MalformedInput, match="truncated"):
        png.extract(data)


@pytest.mark.parametrize("cut", [7, 20, 40, 5000, -1])
def test_truncated_png_is_refused(cut: int) -> None:
    baked = png.bake(badge_png(), keyword="openbadges", text="{}")
    with pytest.raises(MalformedInput):
        png.extract(baked[:cut])


def test_corrupt_crc_is_refused() -> None:
    data = bytearray(png.bake(badge_png(), keyword="openbadges", text="{}"))
    data[45] ^= 0xFF  # inside the iTXt chunk's data (its keyword)
    with pytest.raises(MalformedInput, match="fails its CRC"):
        png.extract(bytes(data))


def test_png_that_does_not_start_with_ihdr_is_refused() -> None:
    data = badge_png()
    with pytest.raises(MalformedInput, match="IHDR"):
        png.extract(data[:8] + chunk(b"tEXt", b"a\0b") + data[8:])


def test_itxt_with_an_unknown_compression_method_is_refused() -> None:
    bad = chunk(b"iTXt", b"openbadges\0\x01\x07\0\0xx")
    with pytest.raises(MalformedInput, match="malformed"):
        png.extract(with_chunks(badge_png(), bad))


def test_text_over_the_cap_is_refused() -> None:
    data = png.bake(badge_png(), keyword="openbadges", text="x" * 200)
    with pytest.raises(MalformedInput, match="over 100 bytes"):
        png.extract(data, max_text=100)


def test_bake_refuses_text_that_extract_would_not_read_back() -> None:
    with pytest.raises(MalformedInput, match="over 4194304 bytes"):
        png.bake(badge_png(), keyword="openbadges", text="x" * (png.MAX_TEXT_BYTES + 1))


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (chunk(b"iTXt", b"openbadges\0"), "truncated"),
        (itxt("openbadges", b"\xff\xfe"), "not UTF-8"),
        (itxt("openbadges", b"not zlib", compressed=True), "corrupt"),
    ],
    ids=["no-flags", "not-utf8", "corrupt-zlib"],
)
def test_broken_itxt_chunk_is_refused(bad: bytes, message: str) -> None:
    with pytest.raises(MalformedInput, match=message):
        png.extract(with_chunks(badge_png(), bad))


def test_legacy_text_over_the_cap_is_refused() -> None:
    data = with_chunks(badge_png(), chunk(b"tEXt", b"openbadges\0" + b"x" * 200))
    with pytest.raises(MalformedInput, match="over 100 bytes"):
        png.extract(data, max_text=100)
