"""API of path mentors, their validation queues and their decisions on evidence."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from sqlalchemy import select

from issuer.accounts.access import authenticate, authorize, requires
from issuer.accounts.models import User
from issuer.accounts.roles import Permission, Role
from issuer.db import db, page
from issuer.errors import Conflict, Forbidden, NotFound, get_or_404
from issuer.extensions import Blueprint
from issuer.learning.automated_evaluation.models import Evaluation
from issuer.learning.automated_evaluation.schemas import EvaluationSchema
from issuer.learning.automated_evaluation.views import with_decisions
from issuer.learning.certification_path_management.models import CertificationPath
from issuer.learning.certification_path_management.views import PERSON
from issuer.learning.peer_validation import services
from issuer.learning.peer_validation.models import PathMentor
from issuer.learning.peer_validation.schemas import (
    EvidenceDecisionSchema,
    PathMentorSchema,
    ValidationQueueArgs,
)

blp = Blueprint(
    "peer_validation",
    __name__,
    url_prefix="/api/v1",
    description="Peer validation: mentors of a path decide on learners' evidence.",
)


@blp.route("/paths/<uuid:path_id>/mentors")
class Mentors(MethodView):
    @requires(Permission.PATHS_READ)
    @blp.response(200, PathMentorSchema(many=True))
    def get(self, path_id: uuid.UUID) -> list[PathMentor]:
        """Who validates evidence on this path."""
        path = get_or_404(CertificationPath, path_id)
        authorize(path.tenant_id)
        return services.mentors(path)


@blp.route("/paths/<uuid:path_id>/mentors/<uuid:mentor_id>")
class MentorItem(MethodView):
    @requires(Permission.PATHS_WRITE)
    @blp.response(200, PathMentorSchema)
    @blp.alt_response(422, description="Not a mentor in the path's tenant.")
    def put(self, path_id: uuid.UUID, mentor_id: uuid.UUID) -> PathMentor:
        """Assign a mentor of the tenant to this path (again: no change)."""
        path = get_or_404(CertificationPath, path_id)
        actor = authorize(path.tenant_id).actor
        user = db.session.get(User, mentor_id)
        if user is None:
            raise NotFound("No such person.")
        row = services.assign(actor, path, user)
        db.session.commit()
        return row

    @requires(Permission.PATHS_WRITE)
    @blp.response(204)
    def delete(self, path_id: uuid.UUID, mentor_id: uuid.UUID) -> None:
        """Take a mentor off this path; decisions they made stand."""
        path = get_or_404(CertificationPath, path_id)
        actor = authorize(path.tenant_id).actor
        services.unassign(actor, path, mentor_id)
        db.session.commit()


@blp.route("/paths/<uuid:path_id>/validations")
class PathValidations(MethodView):
    @requires(Permission.EVIDENCE_VALIDATE)
    @blp.arguments(ValidationQueueArgs, location="query")
    @blp.response(200, EvaluationSchema(many=True))
    @blp.paginate()
    def get(
        self, args: dict[str, str], path_id: uuid.UUID, pagination_parameters: Any
    ) -> list[Evaluation]:
        """The path's evidence by status (default: awaiting a decision), oldest first."""
        path = get_or_404(CertificationPath, path_id)
        authorize(path.tenant_id)
        stmt = (
            select(Evaluation)
            .where(
                Evaluation.path_id == path.id,
                Evaluation.kind == "evidence",
                Evaluation.status == args["status"],
            )
            .order_by(Evaluation.submitted_at, Evaluation.id)
        )
        return list(page(with_decisions(stmt), pagination_parameters))


@blp.route("/me/validations")
class MyValidations(MethodView):
    @blp.response(200, EvaluationSchema(many=True))
    @blp.paginate()
    @blp.doc(**PERSON)
    def get(self, pagination_parameters: Any) -> list[Evaluation]:
        """Evidence awaiting you, on the paths you mentor (where you still hold the role)."""
        user = authenticate().user
        if user is None:
            raise Forbidden("API clients mentor no path.")
        tenants = {m.tenant_id for m in user.memberships if m.role == Role.MENTOR}
        stmt = (
            select(Evaluation)
            .join(PathMentor, PathMentor.path_id == Evaluation.path_id)
            .where(
                PathMentor.user_id == user.id,
                Evaluation.tenant_id.in_(tenants),
                Evaluation.status == "awaiting_validation",
                Evaluation.user_id != user.id,
            )
            .order_by(Evaluation.submitted_at, Evaluation.id)
        )
        return list(page(with_decisions(stmt), pagination_parameters))


@blp.route("/evaluations/<uuid:evaluation_id>/decision")
class Decision(MethodView):
    @requires(Permission.EVIDENCE_VALIDATE)
    @blp.arguments(EvidenceDecisionSchema)
    @blp.response(200, EvaluationSchema)
    @blp.alt_response(403, description="Not a mentor of this path, or your own evidence.")
    @blp.alt_response(409, description="Already decided.")
    def post(self, data: dict[str, Any], evaluation_id: uuid.UUID) -> Evaluation:
        """Approve or reject evidence, with a comment and rubric scores: final, once."""
        evaluation = get_or_404(Evaluation, evaluation_id)
        principal = authorize(evaluation.tenant_id)
        if evaluation.status != "awaiting_validation":
            raise Conflict(f"This evaluation was already decided: {evaluation.status}.")
        mentor = services.check_authority(principal.user, evaluation)
        services.decide(principal.actor, mentor, evaluation, **data)
        db.session.commit()
        return evaluation


API_BLUEPRINTS = [blp]
BLUEPRINTS: list[Any] = []
