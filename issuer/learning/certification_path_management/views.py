"""API of certification paths, their review, cohorts, enrolments and competency frameworks."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from flask.views import MethodView
from sqlalchemy import select

from issuer.accounts.access import authenticate, authorize, authorize_person, requires
from issuer.accounts.roles import Permission
from issuer.db import db, page
from issuer.errors import Forbidden, NotFound, get_or_404
from issuer.extensions import Blueprint
from issuer.learning.certification_path_management import services
from issuer.learning.certification_path_management.models import (
    CertificationPath,
    Cohort,
    CompetencyFramework,
    Enrolment,
    PathVersion,
)
from issuer.learning.certification_path_management.schemas import (
    CasePackageSchema,
    CohortSchema,
    EnrolmentSchema,
    FrameworkSchema,
    InvitationsSchema,
    PathCreateSchema,
    PathSchema,
    PathUpdateSchema,
    PolicySchema,
    ReviewSchema,
    StepDoneSchema,
    VersionSchema,
)
from issuer.tenants.models import Tenant

blp = Blueprint(
    "certification_path_management",
    __name__,
    url_prefix="/api/v1",
    description="Certification paths: authoring, review, cohorts, progress, competencies.",
)
PERSON: dict[str, Any] = {"security": [{"bearerAuth": []}]}


def present_version(version: PathVersion | None) -> dict[str, Any] | None:
    if version is None:
        return None
    return {c: getattr(version, c) for c in VersionSchema().fields}


def present_path(path: CertificationPath) -> dict[str, Any]:
    return {
        "id": path.id,
        "tenant_id": path.tenant_id,
        "issuer_id": path.issuer_id,
        "visibility": path.visibility,
        "status": services.status_of(path),
        "published_version": path.published_version,
        "published": present_version(services.published(path)),
        "working": present_version(services.working(path)),
        "retired_at": path.retired_at,
        "created_at": path.created_at,
    }


def present_enrolment(enrolment: Enrolment) -> dict[str, Any]:
    return {
        **{c: getattr(enrolment, c) for c in EnrolmentSchema().fields if hasattr(enrolment, c)},
        "path_version": services.version_of(enrolment).version,
        "milestones": services.milestones_reached(enrolment),
    }


@blp.route("/tenants/<uuid:tenant_id>/learning-policy")
class Policy(MethodView):
    @requires(Permission.PATHS_READ)
    @blp.response(200, PolicySchema)
    def get(self, tenant_id: uuid.UUID) -> services.Policy:
        """The pass mark and retry cooldown new path versions will freeze."""
        authorize(tenant_id)
        return services.policy(tenant_id)

    @requires(Permission.TENANTS_WRITE)
    @blp.arguments(PolicySchema)
    @blp.response(200, PolicySchema)
    def put(self, data: dict[str, Any], tenant_id: uuid.UUID) -> services.Policy:
        """Set the tenant's pass mark and cooldown; published versions keep theirs."""
        actor = authorize(tenant_id).actor
        tenant = get_or_404(Tenant, tenant_id)
        new = services.Policy(Decimal(data["pass_percent"]), data["retry_cooldown_min"])
        services.set_policy(actor, tenant, new)
        db.session.commit()
        return new


@blp.route("/tenants/<uuid:tenant_id>/paths")
class Paths(MethodView):
    @requires(Permission.PATHS_READ)
    @blp.response(200, PathSchema(many=True))
    @blp.paginate()
    def get(self, tenant_id: uuid.UUID, pagination_parameters: Any) -> list[dict[str, Any]]:
        """The tenant's paths, newest first."""
        authorize(tenant_id)
        stmt = (
            select(CertificationPath)
            .where(CertificationPath.tenant_id == tenant_id)
            .order_by(CertificationPath.created_at.desc(), CertificationPath.id)
        )
        return [present_path(p) for p in page(stmt, pagination_parameters)]

    @requires(Permission.PATHS_WRITE)
    @blp.arguments(PathCreateSchema)
    @blp.response(201, PathSchema)
    def post(self, data: dict[str, Any], tenant_id: uuid.UUID) -> dict[str, Any]:
        """Create a path; its first version is a draft until a reviewer publishes it."""
        actor = authorize(tenant_id).actor
        tenant = get_or_404(Tenant, tenant_id)
        issuer_id = data.pop("issuer_id")
        path = services.create_path(actor, tenant, issuer_id, data.pop("visibility"), data)
        db.session.commit()
        return present_path(path)


@blp.route("/paths/<uuid:path_id>")
class PathItem(MethodView):
    @requires(Permission.PATHS_READ)
    @blp.response(200, PathSchema)
    def get(self, path_id: uuid.UUID) -> dict[str, Any]:
        """A path with its published version and its working draft."""
        path = get_or_404(CertificationPath, path_id)
        authorize(path.tenant_id)
        return present_path(path)

    @requires(Permission.PATHS_WRITE)
    @blp.arguments(PathUpdateSchema(partial=tuple(PathUpdateSchema().fields)))
    @blp.response(200, PathSchema)
    @blp.alt_response(409, description="In review or retired.")
    def patch(self, data: dict[str, Any], path_id: uuid.UUID) -> dict[str, Any]:
        """Edit the working draft (a published path gets a new draft version)."""
        path = get_or_404(CertificationPath, path_id)
        actor = authorize(path.tenant_id).actor
        services.revise(actor, path, data)
        db.session.commit()
        return present_path(path)


