"""Every /api/v1 operation against every kind of caller, expected outcomes from the role table.

Operations are read from the app's URL map, so a new endpoint is covered without editing this
file (it fails until the endpoint has a sample body below and declares its permission).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import Connection

from issuer import create_app
from issuer.accounts.roles import (
    CLIENT_SCOPES,
    PLATFORM_PERMISSIONS,
    ROLE_PERMISSIONS,
    Permission,
    Role,
)
from issuer.db import db
from issuer.settings import Settings
from tests.factories import CASE_PACKAGE, PATH, QUESTIONS, Factories

# Endpoints any authenticated caller may use on themselves (/api/v1/me/...: tested with the
# earner's own objects in their modules), and those open to anyone proving an address with a
# mailed token (tests/issuer/accounts/test_claims.py); everything else needs a permission.
SELF_SERVICE = {
    "/api/v1/me",
    "/api/v1/auth/logout",
    "/api/v1/auth/login",
    "/api/v1/account/claim",
    "/api/v1/account/claim/confirm",
    "/api/v1/auth/password-reset",
    "/api/v1/auth/password-reset/confirm",
    "/api/v1/auth/sign-in-link",
    "/api/v1/auth/sign-in-link/confirm",
    "/api/v1/invitations/accept",
}


def _self_service(rule: str) -> bool:
    return rule in SELF_SERVICE or rule.startswith("/api/v1/me/")


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "navy").save(out, "PNG")
    return out.getvalue()


BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/tenants"): {"json": {"slug": "new-tenant", "name": "New"}},
    ("PATCH", "/api/v1/tenants/<uuid:tenant_id>"): {"json": {"name": "Renamed"}},
    ("POST", "/api/v1/tenants/<uuid:tenant_id>/issuers"): {
        "json": {"name": "New", "url": "https://new.example", "email": "n@new.example"}
    },
    ("PATCH", "/api/v1/issuers/<uuid:issuer_id>"): {"json": {"name": "Renamed"}},
    ("PUT", "/api/v1/issuers/<uuid:issuer_id>/<any(logo, signature):slot>"): {
        "data": _png(),
        "content_type": "image/png",
    },
    ("POST", "/api/v1/issuers/<uuid:issuer_id>/keys"): {"json": {"algorithm": "Ed25519"}},
    ("POST", "/api/v1/tenants/<uuid:tenant_id>/members"): {
        "json": {"email": "new@example.test", "name": "New", "roles": ["earner"]}
    },
    ("PUT", "/api/v1/tenants/<uuid:tenant_id>/members/<uuid:user_id>"): {
        "json": {"roles": ["mentor"]}
    },
    ("POST", "/api/v1/tenants/<uuid:tenant_id>/clients"): {
        "json": {"name": "SIS", "scopes": ["issuers:read"]}
    },
    ("PATCH", "/api/v1/clients/<uuid:client_id>"): {"json": {"name": "Renamed"}},
    ("POST", "/api/v1/issuers/<uuid:issuer_id>/achievements"): {
        "json": {"name": "A", "description": "B", "criteria": {"narrative": "C"}}
    },
    ("PATCH", "/api/v1/achievements/<uuid:achievement_id>"): {"json": {"name": "Renamed"}},
    ("PUT", "/api/v1/achievements/<uuid:achievement_id>/image"): {
        "data": _png(),
        "content_type": "image/png",
    },
    ("POST", "/api/v1/achievements/<uuid:achievement_id>/credentials"): {
        "json": {"recipient": {"identity": "someone@school.test"}}
    },
    ("POST", "/api/v1/credentials/<uuid:credential_id>/revoke"): {"json": {"reason": "Error"}},
    ("POST", "/api/v1/credentials/<uuid:credential_id>/suspend"): {"json": {"reason": "Audit"}},
    ("POST", "/api/v1/credentials/<uuid:credential_id>/unsuspend"): {"json": {}},
    ("POST", "/api/v1/name-changes/<uuid:change_id>/approve"): {"json": {}},
    ("PUT", "/api/v1/tenants/<uuid:tenant_id>/learning-policy"): {
        "json": {"pass_percent": "75.5", "retry_cooldown_min": 10}
    },
    ("POST", "/api/v1/tenants/<uuid:tenant_id>/paths"): {
        "json": {**PATH, "issuer_id": "{issuer_id}"}
    },
    ("PATCH", "/api/v1/paths/<uuid:path_id>"): {"json": {"name": "Renamed"}},
    ("POST", "/api/v1/paths/<uuid:path_id>/submit"): {"json": {}},
    ("POST", "/api/v1/paths/<uuid:path_id>/publish"): {"json": {}},
    ("POST", "/api/v1/paths/<uuid:path_id>/send-back"): {"json": {"comment": "More"}},
    ("POST", "/api/v1/paths/<uuid:path_id>/retire"): {"json": {}},
    ("POST", "/api/v1/paths/<uuid:path_id>/cohorts"): {"json": {"name": "Spring"}},
    ("POST", "/api/v1/cohorts/<uuid:cohort_id>/invitations"): {
        "json": {"emails": ["a@school.test"]}
    },
    ("POST", "/api/v1/cohorts/<uuid:cohort_id>/enrol"): {"json": {}},
    ("POST", "/api/v1/tenants/<uuid:tenant_id>/frameworks"): {"json": CASE_PACKAGE},
    ("POST", "/api/v1/tenants/<uuid:tenant_id>/interop-mappings"): {
        "json": {"path_id": "{path_id}", "system": "canvas", "external_id": "c-1"}
    },
    ("POST", "/api/v1/tenants/<uuid:tenant_id>/interop/<system>/mappings"): {
        "data": "external_id,path_id\r\n",
        "content_type": "text/csv",
    },
    ("POST", "/api/v1/tenants/<uuid:tenant_id>/interop/<system>/completions"): {
        "json": {"completions": [{"external_id": "course-1", "email": "lms@school.test"}]}
    },
    ("POST", "/api/v1/name-changes/<uuid:change_id>/reject"): {"json": {"reason": "No proof"}},
}
# Reaching these answers 409 for the sample credential (revocation purpose, active).
BODIES |= {
    ("POST", "/api/v1/tenants/<uuid:tenant_id>/quizzes"): {
        "json": {"title": "Check", "questions": QUESTIONS}
    },
    ("PATCH", "/api/v1/quizzes/<uuid:quiz_id>"): {"json": {"title": "Renamed"}},
    ("POST", "/api/v1/quizzes/<uuid:quiz_id>/questions"): {"json": QUESTIONS[0]},
    ("POST", "/api/v1/paths/<uuid:path_id>/rubrics"): {
        "json": {
            "step_id": "proof",
            "title": "Rubric",
            "criteria": [
                {"id": "c", "name": "C", "levels": [{"id": "l", "name": "L", "points": 1}]}
            ],
        }
    },
    ("PUT", "/api/v1/paths/<uuid:path_id>/mentors/<uuid:mentor_id>"): {"json": {}},
    ("POST", "/api/v1/evaluations/<uuid:evaluation_id>/decision"): {
        "json": {"decision": "approved"}
    },
}
REACHED_ON_CONFLICT = {
    ("POST", "/api/v1/evaluations/<uuid:evaluation_id>/decision"),  # approved without review
    ("DELETE", "/api/v1/tenants/<uuid:tenant_id>"),  # A still has issuers
    ("POST", "/api/v1/credentials/<uuid:credential_id>/suspend"),
    ("POST", "/api/v1/credentials/<uuid:credential_id>/unsuspend"),
    ("POST", "/api/v1/paths/<uuid:path_id>/submit"),  # the path is published, no draft
    ("POST", "/api/v1/paths/<uuid:path_id>/publish"),
    ("POST", "/api/v1/paths/<uuid:path_id>/send-back"),
    ("POST", "/api/v1/cohorts/<uuid:cohort_id>/enrol"),  # platform admins are no members
    ("POST", "/api/v1/paths/<uuid:path_id>/certificate"),  # one is attached already
}
BODIES |= {
    ("POST", "/api/v1/paths/<uuid:path_id>/certificate"): {
        "json": {"achievement_id": "{achievement_id}"}
    },
    ("PUT", "/api/v1/paths/<uuid:path_id>/certificate"): {
        "json": {"achievement_id": "{achievement_id}", "certificate_type": "merit"}
    },
    ("POST", "/api/v1/paths/<uuid:path_id>/certificate/dry-run"): {
        "json": {"cohort_id": "{cohort_id}", "rules": None}
    },
    ("POST", "/api/v1/tenants/<uuid:tenant_id>/owed-credentials/retry"): {"json": {}},
}


@dataclass(frozen=True)
class Operation:
    method: str
    rule: str
    permission: Permission

    @property
    def tenant_scoped(self) -> bool:
        return "<" in self.rule

    def __str__(self) -> str:
        return f"{self.method} {self.rule}"


def _operations() -> list[Operation]:
    app = create_app(Settings(debug=True, database_url="sqlite://", master_keys=("x" * 43 + "=",)))
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1") or _self_service(rule.rule):
            continue
        view_class = app.view_functions[rule.endpoint].view_class  # type: ignore[attr-defined]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            permission = getattr(getattr(view_class, method.lower()), "required_permission", None)
            assert permission is not None, f"{method} {rule.rule} declares no permission"
            found.append(Operation(method, rule.rule, permission))
    return found


OPERATIONS = _operations()


@dataclass(frozen=True)
class Caller:
    name: str
    headers: dict[str, str]
    permissions_in_a: frozenset[Permission] | None  # None: cannot see tenant A at all
    platform_admin: bool = False


@dataclass(frozen=True)
class World:
    callers: list[Caller]
    params: dict[str, str]
    connection: Connection


@pytest.fixture
def world(app: Flask, factories: Factories) -> World:
    tenant_a, tenant_b = factories.tenant(), factories.tenant()
    issuer_a = factories.issuer(tenant_a)
    achievement_a = factories.achievement(issuer_a)
    credential_a = factories.credential(achievement_a)
    change_a = factories.name_change(factories.credential(achievement_a))
    proof = {"id": "proof", "kind": "evidence", "title": "Proof"}
    path_a = factories.path(issuer_a, steps=[*PATH["steps"], proof])
    cohort_a = factories.cohort(path_a)
    framework_a = factories.framework(tenant_a)
    mapping_a = factories.interop_mapping(path_a, "moodle", "course-1")
    member = factories.person(tenant_a, [Role.EARNER])
    quiz_a = factories.quiz(tenant_a)
    mentor_a = factories.person(tenant_a, [Role.MENTOR])
    enrolment_a = factories.enrolment(cohort_a, member)
    evaluation_a = factories.evidence(enrolment_a, "proof")
    factories.path_certificate(path_a, achievement_a)
    client_a = factories.client(tenant_a)
    invitation_a = factories.invitation(tenant_a)
    job_a = factories.job(tenant_a)
    callers = [
        Caller("anonymous", {}, None),
        Caller(
            "platform-admin",
            factories.person(platform_admin=True).headers,
            PLATFORM_PERMISSIONS,
            platform_admin=True,
        ),
        *(
            Caller(role.value, factories.person(tenant_a, [role]).headers, ROLE_PERMISSIONS[role])
            for role in Role
        ),
        Caller(
            "admin-of-other-tenant", factories.person(tenant_b, [Role.ISSUER_ADMIN]).headers, None
        ),
        Caller("client", client_a.headers, frozenset(Permission(s) for s in CLIENT_SCOPES)),
        Caller("client-without-scopes", factories.client(tenant_a, scopes=()).headers, frozenset()),
        Caller("client-of-other-tenant", factories.client(tenant_b).headers, None),
    ]
    params = {
        "tenant_id": str(tenant_a),
        "issuer_id": str(issuer_a),
        "user_id": str(member.id),
        "client_id": str(client_a.id),
        "achievement_id": str(achievement_a),
        "credential_id": str(credential_a),
        "change_id": str(change_a),
        "path_id": str(path_a),
        "cohort_id": str(cohort_a),
        "framework_id": str(framework_a),
        "mapping_id": str(mapping_a),
        "system": "moodle",
        "slot": "logo",
        "quiz_id": str(quiz_a),
        "mentor_id": str(mentor_a.id),
        "evaluation_id": str(evaluation_a),
        "enrolment_id": str(enrolment_a),
        "invitation_id": str(invitation_a),
        "job_id": str(job_a),
    }
    connection = db.state(app).sessionmaker.kw["bind"]
    return World(callers, params, connection)


def _expected(caller: Caller, operation: Operation) -> str:
    if caller.name == "anonymous":
        return "401"
    if operation.tenant_scoped:
        if caller.permissions_in_a is None:
            return "404"
        return "success" if operation.permission in caller.permissions_in_a else "403"
    if operation.method == "GET":  # a listing: filtered to what the caller may see
        return "success"
    return "success" if caller.platform_admin else "403"


def _path(rule: str, params: dict[str, str]) -> str:
    path = rule.replace("<any(logo, signature):slot>", params["slot"])
    path = path.replace("<int:version>", "1")
    for name, value in params.items():
        path = path.replace(f"<uuid:{name}>", value).replace(f"<{name}>", value)
    assert "<" not in path, f"no sample value for a parameter of {rule}"
    return path


def _filled(body: dict[str, Any], params: dict[str, str]) -> dict[str, Any]:
    """The sample body with "{name}" values replaced by the world's ids."""
    if not isinstance(body.get("json"), dict):
        return body
    values = {
        k: params[v[1:-1]] if isinstance(v, str) and v[:1] == "{" else v
        for k, v in body["json"].items()
    }
    return {**body, "json": values}


