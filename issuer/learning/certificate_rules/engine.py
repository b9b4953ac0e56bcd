"""The issue-rule engine: one evaluator for every rule, driven by a table of fields.

A rule set is JSON: a condition `{"field", "op", "value"}` or a group `{"all": [...]}` /
`{"any": [...]}` of rule sets. Facts are a flat mapping of field name to value. Evaluating
returns the outcome with a trace of every condition and the value it saw, so any decision
can be explained. No code is written per rule type: a field is a row of FIELDS.

This module is pure (no Flask, no database), so it is cheap to test exhaustively.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import jsonschema_rs

OPERATORS = ("=", "!=", "<", "<=", ">", ">=", "in")
ORDERED = OPERATORS
EQUALITY = ("=", "!=", "in")
MAX_DEPTH = 6
MAX_CONDITIONS = 100


@dataclass(frozen=True)
class Field:
    """A fact rules may test: its type decides which operators and values make sense."""

    name: str
    type: str  # number | integer | string | enum | datetime | set
    label: str
    operators: tuple[str, ...]
    choices: tuple[str, ...] = ()  # for enum fields


FIELDS: dict[str, Field] = {
    f.name: f
    for f in (
        Field("enrolment.status", "enum", "Enrolment status", EQUALITY, ("enrolled", "completed")),
        Field("enrolment.progress", "number", "Progress (%)", ORDERED),
        Field("enrolment.score", "number", "Best passing score (%)", ORDERED),
        Field("enrolment.time_spent_minutes", "number", "Time spent (minutes)", ORDERED),
        Field("enrolment.completed_at", "datetime", "Completion date", ORDERED),
        Field("enrolment.rank", "integer", "Rank by score in the cohort (1 = best)", ORDERED),
        Field("user.org", "set", "Organisations (tenant slugs) of the learner", EQUALITY),
        Field("user.email_domain", "string", "Domain of the learner's email", EQUALITY),
        Field("cohort.name", "string", "Cohort name", EQUALITY),
        Field("path.version", "integer", "Path version followed", ORDERED),
    )
}


def json_schema() -> dict[str, Any]:
    """The published JSON Schema of a rule set (structure; `check` adds field semantics)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Certifikation issue rules",
        "$ref": "#/$defs/rule",
        "$defs": {
            "rule": {"oneOf": [{"$ref": "#/$defs/condition"}, {"$ref": "#/$defs/group"}]},
            "group": {
                "type": "object",
                "minProperties": 1,
                "maxProperties": 1,
                "properties": {
                    "all": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/rule"}},
                    "any": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/rule"}},
                },
                "additionalProperties": False,
            },
            "condition": {
                "type": "object",
                "required": ["field", "op", "value"],
                "properties": {
                    "field": {"enum": sorted(FIELDS)},
                    "op": {"enum": list(OPERATORS)},
                    "value": {},
                },
                "additionalProperties": False,
            },
        },
    }


_VALIDATOR = jsonschema_rs.validator_for(json_schema())


@dataclass(frozen=True)
class Problem:
    """What is wrong with a rule set, and where (a JSON Pointer into it)."""

    pointer: str
    message: str


def check(rules: Any) -> list[Problem]:
    """Every problem of `rules`, each at the JSON Pointer of the part at fault.

    The walk checks what the published schema states (so errors name the exact field) and
    the semantics it cannot (which operators and values each field takes, size limits).
    """
    problems: list[Problem] = []
    conditions = _walk(rules, "", 1, problems)
    if conditions > MAX_CONDITIONS:
        problems.append(Problem("", f"At most {MAX_CONDITIONS} conditions, not {conditions}."))
    if not problems and not _VALIDATOR.is_valid(rules):  # the walk and the schema agree
        problems.append(Problem("", "The rules do not match the published schema."))
    return problems[:20]


def _walk(node: Any, at: str, depth: int, problems: list[Problem]) -> int:
    if not isinstance(node, Mapping):
        problems.append(Problem(at, 'Give a condition {"field", "op", "value"} or a group.'))
        return 0
    if depth > MAX_DEPTH:
        problems.append(Problem(at, f"Groups nest at most {MAX_DEPTH} deep."))
        return 0
    joins = [j for j in ("all", "any") if j in node]
    if joins:
        if len(node) != 1:
            problems.append(Problem(at, 'A group has exactly one key: "all" or "any".'))
            return 0
        join = joins[0]
        children = node[join]
        if not isinstance(children, list) or not children:
            problems.append(Problem(f"{at}/{join}", "Give a list of one or more rules."))
            return 0
        return sum(
            _walk(child, f"{at}/{join}/{i}", depth + 1, problems)
            for i, child in enumerate(children)
        )
    for key in sorted(set(node) - {"field", "op", "value"}):
        problems.append(Problem(f"{at}/{key}", "Unknown key; a condition has field, op, value."))
    for key in ("field", "op", "value"):
        if key not in node:
            problems.append(Problem(f"{at}/{key}", "Missing."))
    if problems or node["field"] not in FIELDS:
        if "field" in node and node["field"] not in FIELDS:
            problems.append(Problem(f"{at}/field", f"Unknown field; one of {', '.join(FIELDS)}."))
        return 1
    field = FIELDS[node["field"]]
    if node["op"] not in field.operators:
        allowed = ", ".join(field.operators)
        problems.append(Problem(f"{at}/op", f"{field.name} takes {allowed}."))
    else:
        message = _value_problem(field, node["op"], node["value"])
        if message:
            problems.append(Problem(f"{at}/value", message))
    return 1


