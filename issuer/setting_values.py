"""Environment variables as typed values: what Settings.from_env reads, and its one error."""

from __future__ import annotations

import types
import typing
from decimal import Decimal
from pathlib import Path


class SettingsError(Exception):
    """A setting is missing or malformed; the message names the environment variable."""


def parse_value(name: str, raw: str, hint: object) -> object:
    """`raw`, the value of variable `name`, as the type `hint` (bool, int, Decimal, Path, a
    comma-separated tuple, or text); raise SettingsError naming `name` if it is not one."""
    if isinstance(hint, types.UnionType):  # `X | None`: parse as X
        hint = next(a for a in typing.get_args(hint) if a is not type(None))
    if hint is bool:
        lowered = raw.strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise SettingsError(f"{name} must be true or false, got {raw!r}")
    if hint is int:
        try:
            return int(raw)
        except ValueError:
            raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if hint is Decimal:
        try:
            return Decimal(raw.strip())
        except ArithmeticError:
            raise SettingsError(f"{name} must be a number, got {raw!r}") from None
    if hint is Path:
        return Path(raw)
    if typing.get_origin(hint) is tuple:
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    return raw
