"""The issue-rule engine, property by property over random rule trees and facts."""

from __future__ import annotations

from typing import Any

import jsonschema_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from issuer.learning.certificate_rules import engine

COMPLEMENT = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "=": "!=", "!=": "="}
SCHEMA = jsonschema_rs.validator_for(engine.json_schema())


def _value(field: engine.Field) -> st.SearchStrategy[Any]:
    if field.type in ("number", "integer"):
        return st.integers(-5, 120)
    if field.type == "datetime":
        return st.sampled_from(
            ["2026-01-01T00:00:00Z", "2026-06-30T12:00:00Z", "2027-01-01T00:00:00Z"]
        )
    if field.type == "enum":
        return st.sampled_from(field.choices)
    return st.sampled_from(["state-teachers", "college", "school.test", "Spring"])


@st.composite
def conditions(draw: st.DrawFn) -> dict[str, Any]:
    field = draw(st.sampled_from(list(engine.FIELDS.values())))
    op = draw(st.sampled_from(field.operators))
    value = (
        draw(st.lists(_value(field), min_size=1, max_size=3)) if op == "in" else draw(_value(field))
    )
    return {"field": field.name, "op": op, "value": value}


rules = st.recursive(
    conditions(),
    lambda children: st.dictionaries(
        st.sampled_from(["all", "any"]),
        st.lists(children, min_size=1, max_size=3),
        min_size=1,
        max_size=1,
    ),
    max_leaves=12,
)


@st.composite
def facts(draw: st.DrawFn) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, field in engine.FIELDS.items():
        if draw(st.booleans()) and name != "enrolment.status":
            values[name] = None  # a fact not known yet (no score, not completed)
        elif field.type == "set":
            values[name] = draw(st.lists(_value(field), max_size=2))
        else:
            values[name] = draw(_value(field))
    return values


def _depth(rule: dict[str, Any]) -> int:
    for join in ("all", "any"):
        if join in rule:
            return 1 + max(_depth(c) for c in rule[join])
    return 1


def _leaves(rule: dict[str, Any]) -> list[dict[str, Any]]:
    for join in ("all", "any"):
        if join in rule:
            return [leaf for child in rule[join] for leaf in _leaves(child)]
    return [rule]


@settings(max_examples=300, deadline=None)
@given(rule=rules)
def test_generated_rules_are_valid_and_the_schema_agrees(rule: dict[str, Any]) -> None:
    assert _depth(rule) > engine.MAX_DEPTH or engine.check(rule) == []
    assert SCHEMA.is_valid(rule)


@settings(max_examples=300, deadline=None)
@given(rule=rules, seen=facts())
def test_groups_combine_their_children(rule: dict[str, Any], seen: dict[str, Any]) -> None:
    for join, combine in (("all", all), ("any", any)):
        if join in rule:
            children = [engine.evaluate(c, seen).passed for c in rule[join]]
            assert engine.evaluate(rule, seen).passed == combine(children)


@settings(max_examples=300, deadline=None)
@given(rule=rules, seen=facts())
def test_the_trace_shows_every_condition_and_the_value_it_saw(
    rule: dict[str, Any], seen: dict[str, Any]
) -> None:
    outcome = engine.evaluate(rule, seen)
    traced = engine.leaves(outcome.trace)
    assert [(t["field"], t["op"], t["value"]) for t in traced] == [
        (c["field"], c["op"], c["value"]) for c in _leaves(rule)
    ]
    assert all(t["seen"] == seen[t["field"]] for t in traced)
    if not outcome.passed:
        assert outcome.failures(), "a refusal always names a failed condition"
    assert all(not f["passed"] for f in outcome.failures())