def _value_problem(field: Field, op: str, value: Any) -> str | None:
    values = value if op == "in" else [value]
    if op == "in" and (not isinstance(value, list) or not value or len(value) > 1000):
        return "`in` takes a list of 1 to 1000 values."
    for item in values:
        problem = _scalar_problem(field, item)
        if problem:
            return problem
    return None


def _scalar_problem(field: Field, value: Any) -> str | None:
    if field.type in ("number", "integer"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"{field.name} compares with a number."
        if not math.isfinite(value):
            return f"{field.name} compares with a finite number."
        if field.type == "integer" and not float(value).is_integer():
            return f"{field.name} compares with a whole number."
        return None
    if field.type == "datetime":
        if not isinstance(value, str) or _datetime(value) is None:
            return f"{field.name} compares with a date-time such as 2026-06-30T00:00:00Z."
        return None
    if not isinstance(value, str) or not value or len(value) > 500:
        return f"{field.name} compares with text (1 to 500 characters)."
    if field.type == "enum" and value not in field.choices:
        return f"{field.name} is one of {', '.join(field.choices)}."
    return None


def _datetime(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


@dataclass(frozen=True)
class Outcome:
    """Whether the rules hold, with every condition's verdict and the value it saw."""

    passed: bool
    trace: dict[str, Any]

    def failures(self) -> list[dict[str, Any]]:
        """The conditions that did not hold (for a failed outcome: why)."""
        return [leaf for leaf in leaves(self.trace) if not leaf["passed"]]


def evaluate(rules: Mapping[str, Any], facts: Mapping[str, Any]) -> Outcome:
    """Evaluate a checked rule set against `facts` (every condition, for a full trace)."""
    trace = _evaluate(rules, facts)
    return Outcome(trace["passed"], trace)


def _evaluate(node: Mapping[str, Any], facts: Mapping[str, Any]) -> dict[str, Any]:
    for join, combine in (("all", all), ("any", any)):
        if join in node:
            children = [_evaluate(child, facts) for child in node[join]]
            return {join: children, "passed": combine(c["passed"] for c in children)}
    field, op, expected = FIELDS[node["field"]], node["op"], node["value"]
    seen = facts.get(field.name)
    return {
        "field": field.name,
        "op": op,
        "value": expected,
        "seen": seen,
        "passed": _holds(field, op, seen, expected),
    }


def _holds(field: Field, op: str, seen: Any, expected: Any) -> bool:
    """One comparison; a missing fact (no score yet, say) satisfies nothing."""
    if seen is None:
        return False
    if field.type == "set":
        have = set(seen)
        if op == "in":
            return bool(have & set(expected))
        return (expected in have) == (op == "=")
    if op == "in":
        return any(_compare(field, "=", seen, e) for e in expected)
    return _compare(field, op, seen, expected)


def _compare(field: Field, op: str, seen: Any, expected: Any) -> bool:
    if field.type == "datetime":
        seen, expected = _datetime(str(seen)), _datetime(str(expected))
        if seen is None or expected is None:
            return False
    elif field.type in ("number", "integer"):
        seen, expected = float(seen), float(expected)
    comparisons: dict[str, bool] = {
        "=": seen == expected,
        "!=": seen != expected,
        "<": seen < expected,
        "<=": seen <= expected,
        ">": seen > expected,
        ">=": seen >= expected,
    }
    return comparisons[op]


def leaves(node: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The conditions of a trace (or of a rule set), in order."""
    for join in ("all", "any"):
        if join in node:
            return [leaf for child in node[join] for leaf in leaves(child)]
    return [dict(node)]


def form_definition() -> dict[str, Any]:
    """What a rule editor needs to render itself: fields, their operators and choices."""
    return {
        "groups": ["all", "any"],
        "max_depth": MAX_DEPTH,
        "max_conditions": MAX_CONDITIONS,
        "fields": [
            {
                "name": f.name,
                "label": f.label,
                "type": f.type,
                "operators": list(f.operators),
                **({"choices": list(f.choices)} if f.choices else {}),
            }
            for f in FIELDS.values()
        ],
        "schema": json_schema(),
    }
