"""Certificates attached to paths (Sunbird's rules) and issued by rule on completion."""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from issuer.accounts.roles import Role
from issuer.db import db
from issuer.errors import get_or_404
from issuer.issuance.models import Achievement, Credential
from issuer.learning.certificate_rules import services, tasks
from issuer.learning.certification_path_management import services as paths
from issuer.learning.certification_path_management.models import Enrolment
from tests.factories import Factories, Person

HOST = "https://certs.example.test"


@dataclass(frozen=True)
class Program:
    tenant: uuid.UUID
    issuer: uuid.UUID
    path: uuid.UUID
    achievement: uuid.UUID
    author: Person
    admin: Person

    @property
    def url(self) -> str:
        return f"/api/v1/paths/{self.path}/certificate"


@pytest.fixture
def program(factories: Factories) -> Program:
    tenant = factories.tenant()
    issuer = factories.issuer(tenant)
    return Program(
        tenant,
        issuer,
        factories.path(issuer),
        factories.achievement(issuer, name="Inclusive Classroom Certificate"),
        factories.person(tenant, [Role.BADGE_CREATOR]),
        factories.person(tenant, [Role.ISSUER_ADMIN]),
    )


def _attach(client: FlaskClient, program: Program, **body: Any) -> Any:
    data = {"achievement_id": str(program.achievement), **body}
    return client.post(program.url, json=data, headers=program.author.headers)


def _learner(factories: Factories, program: Program) -> Person:
    return factories.person(program.tenant, [Role.EARNER])


def _complete(client: FlaskClient, learner: Person, cohort: uuid.UUID) -> str:
    enrolment = client.post(f"/api/v1/cohorts/{cohort}/enrol", headers=learner.headers).json
    for step in ("intro", "practice"):
        r = client.post(
            f"/api/v1/me/enrolments/{enrolment['id']}/steps/{step}",
            json={},
            headers=learner.headers,
        )
    assert r.json["status"] == "completed"
    return str(enrolment["id"])


def _held(client: FlaskClient, learner: Person) -> list[dict[str, Any]]:
    """What the learner sees on their next page load."""
    return list(client.get("/api/v1/me/credentials", headers=learner.headers).json)


def _decision(client: FlaskClient, program: Program, enrolment: str) -> dict[str, Any]:
    url = f"/api/v1/enrolments/{enrolment}/certificate-decision"
    return dict(client.get(url, headers=program.admin.headers).json)


# Sunbird's attach / update / remove outcomes, one by one ---------------------------------


def test_attach_when_none_attaches(client: FlaskClient, program: Program) -> None:
    r = _attach(client, program)
    assert r.status_code == 201 and r.json["achievement_id"] == str(program.achievement)
    assert client.get(program.url, headers=program.author.headers).json["id"] == r.json["id"]


def test_attach_when_one_exists_is_a_clear_error(client: FlaskClient, program: Program) -> None:
    _attach(client, program)
    r = _attach(client, program)
    assert r.status_code == 409 and "already attached" in r.json["detail"]


def test_update_when_one_exists_updates(client: FlaskClient, program: Program) -> None:
    first = _attach(client, program).json
    body = {"achievement_id": str(program.achievement), "certificate_type": "merit"}
    r = client.put(program.url, json=body, headers=program.author.headers)
    assert r.status_code == 200 and r.json["certificate_type"] == "merit"
    assert r.json["id"] != first["id"]


def test_remove_detaches(client: FlaskClient, program: Program) -> None:
    _attach(client, program)
    r = client.delete(program.url, headers=program.author.headers)
    assert r.status_code == 200 and r.json["ended_at"] is not None
    assert client.get(program.url, headers=program.author.headers).status_code == 404


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_update_or_remove_when_none_is_a_clear_error(
    client: FlaskClient, program: Program, method: str
) -> None:
    body = {"json": {"achievement_id": str(program.achievement)}} if method == "PUT" else {}
    r = client.open(program.url, method=method, headers=program.author.headers, **body)
    assert r.status_code == 404 and "No certificate is attached" in r.json["detail"]


def test_an_achievement_of_another_tenant_cannot_be_attached(
    client: FlaskClient, factories: Factories, program: Program
) -> None:
    other = factories.achievement(factories.issuer(factories.tenant()))
    r = client.post(
        program.url, json={"achievement_id": str(other)}, headers=program.author.headers
    )
    assert r.status_code == 404 and r.json["errors"][0]["pointer"] == "#/achievement_id"


# Automatic issuance ----------------------------------------------------------------------


