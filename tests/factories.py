"""Rows for tests, created through the real services in their own app context."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from flask import Flask

from issuer.accounts import invitations, tokens
from issuer.accounts import services as accounts
from issuer.accounts.models import ApiClient, User
from issuer.accounts.passwords import hash_secret
from issuer.accounts.roles import CLIENT_SCOPES, Role
from issuer.audit.services import SYSTEM
from issuer.db import db
from issuer.earners import services as earners
from issuer.errors import get_or_404
from issuer.issuance import services as issuance
from issuer.issuance.models import Achievement, Credential
from issuer.jobs import services as jobs
from issuer.learning.automated_evaluation import services as evaluations
from issuer.learning.certificate_rules import services as certificate_rules
from issuer.learning.certification_interoperability import services as interop
from issuer.learning.certification_path_management import services as paths
from issuer.learning.certification_path_management.models import (
    CertificationPath,
    Cohort,
    Enrolment,
)
from issuer.learning.peer_validation import services as validations
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
QUESTIONS: list[dict[str, Any]] = [
    {
        "kind": "single",
        "prompt": "Which helps every learner?",
        "choices": [{"id": "a", "text": "Clear goals"}, {"id": "b", "text": "Speed"}],
        "answer": "a",
    },
    {"kind": "text", "prompt": "Name the framework.", "answer": ["UDL"]},
]
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
            image_id = body.pop("image_id", None)
            achievement = issuance.create_achievement(SYSTEM, issuer, body, image_id)
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
                email_verified_at=self.app.extensions["clock"](),
            )
            db.session.add(user)
            db.session.flush()
            if tenant_id is not None and roles:
                accounts.set_roles(SYSTEM, get_or_404(Tenant, tenant_id), user, roles)
            db.session.commit()
            token, _ = accounts.user_token(user)
            return Person(user.id, user.email, token)

    def invitation(
        self,
        tenant_id: uuid.UUID,
        email: str = "invitee@example.test",
        roles: Iterable[str] = ("mentor",),
    ) -> uuid.UUID:
        """A pending invitation of `email` to `roles` in `tenant_id`."""
        with self.app.app_context():
            tenant = get_or_404(Tenant, tenant_id)
            invitation, _ = invitations.invite(
                SYSTEM, tenant, email=email, name="Invitee", roles=roles
            )
            db.session.commit()
            return invitation.id

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
            path = paths.create_path(SYSTEM, tenant, issuer.id, visibility, {**PATH, **content})
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

    def quiz(
        self,
        tenant_id: uuid.UUID,
        questions: list[dict[str, Any]] | None = None,
        *,
        draw: int | None = None,
    ) -> uuid.UUID:
        """A quiz of `tenant_id` with `questions` (default: QUESTIONS), each 1 point by default."""
        with self.app.app_context():
            bank = [{"choices": [], "points": 1, **q} for q in questions or QUESTIONS]
            data = {"title": "Check", "draw": draw, "questions": bank}
            quiz = evaluations.create_quiz(SYSTEM, get_or_404(Tenant, tenant_id), data)
            db.session.commit()
            return quiz.id

    def enrolment(self, cohort_id: uuid.UUID, person: Person) -> uuid.UUID:
        """`person` enrolled in `cohort_id`."""
        with self.app.app_context():
            user = get_or_404(User, person.id)
            enrolment = paths.enrol(SYSTEM, user, get_or_404(Cohort, cohort_id))
            db.session.commit()
            return enrolment.id

    def evidence(self, enrolment_id: uuid.UUID, step_id: str) -> uuid.UUID:
        """An evaluation of evidence (a narrative) submitted for an evidence step."""
        with self.app.app_context():
            enrolment = get_or_404(Enrolment, enrolment_id)
            data = {"narrative": "I planned and taught an inclusive lesson."}
            evaluation = evaluations.submit_evidence(SYSTEM, enrolment, step_id, data)
            db.session.commit()
            return evaluation.id

    def mentor(self, path_id: uuid.UUID, person: Person) -> None:
        """Assign `person` (a mentor in the path's tenant) to validate evidence on `path_id`."""
        with self.app.app_context():
            path = get_or_404(CertificationPath, path_id)
            validations.assign(SYSTEM, path, get_or_404(User, person.id))
            db.session.commit()

    def interop_mapping(self, path_id: uuid.UUID, system: str, external_id: str) -> uuid.UUID:
        """`path_id` known to the external `system` as `external_id`."""
        with self.app.app_context():
            path = get_or_404(CertificationPath, path_id)
            mapping = interop.create_mapping(
                SYSTEM,
                get_or_404(Tenant, path.tenant_id),
                path_id=path.id,
                system=system,
                external_id=external_id,
            )
            db.session.commit()
            return mapping.id

    def add_roles(self, tenant_id: uuid.UUID, person: Person, roles: Iterable[Role]) -> None:
        """Give an existing person `roles` in another tenant too."""
        with self.app.app_context():
            tenant, user = get_or_404(Tenant, tenant_id), get_or_404(User, person.id)
            accounts.set_roles(SYSTEM, tenant, user, roles)
            db.session.commit()

    def path_certificate(
        self, path_id: uuid.UUID, achievement_id: uuid.UUID, rules: dict[str, Any] | None = None
    ) -> uuid.UUID:
        """Attach `achievement_id` to `path_id` as the certificate its completers receive."""
        with self.app.app_context():
            path = get_or_404(CertificationPath, path_id)
            data = {"achievement_id": achievement_id, "rules": rules}
            row = certificate_rules.attach(SYSTEM, path, data)
            db.session.commit()
            return row.id

    def job(self, tenant_id: uuid.UUID) -> uuid.UUID:
        """A queued background job of `tenant_id` (a retry of owed credentials)."""
        with self.app.app_context():
            job = jobs.create(SYSTEM, tenant_id, "owed-retry")
            db.session.commit()
            return job.id