@contextmanager
def _undone(connection: Connection) -> Iterator[None]:
    """Run one request inside a savepoint and undo it, so every caller meets the same world."""
    savepoint = connection.begin_nested()
    try:
        yield
    finally:
        savepoint.rollback()


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_every_caller_gets_what_the_role_table_allows(
    operation: Operation, world: World, client: FlaskClient
) -> None:
    path = _path(operation.rule, world.params)
    body = _filled(BODIES.get((operation.method, operation.rule), {}), world.params)
    if operation.method in ("POST", "PUT", "PATCH") and not body:
        assert operation.rule.endswith("/secret"), f"add a sample body for {operation}"
    outcomes = {}
    for caller in world.callers:
        with _undone(world.connection):
            response = client.open(path, method=operation.method, headers=caller.headers, **body)
        assert response.status_code < 500, (caller.name, response.json)
        if response.status_code >= 400:
            assert response.mimetype == "application/problem+json"
        got = str(response.status_code) if response.status_code >= 400 else "success"
        if (operation.method, operation.rule) in REACHED_ON_CONFLICT:
            got = "success" if got == "409" else got  # reached the service
        outcomes[caller.name] = (got, _expected(caller, operation))
    wrong = {name: o for name, o in outcomes.items() if o[0] != o[1]}
    assert not wrong, f"{operation}: (got, expected) {wrong}"


