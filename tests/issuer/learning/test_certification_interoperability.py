"""Interop: paths mapped to an LMS's ids, completions imported and exported as CSV and JSON."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from issuer.accounts.models import User
from issuer.accounts.roles import Role
from issuer.clock import FrozenClock
from issuer.db import db
from issuer.learning.certification_interoperability import tables
from issuer.learning.certification_interoperability.models import InteropMapping
from issuer.learning.certification_path_management import services as paths
from issuer.learning.certification_path_management.models import Enrolment
from tests.factories import Client, Factories

BOM = "\ufeff"


@dataclass(frozen=True)
class Lms:
    """A tenant whose path is known to its Moodle as course-1, and the LMS's API client."""

    tenant: uuid.UUID
    issuer: uuid.UUID
    path: uuid.UUID
    client: Client

    @property
    def headers(self) -> dict[str, str]:
        return self.client.headers

    def url(self, what: str, system: str = "moodle") -> str:
        return f"/api/v1/tenants/{self.tenant}/interop/{system}/{what}"


@pytest.fixture
def lms(factories: Factories) -> Lms:
    tenant = factories.tenant()
    issuer = factories.issuer(tenant)
    path = factories.path(issuer)
    factories.interop_mapping(path, "moodle", "course-1")
    return Lms(tenant, issuer, path, factories.client(tenant))


@pytest.fixture
def completions() -> Iterator[list[Enrolment]]:
    seen: list[Enrolment] = []

    def record(enrolment: Enrolment) -> None:
        seen.append(enrolment)

    paths.path_completed.connect(record)
    yield seen
    paths.path_completed.disconnect(record)


def _count(app: Flask, model: type[Any]) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def _csv(text: str) -> dict[str, Any]:
    return {"data": text.encode(), "content_type": "text/csv"}


def test_a_mapping_is_one_id_per_path_and_one_path_per_id(
    client: FlaskClient, factories: Factories, lms: Lms
) -> None:
    url = f"/api/v1/tenants/{lms.tenant}/interop-mappings"
    other_path = factories.path(lms.issuer)
    taken = {"path_id": str(other_path), "system": "moodle", "external_id": "course-1"}
    r = client.post(url, json=taken, headers=lms.headers)
    assert r.status_code == 409 and "course-1" in r.json["detail"]
    again = {"path_id": str(lms.path), "system": "moodle", "external_id": "course-2"}
    r = client.post(url, json=again, headers=lms.headers)
    assert r.status_code == 409 and "already mapped" in r.json["detail"]
    canvas = {"path_id": str(lms.path), "system": "canvas", "external_id": " course-1 "}
    r = client.post(url, json=canvas, headers=lms.headers)
    assert r.status_code == 201 and r.json["external_id"] == "course-1"
    listed = client.get(url, query_string={"system": "canvas"}, headers=lms.headers).json
    assert [m["id"] for m in listed] == [r.json["id"]]
    gone = client.delete(f"/api/v1/interop-mappings/{r.json['id']}", headers=lms.headers)
    assert gone.status_code == 204
    assert len(client.get(url, headers=lms.headers).json) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"system": "Moodle!", "external_id": "x"}, "#/system"),
        ({"system": "moodle", "external_id": "   "}, "#/external_id"),
        ({"system": "moodle", "external_id": "x", "path_id": "nope"}, "#/path_id"),
    ],
)
def test_a_bad_mapping_names_its_field(
    client: FlaskClient, lms: Lms, body: dict[str, Any], field: str
) -> None:
    r = client.post(
        f"/api/v1/tenants/{lms.tenant}/interop-mappings",
        json={"path_id": str(lms.path), **body},
        headers=lms.headers,
    )
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    assert field in [e.get("pointer") for e in r.json["errors"]]


