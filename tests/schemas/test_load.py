"""Tests for schemas: the standards' JSON Schemas as package data."""

from __future__ import annotations

import json

import jsonschema_rs
import pytest

import schemas
from tests.paths import CONFORMANCE

SOURCES = CONFORMANCE / "vectors" / "ob3-json-schemas"
COPIED_FROM = {
    "ob_v3p0_achievementcredential": SOURCES / "ob_v3p0_achievementcredential_schema.json",
    "ob_v3p0_endorsementcredential": SOURCES / "draft-gh-pages-2024" / "endorsementcredential.json",
}


def test_names_lists_every_shipped_schema() -> None:
    assert schemas.names() == tuple(sorted(COPIED_FROM))


@pytest.mark.parametrize("name", sorted(COPIED_FROM))
def test_shipped_schema_is_the_published_one(name: str) -> None:
    source = COPIED_FROM[name]
    assert source.is_file(), f"{source} is missing"  # fail the run, never skip
    assert schemas.load(name) == json.loads(source.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(COPIED_FROM))
def test_shipped_schema_is_a_valid_json_schema_2019_09(name: str) -> None:
    schema = schemas.load(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2019-09/schema#"
    assert jsonschema_rs.meta.is_valid(dict(schema))


def test_load_reads_a_schema_once() -> None:
    assert schemas.load("ob_v3p0_achievementcredential") is schemas.load(
        "ob_v3p0_achievementcredential"
    )


def test_loaded_schema_is_read_only() -> None:
    schema = schemas.load("ob_v3p0_achievementcredential")
    with pytest.raises(TypeError):
        schema["required"] = []  # type: ignore[index]


@pytest.mark.parametrize("name", ["ob_v2p0_assertion", "../setup", "py", ""])
def test_unknown_schema_name_raises_unknown_schema(name: str) -> None:
    with pytest.raises(schemas.UnknownSchema):
        schemas.load(name)
