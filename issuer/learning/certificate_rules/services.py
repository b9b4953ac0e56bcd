"""Attaching certificates to paths and issuing them, by rule, as learners complete.

Sunbird's rules, kept exactly:

- attach when none is attached → attached; when one is → Conflict;
- update or remove when one is → updated / detached; when none is → NotFound;
- every cohort of the path inherits the attached certificate (it belongs to the path).

On each completion (`path_completed`, inside the completing transaction) the certificate in
force is judged against the learner's facts and, if the rules hold, issued at once, so the
learner has it on the next page load. One CompletionIssuance per enrolment makes issuance
idempotent; it records the rules' trace for explanations and pins the certificate row in
force, so a failed issuance retried later gets that certificate even after it was replaced
or removed, and nothing already issued ever changes.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from issuer import clock, references
from issuer.accounts.models import Membership, User
from issuer.audit import services as audit
from issuer.certificates import services as certificates
from issuer.db import db
from issuer.errors import Conflict, FieldError, NotFound, ValidationError
from issuer.issuance import services as issuance
from issuer.issuance.models import Achievement, Credential
from issuer.learning.certificate_rules import engine
from issuer.learning.certificate_rules.models import CompletionIssuance, PathCertificate
from issuer.learning.certification_path_management import services as paths
from issuer.learning.certification_path_management.models import (
    CertificationPath,
    Cohort,
    Enrolment,
)
from issuer.learning.skills_portfolio import services as portfolio
from issuer.tenants.models import Tenant

log = logging.getLogger(__name__)
SYSTEM = ("system", "certificate-rules")

# Attaching, updating, detaching ----------------------------------------------------------


def active(path: CertificationPath) -> PathCertificate | None:
    """The certificate attached to `path` now, if any."""
    return db.session.scalar(
        select(PathCertificate).where(
            PathCertificate.path_id == path.id, PathCertificate.ended_at.is_(None)
        )
    )


def attach(actor: audit.Actor, path: CertificationPath, data: dict[str, Any]) -> PathCertificate:
    """Attach a certificate to a path that has none.

    Raises:
        Conflict: One is attached already (update it instead).
    """
    if active(path) is not None:
        raise Conflict("A certificate is already attached to this path; update or remove it.")
    row = _new(path, data)
    audit.record(actor, "path_certificate.attach", row, tenant_id=path.tenant_id)
    return row


def update(actor: audit.Actor, path: CertificationPath, data: dict[str, Any]) -> PathCertificate:
    """Replace the attached certificate; completions already judged keep theirs.

    Raises:
        NotFound: No certificate is attached.
    """
    current = attached(path)
    current.ended_at = clock.now()
    db.session.flush()
    row = _new(path, data)
    audit.record(actor, "path_certificate.update", row, tenant_id=path.tenant_id)
    return row


def detach(actor: audit.Actor, path: CertificationPath) -> PathCertificate:
    """Remove the attached certificate; credentials already issued stay as they are.

    Raises:
        NotFound: No certificate is attached.
    """
    current = attached(path)
    current.ended_at = clock.now()
    db.session.flush()
    audit.record(actor, "path_certificate.detach", current, tenant_id=path.tenant_id)
    return current


def attached(path: CertificationPath) -> PathCertificate:
    """The certificate attached to `path`; NotFound when there is none."""
    current = active(path)
    if current is None:
        raise NotFound("No certificate is attached to this path; attach one first.")
    return current


def _new(path: CertificationPath, data: dict[str, Any]) -> PathCertificate:
    achievement = references.resolve(
        Achievement, data["achievement_id"], pointer="#/achievement_id", tenant_id=path.tenant_id
    )
    version = data.get("template_version")
    if (
        version is not None
        and certificates.template_version(achievement.issuer_id, version) is None
    ):
        raise _invalid(
            "The achievement's issuer has no such template version.", "#/template_version"
        )
    rules = data.get("rules")
    if rules is not None:
        problems = engine.check(rules)
        if problems:
            raise ValidationError(
                "The issue rules are not valid.",
                errors=[FieldError(p.message, pointer=f"#/rules{p.pointer}") for p in problems],
            )
    row = PathCertificate(
        tenant_id=path.tenant_id,
        path_id=path.id,
        achievement_id=achievement.id,
        template_version=version,
        certificate_type=data.get("certificate_type", "completion"),
        rules=rules,
        created_at=clock.now(),
    )
    db.session.add(row)
    db.session.flush()
    return row


def _invalid(detail: str, pointer: str) -> ValidationError:
    return ValidationError(detail, errors=[FieldError(detail, pointer=pointer)])


# Facts and decisions ---------------------------------------------------------------------


def facts(enrolment: Enrolment) -> dict[str, Any]:
    """What the rules may test about `enrolment` and its learner, as values."""
    user = db.session.get(User, enrolment.user_id)
    cohort = db.session.get(Cohort, enrolment.cohort_id)
    assert user is not None and cohort is not None
    orgs = db.session.scalars(
        select(Tenant.slug)
        .join(Membership, Membership.tenant_id == Tenant.id)
        .where(Membership.user_id == user.id)
    )
    score = float(enrolment.score) if enrolment.score is not None else None
    return {
        "enrolment.status": enrolment.status,
        "enrolment.progress": enrolment.progress,
        "enrolment.score": score,
        "enrolment.time_spent_minutes": enrolment.time_spent_seconds / 60,
        "enrolment.completed_at": enrolment.completed_at.isoformat().replace("+00:00", "Z")
        if enrolment.completed_at
        else None,
        "enrolment.rank": _rank(enrolment) if score is not None else None,
        "user.org": sorted(set(orgs)),
        "user.email_domain": user.email.rpartition("@")[2].lower(),
        "cohort.name": cohort.name,
        "path.version": paths.version_of(enrolment).version,
    }


def _rank(enrolment: Enrolment) -> int:
    """1 + how many completed learners of the cohort scored higher (ties share a rank)."""
    better = db.session.scalar(
        select(func.count()).where(
            Enrolment.cohort_id == enrolment.cohort_id,
            Enrolment.status == "completed",
            Enrolment.score > enrolment.score,
        )
    )
    return 1 + int(better or 0)


def judge(certificate: PathCertificate, enrolment: Enrolment) -> engine.Outcome:
    """Whether `enrolment` earns `certificate`: completed, and its rules (if any) hold."""
    completed = {"field": "enrolment.status", "op": "=", "value": "completed"}
    rules = {"all": [completed, certificate.rules]} if certificate.rules else completed
    return engine.evaluate(rules, facts(enrolment))


_deferring: ContextVar[bool] = ContextVar("deferring", default=False)


@contextmanager
def deferred() -> Iterator[None]:
    """Within it, qualifying completions are queued, not signed: for bulk imports, whose
    caller commits and then runs `issue_queued` (a task) so the request stays short."""
    token = _deferring.set(True)
    try:
        yield
    finally:
        _deferring.reset(token)


def on_completion(enrolment: Enrolment) -> None:
    """Receiver of `path_completed`: judge and issue the certificate in force, if any."""
    path = db.session.get(CertificationPath, paths.version_of(enrolment).path_id)
    assert path is not None
    certificate = active(path)
    if certificate is None:
        return  # nothing attached when they completed: nothing is ever issued for it
    outcome = judge(certificate, enrolment)
    record = CompletionIssuance(
        tenant_id=enrolment.tenant_id,
        enrolment_id=enrolment.id,
        path_certificate_id=certificate.id,
        status=("queued" if _deferring.get() else "issued") if outcome.passed else "not_eligible",
        trace=outcome.trace,
        failure="",
        attempts=0,
        decided_at=clock.now(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(record)
    except IntegrityError:
        return  # already decided for this enrolment: never two credentials
    if outcome.passed and not _deferring.get():
        issue(record)


paths.path_completed.connect(on_completion)


def issue(record: CompletionIssuance) -> Credential | None:
    """Issue the credential of a qualifying completion; on failure, record why (retried).

    The award is keyed by the enrolment, so however many workers reach the same completion,
    the database holds one credential for it and the others link to that one.
    """
    certificate = db.session.get(PathCertificate, record.path_certificate_id)
    enrolment = db.session.get(Enrolment, record.enrolment_id)
    assert certificate is not None and enrolment is not None
    record.attempts += 1
    try:
        with db.session.begin_nested():
            credential = _award(certificate, enrolment)
    except Exception as exc:  # noqa: BLE001 - any failure is recorded and retried, never lost
        record.status, record.failure = "failed", _reason(exc)
        log.warning("issuance for enrolment %s failed: %s", enrolment.id, record.failure)
        db.session.flush()
        return None
    record.status, record.failure = "issued", ""
    record.credential_id, record.issued_at = credential.id, clock.now()
    db.session.flush()
    return credential


def _reason(exc: Exception) -> str:
    detail = getattr(exc, "detail", None) or str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {detail}"[:2000]


def _award(certificate: PathCertificate, enrolment: Enrolment) -> Credential:
    user = db.session.get(User, enrolment.user_id)
    achievement = db.session.get(Achievement, certificate.achievement_id)
    assert user is not None
    if achievement is None:
        raise LookupError("The certificate's achievement no longer exists.")
    results: list[dict[str, Any]] = [{"status": "Completed"}]
    if enrolment.score is not None:
        results[0]["value"] = f"{enrolment.score}%"
    credential = issuance.award(
        SYSTEM,
        achievement,
        recipient={"type": "email", "identity": user.email, "name": user.name},
        valid_from=enrolment.completed_at,
        results=results,
        evidence=_evidence(user, enrolment) or None,
        award_key=f"enrolment:{enrolment.id}",
    )
    if certificate.template_version is not None:
        template = certificates.template_version(
            achievement.issuer_id, certificate.template_version
        )
        if template is not None:
            certificates.choose_template(credential, template)
    return credential


def _evidence(user: User, enrolment: Enrolment) -> list[dict[str, Any]]:
    """The learner's portfolio items attached to the path, as OB 3.0 evidence."""
    return portfolio.evidence_for(user, paths.version_of(enrolment).path_id)