def test_mappings_import_from_csv_all_or_nothing_then_idempotent(
    app: Flask, client: FlaskClient, factories: Factories, lms: Lms
) -> None:
    second, third = factories.path(lms.issuer), factories.path(lms.issuer)
    bad = f"{BOM}external_id,path_id\r\ncourse-2,{second}\r\ncourse-3,{uuid.uuid4()}\r\n"
    r = client.post(lms.url("mappings"), headers=lms.headers, **_csv(bad))
    assert r.status_code == 422
    assert r.json["errors"] == [{"detail": "Row 3, column path_id: No such path in this tenant."}]
    assert _count(app, InteropMapping) == 1  # nothing stored
    good = f"{BOM}external_id,path_id\r\ncourse-2,{second}\r\n\r\ncourse-3,{third}\r\n"
    r = client.post(lms.url("mappings"), headers=lms.headers, **_csv(good))
    assert r.status_code == 200, r.json
    assert (r.json["rows"], r.json["created"], r.json["unchanged"]) == (2, 2, 0)
    r = client.post(lms.url("mappings"), headers=lms.headers, **_csv(good))
    assert (r.json["created"], r.json["unchanged"]) == (0, 2)
    assert _count(app, InteropMapping) == 3


def test_mappings_import_refuses_contradictions_row_by_row(
    client: FlaskClient, factories: Factories, lms: Lms
) -> None:
    second = str(factories.path(lms.issuer))
    rows = [
        {"external_id": "course-1", "path_id": second},  # course-1 is the first path's
        {"external_id": "course-9", "path_id": str(lms.path)},  # that path has an id
        {"external_id": "course-2", "path_id": second},
        {"external_id": "course-2", "path_id": str(uuid.uuid4())},
    ]
    r = client.post(lms.url("mappings"), json={"mappings": rows}, headers=lms.headers)
    assert r.status_code == 422
    assert [e["pointer"] for e in r.json["errors"]] == [
        "#/mappings/0/external_id",
        "#/mappings/1/path_id",
        "#/mappings/3/path_id",
    ]


def test_completions_from_json_create_learners_enrol_and_complete_once(
    app: Flask,
    client: FlaskClient,
    lms: Lms,
    completions: list[Enrolment],
    clock: FrozenClock,
) -> None:
    rows = [
        {
            "external_id": "course-1",
            "email": "Ada@School.test",
            "name": "Ada Lovelace",
            "completed_at": "2026-03-01T10:00:00+01:00",
            "score": 91.5,
            "time_spent_seconds": 3600,
        },
        {"external_id": "course-1", "email": "bob@school.test"},
    ]
    r = client.post(lms.url("completions"), json={"completions": rows}, headers=lms.headers)
    assert r.status_code == 200, r.json
    assert r.json == {"rows": 2, "created": 2, "users_created": 2, "completed": 2, "unchanged": 0}
    assert len(completions) == 2  # path_completed, once per enrolment
    users_before = _count(app, User)
    again = client.post(lms.url("completions"), json={"completions": rows}, headers=lms.headers)
    assert again.json == {
        "rows": 2,
        "created": 0,
        "users_created": 0,
        "completed": 0,
        "unchanged": 2,
    }
    assert len(completions) == 2 and _count(app, User) == users_before
    with app.app_context():
        ada = db.session.scalar(select(User).where(User.email == "ada@school.test"))
        assert ada is not None and ada.name == "Ada Lovelace" and ada.password_hash is None
        assert [(m.tenant_id, m.role) for m in ada.memberships] == [(lms.tenant, Role.EARNER)]
        enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == ada.id))
        assert enrolment is not None and enrolment.status == "completed"
        assert enrolment.score == Decimal("91.50") and enrolment.time_spent_seconds == 3600
        assert enrolment.completed_at is not None
        assert enrolment.completed_at.isoformat() == "2026-03-01T09:00:00+00:00"
        assert enrolment.completed_steps == ["intro", "practice"]  # the required ones


