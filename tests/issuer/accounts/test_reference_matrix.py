"""The isolation matrix's body-reference case: tenant A's ids sent to tenant B's endpoints.

Every id a request body may carry is found from the endpoints' argument schemas, so a new
body reference fails `test_every_body_reference_has_a_case` until it has a case here. Each
case is posted by a caller of tenant B with B's own URL, and a body that B could send with
its own ids, except for one id of A's (or a made-up one): it must answer 404 naming that
field, and store nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import marshmallow as ma
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, func, select

from issuer import create_app
from issuer.accounts.roles import Role
from issuer.db import Base, db
from issuer.learning.automated_evaluation.models import Question
from issuer.learning.certification_path_management.models import CompetencyItem
from issuer.settings import Settings
from tests.factories import PATH, Factories, Person

BODY_LOCATIONS = {None, "json", "form", "json_or_form"}
PROOF = {"id": "proof", "kind": "evidence", "title": "Proof"}
QUIZ_STEP = {"id": "quiz", "kind": "evaluation", "title": "Quiz"}


def _uuid_fields(schema: ma.Schema, prefix: str = "") -> list[str]:
    found = []
    for name, field in schema.fields.items():
        if not field.dump_only:
            found += _walk(field, f"{prefix}/{field.data_key or name}")
    return found


def _walk(field: ma.fields.Field, pointer: str) -> list[str]:
    if isinstance(field, ma.fields.UUID):
        return [pointer]
    if isinstance(field, ma.fields.List):
        return _walk(field.inner, f"{pointer}/*")
    if isinstance(field, ma.fields.Nested):
        return _uuid_fields(field.schema, pointer)
    return []


def _body_references() -> set[tuple[str, str, str]]:
    """(method, rule, pointer) of every id field in a request body schema."""
    app = create_app(Settings(debug=True, database_url="sqlite://", master_keys=("x" * 43 + "=",)))
    found = set()
    for rule in app.url_map.iter_rules():
        view_class = getattr(app.view_functions[rule.endpoint], "view_class", None)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            doc = getattr(getattr(view_class, method.lower(), None), "_apidoc", {})
            for argument in doc.get("arguments", {}).get("parameters", []):
                if argument.get("location") in BODY_LOCATIONS:
                    schema = argument["schema"]
                    schema = schema() if isinstance(schema, type) else schema
                    found |= {(method, rule.rule, p) for p in _uuid_fields(schema)}
    return found


@dataclass(frozen=True)
class Case:
    """A body naming `{a.x}` (A's object x), `{b.x}` (B's) or `{new}` (a made-up id)."""

    body: dict[str, Any]
    pointer: str  # the field at fault, as the problem names it
    caller: str = "admin"  # B's issuer admin, or "learner" (B's enrolled learner)
    params: tuple[tuple[str, str], ...] = ()  # URL parameters other than B's defaults
    status: int = 404


PATH_BODY = {**PATH, "issuer_id": "{b.issuer}"}
CASES: dict[tuple[str, str, str], Case] = {
    ("POST", "/api/v1/issuers/<uuid:issuer_id>/achievements", "/image_id"): Case(
        {"name": "A", "description": "B", "criteria": {"narrative": "C"}, "image_id": "{new}"},
        "#/image_id",  # images are shared by design (stored once): only a made-up id fails
    ),
    ("PATCH", "/api/v1/achievements/<uuid:achievement_id>", "/image_id"): Case(
        {"image_id": "{new}"}, "#/image_id"
    ),
    ("POST", "/api/v1/tenants/<uuid:tenant_id>/paths", "/issuer_id"): Case(
        {**PATH_BODY, "issuer_id": "{a.issuer}"}, "#/issuer_id"
    ),
    ("POST", "/api/v1/tenants/<uuid:tenant_id>/paths", "/required_achievements/*"): Case(
        {**PATH_BODY, "required_achievements": ["{b.achievement}", "{a.achievement}"]},
        "#/required_achievements",
    ),
    ("POST", "/api/v1/tenants/<uuid:tenant_id>/paths", "/steps/*/quiz_id"): Case(
        {**PATH_BODY, "steps": [*PATH["steps"], {**QUIZ_STEP, "quiz_id": "{a.quiz}"}]},
        "#/steps/3/quiz_id",
    ),
    ("POST", "/api/v1/tenants/<uuid:tenant_id>/paths", "/milestones/*/alignment/*"): Case(
        {
            **PATH_BODY,
            "milestones": [{"id": "m", "name": "M", "steps": [], "alignment": ["{a.item}"]}],
        },
        "#/milestones/0/alignment",
    ),
    ("PATCH", "/api/v1/paths/<uuid:path_id>", "/required_achievements/*"): Case(
        {"required_achievements": ["{a.achievement}"]}, "#/required_achievements"
    ),
    ("PATCH", "/api/v1/paths/<uuid:path_id>", "/steps/*/quiz_id"): Case(
        {"steps": [*PATH["steps"], {**QUIZ_STEP, "quiz_id": "{a.quiz}"}]}, "#/steps/3/quiz_id"
    ),
    ("PATCH", "/api/v1/paths/<uuid:path_id>", "/milestones/*/alignment/*"): Case(
        {"milestones": [{"id": "m", "name": "M", "steps": [], "alignment": ["{a.item}"]}]},
        "#/milestones/0/alignment",
    ),
    ("POST", "/api/v1/paths/<uuid:path_id>/certificate", "/achievement_id"): Case(
        {"achievement_id": "{a.achievement}"}, "#/achievement_id"
    ),
    ("PUT", "/api/v1/paths/<uuid:path_id>/certificate", "/achievement_id"): Case(
        {"achievement_id": "{a.achievement}"},
        "#/achievement_id",
        params=(("path_id", "{b.certified_path}"),),
    ),
    ("POST", "/api/v1/paths/<uuid:path_id>/certificate/dry-run", "/cohort_id"): Case(
        {"cohort_id": "{a.cohort}", "rules": None}, "#/cohort_id"
    ),
    ("PATCH", "/api/v1/quizzes/<uuid:quiz_id>", "/retire/*"): Case(
        {"retire": ["{a.question}"]}, "#/retire"
    ),
    ("POST", "/api/v1/tenants/<uuid:tenant_id>/interop-mappings", "/path_id"): Case(
        {"path_id": "{a.path}", "system": "canvas", "external_id": "c-1"}, "#/path_id"
    ),
    ("POST", "/api/v1/me/portfolio/links", "/path_id"): Case(
        {"url": "https://example.test/", "title": "T", "path_id": "{a.path}"},
        "#/path_id",
        caller="learner",
    ),
    ("POST", "/api/v1/me/portfolio/links", "/evaluation_id"): Case(
        {"url": "https://example.test/", "title": "T", "evaluation_id": "{a.evaluation}"},
        "#/evaluation_id",
        caller="learner",
    ),
    (
        "POST",
        "/api/v1/me/enrolments/<uuid:enrolment_id>/evidence/<step_id>",
        "/portfolio_item_id",
    ): Case({"portfolio_item_id": "{a.item_of_portfolio}"}, "#/portfolio_item_id", "learner"),
}
# Bodies no argument schema describes (parsed by the view): listed by hand.
EXTRA_CASES: dict[tuple[str, str, str], Case] = {
    ("POST", "/api/v1/tenants/<uuid:tenant_id>/interop/<system>/mappings", "/mappings"): Case(
        {"mappings": [{"external_id": "c-1", "path_id": "{a.path}"}]},
        "#/mappings/0/path_id",
        status=422,  # a bulk import refuses the whole table naming each bad row
    ),
}


@dataclass(frozen=True)
class Tenant:
    ids: dict[str, str]
    admin: Person
    learner: Person


def _tenant(factories: Factories, client: FlaskClient, app: Flask) -> Tenant:
    tenant = factories.tenant()
    issuer = factories.issuer(tenant)
    achievement = factories.achievement(issuer)
    path = factories.path(issuer, steps=[*PATH["steps"], PROOF], visibility="public")
    certified_path = factories.path(issuer)
    factories.path_certificate(certified_path, achievement)
    cohort = factories.cohort(path)
    quiz = factories.quiz(tenant)
    framework = factories.framework(tenant)
    learner = factories.person(tenant, [Role.EARNER])
    enrolment = factories.enrolment(cohort, learner)
    item = client.post(
        "/api/v1/me/portfolio/links",
        json={"url": "https://example.test/work", "title": "Work"},
        headers=learner.headers,
    ).json["id"]
    with app.app_context():
        question = db.session.scalar(select(Question.id).where(Question.quiz_id == quiz))
        competency = db.session.scalar(
            select(CompetencyItem.id).where(CompetencyItem.framework_id == framework)
        )
    ids = {
        "tenant": tenant,
        "issuer": issuer,
        "achievement": achievement,
        "path": path,
        "certified_path": certified_path,
        "cohort": cohort,
        "quiz": quiz,
        "question": question,
        "item": competency,
        "enrolment": enrolment,
        "evaluation": factories.evidence(enrolment, "proof"),
        "item_of_portfolio": item,
    }
    admin = factories.person(tenant, [Role.ISSUER_ADMIN])
    return Tenant({k: str(v) for k, v in ids.items()}, admin, learner)


def _filled(value: Any, a: Tenant, b: Tenant) -> Any:
    if isinstance(value, dict):
        return {k: _filled(v, a, b) for k, v in value.items()}
    if isinstance(value, list):
        return [_filled(v, a, b) for v in value]
    if value == "{new}":
        return str(uuid.uuid4())
    if isinstance(value, str) and value.startswith(("{a.", "{b.")):
        return (a if value[1] == "a" else b).ids[value[3:-1]]
    return value


def _url(rule: str, b: Tenant, params: dict[str, str]) -> str:
    values = {
        "tenant_id": b.ids["tenant"],
        "issuer_id": b.ids["issuer"],
        "achievement_id": b.ids["achievement"],
        "path_id": b.ids["path"],
        "quiz_id": b.ids["quiz"],
        "enrolment_id": b.ids["enrolment"],
        "step_id": "proof",
        "system": "canvas",
        **params,
    }
    for name, value in values.items():
        rule = rule.replace(f"<uuid:{name}>", value).replace(f"<{name}>", value)
    assert "<" not in rule
    return rule


def _rows(connection: Connection) -> dict[str, int]:
    return {
        t.name: connection.scalar(select(func.count()).select_from(t)) or 0
        for t in Base.metadata.sorted_tables
    }


def test_every_body_reference_has_a_case() -> None:
    assert _body_references() == set(CASES)


@pytest.mark.parametrize("key", sorted(CASES | EXTRA_CASES), ids=" ".join)
def test_another_tenants_id_in_a_body_answers_404_and_stores_nothing(
    key: tuple[str, str, str], app: Flask, client: FlaskClient, factories: Factories
) -> None:
    a, b = _tenant(factories, client, app), _tenant(factories, client, app)
    case = (CASES | EXTRA_CASES)[key]
    method, rule, _ = key
    url = _url(rule, b, {k: _filled(v, a, b) for k, v in case.params})
    caller = b.admin if case.caller == "admin" else b.learner
    connection = db.state(app).sessionmaker.kw["bind"]
    before = _rows(connection)
    response = client.open(
        url, method=method, json=_filled(case.body, a, b), headers=caller.headers
    )
    assert response.status_code == case.status, response.json
    assert response.mimetype == "application/problem+json"
    assert [e["pointer"] for e in response.json["errors"]] == [case.pointer]
    assert _rows(connection) == before
