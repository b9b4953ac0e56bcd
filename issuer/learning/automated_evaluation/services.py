"""Authoring quizzes and rubrics; taking quizzes and submitting evidence.

Every attempt is judged by the pass mark and cooldown frozen into the learner's path version,
never by the tenant's current policy. An attempt draws its questions and shuffles their
choices once, from a seed stored on it, and is graded by question id.
"""

from __future__ import annotations

import math
import random
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from blinker import Namespace
from sqlalchemy import select, update

from issuer import clock, references
from issuer.audit import services as audit
from issuer.db import db
from issuer.errors import Conflict, FieldError, NotFound, ValidationError
from issuer.learning.automated_evaluation import grading
from issuer.learning.automated_evaluation.models import Evaluation, Question, Quiz, Rubric
from issuer.learning.certification_path_management import services as paths
from issuer.learning.certification_path_management.models import (
    CertificationPath,
    Enrolment,
    PathVersion,
)
from issuer.learning.skills_portfolio.models import Portfolio, PortfolioItem
from issuer.tenants.models import Tenant

signals = Namespace()
# Sent with the new Evaluation as sender when evidence awaits a mentor's decision.
evidence_submitted = signals.signal("evidence-submitted")
OPEN = datetime.max.replace(tzinfo=UTC)  # sorts an attempt not yet submitted first


class RetryCooldown(Conflict):
    """A failed attempt's retry cooldown is still running; `retry_at` says when it ends."""

    slug, title = "retry-cooldown", "Retry not open yet"


# Authoring ---------------------------------------------------------------------------------


def create_quiz(actor: audit.Actor, tenant: Tenant, data: dict[str, Any]) -> Quiz:
    quiz = Quiz(tenant_id=tenant.id, title=data["title"], draw=data["draw"], created_at=clock.now())
    db.session.add(quiz)
    db.session.flush()
    for question in data["questions"]:
        _add(quiz, question)
    db.session.flush()
    audit.record(actor, "quiz.create", quiz, tenant_id=tenant.id, questions=len(data["questions"]))
    return quiz


def add_question(actor: audit.Actor, quiz: Quiz, data: dict[str, Any]) -> Question:
    question = _add(quiz, data)
    db.session.flush()
    audit.record(
        actor, "quiz.add_question", quiz, tenant_id=quiz.tenant_id, question=str(question.id)
    )
    return question


def update_quiz(actor: audit.Actor, quiz: Quiz, changes: dict[str, Any]) -> Quiz:
    """Rename, change the draw, or retire questions (attempts under way still grade them)."""
    retire = set(changes.pop("retire", []))
    references.resolve_all(
        Question,
        retire,
        pointer="#/retire",
        tenant_id=quiz.tenant_id,
        join=Quiz,
        where=[Question.quiz_id == quiz.id],
    )
    bank = {q.id: q for q in questions_of(quiz)}
    if retire - set(bank):
        raise _invalid("This question is already retired.", "#/retire")
    for question_id in retire:
        bank[question_id].retired_at = clock.now()
    for name in ("title", "draw"):
        if name in changes:
            setattr(quiz, name, changes[name])
    if not len(bank) - len(retire):
        raise _invalid("A quiz keeps at least one question.", "#/retire")
    if quiz.draw is not None and quiz.draw > len(bank) - len(retire):
        raise _invalid("draw cannot exceed the number of questions.", "#/draw")
    db.session.flush()
    audit.record(
        actor, "quiz.update", quiz, tenant_id=quiz.tenant_id, retired=sorted(map(str, retire))
    )
    return quiz


def questions_of(quiz: Quiz, *, retired: bool = False) -> list[Question]:
    stmt = select(Question).where(Question.quiz_id == quiz.id)
    if not retired:
        stmt = stmt.where(Question.retired_at.is_(None))
    return list(db.session.scalars(stmt.order_by(Question.position, Question.id)))


def _add(quiz: Quiz, data: dict[str, Any]) -> Question:
    count = len(questions_of(quiz, retired=True))
    question = Question(
        quiz_id=quiz.id,
        kind=data["kind"],
        prompt=data["prompt"],
        choices=data["choices"],
        answer=data["answer"],
        points=data["points"],
        position=count,
        created_at=clock.now(),
    )
    db.session.add(question)
    return question


