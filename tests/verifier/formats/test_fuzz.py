"""A short fuzz of every parser: any bytes give a result or a VerifierError, never a crash."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from functools import cache
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.verifier.formats.samples import (
    BAKERY,
    CREDENTIAL_JSON,
    OB20,
    OB30,
    badge_png,
    itxt,
    minimal_pdf,
    vc_jwt,
    vector,
    with_chunks,
)
from verifier.errors import VerifierError
from verifier.formats import json as bounded_json
from verifier.formats import jwt, pdf, png, svg
from verifier.formats.read import read

# Derandomized, so `make test` runs the same few hundred cases each time (a few seconds).
FUZZ = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
OPERATIONS = ("flip", "delete", "insert", "truncate", "duplicate")


def mutate(seed: bytes, edits: list[tuple[str, int, int]]) -> bytes:
    """Apply byte-level edits (flip, delete, insert, truncate, duplicate) to a valid input."""
    data = bytearray(seed)
    for operation, where, value in edits:
        at = where % (len(data) + 1)
        if operation == "flip" and at < len(data):
            data[at] ^= value or 1
        elif operation == "delete":
            del data[at : at + value]
        elif operation == "insert":
            data[at:at] = bytes([value])
        elif operation == "truncate":
            del data[at:]
        elif operation == "duplicate":
            data[at:at] = data[at : at + value]
    return bytes(data)


def inputs(*seeds: bytes) -> st.SearchStrategy[bytes]:
    """Arbitrary bytes, and valid inputs with a few edits each."""
    edit = st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 1 << 20), st.integers(0, 255))
    mutated = st.builds(mutate, st.sampled_from(seeds), st.lists(edit, min_size=1, max_size=6))
    return st.one_of(st.binary(max_size=512), mutated)


def survives(parse: Callable[[bytes], Any], data: bytes) -> None:
    """Call parse and let only a VerifierError through."""
    try:
        parse(data)
    except VerifierError:
        pass


@cache
def pdfs() -> tuple[bytes, ...]:
    files = {
        "credential.json": (CREDENTIAL_JSON.encode(), "application/vc+ld+json"),
        "credential.jwt": (vc_jwt().encode(), "application/vc+jwt"),
    }
    return minimal_pdf(), pdf.embed(minimal_pdf(), files)


@cache
def pngs() -> tuple[bytes, ...]:
    compressed = itxt("openbadges", zlib.compress(CREDENTIAL_JSON.encode()), compressed=True)
    return (
        vector(OB20 / "simple-badge.png"),
        png.bake(badge_png(), keyword="openbadgecredential", text=vc_jwt()),
        with_chunks(badge_png(), compressed),
    )


SVGS = (
    vector(OB30 / "simple-json.svg"),
    vector(OB30 / "simple-jwt.svg"),
    vector(BAKERY / "baked.svg"),
)
JSONS = (vector(OB30 / "simple.json"), CREDENTIAL_JSON.encode())
JWTS = (vector(OB30 / "simple.jwt"), vector(OB20 / "simple.jwt"), vc_jwt().encode())


@FUZZ
@given(inputs(*JSONS))
def test_json_parser_never_crashes(data: bytes) -> None:
    survives(bounded_json.parse, data)


@FUZZ
@given(inputs(*JWTS))
def test_jwt_decoder_never_crashes(data: bytes) -> None:
    survives(lambda raw: jwt.read(raw.decode("latin-1")), data)


@FUZZ
@given(inputs(*pngs()))
def test_png_extractor_never_crashes(data: bytes) -> None:
    survives(png.extract, data)


@FUZZ
@given(inputs(*pngs()))
def test_png_baking_gives_back_its_text_or_refuses(data: bytes) -> None:
    try:
        baked = png.bake(data, keyword="openbadgecredential", text=CREDENTIAL_JSON)
    except VerifierError:
        return
    assert png.extract(baked) == ("openbadgecredential", CREDENTIAL_JSON)


@FUZZ
@given(inputs(*SVGS))
def test_svg_extractor_never_crashes(data: bytes) -> None:
    survives(svg.extract, data)


@FUZZ
@given(inputs(*SVGS))
def test_svg_baking_gives_back_its_credential_or_refuses(data: bytes) -> None:
    try:
        baked = svg.bake(data, credential=CREDENTIAL_JSON)
    except VerifierError:
        return
    assert svg.extract(baked) == svg.Baked("ob3", None, CREDENTIAL_JSON)


@FUZZ
@given(inputs(*pdfs()))
def test_pdf_extractor_never_crashes(data: bytes) -> None:
    survives(pdf.extract, data)


@FUZZ
@given(inputs(*JSONS, *JWTS, *pngs(), *SVGS, *pdfs()))
def test_read_never_crashes(data: bytes) -> None:
    survives(read, data)