@settings(max_examples=300, deadline=None)
@given(condition=conditions(), seen=facts())
def test_a_known_fact_meets_exactly_one_of_a_comparison_and_its_complement(
    condition: dict[str, Any], seen: dict[str, Any]
) -> None:
    field = engine.FIELDS[condition["field"]]
    if condition["op"] == "in" or seen[field.name] is None:
        return
    flipped = {**condition, "op": COMPLEMENT[condition["op"]]}
    if field.type == "set" and condition["op"] not in ("=", "!="):
        return
    assert engine.evaluate(condition, seen).passed != engine.evaluate(flipped, seen).passed


@settings(max_examples=200, deadline=None)
@given(rule=rules)
def test_an_unknown_fact_satisfies_no_condition(rule: dict[str, Any]) -> None:
    unknown = dict.fromkeys(engine.FIELDS)
    outcome = engine.evaluate(rule, unknown)
    assert all(not leaf["passed"] for leaf in engine.leaves(outcome.trace))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=15,
)


@settings(max_examples=500, deadline=None)
@given(junk=json_values)
def test_any_json_is_checked_without_crashing_and_accepted_only_if_usable(junk: Any) -> None:
    problems = engine.check(junk)
    assert all(p.pointer == "" or p.pointer.startswith("/") for p in problems)
    if not problems:
        engine.evaluate(junk, dict.fromkeys(engine.FIELDS))


@pytest.mark.parametrize(
    ("rule", "pointer"),
    [
        ({"all": []}, "/all"),
        ({"all": [{"field": "enrolment.score", "op": ">=", "value": "x"}]}, "/all/0/value"),
        ({"any": [{"field": "user.org", "op": ">", "value": "x"}]}, "/any/0/op"),
        ({"all": [{"field": "enrolment.score", "op": "in", "value": 3}]}, "/all/0/value"),
        ({"field": "enrolment.status", "op": "=", "value": "done"}, "/value"),
        ({"field": "nope", "op": "=", "value": 1}, "/field"),
        ({"field": "enrolment.score", "op": "=", "value": 1, "extra": 1}, "/extra"),
        ({"field": "enrolment.score", "op": "="}, "/value"),
        (
            {"all": [{"field": "enrolment.completed_at", "op": "<", "value": "2026-13-01"}]},
            "/all/0/value",
        ),
        ({"all": [{"field": "enrolment.rank", "op": "<=", "value": 2.5}]}, "/all/0/value"),
        ({"all": [{"field": "enrolment.score", "op": ">", "value": float("nan")}]}, "/all/0/value"),
        ({"all": [{"field": "enrolment.score", "op": ">", "value": True}]}, "/all/0/value"),
    ],
)
def test_each_problem_points_at_the_part_at_fault(rule: dict[str, Any], pointer: str) -> None:
    assert pointer in [p.pointer for p in engine.check(rule)]


def test_nesting_and_size_are_bounded() -> None:
    deep: dict[str, Any] = {"field": "enrolment.score", "op": ">", "value": 1}
    for _ in range(engine.MAX_DEPTH):
        deep = {"all": [deep]}
    assert any("nest" in p.message for p in engine.check(deep))
    wide = {"any": [{"field": "enrolment.score", "op": ">", "value": i} for i in range(101)]}
    assert any("At most 100" in p.message for p in engine.check(wide))


def test_sets_dates_and_ranks_compare_as_people_expect() -> None:
    seen = {
        "user.org": ["state-teachers", "college"],
        "enrolment.completed_at": "2026-06-30T12:00:00Z",
        "enrolment.rank": 3,
    }
    holds = [
        {"field": "user.org", "op": "=", "value": "college"},
        {"field": "user.org", "op": "!=", "value": "school"},
        {"field": "user.org", "op": "in", "value": ["school", "state-teachers"]},
        {"field": "enrolment.completed_at", "op": "<", "value": "2026-07-01T00:00:00+00:00"},
        {"field": "enrolment.rank", "op": "<=", "value": 3},
    ]
    for rule in holds:
        assert engine.evaluate(rule, seen).passed, rule
    assert not engine.evaluate({"field": "enrolment.rank", "op": "<", "value": 3}, seen).passed