def test_every_cohort_of_the_path_inherits_it_and_completers_get_it_at_once(
    client: FlaskClient, factories: Factories, program: Program
) -> None:
    before = factories.cohort(program.path)
    _attach(client, program)
    after = factories.cohort(program.path)
    for cohort in (before, after):
        learner = _learner(factories, program)
        _complete(client, learner, cohort)
        held = _held(client, learner)
        assert [c["achievement"] for c in held] == ["Inclusive Classroom Certificate"]
        document = client.get(held[0]["url"].removeprefix(HOST)).json
        assert document["credentialSubject"]["result"][0]["status"] == "Completed"


def test_cohorts_of_another_tenant_do_not_inherit_it(
    client: FlaskClient, factories: Factories, program: Program
) -> None:
    _attach(client, program)
    other_tenant = factories.tenant()
    other_path = factories.path(factories.issuer(other_tenant))
    learner = factories.person(other_tenant, [Role.EARNER])
    _complete(client, learner, factories.cohort(other_path))
    assert _held(client, learner) == []


def test_completing_before_attachment_never_earns_it(
    client: FlaskClient, factories: Factories, program: Program
) -> None:
    cohort = factories.cohort(program.path)
    learner = _learner(factories, program)
    enrolment = _complete(client, learner, cohort)
    _attach(client, program)
    assert _held(client, learner) == []
    decision = _decision(client, program, enrolment)
    assert decision["decision"] == "completed_before_attachment"
    assert "not retroactive" in decision["reason"]


def test_removing_or_replacing_never_touches_what_was_earned(
    client: FlaskClient, factories: Factories, program: Program
) -> None:
    _attach(client, program)
    learner = _learner(factories, program)
    _complete(client, learner, factories.cohort(program.path))
    earned = _held(client, learner)[0]
    before = client.get(earned["url"].removeprefix(HOST)).data
    other = factories.achievement(program.issuer, name="Replacement")
    client.put(program.url, json={"achievement_id": str(other)}, headers=program.author.headers)
    client.delete(program.url, headers=program.author.headers)
    after = _held(client, learner)
    assert [(c["id"], c["status"]) for c in after] == [(earned["id"], "active")]
    assert client.get(earned["url"].removeprefix(HOST)).data == before


def test_a_failed_issuance_is_owed_and_later_gets_the_certificate_in_force_then(
    app: Flask, client: FlaskClient, factories: Factories, program: Program
) -> None:
    _attach(client, program)
    with app.app_context():  # a real failure: archived achievements award nothing
        get_or_404(Achievement, program.achievement).archived_at = app.extensions["clock"]()
        db.session.commit()
    learner = _learner(factories, program)
    enrolment = _complete(client, learner, factories.cohort(program.path))
    assert _held(client, learner) == []
    owed = client.get(
        f"/api/v1/tenants/{program.tenant}/owed-credentials", headers=program.admin.headers
    )
    assert [o["enrolment_id"] for o in owed.json] == [enrolment]
    assert "award nothing new" in owed.json[0]["failure"]
    decision = _decision(client, program, enrolment)
    assert decision["decision"] == "failed" and "retried" in decision["reason"]

    replacement = factories.achievement(program.issuer, name="Replacement")
    client.put(
        program.url, json={"achievement_id": str(replacement)}, headers=program.author.headers
    )
    with app.app_context():
        get_or_404(Achievement, program.achievement).archived_at = None
        db.session.commit()
    retry = client.post(
        f"/api/v1/tenants/{program.tenant}/owed-credentials/retry", headers=program.admin.headers
    )
    assert retry.json == {"issued": 1, "failed": 0}
    assert [c["achievement"] for c in _held(client, learner)] == ["Inclusive Classroom Certificate"]
    assert (
        client.get(
            f"/api/v1/tenants/{program.tenant}/owed-credentials", headers=program.admin.headers
        ).json
        == []
    )


def test_one_completion_never_gets_two_credentials(
    app: Flask, client: FlaskClient, factories: Factories, program: Program
) -> None:
    _attach(client, program)
    learner = _learner(factories, program)
    enrolment_id = uuid.UUID(_complete(client, learner, factories.cohort(program.path)))
    with app.app_context():
        enrolment = get_or_404(Enrolment, enrolment_id)
        services.on_completion(enrolment)  # announced again (a retry, a duplicate message)
        paths.complete_step(enrolment, "intro")
        db.session.commit()
        count = db.session.scalar(
            select(func.count())
            .select_from(Credential)
            .where(Credential.earner_email == learner.email)
        )
    assert count == 1