def put_rubric(actor: audit.Actor, path: CertificationPath, data: dict[str, Any]) -> Rubric:
    """Set the rubric of one evidence step (replacing it); decisions made keep their scores."""
    version = paths.working(path) or paths.published(path)
    assert version is not None
    if paths.step(version, data["step_id"])["kind"] != "evidence":
        raise _invalid("Rubrics score evidence steps only.", "#/step_id")
    rubric = rubric_for(path.id, data["step_id"])
    if rubric is None:
        rubric = Rubric(
            tenant_id=path.tenant_id,
            path_id=path.id,
            step_id=data["step_id"],
            created_at=clock.now(),
        )
        db.session.add(rubric)
    rubric.title = data["title"]
    rubric.criteria = data["criteria"]
    rubric.updated_at = clock.now()
    db.session.flush()
    audit.record(actor, "rubric.put", rubric, tenant_id=path.tenant_id, step=data["step_id"])
    return rubric


def rubric_for(path_id: uuid.UUID, step_id: str) -> Rubric | None:
    return db.session.scalar(
        select(Rubric).where(Rubric.path_id == path_id, Rubric.step_id == step_id)
    )


def _invalid(detail: str, pointer: str) -> ValidationError:
    return ValidationError(detail, errors=[FieldError(detail, pointer=pointer)])


# Taking a quiz -----------------------------------------------------------------------------


def quiz_step(enrolment: Enrolment, quiz: Quiz) -> dict[str, Any]:
    """The evaluation step of the learner's version that `quiz` completes; else 404."""
    version = paths.version_of(enrolment)
    found: dict[str, Any] | None = next(
        (
            s
            for s in version.content["steps"]
            if s["kind"] == "evaluation" and s.get("quiz_id") == str(quiz.id)
        ),
        None,
    )
    if found is None or quiz.tenant_id != enrolment.tenant_id:
        raise NotFound("Your path has no step with this quiz.")
    return found


def start_attempt(actor: audit.Actor, enrolment: Enrolment, quiz: Quiz) -> tuple[Evaluation, bool]:
    """An attempt with its own draw and order, or the one still open; True when new.

    Raises:
        RetryCooldown: The last attempt failed less than the version's cooldown ago.
    """
    step = quiz_step(enrolment, quiz)
    attempts = _attempts(enrolment, quiz)
    open_attempt = next((a for a in attempts if a.status == "started"), None)
    if open_attempt is not None:
        return open_attempt, False
    last = next((a for a in attempts if a.status == "graded"), None)
    if last is not None and last.passed is False:
        assert last.submitted_at is not None
        opens = last.submitted_at + timedelta(minutes=_frozen(enrolment)[1])
        now = clock.now()
        if now < opens:
            stamp = opens.isoformat().replace("+00:00", "Z")
            raise RetryCooldown(
                f"Your last attempt did not pass; you can try again at {stamp}.",
                headers={"Retry-After": str(math.ceil((opens - now).total_seconds()))},
                retry_at=stamp,
            )
    seed = secrets.randbits(63)
    bank = questions_of(quiz)
    shuffler = random.Random(seed)
    drawn = shuffler.sample(bank, quiz.draw or len(bank))  # a random order, and a draw
    attempt = Evaluation(
        tenant_id=enrolment.tenant_id,
        user_id=enrolment.user_id,
        path_id=paths.version_of(enrolment).path_id,
        enrolment_id=enrolment.id,
        step_id=step["id"],
        quiz_id=quiz.id,
        kind="quiz",
        status="started",
        details={
            "seed": seed,
            "questions": [str(q.id) for q in drawn],
            "choices": {
                str(q.id): shuffler.sample([c["id"] for c in q.choices], len(q.choices))
                for q in drawn
                if q.choices
            },
        },
        started_at=clock.now(),
    )
    db.session.add(attempt)
    db.session.flush()
    audit.record(actor, "quiz.start", attempt, tenant_id=enrolment.tenant_id, quiz=str(quiz.id))
    return attempt, True


def shown(attempt: Evaluation) -> list[dict[str, Any]]:
    """The attempt's questions in its order, choices shuffled as drawn, without answers."""
    rows = _questions(attempt)
    out = []
    for question_id in attempt.details["questions"]:
        question = rows[question_id]
        by_id = {c["id"]: c for c in question.choices}
        order = attempt.details["choices"].get(question_id, [])
        out.append(
            {
                "id": question.id,
                "kind": question.kind,
                "prompt": question.prompt,
                "points": question.points,
                "choices": [by_id[c] for c in order],
            }
        )
    return out


