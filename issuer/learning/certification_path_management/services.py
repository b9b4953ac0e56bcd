"""Authoring, reviewing and following certification paths.

A path's content lives in versions. Authors edit the working draft and submit it; a content
reviewer publishes it or sends it back. Publishing freezes the tenant's pass mark and retry
cooldown into the version. Learners enrol in a cohort and stay on the version they joined,
whatever is published later. When every required step is done (and every required
achievement held), the enrolment completes and `path_completed` is sent, once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from blinker import Namespace
from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from issuer import clock, references
from issuer.accounts.models import User
from issuer.audit import services as audit
from issuer.db import db
from issuer.errors import Conflict, FieldError, NotFound, ValidationError
from issuer.issuance import services as issuance
from issuer.issuance.models import Achievement, AchievementVersion, Credential
from issuer.learning.automated_evaluation.models import Quiz
from issuer.learning.certification_path_management.models import (
    CertificationPath,
    Cohort,
    CompetencyFramework,
    CompetencyItem,
    Enrolment,
    Invitation,
    LearningPolicy,
    PathVersion,
)
from issuer.tenants.models import Issuer, Tenant

signals = Namespace()
# Sent with the completed Enrolment as sender, once per enrolment, inside its transaction.
path_completed = signals.signal("path-completed")


@dataclass(frozen=True)
class Policy:
    pass_percent: Decimal
    retry_cooldown_min: int


def policy(tenant_id: uuid.UUID) -> Policy:
    """The tenant's pass mark and cooldown, or the service-wide defaults."""
    row = db.session.get(LearningPolicy, tenant_id)
    if row is not None:
        return Policy(Decimal(row.pass_percent), row.retry_cooldown_min)
    settings = current_app.extensions["settings"]
    return Policy(settings.cert_pass_percent, settings.quiz_retry_cooldown_min)


def set_policy(actor: audit.Actor, tenant: Tenant, new: Policy) -> Policy:
    """Change the tenant's policy; published versions keep the one frozen into them."""
    row = db.session.get(LearningPolicy, tenant.id)
    if row is None:
        row = LearningPolicy(tenant_id=tenant.id)
        db.session.add(row)
    row.pass_percent = new.pass_percent
    row.retry_cooldown_min = new.retry_cooldown_min
    row.updated_at = clock.now()
    db.session.flush()
    audit.record(
        actor,
        "learning.policy",
        tenant,
        tenant_id=tenant.id,
        pass_percent=str(new.pass_percent),
        retry_cooldown_min=new.retry_cooldown_min,
    )
    return new


# Paths and their review workflow ---------------------------------------------------------


def create_path(
    actor: audit.Actor,
    tenant: Tenant,
    issuer_id: uuid.UUID,
    visibility: str,
    content: dict[str, Any],
) -> CertificationPath:
    """A new path of the tenant's issuer `issuer_id` whose first version is a draft.

    Raises:
        UnknownReference: the issuer, or an id in `content`, is not the tenant's.
    """
    issuer = references.resolve(Issuer, issuer_id, pointer="#/issuer_id", tenant_id=tenant.id)
    _check_references(tenant.id, content)
    path = CertificationPath(
        tenant_id=tenant.id, issuer_id=issuer.id, visibility=visibility, created_at=clock.now()
    )
    db.session.add(path)
    db.session.flush()
    db.session.add(_version(path, 1, content))
    db.session.flush()
    audit.record(actor, "path.create", path, tenant_id=tenant.id)
    return path


def versions(path: CertificationPath) -> list[PathVersion]:
    return list(
        db.session.scalars(
            select(PathVersion).where(PathVersion.path_id == path.id).order_by(PathVersion.version)
        )
    )


def published(path: CertificationPath) -> PathVersion | None:
    if path.published_version is None:
        return None
    return _version_row(path, path.published_version)


def working(path: CertificationPath) -> PathVersion | None:
    """The draft or the version in review, if any (at most one)."""
    return db.session.scalar(
        select(PathVersion).where(
            PathVersion.path_id == path.id, PathVersion.status.in_(("draft", "in_review"))
        )
    )


