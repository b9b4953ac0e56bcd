"""API of quizzes, rubrics, quiz attempts, evidence and evaluations."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from issuer.accounts.access import authenticate, authorize, requires
from issuer.accounts.roles import Permission
from issuer.db import db, page
from issuer.errors import NotFound, get_or_404
from issuer.extensions import Blueprint
from issuer.learning.automated_evaluation import services
from issuer.learning.automated_evaluation.models import Evaluation, Quiz, Rubric
from issuer.learning.automated_evaluation.schemas import (
    AttemptSchema,
    EvaluationSchema,
    EvidenceSubmissionSchema,
    QuestionSchema,
    QuizCreateSchema,
    QuizSchema,
    QuizUpdateSchema,
    RubricSchema,
    SubmitSchema,
)
from issuer.learning.certification_path_management.models import CertificationPath
from issuer.learning.certification_path_management.views import PERSON, own_enrolment
from issuer.tenants.models import Tenant

blp = Blueprint(
    "automated_evaluation",
    __name__,
    url_prefix="/api/v1",
    description="Evaluations: quizzes and question banks, attempts, evidence, rubrics.",
)


def present_quiz(quiz: Quiz) -> dict[str, Any]:
    return {
        "id": quiz.id,
        "tenant_id": quiz.tenant_id,
        "title": quiz.title,
        "draw": quiz.draw,
        "questions": services.questions_of(quiz, retired=True),
        "created_at": quiz.created_at,
    }


def present_attempt(attempt: Evaluation) -> dict[str, Any]:
    return {
        "id": attempt.id,
        "quiz_id": attempt.quiz_id,
        "step_id": attempt.step_id,
        "status": attempt.status,
        "started_at": attempt.started_at,
        "questions": services.shown(attempt),
    }


def with_decisions(stmt: Select[Evaluation]) -> Select[Evaluation]:
    """`stmt` loading each evaluation's decision with the page, in one more query (no N+1)."""
    return stmt.options(selectinload(Evaluation.decision))


@blp.route("/tenants/<uuid:tenant_id>/quizzes")
class Quizzes(MethodView):
    @requires(Permission.PATHS_WRITE)
    @blp.arguments(QuizCreateSchema)
    @blp.response(201, QuizSchema)
    def post(self, data: dict[str, Any], tenant_id: uuid.UUID) -> dict[str, Any]:
        """Create a quiz with its question bank; a path's evaluation step names it."""
        actor = authorize(tenant_id).actor
        quiz = services.create_quiz(actor, get_or_404(Tenant, tenant_id), data)
        db.session.commit()
        return present_quiz(quiz)


@blp.route("/quizzes/<uuid:quiz_id>")
class QuizItem(MethodView):
    @requires(Permission.PATHS_WRITE)
    @blp.response(200, QuizSchema)
    def get(self, quiz_id: uuid.UUID) -> dict[str, Any]:
        """A quiz with its bank and answer key (authors only)."""
        quiz = get_or_404(Quiz, quiz_id)
        authorize(quiz.tenant_id)
        return present_quiz(quiz)

    @requires(Permission.PATHS_WRITE)
    @blp.arguments(QuizUpdateSchema)
    @blp.response(200, QuizSchema)
    def patch(self, data: dict[str, Any], quiz_id: uuid.UUID) -> dict[str, Any]:
        """Rename, change the draw, or retire questions; past attempts keep theirs."""
        quiz = get_or_404(Quiz, quiz_id)
        actor = authorize(quiz.tenant_id).actor
        services.update_quiz(actor, quiz, data)
        db.session.commit()
        return present_quiz(quiz)


@blp.route("/quizzes/<uuid:quiz_id>/questions")
class QuizQuestions(MethodView):
    @requires(Permission.PATHS_WRITE)
    @blp.arguments(QuestionSchema)
    @blp.response(201, QuestionSchema)
    def post(self, data: dict[str, Any], quiz_id: uuid.UUID) -> Any:
        """Add a question to the bank."""
        quiz = get_or_404(Quiz, quiz_id)
        actor = authorize(quiz.tenant_id).actor
        question = services.add_question(actor, quiz, data)
        db.session.commit()
        return question


@blp.route("/paths/<uuid:path_id>/rubrics")
class Rubrics(MethodView):
    @requires(Permission.PATHS_READ)
    @blp.response(200, RubricSchema(many=True))
    def get(self, path_id: uuid.UUID) -> list[Rubric]:
        """The rubrics mentors score this path's evidence steps with."""
        path = get_or_404(CertificationPath, path_id)
        authorize(path.tenant_id)
        return list(
            db.session.scalars(
                select(Rubric).where(Rubric.path_id == path.id).order_by(Rubric.step_id)
            )
        )

    @requires(Permission.PATHS_WRITE)
    @blp.arguments(RubricSchema)
    @blp.response(200, RubricSchema)
    def post(self, data: dict[str, Any], path_id: uuid.UUID) -> Rubric:
        """Set the rubric (criteria × levels with points) of one evidence step, replacing it."""
        path = get_or_404(CertificationPath, path_id)
        actor = authorize(path.tenant_id).actor
        rubric = services.put_rubric(actor, path, data)
        db.session.commit()
        return rubric