def test_completions_from_csv_with_a_bom_keep_existing_roles_and_enrolments(
    app: Flask,
    client: FlaskClient,
    factories: Factories,
    lms: Lms,
    completions: list[Enrolment],
) -> None:
    author = factories.person(lms.tenant, [Role.BADGE_CREATOR])
    learner = factories.person(lms.tenant, [Role.EARNER])
    own = factories.enrolment(factories.cohort(lms.path), learner)
    body = (
        f"{BOM}email,external_id,score,name\n"
        f"{author.email},course-1,80,\n"
        f"{learner.email.upper()},course-1,,Ignored\n"
    )
    r = client.post(lms.url("completions"), headers=lms.headers, **_csv(body))
    assert r.status_code == 200, r.json
    assert (r.json["created"], r.json["users_created"], r.json["completed"]) == (1, 0, 2)
    assert own in {e.id for e in completions}  # the learner's own enrolment, not a new one
    with app.app_context():
        user = db.session.get(User, author.id)
        assert user is not None
        assert sorted(m.role for m in user.memberships) == ["badge_creator", "earner"]


@pytest.mark.parametrize(
    ("rows", "errors"),
    [
        (
            [
                {"external_id": "course-1", "email": "a@school.test"},
                {"external_id": "course-404", "email": "b@school.test"},
                {"external_id": "course-1", "email": "not an email", "score": "101"},
            ],
            ["#/completions/1/external_id", "#/completions/2/email", "#/completions/2/score"],
        ),
        (
            [{"external_id": "course-1", "email": "a@school.test", "completed_at": "2099-01-01"}],
            ["#/completions/0/completed_at"],
        ),
        ([{"external_id": "course-1", "email": "a@school.test", "x": 1}], ["#/completions/0/x"]),
        (
            [{"external_id": "course-1", "email": "a@school.test", "name": "A\u0000"}],
            ["#/completions/0/name"],
        ),
        (["a row"], ["#/completions/0"]),
    ],
)
def test_a_bad_json_row_stores_nothing_and_is_named(
    app: Flask, client: FlaskClient, lms: Lms, rows: list[Any], errors: list[str]
) -> None:
    users = _count(app, User)
    r = client.post(lms.url("completions"), json={"completions": rows}, headers=lms.headers)
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    assert [e["pointer"] for e in r.json["errors"]] == errors
    assert _count(app, User) == users and _count(app, Enrolment) == 0


def test_a_bad_csv_row_is_named_by_row_and_column(
    app: Flask, client: FlaskClient, lms: Lms
) -> None:
    body = "external_id,email\ncourse-1,a@school.test\ncourse-1,nope\ncourse-1\n"
    r = client.post(lms.url("completions"), headers=lms.headers, **_csv(body))
    assert r.status_code == 422
    assert [e["detail"] for e in r.json["errors"]] == [
        "Row 3, column email: Not a valid email address.",
        "Row 4: 1 cells; the header has 2.",
        "Row 4, column email: Missing data for required field.",
    ]
    assert _count(app, Enrolment) == 0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("external_id,email,grade\n", "Column 'grade' is unknown"),
        ("external_id\n", "Column 'email' is required"),
        ("external_id,email,email\n", "Column 'email' appears twice"),
        ("", "needs a header row"),
    ],
)
def test_the_csv_header_must_name_known_columns(
    client: FlaskClient, lms: Lms, body: str, message: str
) -> None:
    r = client.post(lms.url("completions"), headers=lms.headers, **_csv(body))
    assert r.status_code == 422 and message in r.get_data(as_text=True)