# Rules -----------------------------------------------------------------------------------

STATE_TEACHERS = {"field": "user.org", "op": "in", "value": ["state-teachers"]}
MERIT = {"field": "enrolment.score", "op": ">=", "value": 90}


def _complete_with_score(app: Flask, enrolment_id: str, score: str) -> None:
    with app.app_context():
        enrolment = get_or_404(Enrolment, uuid.UUID(enrolment_id))
        for step in ("intro", "practice"):
            paths.complete_step(enrolment, step, score=Decimal(score))
        db.session.commit()


def test_rules_limit_issuance_and_explain_the_refusal(
    app: Flask, client: FlaskClient, factories: Factories, program: Program
) -> None:
    _attach(client, program, certificate_type="merit", rules={"all": [MERIT]})
    cohort = factories.cohort(program.path)
    results = {}
    for score in ("95", "89.99"):
        learner = _learner(factories, program)
        enrolment = client.post(f"/api/v1/cohorts/{cohort}/enrol", headers=learner.headers).json
        _complete_with_score(app, enrolment["id"], score)
        results[score] = (_held(client, learner), _decision(client, program, enrolment["id"]))
    assert len(results["95"][0]) == 1 and results["95"][1]["decision"] == "issued"
    assert results["89.99"][0] == []
    refused = results["89.99"][1]
    assert refused["decision"] == "not_eligible"
    assert refused["failed_rules"] == [
        {"field": "enrolment.score", "op": ">=", "value": 90, "seen": 89.99, "passed": False}
    ]


def test_state_teachers_only(client: FlaskClient, factories: Factories, program: Program) -> None:
    _attach(client, program, rules={"any": [STATE_TEACHERS]})
    cohort = factories.cohort(program.path)
    state = factories.tenant("state-teachers")
    teacher, other = _learner(factories, program), _learner(factories, program)
    factories.add_roles(state, teacher, [Role.EARNER])  # also a member of the state body
    _complete(client, teacher, cohort)
    _complete(client, other, cohort)
    assert len(_held(client, teacher)) == 1 and _held(client, other) == []


def test_invalid_rules_are_refused_naming_the_field(client: FlaskClient, program: Program) -> None:
    rules = {"all": [MERIT, {"field": "enrolment.score", "op": ">=", "value": "high"}]}
    r = _attach(client, program, rules=rules)
    assert r.status_code == 422
    assert r.json["errors"][0]["pointer"] == "#/rules/all/1/value"
    r = _attach(client, program, rules={"all": [{"field": "user.org", "op": "<", "value": "x"}]})
    assert r.json["errors"][0]["pointer"] == "#/rules/all/0/op"
    r = _attach(client, program, rules={"all": [{"field": "shoe.size", "op": "=", "value": 1}]})
    assert r.status_code == 422 and r.json["errors"][0]["pointer"].startswith("#/rules/all/0")
    assert client.get(program.url, headers=program.author.headers).status_code == 404


def test_a_dry_run_lists_who_would_receive_it_before_saving(
    app: Flask, client: FlaskClient, factories: Factories, program: Program
) -> None:
    cohort = factories.cohort(program.path)
    scores = {}
    for score in ("92", "70"):
        learner = _learner(factories, program)
        enrolment = client.post(f"/api/v1/cohorts/{cohort}/enrol", headers=learner.headers).json
        _complete_with_score(app, enrolment["id"], score)
        scores[enrolment["id"]] = score
    still = client.post(
        f"/api/v1/cohorts/{cohort}/enrol", headers=_learner(factories, program).headers
    ).json
    r = client.post(
        f"{program.url}/dry-run",
        json={"cohort_id": str(cohort), "rules": {"all": [MERIT]}},
        headers=program.author.headers,
    )
    assert r.status_code == 200
    verdicts = {row["enrolment_id"]: row["would_receive"] for row in r.json}
    assert verdicts == {**{e: s == "92" for e, s in scores.items()}, still["id"]: False}
    assert client.get(program.url, headers=program.author.headers).status_code == 404  # unsaved
    bad = client.post(
        f"{program.url}/dry-run",
        json={"cohort_id": str(cohort), "rules": {"all": []}},
        headers=program.author.headers,
    )
    assert bad.status_code == 422 and "#/rules/all" in json.dumps(bad.json)