def status_of(path: CertificationPath) -> str:
    if path.retired_at is not None:
        return "retired"
    if path.published_version is not None:
        return "published"
    current = working(path)
    return current.status if current else "draft"


def revise(
    actor: audit.Actor, path: CertificationPath, changes: dict[str, Any]
) -> CertificationPath:
    """Edit the working draft, starting one from the published version if there is none."""
    if path.retired_at is not None:
        raise Conflict("This path is retired; it cannot be revised.")
    if "visibility" in changes:
        path.visibility = changes.pop("visibility")
    draft = working(path)
    if draft is not None and draft.status == "in_review":
        raise Conflict("This path is in review; a reviewer must send it back before editing.")
    if draft is None:
        base = published(path)
        assert base is not None  # a path always has a working or a published version
        draft = _version(path, _last_version(path) + 1, dict(base.content))
        db.session.add(draft)
    if changes:
        content = {**draft.content, **_jsonable(changes)}
        _check_references(path.tenant_id, content)
        draft.content = content
    db.session.flush()
    audit.record(actor, "path.revise", path, tenant_id=path.tenant_id, version=draft.version)
    return path


def submit(actor: audit.Actor, path: CertificationPath) -> PathVersion:
    """Send the draft for review."""
    draft = working(path)
    if draft is None or draft.status != "draft":
        raise Conflict("There is no draft to submit.")
    draft.status = "in_review"
    db.session.flush()
    audit.record(actor, "path.submit", path, tenant_id=path.tenant_id, version=draft.version)
    return draft


def publish(actor: audit.Actor, path: CertificationPath, comment: str = "") -> PathVersion:
    """Publish the version in review, freezing the tenant's pass mark and cooldown into it."""
    candidate = working(path)
    if candidate is None or candidate.status != "in_review":
        raise Conflict("Only a version in review can be published; submit the draft first.")
    frozen = policy(path.tenant_id)
    candidate.status = "published"
    candidate.pass_percent = frozen.pass_percent
    candidate.retry_cooldown_min = frozen.retry_cooldown_min
    candidate.review_comment = comment
    candidate.published_at = clock.now()
    path.published_version = candidate.version
    db.session.flush()
    audit.record(actor, "path.publish", path, tenant_id=path.tenant_id, version=candidate.version)
    return candidate


def send_back(actor: audit.Actor, path: CertificationPath, comment: str) -> PathVersion:
    """Return the version in review to its authors with a comment."""
    candidate = working(path)
    if candidate is None or candidate.status != "in_review":
        raise Conflict("There is no version in review.")
    candidate.status = "draft"
    candidate.review_comment = comment
    db.session.flush()
    audit.record(actor, "path.send_back", path, tenant_id=path.tenant_id, comment=comment)
    return candidate


def retire(actor: audit.Actor, path: CertificationPath) -> CertificationPath:
    """No new enrolments; learners already under way can still finish."""
    if path.retired_at is not None:
        raise Conflict("This path is already retired.")
    path.retired_at = clock.now()
    db.session.flush()
    audit.record(actor, "path.retire", path, tenant_id=path.tenant_id)
    return path


def step(version: PathVersion, step_id: str) -> dict[str, Any]:
    found: dict[str, Any] | None = next(
        (s for s in version.content["steps"] if s["id"] == step_id), None
    )
    if found is None:
        raise NotFound(f"Version {version.version} of this path has no step {step_id!r}.")
    return found


def _version(path: CertificationPath, number: int, content: dict[str, Any]) -> PathVersion:
    return PathVersion(
        path_id=path.id,
        version=number,
        status="draft",
        content=_jsonable(content),
        review_comment="",
        created_at=clock.now(),
    )


def _version_row(path: CertificationPath, number: int) -> PathVersion:
    row = db.session.scalar(
        select(PathVersion).where(PathVersion.path_id == path.id, PathVersion.version == number)
    )
    assert row is not None
    return row


def _last_version(path: CertificationPath) -> int:
    return int(
        db.session.scalar(
            select(func.max(PathVersion.version)).where(PathVersion.path_id == path.id)
        )
        or 0
    )


