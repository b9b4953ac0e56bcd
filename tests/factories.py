"""Rows for tests, created through the real services in their own app context."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from flask import Flask

from issuer.accounts import services as accounts
from issuer.accounts import tokens
from issuer.accounts.models import ApiClient, User
from issuer.accounts.passwords import hash_secret
from issuer.accounts.roles import CLIENT_SCOPES, Role
from issuer.audit.services import SYSTEM
from issuer.db import db, get_or_404
from issuer.earners import services as earners
from issuer.issuance import services as issuance
from issuer.issuance.models import Achievement, Credential
from issuer.learning.certification_path_management import services as paths
from issuer.learning.certification_path_management.models import CertificationPath
from issuer.tenants import services as tenants
from issuer.tenants.models import Issuer, Tenant

PASSWORD = "correct horse battery staple"
ACHIEVEMENT: dict[str, Any] = {
    "name": "Inclusive Classroom Practice",
    "description": "Plans and teaches lessons that include every learner.",
    "criteria": {"narrative": "Completed the 12-hour course and passed its assessment."},
    "achievementType": "Certificate",
}
PATH: dict[str, Any] = {
    "name": "Inclusive Classroom Pathway",
    "description": "Three steps to inclusive teaching.",
    "steps": [
        {"id": "intro", "kind": "lesson", "title": "Introduction"},
        {"id": "practice", "kind": "lesson", "title": "Practice"},
        {"id": "extra", "kind": "lesson", "title": "Further reading", "required": False},
    ],
    "milestones": [{"id": "started", "name": "Started", "steps": ["intro"], "alignment": []}],
}
CASE_PACKAGE: dict[str, Any] = {
    "CFDocument": {
        "identifier": "c5fb0a74-0c4c-4d5a-9f6e-0d6b2b3a9d01",
        "uri": "https://case.example.org/uri/c5fb0a74-0c4c-4d5a-9f6e-0d6b2b3a9d01",
        "title": "Teacher Competency Framework",
    },
    "CFItems": [
        {
            "identifier": "1d0f4c1e-3a55-4b5e-9d55-3e5c1a2b7f10",
            "uri": "https://case.example.org/uri/1d0f4c1e-3a55-4b5e-9d55-3e5c1a2b7f10",
            "fullStatement": "Plans lessons that include every learner.",
            "humanCodingScheme": "TCF.1",
            "CFItemType": "Competency",
        }
    ],
    "CFAssociations": [],
}
_counter = itertools.count(1)


@cache
def _password_hash() -> str:
    return hash_secret(PASSWORD)  # hashed once per run: Argon2 is slow on purpose


@dataclass(frozen=True)
class Person:
    id: uuid.UUID
    email: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass(frozen=True)
class Client:
    id: uuid.UUID
    client_id: str
    secret: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class Factories:
    def __init__(self, app: Flask) -> None:
        self.app = app

    def tenant(self, slug: str | None = None) -> uuid.UUID:
        with self.app.app_context():
            tenant = tenants.create_tenant(SYSTEM, slug=slug or f"t{next(_counter)}", name="Tenant")
            db.session.commit()
            return tenant.id

    def issuer(self, tenant_id: uuid.UUID, name: str = "Issuer") -> uuid.UUID:
        with self.app.app_context():
            data = {"name": name, "url": "https://issuer.example", "email": "i@issuer.example"}
            issuer = tenants.create_issuer(SYSTEM, get_or_404(Tenant, tenant_id), data)
            db.session.commit()
            return issuer.id

    def achievement(self, issuer_id: uuid.UUID, **content: Any) -> uuid.UUID:
        """An achievement of `issuer_id` with sensible content (override any field)."""
        with self.app.app_context():
            issuer = get_or_404(Issuer, issuer_id)
            body = {**ACHIEVEMENT, **content}
            achievement = issuance.create_achievement(SYSTEM, issuer, body)
            db.session.commit()
            return achievement.id

    def credential(self, achievement_id: uuid.UUID, **award: Any) -> uuid.UUID:
        """A credential awarding `achievement_id` (default: to a hashed email)."""
        with self.app.app_context():
            achievement = get_or_404(Achievement, achievement_id)
            award.setdefault(
                "recipient",
                {"type": "email", "identity": "learner@school.test", "name": "Lee Learner"},
            )
            credential = issuance.award(SYSTEM, achievement, **award)
            db.session.commit()
            return credential.id

    def person(
        self,
        tenant_id: uuid.UUID | None = None,
        roles: Iterable[Role] = (),
        *,
        platform_admin: bool = False,
        email: str | None = None,
    ) -> Person:
        """A user with `roles` in `tenant_id`, and a valid access token."""
        with self.app.app_context():
            n = next(_counter)
            user = User(
                email=email or f"user{n}@example.test",
                name=f"User {n}",
                password_hash=_password_hash(),
                is_platform_admin=platform_admin,
                created_at=self.app.extensions["clock"](),
            )
            db.session.add(user)
            db.session.flush()
            if tenant_id is not None and roles:
                accounts.set_roles(SYSTEM, get_or_404(Tenant, tenant_id), user, roles)
            db.session.commit()
            token, _ = tokens.issue(self.app.extensions["settings"], sub=str(user.id), kind="user")
            return Person(user.id, user.email, token)

    def client(self, tenant_id: uuid.UUID, scopes: Iterable[str] = CLIENT_SCOPES) -> Client:
        """An API client with `scopes` (secret: PASSWORD), and a token carrying all of them."""
        with self.app.app_context():
            row = ApiClient(
                tenant_id=tenant_id,
                name="LMS",
                client_id=f"ck_test{next(_counter)}",
                secret_hash=_password_hash(),
                scopes=sorted(scopes),
                created_at=self.app.extensions["clock"](),
            )
            db.session.add(row)
            db.session.commit()
            token, _ = tokens.issue(
                self.app.extensions["settings"],
                sub=str(row.id),
                kind="client",
                scopes=tuple(row.scopes),
            )
            return Client(row.id, row.client_id, PASSWORD, token)

    def earner(self, credential_id: uuid.UUID) -> Person:
        """The account of the person `credential_id` was issued to (by email)."""
        with self.app.app_context():
            email = get_or_404(Credential, credential_id).earner_email
        assert email, "the credential was not issued to an email address"
        return self.person(email=email)

    def name_change(self, credential_id: uuid.UUID, name: str = "Lee Corrected") -> uuid.UUID:
        """A pending request by the credential's earner to be named `name`."""
        earner = self.earner(credential_id)
        with self.app.app_context():
            user = get_or_404(User, earner.id)
            change = earners.request_name_change(
                SYSTEM, user, get_or_404(Credential, credential_id), name=name
            )
            db.session.commit()
            return change.id

    def path(
        self,
        issuer_id: uuid.UUID,
        *,
        published: bool = True,
        visibility: str = "tenant",
        **content: Any,
    ) -> uuid.UUID:
        """A certification path of `issuer_id` (default: published, tenant-visible)."""
        with self.app.app_context():
            issuer = get_or_404(Issuer, issuer_id)
            tenant = get_or_404(Tenant, issuer.tenant_id)
            path = paths.create_path(SYSTEM, tenant, issuer, visibility, {**PATH, **content})
            if published:
                paths.submit(SYSTEM, path)
                paths.publish(SYSTEM, path)
            db.session.commit()
            return path.id

    def cohort(self, path_id: uuid.UUID, enrolment: str = "open") -> uuid.UUID:
        with self.app.app_context():
            path = get_or_404(CertificationPath, path_id)
            data = {"name": f"Cohort {next(_counter)}", "enrolment": enrolment}
            cohort = paths.create_cohort(SYSTEM, path, data)
            db.session.commit()
            return cohort.id

    def framework(self, tenant_id: uuid.UUID) -> uuid.UUID:
        with self.app.app_context():
            framework = paths.import_case(SYSTEM, get_or_404(Tenant, tenant_id), CASE_PACKAGE)
            db.session.commit()
            return framework.id