# Explanations and dry runs ---------------------------------------------------------------


def explain(enrolment: Enrolment) -> dict[str, Any]:
    """Why `enrolment` did or did not get a certificate, in words and with the values seen."""
    record = db.session.scalar(
        select(CompletionIssuance).where(CompletionIssuance.enrolment_id == enrolment.id)
    )
    path = db.session.get(CertificationPath, paths.version_of(enrolment).path_id)
    assert path is not None
    current = active(path)
    if record is not None:
        outcome = engine.Outcome(record.trace["passed"], record.trace)
        reasons = {
            "issued": "The rules held when the learner completed; the credential was issued.",
            "not_eligible": "The learner completed, but these rules did not hold then.",
            "failed": f"The learner qualified, but issuing failed: {record.failure} "
            "It is retried until it succeeds.",
            "queued": "The learner qualified; the credential is being issued (bulk import).",
        }
        return {
            "decision": record.status,
            "reason": reasons[record.status],
            "path_certificate_id": record.path_certificate_id,
            "credential_id": record.credential_id,
            "failed_rules": outcome.failures() if record.status == "not_eligible" else [],
            "trace": record.trace,
            "decided_at": record.decided_at,
        }
    if enrolment.status != "completed":
        missing = paths.missing_achievements(enrolment, paths.version_of(enrolment))
        why = f"Not completed yet (progress {enrolment.progress} %)."
        if missing and enrolment.progress == 100:
            why = "Every step is done; waiting for required achievements: " + ", ".join(missing)
        decision = "not_completed"
    elif current is None:
        why, decision = (
            "No certificate was attached to the path when the learner completed.",
            "none",
        )
    else:
        why = "The learner completed before this certificate was attached; it is not retroactive."
        decision = "completed_before_attachment"
    now = judge(current, enrolment) if current is not None else None
    return {
        "decision": decision,
        "reason": why,
        "path_certificate_id": current.id if current else None,
        "credential_id": None,
        "failed_rules": now.failures() if now and not now.passed else [],
        "trace": now.trace if now else None,
        "decided_at": None,
    }