def test_bodies_that_are_not_rows_are_refused(client: FlaskClient, lms: Lms) -> None:
    url = lms.url("completions")
    bad_utf8 = client.post(url, headers=lms.headers, data=b"\xff", content_type="text/csv")
    assert bad_utf8.status_code == 400 and "UTF-8" in bad_utf8.json["detail"]
    text = client.post(url, headers=lms.headers, data="x", content_type="text/plain")
    assert text.status_code == 415
    not_json = client.post(url, headers=lms.headers, data="{", content_type="application/json")
    assert not_json.status_code == 400
    no_list = client.post(url, headers=lms.headers, json={"completions": {}})
    assert no_list.status_code == 422 and no_list.json["errors"][0]["pointer"] == "#/completions"
    bad_system = client.post(lms.url("completions", "Moodle!"), headers=lms.headers, json={})
    assert bad_system.status_code == 422 and bad_system.json["errors"][0]["parameter"] == "system"


def test_at_most_max_rows_per_request(
    client: FlaskClient, lms: Lms, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tables, "MAX_ROWS", 2)
    rows = [{"external_id": "course-1", "email": f"{n}@school.test"} for n in range(3)]
    r = client.post(lms.url("completions"), json={"completions": rows}, headers=lms.headers)
    assert r.status_code == 413
    body = "external_id,email\n" + "".join(f"course-1,{n}@school.test\n" for n in range(3))
    assert client.post(lms.url("completions"), headers=lms.headers, **_csv(body)).status_code == 413


def test_unpublished_and_retired_paths_refuse_new_learners(
    client: FlaskClient, factories: Factories, lms: Lms
) -> None:
    draft = factories.path(lms.issuer, published=False)
    factories.interop_mapping(draft, "moodle", "draft")
    retired = factories.path(lms.issuer)
    factories.interop_mapping(retired, "moodle", "old")
    under_way = factories.person(lms.tenant, [Role.EARNER])
    factories.enrolment(factories.cohort(retired), under_way)
    reviewer = factories.person(lms.tenant, [Role.CONTENT_REVIEWER])
    client.post(f"/api/v1/paths/{retired}/retire", headers=reviewer.headers)
    rows = [
        {"external_id": "draft", "email": "a@school.test"},
        {"external_id": "old", "email": under_way.email},
        {"external_id": "old", "email": "a@school.test"},
    ]
    r = client.post(lms.url("completions"), json={"completions": rows}, headers=lms.headers)
    assert [(e["pointer"], e["detail"]) for e in r.json["errors"]] == [
        ("#/completions/0/external_id", "Its path is not published yet."),
        ("#/completions/2/external_id", "Its path is retired."),
    ]
    finishing = {"completions": rows[1:2]}
    r = client.post(lms.url("completions"), json=finishing, headers=lms.headers)
    assert r.status_code == 200 and r.json["completed"] == 1  # learners under way may finish


def test_another_tenants_mappings_and_paths_are_never_matched(
    app: Flask, client: FlaskClient, factories: Factories, lms: Lms
) -> None:
    other = factories.tenant()
    foreign_path = factories.path(factories.issuer(other))
    factories.interop_mapping(foreign_path, "moodle", "course-x")
    factories.interop_mapping(foreign_path, "canvas", "course-1")
    row = {"external_id": "course-x", "email": "a@school.test"}
    r = client.post(lms.url("completions"), json={"completions": [row]}, headers=lms.headers)
    assert r.status_code == 422 and r.json["errors"][0]["pointer"] == "#/completions/0/external_id"
    r = client.post(
        lms.url("completions", "canvas"),
        json={"completions": [{**row, "external_id": "course-1"}]},
        headers=lms.headers,
    )
    assert r.status_code == 422
    foreign = {"path_id": str(foreign_path), "system": "sunbird", "external_id": "s-1"}
    r = client.post(
        f"/api/v1/tenants/{lms.tenant}/interop-mappings", json=foreign, headers=lms.headers
    )
    assert r.status_code == 404 and r.json["errors"][0]["pointer"] == "#/path_id"
    exported = client.get(lms.url("paths"), headers=lms.headers).json
    assert [p["external_id"] for p in exported] == ["course-1"]
    other_client = factories.client(other)
    r = client.get(lms.url("paths"), headers=other_client.headers)
    assert r.status_code == 404