def test_the_rule_editor_is_described(client: FlaskClient) -> None:
    form = client.get("/api/issue-rules/form").json
    fields = {f["name"]: f for f in form["fields"]}
    assert fields["enrolment.score"]["operators"] == ["=", "!=", "<", "<=", ">", ">=", "in"]
    assert fields["enrolment.status"]["choices"] == ["enrolled", "completed"]
    schema = client.get("/api/issue-rules/schema").json
    assert schema["$defs"]["condition"]["properties"]["field"]["enum"] == sorted(fields)


def test_scheduled_retry_and_daily_report(
    app: Flask,
    client: FlaskClient,
    factories: Factories,
    program: Program,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="issuer.mail")
    _attach(client, program)
    with app.app_context():
        get_or_404(Achievement, program.achievement).archived_at = app.extensions["clock"]()
        db.session.commit()
    learner = _learner(factories, program)
    _complete(client, learner, factories.cohort(program.path))
    with app.app_context():
        assert tasks.report_owed.delay().get() == {str(program.tenant): 1}
        assert "1 learners owed a credential" in caplog.text
        assert "Learners owed a credential" in caplog.text  # the admin's mail, logged
        assert tasks.retry_owed.delay().get() == {"issued": 0, "failed": 1}
        get_or_404(Achievement, program.achievement).archived_at = None
        db.session.commit()
        assert tasks.retry_owed.delay().get() == {"issued": 1, "failed": 0}
        assert tasks.report_owed.delay().get() == {}
    assert len(_held(client, learner)) == 1


def test_bulk_completions_are_queued_then_issued_in_chunks(
    app: Flask, client: FlaskClient, factories: Factories, program: Program
) -> None:
    _attach(client, program)
    cohort = factories.cohort(program.path)
    learners = [_learner(factories, program) for _ in range(3)]
    enrolments = [factories.enrolment(cohort, learner) for learner in learners]
    with app.app_context(), services.deferred():
        for enrolment_id in enrolments:
            enrolment = get_or_404(Enrolment, enrolment_id)
            paths.complete_step(enrolment, "intro")
            paths.complete_step(enrolment, "practice")
        db.session.commit()
    assert all(_held(client, learner) == [] for learner in learners)
    owed = client.get(
        f"/api/v1/tenants/{program.tenant}/owed-credentials", headers=program.admin.headers
    )
    assert len(owed.json) == 3
    assert _decision(client, program, str(enrolments[0]))["decision"] == "queued"
    with app.app_context():
        assert tasks.issue_queued.delay(str(program.tenant)).get() == {"issued": 3, "failed": 0}
    assert all(len(_held(client, learner)) == 1 for learner in learners)


def test_a_pathway_awards_the_program_credential_once_every_prerequisite_is_held(
    client: FlaskClient, factories: Factories, program: Program
) -> None:
    """Stackable micro-credentials: the last prerequisite earned completes the program."""
    micro = [factories.achievement(program.issuer, name=f"Micro {n}") for n in (1, 2)]
    pathway = factories.path(program.issuer, required_achievements=[str(m) for m in micro])
    factories.path_certificate(pathway, program.achievement)
    learner = _learner(factories, program)
    enrolment = client.post(
        f"/api/v1/cohorts/{factories.cohort(pathway)}/enrol", headers=learner.headers
    ).json
    for step in ("intro", "practice"):
        client.post(
            f"/api/v1/me/enrolments/{enrolment['id']}/steps/{step}",
            json={},
            headers=learner.headers,
        )
    recipient = {"type": "email", "identity": learner.email}
    factories.credential(micro[0], recipient=recipient)
    assert _decision(client, program, enrolment["id"])["decision"] == "not_completed"
    factories.credential(micro[1], recipient=recipient)  # awarded by hand, or by another path
    held = sorted(c["achievement"] for c in _held(client, learner))
    assert held == ["Inclusive Classroom Certificate", "Micro 1", "Micro 2"]
    assert _decision(client, program, enrolment["id"])["decision"] == "issued"


def test_portfolio_evidence_attached_to_the_path_goes_into_the_credential(
    client: FlaskClient, factories: Factories, program: Program
) -> None:
    _attach(client, program)
    learner = _learner(factories, program)
    link = {
        "url": "https://video.example/lee/lesson",
        "title": "Recorded lesson",
        "path_id": str(program.path),
    }
    r = client.post("/api/v1/me/portfolio/links", json=link, headers=learner.headers)
    assert r.status_code == 201, r.json
    _complete(client, learner, factories.cohort(program.path))
    document = client.get(_held(client, learner)[0]["url"].removeprefix(HOST)).json
    assert [(e["id"], e["name"]) for e in document["evidence"]] == [
        ("https://video.example/lee/lesson", "Recorded lesson")
    ]
