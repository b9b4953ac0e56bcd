"""The standards' JSON Schemas, shipped as package data and read by name."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType
from typing import Any


class UnknownSchema(KeyError):
    """No schema of that name ships with the package."""


def names() -> tuple[str, ...]:
    """Return the names `load` accepts, e.g. "ob_v3p0_achievementcredential"."""
    return tuple(
        sorted(
            entry.name.removesuffix(".json")
            for entry in resources.files(__name__).iterdir()
            if entry.name.endswith(".json")
        )
    )


@functools.cache
def load(name: str) -> Mapping[str, Any]:
    """Return the parsed JSON Schema called `name`, read once and shared; do not mutate it.

    Args:
        name: The file name without ".json", one of `names()`.

    Returns:
        The schema as a read-only mapping (its nested values are plain JSON).

    Raises:
        UnknownSchema: No schema of that name ships with the package.
    """
    if name not in names():
        raise UnknownSchema(name)
    text = resources.files(__name__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return MappingProxyType(schema)