def test_paths_export_as_json_or_formula_safe_csv(
    client: FlaskClient, factories: Factories, lms: Lms
) -> None:
    risky = factories.path(lms.issuer, name='=HYPERLINK("http://evil.example","x")')
    factories.interop_mapping(risky, "moodle", "course-2")
    draft = factories.path(lms.issuer, published=False, name="@SUM(A1)")
    factories.interop_mapping(draft, "moodle", "-3")
    as_json = client.get(lms.url("paths"), headers=lms.headers)
    assert as_json.headers["Vary"] == "Accept"
    first = as_json.json[1]
    assert first == {
        "external_id": "course-1",
        "path_id": str(lms.path),
        "name": "Inclusive Classroom Pathway",
        "version": 1,
        "status": "published",
        "visibility": "tenant",
        "url": f"https://certs.example.test/api/v1/paths/{lms.path}",
    }
    r = client.get(lms.url("paths"), headers={**lms.headers, "Accept": "text/csv"})
    assert r.mimetype == "text/csv" and "moodle-paths.csv" in r.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert [(row["external_id"], row["name"], row["status"]) for row in rows] == [
        ("'-3", "'@SUM(A1)", "draft"),
        ("course-1", "Inclusive Classroom Pathway", "published"),
        ("course-2", '\'=HYPERLINK("http://evil.example","x")', "published"),
    ]
    refused = client.get(lms.url("paths"), headers={**lms.headers, "Accept": "image/png"})
    assert refused.status_code == 406


def test_completions_export_since_as_json_and_csv(
    client: FlaskClient, lms: Lms, clock: FrozenClock
) -> None:
    rows = [
        {"external_id": "course-1", "email": "a@school.test", "score": "75"},
        {
            "external_id": "course-1",
            "email": "b@school.test",
            "completed_at": "2026-01-01T00:00:00Z",
        },
    ]
    client.post(lms.url("completions"), json={"completions": rows}, headers=lms.headers)
    exported = client.get(lms.url("completions"), headers=lms.headers).json
    assert exported == [
        {
            "external_id": "course-1",
            "email": "b@school.test",
            "completed_at": "2026-01-01T00:00:00+00:00",
            "score": None,
            "credential_url": None,
        },
        {
            "external_id": "course-1",
            "email": "a@school.test",
            "completed_at": clock().isoformat(),
            "score": "75.00",
            "credential_url": None,
        },
    ]
    recent = client.get(
        lms.url("completions"),
        query_string={"since": "2026-02-01T00:00:00Z"},
        headers={**lms.headers, "Accept": "text/csv"},
    )
    assert recent.get_data(as_text=True).splitlines() == [
        "external_id,email,completed_at,score,credential_url",
        f"course-1,a@school.test,{clock().isoformat()},75.00,",
    ]
    assert client.get(lms.url("completions", "canvas"), headers=lms.headers).json == []


def test_the_lms_receives_the_credential_issued_for_a_reported_completion(
    client: FlaskClient, factories: Factories, lms: Lms
) -> None:
    author = factories.person(lms.tenant, [Role.BADGE_CREATOR])
    certificate = {"achievement_id": str(factories.achievement(lms.issuer))}
    r = client.post(
        f"/api/v1/paths/{lms.path}/certificate", json=certificate, headers=author.headers
    )
    assert r.status_code == 201, r.json
    row = {"external_id": "course-1", "email": "ada@school.test", "name": "Ada"}
    client.post(lms.url("completions"), json={"completions": [row]}, headers=lms.headers)
    exported = client.get(lms.url("completions"), headers=lms.headers).json
    url = exported[0]["credential_url"]
    assert url.startswith("https://certs.example.test/c/")
    document = client.get(url.removeprefix("https://certs.example.test")).json
    assert document["credentialSubject"]["type"] == ["AchievementSubject"]
