"""Assigning mentors to paths and recording their one final decision on evidence.

A decision needs the evidence:validate permission in the tenant (checked by the view), an
assignment to the evidence's path, and someone other than the learner. The first decision
wins: it is a conditional UPDATE, so a concurrent or repeated one gets a Conflict.
"""

from __future__ import annotations

import uuid
from typing import Any

from blinker import Namespace
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from issuer import clock, mail
from issuer.accounts.models import User
from issuer.accounts.roles import Role
from issuer.audit import services as audit
from issuer.db import db
from issuer.errors import Conflict, FieldError, Forbidden, ValidationError
from issuer.learning.automated_evaluation import grading
from issuer.learning.automated_evaluation.models import Evaluation, ValidationDecision
from issuer.learning.automated_evaluation.services import rubric_for
from issuer.learning.certification_path_management import services as paths
from issuer.learning.certification_path_management.models import CertificationPath, Enrolment
from issuer.learning.peer_validation.models import PathMentor

signals = Namespace()
# Sent with the decided Evaluation as sender, once per evaluation, inside its transaction.
evidence_decided = signals.signal("evidence-decided")


def assign(actor: audit.Actor, path: CertificationPath, user: User) -> PathMentor:
    """Make `user` a mentor of `path` (idempotent); they must be a mentor in its tenant."""
    if not any(m.tenant_id == path.tenant_id and m.role == Role.MENTOR for m in user.memberships):
        detail = "This person does not hold the mentor role in the path's tenant."
        raise ValidationError(detail, errors=[FieldError(detail, parameter="mentor_id")])
    row = db.session.get(PathMentor, (path.id, user.id))
    if row is not None:
        return row
    row = PathMentor(path_id=path.id, user_id=user.id, assigned_at=clock.now())
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # assigned meanwhile by a concurrent request
        found = db.session.get(PathMentor, (path.id, user.id))
        assert found is not None
        return found
    audit.record(actor, "path.mentor_assign", path, tenant_id=path.tenant_id, user=str(user.id))
    return row


def unassign(actor: audit.Actor, path: CertificationPath, user_id: uuid.UUID) -> None:
    """Take a mentor off `path` (idempotent); their past decisions stand."""
    gone = db.session.execute(
        delete(PathMentor).where(PathMentor.path_id == path.id, PathMentor.user_id == user_id)
    )
    if gone.rowcount:  # type: ignore[attr-defined]
        audit.record(
            actor, "path.mentor_unassign", path, tenant_id=path.tenant_id, user=str(user_id)
        )


def mentors(path: CertificationPath) -> list[PathMentor]:
    return list(
        db.session.scalars(
            select(PathMentor).where(PathMentor.path_id == path.id).order_by(PathMentor.assigned_at)
        )
    )


def is_mentor(user_id: uuid.UUID, path_id: uuid.UUID) -> bool:
    return db.session.get(PathMentor, (path_id, user_id)) is not None


def check_authority(user: User | None, evaluation: Evaluation) -> User:
    """The deciding person, when they may decide on `evaluation`; else Forbidden."""
    if user is None:
        raise Forbidden("Only a mentor assigned to the path decides, not an API client.")
    if user.id == evaluation.user_id:
        raise Forbidden("Nobody validates their own evidence.")
    if not is_mentor(user.id, evaluation.path_id):
        raise Forbidden("Only a mentor assigned to this path decides on its evidence.")
    return user


def decide(
    actor: audit.Actor,
    mentor: User,
    evaluation: Evaluation,
    *,
    decision: str,
    comment: str,
    rubric_scores: dict[str, str],
) -> Evaluation:
    """Record the one final decision, scoring the rubric; an approval completes the step.

    Raises:
        ValidationError: The rubric scores do not fit the step's rubric.
        Conflict: The evaluation was already decided (perhaps a moment ago, by someone else).
    """
    raw, maximum, scored = _score(evaluation, rubric_scores)
    now = clock.now()
    decided = db.session.execute(
        update(Evaluation)
        .where(Evaluation.id == evaluation.id, Evaluation.status == "awaiting_validation")
        .values(
            status=decision,
            passed=decision == "approved",
            raw_score=raw,
            max_score=maximum,
            percent=grading.percent(raw, maximum) if maximum else None,
            decided_at=now,
            details={**evaluation.details, "rubric_scores": scored},
        )
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(evaluation)
    if decided.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(f"This evaluation was already decided: {evaluation.status}.")
    db.session.add(
        ValidationDecision(
            evaluation_id=evaluation.id,
            decided_by=mentor.id,
            decision=decision,
            comment=comment,
            rubric_scores=scored,
            decided_at=now,
        )
    )
    db.session.flush()
    audit.record(actor, f"evidence.{decision}", evaluation, tenant_id=evaluation.tenant_id)
    if decision == "approved":
        enrolment = db.session.get(Enrolment, evaluation.enrolment_id)
        assert enrolment is not None
        paths.complete_step(enrolment, evaluation.step_id, score=evaluation.percent)
    evidence_decided.send(evaluation)
    _tell_learner(evaluation, decision, comment)
    return evaluation


def _score(evaluation: Evaluation, given: dict[str, str]) -> tuple[int, int, dict[str, Any]]:
    """(points, maximum, scores by criterion) against the step's rubric, if it has one."""
    rubric = rubric_for(evaluation.path_id, evaluation.step_id)
    if rubric is None:
        if given:
            raise _invalid("This step has no rubric; send no rubric_scores.", "#/rubric_scores")
        return 0, 0, {}
    criteria = {c["id"]: c for c in rubric.criteria}
    unknown = sorted(set(given) - set(criteria))
    if unknown:
        raise _invalid(
            f"The rubric has no criterion {unknown[0]!r}.", f"#/rubric_scores/{unknown[0]}"
        )
    missing = sorted(set(criteria) - set(given))
    if missing:
        raise _invalid(f"Score every criterion; {missing[0]!r} is missing.", "#/rubric_scores")
    scored: dict[str, Any] = {}
    for criterion_id, level_id in given.items():
        levels = {level["id"]: level for level in criteria[criterion_id]["levels"]}
        if level_id not in levels:
            raise _invalid(
                f"Criterion {criterion_id!r} has no level {level_id!r}.",
                f"#/rubric_scores/{criterion_id}",
            )
        scored[criterion_id] = {"level": level_id, "points": levels[level_id]["points"]}
    raw = sum(s["points"] for s in scored.values())
    maximum = sum(max(level["points"] for level in c["levels"]) for c in criteria.values())
    return raw, maximum, scored


def _invalid(detail: str, pointer: str) -> ValidationError:
    return ValidationError(detail, errors=[FieldError(detail, pointer=pointer)])


def _tell_learner(evaluation: Evaluation, decision: str, comment: str) -> None:
    learner = db.session.get(User, evaluation.user_id)
    assert learner is not None
    verdict = "approved" if decision == "approved" else "not approved yet; you may resubmit"
    body = (
        f"Hello {learner.name},\n\nYour evidence for step {evaluation.step_id!r} was {verdict}.\n"
    )
    if comment:
        body += f"\nYour mentor's comment:\n{comment}\n"
    mail.deliver_task.delay(learner.email, f"Your evidence was {decision}", body)
