"""API of certificates attached to paths, the rule editor's schema, decisions and dry runs."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response
from flask.views import MethodView

from issuer.accounts.access import authorize, requires
from issuer.accounts.roles import Permission
from issuer.db import db, page
from issuer.errors import get_or_404
from issuer.extensions import Blueprint
from issuer.jobs import services as jobs
from issuer.jobs.views import accepted, wants_async
from issuer.learning.certificate_rules import engine, owed, services
from issuer.learning.certificate_rules.models import PathCertificate
from issuer.learning.certificate_rules.schemas import (
    DecisionSchema,
    DryRunRowSchema,
    DryRunSchema,
    OwedSchema,
    PathCertificateSchema,
    RetrySchema,
)
from issuer.learning.certification_path_management.models import (
    CertificationPath,
    Enrolment,
)

blp = Blueprint(
    "certificate_rules",
    __name__,
    url_prefix="/api/v1",
    description="Certificates attached to paths and the rules that issue them on completion.",
)


published = Blueprint(
    "issue_rules",
    __name__,
    url_prefix="/api/issue-rules",
    description="The issue rules' published schema and editor form (no login).",
)


@published.route("/schema")
class RulesSchema(MethodView):
    @published.response(200)
    def get(self) -> dict[str, Any]:
        """The JSON Schema that issue rules are validated against."""
        return engine.json_schema()


@published.route("/form")
class RulesForm(MethodView):
    @published.response(200)
    def get(self) -> dict[str, Any]:
        """What a rule editor renders: fields with labels, types, operators and choices."""
        return engine.form_definition()


def _path(path_id: uuid.UUID) -> tuple[CertificationPath, tuple[str, str]]:
    path = get_or_404(CertificationPath, path_id)
    return path, authorize(path.tenant_id).actor


@blp.route("/paths/<uuid:path_id>/certificate")
class AttachedCertificate(MethodView):
    @requires(Permission.PATHS_READ)
    @blp.response(200, PathCertificateSchema)
    @blp.alt_response(404, description="No certificate is attached.")
    def get(self, path_id: uuid.UUID) -> PathCertificate:
        """The certificate attached to the path, which all its cohorts award."""
        path, _ = _path(path_id)
        return services.attached(path)

    @requires(Permission.PATHS_WRITE)
    @blp.arguments(PathCertificateSchema)
    @blp.response(201, PathCertificateSchema)
    @blp.alt_response(409, description="One is attached already.")
    def post(self, data: dict[str, Any], path_id: uuid.UUID) -> PathCertificate:
        """Attach a certificate (achievement, template, type, rules) to a path without one."""
        path, actor = _path(path_id)
        row = services.attach(actor, path, data)
        db.session.commit()
        return row

    @requires(Permission.PATHS_WRITE)
    @blp.arguments(PathCertificateSchema)
    @blp.response(200, PathCertificateSchema)
    @blp.alt_response(404, description="No certificate is attached.")
    def put(self, data: dict[str, Any], path_id: uuid.UUID) -> PathCertificate:
        """Replace the attached certificate; what was issued already never changes."""
        path, actor = _path(path_id)
        row = services.update(actor, path, data)
        db.session.commit()
        return row

    @requires(Permission.PATHS_WRITE)
    @blp.response(200, PathCertificateSchema)
    @blp.alt_response(404, description="No certificate is attached.")
    def delete(self, path_id: uuid.UUID) -> PathCertificate:
        """Detach the certificate; credentials already issued stay valid."""
        path, actor = _path(path_id)
        row = services.detach(actor, path)
        db.session.commit()
        return row


@blp.route("/paths/<uuid:path_id>/certificate/dry-run")
class DryRun(MethodView):
    @requires(Permission.PATHS_WRITE)
    @blp.arguments(DryRunSchema)
    @blp.response(200, DryRunRowSchema(many=True))
    def post(self, data: dict[str, Any], path_id: uuid.UUID) -> list[dict[str, Any]]:
        """Evaluate rules against a cohort before saving them: who would receive it, who not."""
        path, _ = _path(path_id)
        return services.dry_run(data["rules"], path, data["cohort_id"])


@blp.route("/enrolments/<uuid:enrolment_id>/certificate-decision")
class Decision(MethodView):
    @requires(Permission.LEARNERS_READ)
    @blp.response(200, DecisionSchema)
    def get(self, enrolment_id: uuid.UUID) -> dict[str, Any]:
        """Why this learner did or did not receive the path's certificate (rules and values)."""
        enrolment = get_or_404(Enrolment, enrolment_id)
        authorize(enrolment.tenant_id)
        return services.explain(enrolment)


@blp.route("/tenants/<uuid:tenant_id>/owed-credentials")
class Owed(MethodView):
    @requires(Permission.LEARNERS_READ)
    @blp.response(200, OwedSchema(many=True))
    @blp.paginate()
    def get(self, tenant_id: uuid.UUID, pagination_parameters: Any) -> list[Any]:
        """Learners who qualified but hold no credential yet (issuance failed), with why."""
        authorize(tenant_id)
        return page(owed.owed(tenant_id), pagination_parameters)


@blp.route("/tenants/<uuid:tenant_id>/owed-credentials/retry")
class RetryOwed(MethodView):
    @requires(Permission.CREDENTIALS_ISSUE)
    @blp.response(200, RetrySchema)
    @blp.alt_response(202, description="Many owed, or `Prefer: respond-async`: the job.")
    def post(self, tenant_id: uuid.UUID) -> owed.RetryResult | Response:
        """Issue the owed credentials now (also done on a schedule).

        With `Prefer: respond-async`, or more credentials owed than
        CERTIFIKATION_BACKGROUND_ROWS, the answer is 202 at once, its Location the job to poll.
        """
        actor = authorize(tenant_id).actor
        if wants_async(owed.count_owed(tenant_id)):
            job = jobs.create(actor, tenant_id, "owed-retry")
            db.session.commit()
            return accepted(job)
        result = owed.retry_failed(tenant_id)
        db.session.commit()
        return result


API_BLUEPRINTS = [blp, published]
BLUEPRINTS: list[Any] = []
