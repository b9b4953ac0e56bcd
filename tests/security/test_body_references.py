"""Ids in a request body resolve only inside the caller's reach: 404 naming the field, no row.

The attacks: a learner attaches portfolio items to another tenant's path and to a made-up
evaluation, submits another person's portfolio file as their evidence, and an author builds a
path on another tenant's quiz. All were stored before. The whole matrix of body references
is tests/issuer/accounts/test_reference_matrix.py.
"""

from __future__ import annotations

import uuid

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from issuer.accounts.roles import Role
from issuer.db import db
from issuer.learning.automated_evaluation.models import Evaluation
from issuer.learning.certification_path_management.models import CertificationPath
from issuer.learning.skills_portfolio.models import PortfolioItem
from tests.factories import PATH, Factories

LINK = {"url": "https://example.test/lesson", "title": "Lesson"}


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_a_portfolio_item_cannot_name_another_tenants_path_or_a_made_up_evaluation(
    app: Flask, client: FlaskClient, factories: Factories
) -> None:
    mine, theirs = factories.tenant(), factories.tenant()
    learner = factories.person(mine, [Role.EARNER])
    foreign_path = factories.path(factories.issuer(theirs))
    before = _count(app, PortfolioItem)
    for field, value in (("path_id", foreign_path), ("evaluation_id", uuid.uuid4())):
        r = client.post(
            "/api/v1/me/portfolio/links",
            json={**LINK, field: str(value)},
            headers=learner.headers,
        )
        assert r.status_code == 404 and r.mimetype == "application/problem+json"
        assert r.json["errors"][0]["pointer"] == f"#/{field}"
    assert _count(app, PortfolioItem) == before
    own_path = factories.path(factories.issuer(mine))  # a path of the learner's own tenant
    r = client.post(
        "/api/v1/me/portfolio/links",
        json={**LINK, "path_id": str(own_path)},
        headers=learner.headers,
    )
    assert r.status_code == 201


def test_evidence_cannot_cite_another_persons_portfolio_item(
    app: Flask, client: FlaskClient, factories: Factories
) -> None:
    tenant = factories.tenant()
    proof = {"id": "proof", "kind": "evidence", "title": "Proof"}
    cohort = factories.cohort(factories.path(factories.issuer(tenant), steps=[proof]))
    victim, attacker = (factories.person(tenant, [Role.EARNER]) for _ in range(2))
    item = client.post("/api/v1/me/portfolio/links", json=LINK, headers=victim.headers).json
    enrolment = factories.enrolment(cohort, attacker)
    before = _count(app, Evaluation)
    r = client.post(
        f"/api/v1/me/enrolments/{enrolment}/evidence/proof",
        json={"portfolio_item_id": item["id"]},
        headers=attacker.headers,
    )
    assert r.status_code == 404 and r.json["errors"][0]["pointer"] == "#/portfolio_item_id"
    assert _count(app, Evaluation) == before


def test_a_path_cannot_be_built_on_another_tenants_quiz(
    app: Flask, client: FlaskClient, factories: Factories
) -> None:
    mine, theirs = factories.tenant(), factories.tenant()
    author = factories.person(mine, [Role.ISSUER_ADMIN])
    step = {
        "id": "quiz",
        "kind": "evaluation",
        "title": "Quiz",
        "quiz_id": str(factories.quiz(theirs)),
    }
    before = _count(app, CertificationPath)
    r = client.post(
        f"/api/v1/tenants/{mine}/paths",
        json={**PATH, "issuer_id": str(factories.issuer(mine)), "steps": [*PATH["steps"], step]},
        headers=author.headers,
    )
    assert r.status_code == 404 and r.json["errors"][0]["pointer"] == "#/steps/3/quiz_id"
    assert _count(app, CertificationPath) == before