@blp.route("/paths/<uuid:path_id>/versions/<int:version>")
class PathVersionItem(MethodView):
    @requires(Permission.PATHS_READ)
    @blp.response(200, VersionSchema)
    def get(self, path_id: uuid.UUID, version: int) -> dict[str, Any] | None:
        """One version of a path, as learners on it follow it."""
        path = get_or_404(CertificationPath, path_id)
        authorize(path.tenant_id)
        found = next((v for v in services.versions(path) if v.version == version), None)
        if found is None:
            raise NotFound("No such version.")
        return present_version(found)


def _review(path_id: uuid.UUID) -> tuple[CertificationPath, tuple[str, str]]:
    path = get_or_404(CertificationPath, path_id)
    return path, authorize(path.tenant_id).actor


@blp.route("/paths/<uuid:path_id>/submit")
class PathSubmit(MethodView):
    @requires(Permission.PATHS_WRITE)
    @blp.response(200, PathSchema)
    @blp.alt_response(409, description="No draft to submit.")
    def post(self, path_id: uuid.UUID) -> dict[str, Any]:
        """Send the draft to a content reviewer."""
        path, actor = _review(path_id)
        services.submit(actor, path)
        db.session.commit()
        return present_path(path)


@blp.route("/paths/<uuid:path_id>/publish")
class PathPublish(MethodView):
    @requires(Permission.PATHS_PUBLISH)
    @blp.arguments(ReviewSchema)
    @blp.response(200, PathSchema)
    @blp.alt_response(409, description="Nothing in review.")
    def post(self, data: dict[str, str], path_id: uuid.UUID) -> dict[str, Any]:
        """Publish the version in review (content reviewers); learners under way stay put."""
        path, actor = _review(path_id)
        services.publish(actor, path, data["comment"])
        db.session.commit()
        return present_path(path)


@blp.route("/paths/<uuid:path_id>/send-back")
class PathSendBack(MethodView):
    @requires(Permission.PATHS_PUBLISH)
    @blp.arguments(ReviewSchema)
    @blp.response(200, PathSchema)
    @blp.alt_response(409, description="Nothing in review.")
    def post(self, data: dict[str, str], path_id: uuid.UUID) -> dict[str, Any]:
        """Return the version in review to its authors, with a comment."""
        path, actor = _review(path_id)
        services.send_back(actor, path, data["comment"])
        db.session.commit()
        return present_path(path)


@blp.route("/paths/<uuid:path_id>/retire")
class PathRetire(MethodView):
    @requires(Permission.PATHS_PUBLISH)
    @blp.response(200, PathSchema)
    @blp.alt_response(409, description="Already retired.")
    def post(self, path_id: uuid.UUID) -> dict[str, Any]:
        """Close the path to new learners; those under way can finish."""
        path, actor = _review(path_id)
        services.retire(actor, path)
        db.session.commit()
        return present_path(path)


@blp.route("/paths/<uuid:path_id>/cohorts")
class Cohorts(MethodView):
    @requires(Permission.PATHS_READ)
    @blp.response(200, CohortSchema(many=True))
    @blp.paginate()
    def get(self, path_id: uuid.UUID, pagination_parameters: Any) -> list[Cohort]:
        """The path's cohorts, newest first."""
        path = get_or_404(CertificationPath, path_id)
        authorize(path.tenant_id)
        stmt = (
            select(Cohort)
            .where(Cohort.path_id == path.id)
            .order_by(Cohort.created_at.desc(), Cohort.id)
        )
        return page(stmt, pagination_parameters)

    @requires(Permission.PATHS_WRITE)
    @blp.arguments(CohortSchema)
    @blp.response(201, CohortSchema)
    def post(self, data: dict[str, Any], path_id: uuid.UUID) -> Cohort:
        """Start a cohort (open enrolment, or by invitation)."""
        path = get_or_404(CertificationPath, path_id)
        actor = authorize(path.tenant_id).actor
        cohort = services.create_cohort(actor, path, data)
        db.session.commit()
        return cohort


@blp.route("/cohorts/<uuid:cohort_id>/invitations")
class Invitations(MethodView):
    @requires(Permission.PATHS_WRITE)
    @blp.arguments(InvitationsSchema)
    @blp.response(200, InvitationsSchema)
    def post(self, data: dict[str, list[str]], cohort_id: uuid.UUID) -> dict[str, list[str]]:
        """Invite people by email address (an invite-only cohort admits only them)."""
        cohort = get_or_404(Cohort, cohort_id)
        actor = authorize(cohort.tenant_id).actor
        services.invite(actor, cohort, data["emails"])
        db.session.commit()
        return data