def submit_attempt(
    actor: audit.Actor, enrolment: Enrolment, attempt: Evaluation, answers: dict[str, Any]
) -> Evaluation:
    """Grade the attempt by the version's frozen pass mark; a pass completes the step.

    Raises:
        ValidationError: An answer names a question this attempt did not show.
        Conflict: The attempt was already submitted.
    """
    unknown = sorted(set(answers) - set(attempt.details["questions"]))
    if unknown:
        raise _invalid(f"This attempt has no question {unknown[0]}.", f"#/answers/{unknown[0]}")
    rows = _questions(attempt)
    keys = [
        grading.Key(qid, rows[qid].kind, rows[qid].answer, rows[qid].points)
        for qid in attempt.details["questions"]
    ]
    result = grading.grade(keys, answers)
    pass_percent, _ = _frozen(enrolment)
    passed = grading.passes(result.raw, result.maximum, pass_percent)
    now = clock.now()
    duration = max(0, int((now - attempt.started_at).total_seconds()))
    percent = grading.percent(result.raw, result.maximum)
    submitted = db.session.execute(  # once, even when two submits race
        update(Evaluation)
        .where(Evaluation.id == attempt.id, Evaluation.status == "started")
        .values(
            status="graded",
            raw_score=result.raw,
            max_score=result.maximum,
            percent=percent,
            passed=passed,
            submitted_at=now,
            details={
                **attempt.details,
                "answers": answers,
                "outcomes": result.outcomes,
                "duration_seconds": duration,
                "pass_percent": str(pass_percent),
            },
        )
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(attempt)
    if submitted.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("This attempt was already submitted; start a new one.")
    audit.record(
        actor,
        "quiz.submit",
        attempt,
        tenant_id=attempt.tenant_id,
        percent=str(percent),
        passed=passed,
    )
    if passed:
        paths.complete_step(enrolment, attempt.step_id, time_spent=duration, score=percent)
    else:
        enrolment.time_spent_seconds += duration
        db.session.flush()
    return attempt


def _frozen(enrolment: Enrolment) -> tuple[Decimal, int]:
    """The pass mark and cooldown frozen into the learner's version when it was published."""
    version: PathVersion = paths.version_of(enrolment)
    assert version.pass_percent is not None and version.retry_cooldown_min is not None
    return Decimal(version.pass_percent), version.retry_cooldown_min


def _attempts(enrolment: Enrolment, quiz: Quiz) -> list[Evaluation]:
    """The learner's attempts at `quiz` on this enrolment: the open one, then by submission."""
    rows = db.session.scalars(
        select(Evaluation).where(
            Evaluation.enrolment_id == enrolment.id, Evaluation.quiz_id == quiz.id
        )
    )
    return sorted(rows, key=lambda a: a.submitted_at or OPEN, reverse=True)


def _questions(attempt: Evaluation) -> dict[str, Question]:
    ids = [uuid.UUID(q) for q in attempt.details["questions"]]
    return {str(q.id): q for q in db.session.scalars(select(Question).where(Question.id.in_(ids)))}


# Evidence ----------------------------------------------------------------------------------


def submit_evidence(
    actor: audit.Actor, enrolment: Enrolment, step_id: str, data: dict[str, Any]
) -> Evaluation:
    """Evidence for an evidence step: it awaits a mentor, or completes the step at once.

    Raises:
        Conflict: The step is not an evidence step, or evidence for it already awaits a mentor.
        UnknownReference: `portfolio_item_id` is not an item of the learner's portfolio.
    """
    if data.get("portfolio_item_id") is not None:
        references.resolve(
            PortfolioItem,
            data["portfolio_item_id"],
            pointer="#/portfolio_item_id",
            tenant_id=None,  # a portfolio is the person's, across tenants
            join=Portfolio,
            where=[Portfolio.user_id == enrolment.user_id],
        )
    version = paths.version_of(enrolment)
    step = paths.step(version, step_id)
    if step["kind"] != "evidence":
        raise Conflict(f"Step {step_id!r} is a {step['kind']} step; it takes no evidence.")
    pending = db.session.scalar(
        select(Evaluation.id).where(
            Evaluation.enrolment_id == enrolment.id,
            Evaluation.step_id == step_id,
            Evaluation.status == "awaiting_validation",
        )
    )
    if pending is not None:
        raise Conflict("Your evidence for this step already awaits a mentor's decision.")
    now = clock.now()
    reviewed = bool(step.get("peer_validation"))
    evaluation = Evaluation(
        tenant_id=enrolment.tenant_id,
        user_id=enrolment.user_id,
        path_id=version.path_id,
        enrolment_id=enrolment.id,
        step_id=step_id,
        kind="evidence",
        status="awaiting_validation" if reviewed else "approved",
        passed=None if reviewed else True,
        details={
            "evidence": {k: str(v) if isinstance(v, uuid.UUID) else v for k, v in data.items()}
        },
        started_at=now,
        submitted_at=now,
        decided_at=None if reviewed else now,
    )
    db.session.add(evaluation)
    db.session.flush()
    audit.record(actor, "evidence.submit", evaluation, tenant_id=enrolment.tenant_id, step=step_id)
    if reviewed:
        evidence_submitted.send(evaluation)
    else:
        paths.complete_step(enrolment, step_id)
    return evaluation