def dry_run(
    rules: dict[str, Any] | None, path: CertificationPath, cohort_id: uuid.UUID
) -> list[dict[str, Any]]:
    """Who in `path`'s cohort `cohort_id` the rules would give a certificate now, and why not.

    Raises:
        UnknownReference: the cohort is not one of `path`'s.
        ValidationError: the rules are not valid.
    """
    cohort = references.resolve(
        Cohort,
        cohort_id,
        pointer="#/cohort_id",
        tenant_id=path.tenant_id,
        where=[Cohort.path_id == path.id],
    )
    if rules is not None:
        problems = engine.check(rules)
        if problems:
            raise ValidationError(
                "The issue rules are not valid.",
                errors=[FieldError(p.message, pointer=f"#/rules{p.pointer}") for p in problems],
            )
    probe = PathCertificate(rules=rules)
    rows = db.session.scalars(
        select(Enrolment).where(Enrolment.cohort_id == cohort.id).order_by(Enrolment.enrolled_at)
    )
    result = []
    for enrolment in rows:
        outcome = judge(probe, enrolment)
        result.append(
            {
                "enrolment_id": enrolment.id,
                "user_id": enrolment.user_id,
                "would_receive": outcome.passed,
                "failed_rules": outcome.failures(),
            }
        )
    return result