def _jsonable(value: Any) -> Any:
    """UUIDs (from the schemas) as strings, for JSON columns."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return str(value) if isinstance(value, uuid.UUID) else value


def _check_references(tenant_id: uuid.UUID, content: dict[str, Any]) -> None:
    """Required achievements, steps' quizzes and aligned competencies are the tenant's own."""
    references.resolve_all(
        Achievement,
        [uuid.UUID(str(a)) for a in content.get("required_achievements", [])],
        pointer="#/required_achievements",
        tenant_id=tenant_id,
    )
    for index, step in enumerate(content.get("steps", [])):
        if step.get("quiz_id") is not None:
            references.resolve(
                Quiz,
                uuid.UUID(str(step["quiz_id"])),
                pointer=f"#/steps/{index}/quiz_id",
                tenant_id=tenant_id,
                what="quiz",
            )
    for index, milestone in enumerate(content.get("milestones", [])):
        references.resolve_all(
            CompetencyItem,
            [uuid.UUID(str(i)) for i in milestone.get("alignment", [])],
            pointer=f"#/milestones/{index}/alignment",
            tenant_id=tenant_id,
            join=CompetencyFramework,
            what="competency item",
        )


def _invalid(detail: str, pointer: str) -> ValidationError:
    return ValidationError(detail, errors=[FieldError(detail, pointer=pointer)])


# Cohorts and enrolment -------------------------------------------------------------------


def create_cohort(actor: audit.Actor, path: CertificationPath, data: dict[str, Any]) -> Cohort:
    starts, ends = data.get("starts_at"), data.get("ends_at")
    if starts and ends and ends <= starts:
        raise _invalid("ends_at must be after starts_at.", "#/ends_at")
    cohort = Cohort(
        tenant_id=path.tenant_id,
        path_id=path.id,
        name=data["name"],
        enrolment=data["enrolment"],
        starts_at=starts,
        ends_at=ends,
        created_at=clock.now(),
    )
    db.session.add(cohort)
    db.session.flush()
    audit.record(actor, "cohort.create", cohort, tenant_id=path.tenant_id)
    return cohort


def invite(actor: audit.Actor, cohort: Cohort, emails: list[str]) -> int:
    """Invite addresses to `cohort`; returns how many were new."""
    wanted = {e.strip().lower() for e in emails}
    known = set(
        db.session.scalars(
            select(Invitation.email).where(
                Invitation.cohort_id == cohort.id, Invitation.email.in_(wanted)
            )
        )
    )
    now = clock.now()
    db.session.add_all(
        Invitation(cohort_id=cohort.id, email=e, created_at=now) for e in sorted(wanted - known)
    )
    db.session.flush()
    audit.record(
        actor, "cohort.invite", cohort, tenant_id=cohort.tenant_id, added=len(wanted - known)
    )
    return len(wanted - known)


def is_invited(user: User, cohort: Cohort) -> bool:
    return (
        db.session.scalar(
            select(Invitation.id).where(
                Invitation.cohort_id == cohort.id, Invitation.email == user.email.strip().lower()
            )
        )
        is not None
    )


def is_member(user: User, tenant_id: uuid.UUID) -> bool:
    return any(m.tenant_id == tenant_id for m in user.memberships)


def may_enrol(user: User, cohort: Cohort) -> str | None:
    """Why `user` may not join `cohort`, or None when they may."""
    path = db.session.get(CertificationPath, cohort.path_id)
    assert path is not None
    if path.retired_at is not None:
        return "This path is retired."
    if path.published_version is None:
        return "This path is not published yet."
    now = clock.now()
    if cohort.ends_at is not None and now >= cohort.ends_at:
        return "This cohort has ended."
    invite_only = cohort.enrolment == "invite" or path.visibility == "invite"
    if invite_only and not is_invited(user, cohort):
        return "This cohort is by invitation only."
    if path.visibility == "tenant" and not is_member(user, path.tenant_id):
        return "This path is open to the tenant's members only."
    return None


def enrol(actor: audit.Actor, user: User, cohort: Cohort) -> Enrolment:
    """Join `cohort` on the path's published version; joining twice returns the enrolment."""
    reason = may_enrol(user, cohort)
    if reason is not None:
        raise Conflict(reason)
    existing = enrolment_of(user, cohort)
    if existing is not None:
        return existing
    path = db.session.get(CertificationPath, cohort.path_id)
    assert path is not None and path.published_version is not None
    row = Enrolment(
        tenant_id=cohort.tenant_id,
        cohort_id=cohort.id,
        user_id=user.id,
        path_version_id=_version_row(path, path.published_version).id,
        status="enrolled",
        completed_steps=[],
        progress=0,
        time_spent_seconds=0,
        enrolled_at=clock.now(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # a concurrent request enrolled them first
        found = enrolment_of(user, cohort)
        assert found is not None
        return found
    audit.record(actor, "cohort.enrol", row, tenant_id=cohort.tenant_id)
    return row


def enrolment_of(user: User, cohort: Cohort) -> Enrolment | None:
    return db.session.scalar(
        select(Enrolment).where(Enrolment.cohort_id == cohort.id, Enrolment.user_id == user.id)
    )


def version_of(enrolment: Enrolment) -> PathVersion:
    version = db.session.get(PathVersion, enrolment.path_version_id)
    assert version is not None
    return version


def complete_step(
    enrolment: Enrolment, step_id: str, *, time_spent: int = 0, score: Decimal | None = None
) -> Enrolment:
    """Mark one step done (idempotent) and complete the enrolment when nothing is missing.

    `score` is a passing evaluation's percentage; the enrolment keeps the best.
    """
    version = version_of(enrolment)
    step(version, step_id)  # 404 for a step the learner's version does not have
    if step_id not in enrolment.completed_steps:
        enrolment.completed_steps = [*enrolment.completed_steps, step_id]
    enrolment.time_spent_seconds += time_spent
    if score is not None and (enrolment.score is None or score > enrolment.score):
        enrolment.score = score
    required = [s["id"] for s in version.content["steps"] if s.get("required", True)]
    done = [s for s in required if s in enrolment.completed_steps]
    enrolment.progress = 100 * len(done) // len(required) if required else 100
    db.session.flush()
    if len(done) == len(required):
        _complete(enrolment, version)
    return enrolment


def missing_achievements(enrolment: Enrolment, version: PathVersion) -> list[str]:
    """Required achievements (stackable credentials) the learner does not hold, active."""
    wanted = [uuid.UUID(a) for a in version.content.get("required_achievements", [])]
    if not wanted:
        return []
    user = db.session.get(User, enrolment.user_id)
    assert user is not None
    held = set(
        db.session.scalars(
            select(AchievementVersion.achievement_id)
            .join(Credential, Credential.achievement_version_id == AchievementVersion.id)
            .where(
                Credential.earner_email == user.email.strip().lower(),
                Credential.status == "active",
                AchievementVersion.achievement_id.in_(wanted),
            )
        )
    )
    return [str(a) for a in wanted if a not in held]


def recheck(enrolment: Enrolment) -> Enrolment:
    """Complete an enrolment that was only waiting for a required achievement."""
    version = version_of(enrolment)
    required = [s["id"] for s in version.content["steps"] if s.get("required", True)]
    if enrolment.status != "completed" and set(required) <= set(enrolment.completed_steps):
        _complete(enrolment, version)
    return enrolment


def _on_award(credential: Credential) -> None:
    """A newly held achievement may be the last one an enrolment was waiting for."""
    if credential.earner_email is None:
        return
    waiting = db.session.scalars(
        select(Enrolment)
        .join(User, User.id == Enrolment.user_id)
        .where(
            func.lower(User.email) == credential.earner_email,
            Enrolment.status == "enrolled",
            Enrolment.progress == 100,
        )
    )
    for enrolment in waiting.all():
        recheck(enrolment)


issuance.credential_awarded.connect(_on_award)


def _complete(enrolment: Enrolment, version: PathVersion) -> None:
    if enrolment.status == "completed" or missing_achievements(enrolment, version):
        return
    done = db.session.execute(  # at most once, even with concurrent last steps
        update(Enrolment)
        .where(Enrolment.id == enrolment.id, Enrolment.status != "completed")
        .values(status="completed", completed_at=clock.now(), progress=100)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(enrolment)
    if done.rowcount == 1:  # type: ignore[attr-defined]
        audit.record(
            ("system", "learning"), "enrolment.complete", enrolment, tenant_id=enrolment.tenant_id
        )
        path_completed.send(enrolment)


def milestones_reached(enrolment: Enrolment) -> list[str]:
    version = version_of(enrolment)
    done = set(enrolment.completed_steps)
    return [m["id"] for m in version.content.get("milestones", []) if set(m["steps"]) <= done]


# Competency frameworks (CASE 1.0) --------------------------------------------------------


def import_case(actor: audit.Actor, tenant: Tenant, package: dict[str, Any]) -> CompetencyFramework:
    """Store a CASE CFPackage's document and items; importing it again updates them."""
    document = package["CFDocument"]
    framework = db.session.scalar(
        select(CompetencyFramework).where(
            CompetencyFramework.tenant_id == tenant.id,
            CompetencyFramework.identifier == document["identifier"],
        )
    )
    if framework is None:
        framework = CompetencyFramework(
            tenant_id=tenant.id, identifier=document["identifier"], created_at=clock.now()
        )
        db.session.add(framework)
    framework.uri = document["uri"]
    framework.title = document["title"]
    framework.document = document
    framework.associations = package["CFAssociations"]
    db.session.flush()
    existing = {i.identifier: i for i in items_of(framework)}
    for item in package["CFItems"]:
        row = existing.get(item["identifier"]) or CompetencyItem(
            framework_id=framework.id, identifier=item["identifier"]
        )
        row.uri = item["uri"]
        row.full_statement = item["fullStatement"]
        row.human_coding_scheme = item["humanCodingScheme"]
        row.item_type = item["CFItemType"]
        db.session.add(row)
    db.session.flush()
    audit.record(
        actor, "framework.import", framework, tenant_id=tenant.id, items=len(package["CFItems"])
    )
    return framework


def items_of(framework: CompetencyFramework) -> list[CompetencyItem]:
    return list(
        db.session.scalars(
            select(CompetencyItem)
            .where(CompetencyItem.framework_id == framework.id)
            .order_by(CompetencyItem.human_coding_scheme, CompetencyItem.identifier)
        )
    )


def alignment(item: CompetencyItem, framework: CompetencyFramework) -> dict[str, Any]:
    """The item as an OB 3.0 Alignment (targetType CFItem)."""
    aligned: dict[str, Any] = {
        "type": ["Alignment"],
        "targetName": item.full_statement[:500],
        "targetUrl": item.uri,
        "targetType": "CFItem",
        "targetFramework": framework.title,
    }
    if item.human_coding_scheme:
        aligned["targetCode"] = item.human_coding_scheme
    return aligned


# Completions reported by another system (an LMS) ----------------------------------------


def complete_externally(
    enrolment: Enrolment,
    *,
    completed_at: datetime | None = None,
    score: Decimal | None = None,
    time_spent: int = 0,
) -> Enrolment:
    """Complete an enrolment that an external system reports done: every required step.

    Reporting it again changes nothing. `completed_at` (default: now) is set once the
    enrolment completes, after `path_completed` is sent: receivers that queue work by the
    enrolment's id read it after the commit. A required achievement still missing leaves the
    enrolment waiting, as `complete_step` does; `recheck` completes it later.
    """
    if enrolment.status == "completed":
        return enrolment
    version = version_of(enrolment)
    required = [s["id"] for s in version.content["steps"] if s.get("required", True)]
    missing = [s for s in required if s not in enrolment.completed_steps]
    if missing:  # the first report; a repeat while waiting adds no time again
        enrolment.completed_steps = [*enrolment.completed_steps, *missing]
        enrolment.time_spent_seconds += time_spent
        if score is not None and (enrolment.score is None or score > enrolment.score):
            enrolment.score = score
        enrolment.progress = 100
        db.session.flush()
    _complete(enrolment, version)
    if completed_at is not None and enrolment.status == "completed":
        enrolment.completed_at = completed_at
    return enrolment
