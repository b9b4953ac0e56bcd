"""Certification paths: review workflow, versions learners keep, cohorts, progress, CASE."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from issuer.accounts.roles import Role
from issuer.clock import FrozenClock
from issuer.learning.certification_path_management import services
from issuer.learning.certification_path_management.models import Enrolment
from tests.factories import CASE_PACKAGE, PATH, Factories, Person


@dataclass(frozen=True)
class Org:
    tenant: uuid.UUID
    issuer: uuid.UUID
    author: Person
    reviewer: Person
    admin: Person

    def learner(self, factories: Factories) -> Person:
        return factories.person(self.tenant, [Role.EARNER])


@pytest.fixture
def org(factories: Factories) -> Org:
    tenant = factories.tenant()
    return Org(
        tenant,
        factories.issuer(tenant),
        factories.person(tenant, [Role.BADGE_CREATOR]),
        factories.person(tenant, [Role.CONTENT_REVIEWER]),
        factories.person(tenant, [Role.ISSUER_ADMIN]),
    )


@pytest.fixture
def completions() -> Iterator[list[Enrolment]]:
    seen: list[Enrolment] = []

    def record(enrolment: Enrolment) -> None:
        seen.append(enrolment)

    services.path_completed.connect(record)
    yield seen
    services.path_completed.disconnect(record)


def _create(client: FlaskClient, org: Org, **content: Any) -> dict[str, Any]:
    body = {**PATH, "issuer_id": str(org.issuer), **content}
    r = client.post(f"/api/v1/tenants/{org.tenant}/paths", json=body, headers=org.author.headers)
    assert r.status_code == 201, r.json
    return dict(r.json)


def _publish(client: FlaskClient, org: Org, path_id: str) -> dict[str, Any]:
    assert (
        client.post(f"/api/v1/paths/{path_id}/submit", headers=org.author.headers).status_code
        == 200
    )
    r = client.post(f"/api/v1/paths/{path_id}/publish", json={}, headers=org.reviewer.headers)
    assert r.status_code == 200, r.json
    return dict(r.json)


def test_only_a_content_reviewer_publishes_after_submission(client: FlaskClient, org: Org) -> None:
    path = _create(client, org)
    assert path["status"] == "draft" and path["published"] is None
    early = client.post(
        f"/api/v1/paths/{path['id']}/publish", json={}, headers=org.reviewer.headers
    )
    assert early.status_code == 409 and "submit" in early.json["detail"]
    client.post(f"/api/v1/paths/{path['id']}/submit", headers=org.author.headers)
    own = client.post(f"/api/v1/paths/{path['id']}/publish", json={}, headers=org.author.headers)
    assert own.status_code == 403  # authors cannot publish their own work
    in_review = client.get(f"/api/v1/paths/{path['id']}", headers=org.author.headers).json
    assert in_review["status"] == "in_review"
    edit = client.patch(
        f"/api/v1/paths/{path['id']}", json={"name": "X"}, headers=org.author.headers
    )
    assert edit.status_code == 409 and "in review" in edit.json["detail"]
    back = client.post(
        f"/api/v1/paths/{path['id']}/send-back",
        json={"comment": "Add a quiz"},
        headers=org.reviewer.headers,
    )
    assert back.json["status"] == "draft" and back.json["working"]["review_comment"] == "Add a quiz"
    done = _publish(client, org, path["id"])
    assert done["status"] == "published" and done["published_version"] == 1
    assert done["published"]["pass_percent"] == "80.00"
    assert done["published"]["retry_cooldown_min"] == 30 and done["working"] is None


def test_revisions_never_move_learners_mid_way(
    client: FlaskClient, factories: Factories, org: Org
) -> None:
    path = _create(client, org)
    _publish(client, org, path["id"])
    cohort = factories.cohort(uuid.UUID(path["id"]))
    early = org.learner(factories)
    first = client.post(f"/api/v1/cohorts/{cohort}/enrol", headers=early.headers).json
    assert first["path_version"] == 1

    steps = [*PATH["steps"], {"id": "quiz", "kind": "lesson", "title": "Wrap-up"}]
    revised = client.patch(
        f"/api/v1/paths/{path['id']}", json={"steps": steps}, headers=org.author.headers
    )
    assert revised.json["working"]["version"] == 2 and revised.json["published_version"] == 1
    _publish(client, org, path["id"])

    late = org.learner(factories)
    second = client.post(f"/api/v1/cohorts/{cohort}/enrol", headers=late.headers).json
    assert second["path_version"] == 2
    mine = client.get("/api/v1/me/enrolments", headers=early.headers).json
    assert mine[0]["path_version"] == 1  # the early learner stays on version 1
    for step in ("intro", "practice"):
        r = client.post(
            f"/api/v1/me/enrolments/{first['id']}/steps/{step}", json={}, headers=early.headers
        )
    assert r.json["status"] == "completed"  # version 1 had no wrap-up step
    old = client.get(f"/api/v1/paths/{path['id']}/versions/1", headers=org.author.headers)
    assert [s["id"] for s in old.json["content"]["steps"]] == ["intro", "practice", "extra"]


def test_policy_is_frozen_into_each_published_version(client: FlaskClient, org: Org) -> None:
    first = _create(client, org)
    _publish(client, org, first["id"])
    policy = {"pass_percent": "70", "retry_cooldown_min": 5}
    r = client.put(
        f"/api/v1/tenants/{org.tenant}/learning-policy", json=policy, headers=org.admin.headers
    )
    assert r.status_code == 200 and r.json == {"pass_percent": "70.00", "retry_cooldown_min": 5}
    second = _publish(client, org, _create(client, org)["id"])
    assert second["published"]["pass_percent"] == "70.00"
    again = client.get(f"/api/v1/paths/{first['id']}", headers=org.author.headers).json
    assert again["published"]["pass_percent"] == "80.00"  # not re-judged


@pytest.mark.parametrize(
    ("policy", "field"),
    [
        ({"pass_percent": "0", "retry_cooldown_min": 5}, "pass_percent"),
        ({"pass_percent": "100.5", "retry_cooldown_min": 5}, "pass_percent"),
        ({"pass_percent": "NaN", "retry_cooldown_min": 5}, "pass_percent"),
        ({"pass_percent": "80", "retry_cooldown_min": -1}, "retry_cooldown_min"),
    ],
)
def test_a_bad_policy_names_its_field(
    client: FlaskClient, org: Org, policy: dict[str, Any], field: str
) -> None:
    r = client.put(
        f"/api/v1/tenants/{org.tenant}/learning-policy", json=policy, headers=org.admin.headers
    )
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    assert field in r.get_data(as_text=True)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"steps": []}, "steps"),
        ({"steps": [PATH["steps"][0], PATH["steps"][0]]}, "unique"),
        ({"milestones": [{"id": "m", "name": "M", "steps": ["nope"]}]}, "Unknown steps: nope"),
        ({"steps": [{"id": "Bad Id", "kind": "lesson", "title": "T"}]}, "steps"),
    ],
)
def test_invalid_content_is_refused_naming_the_field(
    client: FlaskClient, org: Org, content: dict[str, Any], message: str
) -> None:
    body = {**PATH, "issuer_id": str(org.issuer), **content}
    r = client.post(f"/api/v1/tenants/{org.tenant}/paths", json=body, headers=org.author.headers)
    assert r.status_code == 422 and message in r.get_data(as_text=True)


QUIZ_STEP = {"id": "quiz", "kind": "evaluation", "title": "Quiz"}


@pytest.mark.parametrize(
    ("content", "pointer"),
    [
        ({"required_achievements": [str(uuid.uuid4())]}, "#/required_achievements"),
        (
            {"steps": [*PATH["steps"], {**QUIZ_STEP, "quiz_id": str(uuid.uuid4())}]},
            "#/steps/3/quiz_id",
        ),
        ({"issuer_id": str(uuid.uuid4())}, "#/issuer_id"),
    ],
)
def test_unknown_references_answer_404_naming_the_field(
    client: FlaskClient, org: Org, content: dict[str, Any], pointer: str
) -> None:
    body = {**PATH, "issuer_id": str(org.issuer), **content}
    r = client.post(f"/api/v1/tenants/{org.tenant}/paths", json=body, headers=org.author.headers)
    assert r.status_code == 404 and r.json["errors"] == [
        {"pointer": pointer, "detail": r.json["detail"]}
    ]


def test_progress_completion_and_milestones(
    client: FlaskClient, factories: Factories, org: Org, completions: list[Enrolment]
) -> None:
    cohort = factories.cohort(factories.path(org.issuer))
    learner = org.learner(factories)
    enrolment = client.post(f"/api/v1/cohorts/{cohort}/enrol", headers=learner.headers).json
    url = f"/api/v1/me/enrolments/{enrolment['id']}/steps"
    r = client.post(f"{url}/intro", json={"time_spent_seconds": 600}, headers=learner.headers)
    assert r.json["progress"] == 50 and r.json["milestones"] == ["started"]
    r = client.post(f"{url}/intro", json={"time_spent_seconds": 60}, headers=learner.headers)
    assert r.json["progress"] == 50 and r.json["time_spent_seconds"] == 660  # idempotent step
    r = client.post(f"{url}/practice", json={}, headers=learner.headers)
    assert r.json["status"] == "completed" and r.json["progress"] == 100
    assert r.json["completed_at"] is not None
    client.post(f"{url}/extra", json={}, headers=learner.headers)  # optional, after completion
    assert [e.id for e in completions] == [uuid.UUID(enrolment["id"])]  # announced once
    report = client.get(f"/api/v1/cohorts/{cohort}/enrolments", headers=org.admin.headers).json
    assert report[0]["status"] == "completed" and report[0]["time_spent_seconds"] == 660


def test_learners_touch_only_their_own_lessons(
    client: FlaskClient, factories: Factories, org: Org
) -> None:
    cohort = factories.cohort(
        factories.path(
            org.issuer,
            steps=[
                {"id": "intro", "kind": "lesson", "title": "Intro"},
                {"id": "exam", "kind": "evaluation", "title": "Exam"},
            ],
            milestones=[],
        )
    )
    learner, other = org.learner(factories), org.learner(factories)
    enrolment = client.post(f"/api/v1/cohorts/{cohort}/enrol", headers=learner.headers).json
    url = f"/api/v1/me/enrolments/{enrolment['id']}/steps"
    assert client.post(f"{url}/intro", json={}, headers=other.headers).status_code == 404
    exam = client.post(f"{url}/exam", json={}, headers=learner.headers)
    assert exam.status_code == 403 and "passed or validated" in exam.json["detail"]
    assert client.post(f"{url}/nope", json={}, headers=learner.headers).status_code == 404


def test_required_achievements_gate_completion(
    app: Flask,
    client: FlaskClient,
    factories: Factories,
    org: Org,
    completions: list[Enrolment],
) -> None:
    prerequisite = factories.achievement(org.issuer, name="Foundations")
    path = factories.path(org.issuer, required_achievements=[str(prerequisite)])
    learner = org.learner(factories)
    enrolment = client.post(
        f"/api/v1/cohorts/{factories.cohort(path)}/enrol", headers=learner.headers
    ).json
    for step in ("intro", "practice"):
        r = client.post(
            f"/api/v1/me/enrolments/{enrolment['id']}/steps/{step}",
            json={},
            headers=learner.headers,
        )
    assert r.json["status"] == "enrolled" and r.json["progress"] == 100 and not completions
    factories.credential(prerequisite, recipient={"type": "email", "identity": learner.email})
    with app.app_context():
        row = services.db.session.get(Enrolment, uuid.UUID(enrolment["id"]))
        assert row is not None
        services.recheck(row)
        services.db.session.commit()
    assert [e.id for e in completions] == [uuid.UUID(enrolment["id"])]


@pytest.mark.parametrize(
    ("visibility", "enrolment", "who", "outcome"),
    [
        ("tenant", "open", "member", 201),
        ("tenant", "invite", "member", 409),
        ("tenant", "invite", "invited", 201),
        ("tenant", "open", "outsider", 404),
        ("public", "open", "outsider", 201),
        ("invite", "open", "member", 409),
        ("invite", "open", "invited", 201),
    ],
)
def test_who_may_enrol(
    client: FlaskClient,
    factories: Factories,
    org: Org,
    visibility: str,
    enrolment: str,
    who: str,
    outcome: int,
) -> None:
    cohort = factories.cohort(factories.path(org.issuer, visibility=visibility), enrolment)
    person = (
        factories.person(factories.tenant(), [Role.EARNER])
        if who == "outsider"
        else org.learner(factories)
    )
    if who == "invited":
        r = client.post(
            f"/api/v1/cohorts/{cohort}/invitations",
            json={"emails": [person.email.upper()]},
            headers=org.author.headers,
        )
        assert r.status_code == 200
    r = client.post(f"/api/v1/cohorts/{cohort}/enrol", headers=person.headers)
    assert r.status_code == outcome, r.json
    if outcome == 201:
        again = client.post(f"/api/v1/cohorts/{cohort}/enrol", headers=person.headers)
        assert again.json["id"] == r.json["id"]  # joining twice is one enrolment


def test_unpublished_retired_and_ended_cohorts_refuse_enrolment(
    client: FlaskClient, factories: Factories, org: Org, clock: FrozenClock
) -> None:
    learner = org.learner(factories)
    draft = factories.cohort(factories.path(org.issuer, published=False))
    r = client.post(f"/api/v1/cohorts/{draft}/enrol", headers=learner.headers)
    assert r.status_code == 409 and "not published" in r.json["detail"]

    path = factories.path(org.issuer)
    ends = (clock() + timedelta(minutes=30)).isoformat()
    cohort = client.post(
        f"/api/v1/paths/{path}/cohorts",
        json={"name": "Short", "ends_at": ends},
        headers=org.author.headers,
    ).json["id"]
    clock.advance(minutes=30)
    r = client.post(f"/api/v1/cohorts/{cohort}/enrol", headers=learner.headers)
    assert r.status_code == 409 and "ended" in r.json["detail"]

    open_cohort = factories.cohort(path)
    client.post(f"/api/v1/paths/{path}/retire", headers=org.reviewer.headers)
    r = client.post(f"/api/v1/cohorts/{open_cohort}/enrol", headers=learner.headers)
    assert r.status_code == 409 and "retired" in r.json["detail"]


def test_case_frameworks_import_and_align(client: FlaskClient, org: Org) -> None:
    url = f"/api/v1/tenants/{org.tenant}/frameworks"
    r = client.post(url, json=CASE_PACKAGE, headers=org.author.headers)
    assert r.status_code == 201
    item = r.json["items"][0]
    assert item["alignment"] == {
        "type": ["Alignment"],
        "targetName": "Plans lessons that include every learner.",
        "targetUrl": CASE_PACKAGE["CFItems"][0]["uri"],
        "targetType": "CFItem",
        "targetFramework": "Teacher Competency Framework",
        "targetCode": "TCF.1",
    }
    changed = {**CASE_PACKAGE, "CFItems": [{**CASE_PACKAGE["CFItems"][0], "fullStatement": "New"}]}
    again = client.post(url, json=changed, headers=org.author.headers).json
    assert again["id"] == r.json["id"] and again["items"][0]["full_statement"] == "New"
    milestone = {"id": "m", "name": "M", "steps": ["intro"], "alignment": [item["id"]]}
    path = _create(client, org, milestones=[milestone])
    assert path["working"]["content"]["milestones"][0]["alignment"] == [item["id"]]


def test_a_malformed_case_package_names_the_field(client: FlaskClient, org: Org) -> None:
    bad = {
        **CASE_PACKAGE,
        "CFItems": [{"identifier": "x", "uri": "not a url", "fullStatement": "S"}],
    }
    r = client.post(
        f"/api/v1/tenants/{org.tenant}/frameworks", json=bad, headers=org.author.headers
    )
    assert r.status_code == 422 and "uri" in r.get_data(as_text=True)