@blp.route("/paths/<uuid:path_id>/evaluations")
class PathEvaluations(MethodView):
    @requires(Permission.LEARNERS_READ)
    @blp.response(200, EvaluationSchema(many=True))
    @blp.paginate()
    def get(self, path_id: uuid.UUID, pagination_parameters: Any) -> list[Evaluation]:
        """Every learner's attempts and evidence on this path, newest first."""
        path = get_or_404(CertificationPath, path_id)
        authorize(path.tenant_id)
        stmt = (
            select(Evaluation)
            .where(Evaluation.path_id == path.id)
            .order_by(Evaluation.started_at.desc(), Evaluation.id)
        )
        return list(page(with_decisions(stmt), pagination_parameters))


@blp.route("/evaluations/<uuid:evaluation_id>")
class EvaluationItem(MethodView):
    @requires(Permission.LEARNERS_READ)
    @blp.response(200, EvaluationSchema)
    def get(self, evaluation_id: uuid.UUID) -> Evaluation:
        """One attempt or piece of evidence, with answers, outcomes and any decision."""
        evaluation = get_or_404(Evaluation, evaluation_id)
        authorize(evaluation.tenant_id)
        return evaluation


@blp.route("/me/enrolments/<uuid:enrolment_id>/quizzes/<uuid:quiz_id>/attempts")
class MyAttempts(MethodView):
    @blp.response(201, AttemptSchema)
    @blp.alt_response(200, schema=AttemptSchema, description="The attempt still open.")
    @blp.alt_response(409, description="The retry cooldown runs; `retry_at` says until when.")
    @blp.doc(**PERSON)
    def post(self, enrolment_id: uuid.UUID, quiz_id: uuid.UUID) -> Any:
        """Start an attempt: your own random draw and order, without answers."""
        enrolment = own_enrolment(enrolment_id)
        quiz = db.session.get(Quiz, quiz_id)
        if quiz is None:
            raise NotFound("Your path has no step with this quiz.")
        principal = authenticate()
        attempt, new = services.start_attempt(principal.actor, enrolment, quiz)
        db.session.commit()
        return present_attempt(attempt), 201 if new else 200


@blp.route(
    "/me/enrolments/<uuid:enrolment_id>/quizzes/<uuid:quiz_id>/attempts/<uuid:attempt_id>/submit"
)
class MyAttemptSubmit(MethodView):
    @blp.arguments(SubmitSchema)
    @blp.response(200, EvaluationSchema)
    @blp.alt_response(409, description="Already submitted.")
    @blp.doc(**PERSON)
    def post(
        self,
        data: dict[str, Any],
        enrolment_id: uuid.UUID,
        quiz_id: uuid.UUID,
        attempt_id: uuid.UUID,
    ) -> Evaluation:
        """Hand in your answers (by question id) and get your grade."""
        enrolment = own_enrolment(enrolment_id)
        attempt = db.session.get(Evaluation, attempt_id)
        if attempt is None or attempt.enrolment_id != enrolment.id or attempt.quiz_id != quiz_id:
            raise NotFound("No such attempt among yours.")
        services.submit_attempt(authenticate().actor, enrolment, attempt, data["answers"])
        db.session.commit()
        return attempt


@blp.route("/me/enrolments/<uuid:enrolment_id>/evidence/<step_id>")
class MyEvidence(MethodView):
    @blp.arguments(EvidenceSubmissionSchema)
    @blp.response(201, EvaluationSchema)
    @blp.alt_response(409, description="Not an evidence step, or evidence already awaits.")
    @blp.doc(**PERSON)
    def post(self, data: dict[str, Any], enrolment_id: uuid.UUID, step_id: str) -> Evaluation:
        """Submit evidence (a URL, a narrative, a portfolio file) for an evidence step."""
        enrolment = own_enrolment(enrolment_id)
        evaluation = services.submit_evidence(authenticate().actor, enrolment, step_id, data)
        db.session.commit()
        return evaluation


@blp.route("/me/enrolments/<uuid:enrolment_id>/evaluations")
class MyEvaluations(MethodView):
    @blp.response(200, EvaluationSchema(many=True))
    @blp.paginate()
    @blp.doc(**PERSON)
    def get(self, enrolment_id: uuid.UUID, pagination_parameters: Any) -> list[Evaluation]:
        """Your attempts and evidence on this enrolment, newest first."""
        enrolment = own_enrolment(enrolment_id)
        stmt = (
            select(Evaluation)
            .where(Evaluation.enrolment_id == enrolment.id)
            .order_by(Evaluation.started_at.desc(), Evaluation.id)
        )
        return list(page(with_decisions(stmt), pagination_parameters))


API_BLUEPRINTS = [blp]
BLUEPRINTS: list[Any] = []