def test_listing_tenants_shows_only_the_callers_tenants(
    client: FlaskClient, factories: Factories
) -> None:
    mine, other = factories.tenant(), factories.tenant()
    admin = factories.person(mine, [Role.ISSUER_ADMIN])
    listed = {t["id"] for t in client.get("/api/v1/tenants", headers=admin.headers).json}
    assert listed == {str(mine)}
    everyone = factories.person(platform_admin=True)
    listed = {t["id"] for t in client.get("/api/v1/tenants", headers=everyone.headers).json}
    assert {str(mine), str(other)} <= listed


@pytest.mark.parametrize(
    ("role", "permission"),
    [
        (Role.EARNER, Permission.ISSUERS_WRITE),
        (Role.BADGE_CREATOR, Permission.KEYS_WRITE),
        (Role.MENTOR, Permission.MEMBERS_READ),
        (Role.ENDORSER, Permission.AUDIT_READ),
        (Role.CONTENT_REVIEWER, Permission.CLIENTS_READ),
    ],
)
def test_policy_keeps_sensitive_permissions_from_lesser_roles(
    role: Role, permission: Permission
) -> None:
    assert permission not in ROLE_PERMISSIONS[role]


def test_api_clients_never_manage_people_or_clients() -> None:
    assert not CLIENT_SCOPES & {"members:write", "clients:read", "clients:write", "tenants:admin"}
