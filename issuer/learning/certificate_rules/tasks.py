"""Scheduled work: retry owed credentials, and tell each tenant who is still owed one."""

from __future__ import annotations

import logging
import uuid

from celery import shared_task
from sqlalchemy import func, select

from issuer.accounts.models import Membership, User
from issuer.accounts.roles import Role
from issuer.db import db
from issuer.learning.certificate_rules import services
from issuer.learning.certificate_rules.models import CompletionIssuance
from issuer.mail import deliver_task

log = logging.getLogger(__name__)


@shared_task(name="certificates.retry_owed")
def retry_owed() -> dict[str, int]:
    """Retry every failed issuance (each with the certificate in force at completion)."""
    result = services.retry_failed(limit=10_000)
    db.session.commit()
    return {"issued": result.issued, "failed": result.failed}


@shared_task(name="certificates.issue_queued")
def issue_queued(tenant_id: str) -> dict[str, int]:
    """Issue a tenant's queued completions (after a bulk import committed them)."""
    result = services.issue_queued(uuid.UUID(tenant_id))
    return {"issued": result.issued, "failed": result.failed}


@shared_task(name="certificates.report_owed")
def report_owed() -> dict[str, int]:
    """The daily report: mail each tenant's admins how many learners are owed a credential."""
    counts = db.session.execute(
        select(CompletionIssuance.tenant_id, func.count())
        .where(CompletionIssuance.status.in_(services.OWED))
        .group_by(CompletionIssuance.tenant_id)
    ).all()
    for tenant_id, count in counts:
        _mail_admins(tenant_id, count)
    return {str(tenant_id): count for tenant_id, count in counts}


def _mail_admins(tenant_id: uuid.UUID, count: int) -> None:
    admins = db.session.scalars(
        select(User.email)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.tenant_id == tenant_id, Membership.role == Role.ISSUER_ADMIN)
    ).all()
    body = (
        f"{count} learner(s) completed a path and qualified, but hold no credential yet: "
        "issuing failed and is retried. The list and each reason: "
        f"GET /api/v1/tenants/{tenant_id}/owed-credentials"
    )
    log.warning("tenant %s: %d learners owed a credential", tenant_id, count)
    for email in admins:
        deliver_task.delay(email, "Learners owed a credential", body)