@blp.route("/cohorts/<uuid:cohort_id>/enrol")
class Enrol(MethodView):
    @requires(Permission.LEARN)
    @blp.response(201, EnrolmentSchema)
    @blp.alt_response(409, description="Not published, retired, ended, or not invited.")
    def post(self, cohort_id: uuid.UUID) -> dict[str, Any]:
        """Join the cohort yourself, on the path's published version."""
        cohort = get_or_404(Cohort, cohort_id)
        path = db.session.get(CertificationPath, cohort.path_id)
        assert path is not None
        if path.visibility == "public":
            principal = authorize_person()
        else:
            principal = authorize(cohort.tenant_id)
        if principal.user is None:
            raise Forbidden("Only a person enrols, not an API client.")
        enrolment = services.enrol(principal.actor, principal.user, cohort)
        db.session.commit()
        return present_enrolment(enrolment)


@blp.route("/cohorts/<uuid:cohort_id>/enrolments")
class CohortEnrolments(MethodView):
    @requires(Permission.LEARNERS_READ)
    @blp.response(200, EnrolmentSchema(many=True))
    @blp.paginate()
    def get(self, cohort_id: uuid.UUID, pagination_parameters: Any) -> list[dict[str, Any]]:
        """Every learner's progress, completion, score and time spent."""
        cohort = get_or_404(Cohort, cohort_id)
        authorize(cohort.tenant_id)
        stmt = (
            select(Enrolment)
            .where(Enrolment.cohort_id == cohort.id)
            .order_by(Enrolment.enrolled_at, Enrolment.id)
        )
        return [present_enrolment(e) for e in page(stmt, pagination_parameters)]


@blp.route("/me/enrolments")
class MyEnrolments(MethodView):
    @blp.response(200, EnrolmentSchema(many=True))
    @blp.paginate()
    @blp.doc(**PERSON)
    def get(self, pagination_parameters: Any) -> list[dict[str, Any]]:
        """Your enrolments and progress."""
        user = authenticate().user
        if user is None:
            raise Forbidden("API clients have no enrolments.")
        stmt = (
            select(Enrolment)
            .where(Enrolment.user_id == user.id)
            .order_by(Enrolment.enrolled_at.desc(), Enrolment.id)
        )
        return [present_enrolment(e) for e in page(stmt, pagination_parameters)]


def own_enrolment(enrolment_id: uuid.UUID) -> Enrolment:
    """The caller's own enrolment; anyone else's answers 404."""
    user = authenticate().user
    enrolment = db.session.get(Enrolment, enrolment_id)
    if user is None or enrolment is None or enrolment.user_id != user.id:
        raise NotFound("No such enrolment among yours.")
    return enrolment


@blp.route("/me/enrolments/<uuid:enrolment_id>/steps/<step_id>")
class MyStep(MethodView):
    @blp.arguments(StepDoneSchema)
    @blp.response(200, EnrolmentSchema)
    @blp.doc(**PERSON)
    def post(self, data: dict[str, int], enrolment_id: uuid.UUID, step_id: str) -> dict[str, Any]:
        """Mark a lesson done (evaluations complete on a pass, evidence on validation)."""
        enrolment = own_enrolment(enrolment_id)
        kind = services.step(services.version_of(enrolment), step_id)["kind"]
        if kind != "lesson":
            raise Forbidden(f"A {kind} step completes when it is passed or validated.")
        services.complete_step(enrolment, step_id, time_spent=data["time_spent_seconds"])
        db.session.commit()
        return present_enrolment(enrolment)


def present_framework(framework: CompetencyFramework) -> dict[str, Any]:
    return {
        "id": framework.id,
        "identifier": framework.identifier,
        "uri": framework.uri,
        "title": framework.title,
        "created_at": framework.created_at,
        "items": [
            {
                "id": item.id,
                "identifier": item.identifier,
                "uri": item.uri,
                "full_statement": item.full_statement,
                "human_coding_scheme": item.human_coding_scheme,
                "item_type": item.item_type,
                "alignment": services.alignment(item, framework),
            }
            for item in services.items_of(framework)
        ],
    }


@blp.route("/tenants/<uuid:tenant_id>/frameworks")
class Frameworks(MethodView):
    @requires(Permission.PATHS_WRITE)
    @blp.arguments(CasePackageSchema)
    @blp.response(201, FrameworkSchema)
    def post(self, data: dict[str, Any], tenant_id: uuid.UUID) -> dict[str, Any]:
        """Import a CASE 1.0 CFPackage (CFDocument, CFItems, CFAssociations); again to update."""
        actor = authorize(tenant_id).actor
        framework = services.import_case(actor, get_or_404(Tenant, tenant_id), data)
        db.session.commit()
        return present_framework(framework)


@blp.route("/frameworks/<uuid:framework_id>")
class FrameworkItem(MethodView):
    @requires(Permission.PATHS_READ)
    @blp.response(200, FrameworkSchema)
    def get(self, framework_id: uuid.UUID) -> dict[str, Any]:
        """A framework's items, each with its OB 3.0 Alignment (targetType CFItem)."""
        framework = get_or_404(CompetencyFramework, framework_id)
        authorize(framework.tenant_id)
        return present_framework(framework)


API_BLUEPRINTS = [blp]
BLUEPRINTS: list[Any] = []
