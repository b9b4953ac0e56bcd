"""Grading without the database: one answer against one question, and a score against a mark.

Percentages are exact fractions until stored: a pass is `raw / max >= pass mark`, never a
rounded float, so 79.99 % fails and 80 % passes whatever the number of points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Key:
    """What grading needs of a question: its kind, its answer and its points."""

    id: str
    kind: str  # single | multiple | numeric | text
    answer: Any
    points: int


def percent(raw: int, maximum: int) -> Decimal:
    """`raw / maximum` in percent, rounded down to 2 places (never up to a pass)."""
    if maximum <= 0:
        return Decimal("0.00")
    hundredths = math.floor(Fraction(raw * 100 * 100, maximum))
    return (Decimal(hundredths) / 100).quantize(CENT)


def passes(raw: int, maximum: int, pass_percent: Decimal) -> bool:
    """Whether `raw` of `maximum` points reaches `pass_percent`, compared exactly."""
    if maximum <= 0:
        return False
    return Fraction(raw * 100, maximum) >= Fraction(pass_percent)


def is_correct(key: Key, given: Any) -> bool:
    """Whether `given` answers the question; answers of the wrong shape are simply wrong."""
    if key.kind == "single":
        return isinstance(given, str) and given == key.answer
    if key.kind == "multiple":
        return (
            isinstance(given, list)
            and all(isinstance(g, str) for g in given)
            and len(set(given)) == len(given)
            and set(given) == set(key.answer)
        )
    if key.kind == "numeric":
        number = _number(given)
        if number is None:
            return False
        return abs(number - Decimal(key.answer["value"])) <= Decimal(key.answer["tolerance"])
    if key.kind == "text":
        return isinstance(given, str) and normalise(given) in {normalise(a) for a in key.answer}
    raise AssertionError(f"unknown question kind {key.kind!r}")


def normalise(text: str) -> str:
    """Short exact answers ignore case and surrounding or repeated spaces."""
    return " ".join(text.split()).casefold()


def _number(given: Any) -> Decimal | None:
    if isinstance(given, bool) or not isinstance(given, int | float | str):
        return None
    try:
        number = Decimal(str(given).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


@dataclass(frozen=True)
class Result:
    raw: int
    maximum: int
    outcomes: dict[str, dict[str, Any]]  # question id -> {answer, correct, points}


def grade(keys: list[Key], answers: dict[str, Any]) -> Result:
    """Score `answers` (by question id, whatever order they were shown in) against `keys`."""
    outcomes: dict[str, dict[str, Any]] = {}
    raw = 0
    for key in keys:
        given = answers.get(key.id)
        correct = given is not None and is_correct(key, given)
        earned = key.points if correct else 0
        raw += earned
        outcomes[key.id] = {"answer": given, "correct": correct, "points": earned}
    return Result(raw, sum(k.points for k in keys), outcomes)
