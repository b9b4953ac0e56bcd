"""Peer validation: who may decide on evidence, one final decision, rubrics, resubmission."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, event

from issuer.accounts.models import User
from issuer.accounts.roles import Role
from issuer.db import db
from issuer.errors import Conflict, get_or_404
from issuer.learning.automated_evaluation import services as evaluations
from issuer.learning.automated_evaluation.models import Evaluation
from issuer.learning.peer_validation import services
from tests.factories import Factories, Person

STEPS = [
    {"id": "portfolio", "kind": "evidence", "title": "Portfolio", "peer_validation": True},
    {"id": "reflection", "kind": "evidence", "title": "Reflection"},
]
RUBRIC = {
    "step_id": "portfolio",
    "title": "Portfolio rubric",
    "criteria": [
        {
            "id": "clarity",
            "name": "Clarity",
            "levels": [
                {"id": "weak", "name": "Weak", "points": 0},
                {"id": "good", "name": "Good", "points": 2},
                {"id": "great", "name": "Great", "points": 4},
            ],
        },
        {
            "id": "inclusion",
            "name": "Inclusion",
            "levels": [
                {"id": "partial", "name": "Partial", "points": 1},
                {"id": "full", "name": "Full", "points": 3},
            ],
        },
    ],
}


@dataclass(frozen=True)
class Case:
    tenant: uuid.UUID
    path: uuid.UUID
    author: Person
    mentor: Person
    learner: Person
    enrolment: uuid.UUID

    def submit(self, client: FlaskClient, step: str = "portfolio", **body: Any) -> Any:
        return client.post(
            f"/api/v1/me/enrolments/{self.enrolment}/evidence/{step}",
            json=body or {"url": "https://portfolio.example/lesson", "narrative": "My lesson."},
            headers=self.learner.headers,
        )

    def decide(
        self, client: FlaskClient, evaluation: str, who: Person | None = None, **body: Any
    ) -> Any:
        return client.post(
            f"/api/v1/evaluations/{evaluation}/decision",
            json={"decision": "approved", **body},
            headers=(who or self.mentor).headers,
        )


@pytest.fixture
def case(factories: Factories) -> Case:
    tenant = factories.tenant()
    path = factories.path(factories.issuer(tenant), steps=STEPS, milestones=[])
    mentor = factories.person(tenant, [Role.MENTOR])
    factories.mentor(path, mentor)
    learner = factories.person(tenant, [Role.EARNER])
    return Case(
        tenant,
        path,
        factories.person(tenant, [Role.BADGE_CREATOR]),
        mentor,
        learner,
        factories.enrolment(factories.cohort(path), learner),
    )


@pytest.fixture
def announced() -> Iterator[list[tuple[str, uuid.UUID]]]:
    seen: list[tuple[str, uuid.UUID]] = []

    def submitted(evaluation: Evaluation) -> None:
        seen.append(("submitted", evaluation.id))

    def decided(evaluation: Evaluation) -> None:
        seen.append((evaluation.status, evaluation.id))

    evaluations.evidence_submitted.connect(submitted)
    services.evidence_decided.connect(decided)
    yield seen
    evaluations.evidence_submitted.disconnect(submitted)
    services.evidence_decided.disconnect(decided)


def test_evidence_without_peer_validation_completes_its_step_at_once(
    client: FlaskClient, case: Case
) -> None:
    r = case.submit(client, "reflection", narrative="What I learnt.")
    assert r.status_code == 201 and r.json["status"] == "approved" and r.json["passed"] is True
    mine = client.get("/api/v1/me/enrolments", headers=case.learner.headers).json[0]
    assert mine["completed_steps"] == ["reflection"]
    empty = case.submit(client, "reflection", narrative="  ")
    assert empty.status_code == 422
    lesson = case.submit(client, "nope")
    assert lesson.status_code == 404


def test_an_assigned_mentor_approves_and_the_path_completes(
    client: FlaskClient,
    case: Case,
    announced: list[tuple[str, uuid.UUID]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    case.submit(client, "reflection", narrative="What I learnt.")
    evidence = case.submit(client).json
    assert evidence["status"] == "awaiting_validation" and evidence["passed"] is None
    again = case.submit(client)
    assert again.status_code == 409 and "already awaits" in again.json["detail"]
    queue = client.get(f"/api/v1/paths/{case.path}/validations", headers=case.mentor.headers)
    assert [e["id"] for e in queue.json] == [evidence["id"]]
    mine = client.get("/api/v1/me/validations", headers=case.mentor.headers).json
    assert [e["id"] for e in mine] == [evidence["id"]]

    with caplog.at_level(logging.INFO, logger="issuer.mail"):
        r = case.decide(client, evidence["id"], comment="Well argued.")
    assert r.status_code == 200, r.json
    assert r.json["status"] == "approved" and r.json["passed"] is True
    assert r.json["decision"]["comment"] == "Well argued."
    assert r.json["decision"]["decided_by"] == str(case.mentor.id)
    assert case.learner.email in caplog.text and "Well argued." in caplog.text
    enrolment = client.get("/api/v1/me/enrolments", headers=case.learner.headers).json[0]
    assert enrolment["status"] == "completed"
    assert announced == [
        ("submitted", uuid.UUID(evidence["id"])),
        ("approved", uuid.UUID(evidence["id"])),
    ]
    assert (
        client.get(f"/api/v1/paths/{case.path}/validations", headers=case.mentor.headers).json == []
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("learner", 403),  # holds no evidence:validate
        ("learner-who-mentors", 403),  # never their own evidence
        ("unassigned-mentor", 403),
        ("mentor-of-other-tenant", 404),
        ("client", 403),  # holds the scope, but acts for no assigned person
        ("assigned-mentor", 200),
    ],
)
def test_only_an_assigned_mentor_other_than_the_learner_decides(
    client: FlaskClient, factories: Factories, case: Case, who: str, status: int
) -> None:
    if who == "learner-who-mentors":
        both = factories.person(case.tenant, [Role.EARNER, Role.MENTOR])
        factories.mentor(case.path, both)
        case = Case(
            case.tenant,
            case.path,
            case.author,
            case.mentor,
            both,
            factories.enrolment(factories.cohort(case.path), both),
        )
    evidence = case.submit(client).json["id"]
    caller: Any = {
        "learner": case.learner,
        "learner-who-mentors": case.learner,
        "unassigned-mentor": factories.person(case.tenant, [Role.MENTOR]),
        "mentor-of-other-tenant": factories.person(factories.tenant(), [Role.MENTOR]),
        "client": factories.client(case.tenant),
        "assigned-mentor": case.mentor,
    }[who]
    r = client.post(
        f"/api/v1/evaluations/{evidence}/decision",
        json={"decision": "approved"},
        headers=caller.headers,
    )
    assert r.status_code == status, r.json
    after = client.get(f"/api/v1/evaluations/{evidence}", headers=case.author.headers).json
    assert after["status"] == ("approved" if status == 200 else "awaiting_validation")


def test_mentors_are_assigned_only_from_the_path_s_tenant_and_can_be_removed(
    client: FlaskClient, factories: Factories, case: Case
) -> None:
    url = f"/api/v1/paths/{case.path}/mentors"
    for person in (case.learner, factories.person(factories.tenant(), [Role.MENTOR])):
        r = client.put(f"{url}/{person.id}", headers=case.author.headers)
        assert r.status_code == 422 and "mentor role" in r.json["detail"]
    listed = client.get(url, headers=case.author.headers).json
    assert [m["user_id"] for m in listed] == [str(case.mentor.id)]
    assert client.put(f"{url}/{case.mentor.id}", headers=case.author.headers).status_code == 200
    assert client.delete(f"{url}/{case.mentor.id}", headers=case.author.headers).status_code == 204
    evidence = case.submit(client).json["id"]
    assert case.decide(client, evidence).status_code == 403
    assert client.get("/api/v1/me/validations", headers=case.mentor.headers).json == []


def test_two_decisions_on_one_evaluation_one_wins_the_other_conflicts(
    app: Flask, client: FlaskClient, factories: Factories, case: Case
) -> None:
    evidence = case.submit(client).json["id"]
    other = factories.person(case.tenant, [Role.MENTOR])
    factories.mentor(case.path, other)
    with app.app_context():
        stale = get_or_404(Evaluation, uuid.UUID(evidence))  # loaded while still awaiting
        mentor = db.session.get(User, other.id)
        assert mentor is not None
        assert case.decide(client, evidence, decision="rejected").status_code == 200
        with pytest.raises(Conflict, match="already decided: rejected"):
            services.decide(
                ("user", str(other.id)),
                mentor,
                stale,
                decision="approved",
                comment="Too late",
                rubric_scores={},
            )
        db.session.rollback()
    late = case.decide(client, evidence, who=other)
    assert late.status_code == 409 and "already decided: rejected" in late.json["detail"]
    final = client.get(f"/api/v1/evaluations/{evidence}", headers=case.author.headers).json
    assert final["status"] == "rejected" and final["decision"]["decided_by"] == str(case.mentor.id)


def test_a_rejected_learner_resubmits_as_a_new_evaluation(client: FlaskClient, case: Case) -> None:
    first = case.submit(client).json["id"]
    r = case.decide(client, first, decision="rejected", comment="Add a lesson plan.")
    assert r.json["status"] == "rejected" and r.json["passed"] is False
    second = case.submit(client)
    assert second.status_code == 201 and second.json["id"] != first
    assert case.decide(client, second.json["id"]).json["status"] == "approved"
    history = client.get(
        f"/api/v1/me/enrolments/{case.enrolment}/evaluations", headers=case.learner.headers
    ).json
    assert sorted(e["status"] for e in history) == ["approved", "rejected"]


def test_rubric_scores_are_checked_and_summed(client: FlaskClient, case: Case) -> None:
    url = f"/api/v1/paths/{case.path}/rubrics"
    assert client.post(url, json=RUBRIC, headers=case.author.headers).status_code == 200
    lesson = client.post(url, json={**RUBRIC, "step_id": "nope"}, headers=case.author.headers)
    assert lesson.status_code == 404
    evidence = case.submit(client).json["id"]
    for scores, pointer in [
        ({"clarity": "great"}, "#/rubric_scores"),
        ({"clarity": "great", "inclusion": "total"}, "#/rubric_scores/inclusion"),
        ({"clarity": "great", "inclusion": "full", "style": "good"}, "#/rubric_scores/style"),
    ]:
        bad = case.decide(client, evidence, rubric_scores=scores)
        assert bad.status_code == 422 and bad.json["errors"][0]["pointer"] == pointer
    r = case.decide(client, evidence, rubric_scores={"clarity": "good", "inclusion": "full"})
    assert (r.json["raw_score"], r.json["max_score"], r.json["percent"]) == (5, 7, "71.42")
    assert r.json["details"]["rubric_scores"] == {
        "clarity": {"level": "good", "points": 2},
        "inclusion": {"level": "full", "points": 3},
    }
    assert client.get(url, headers=case.mentor.headers).json[0]["criteria"] == RUBRIC["criteria"]


def test_evidence_approved_at_once_awaits_no_decision(client: FlaskClient, case: Case) -> None:
    evidence = case.submit(client, "reflection", narrative="Done.").json["id"]
    r = case.decide(client, evidence)
    assert r.status_code == 409 and "already decided: approved" in r.json["detail"]


def test_evaluation_lists_load_every_decision_in_one_query(
    client: FlaskClient, case: Case, factories: Factories, engine: Engine
) -> None:
    """No N+1: a page of decided evidence reads validation_decisions once, however long."""
    admin = factories.person(case.tenant, [Role.ISSUER_ADMIN]).headers
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    def decisions_read(url: str, headers: dict[str, str]) -> tuple[int, int]:
        statements.clear()
        event.listen(engine, "before_cursor_execute", seen)
        try:
            r = client.get(url, headers=headers)
        finally:
            event.remove(engine, "before_cursor_execute", seen)
        assert r.status_code == 200
        decided = sum(e["decision"] is not None for e in r.json)
        return decided, sum("validation_decisions" in s for s in statements)

    for _ in range(4):  # each rejection is a decision; the learner then submits again
        rejected = case.decide(client, case.submit(client).json["id"], decision="rejected")
        assert rejected.status_code == 200
    assert decisions_read(f"/api/v1/paths/{case.path}/evaluations", admin) == (4, 1)
    mine = f"/api/v1/me/enrolments/{case.enrolment}/evaluations"
    assert decisions_read(mine, case.learner.headers) == (4, 1)
