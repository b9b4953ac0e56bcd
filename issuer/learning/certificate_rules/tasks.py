"""Scheduled work: retry owed credentials, and tell each tenant who is still owed one."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from datetime import datetime

from celery import shared_task
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from issuer.accounts.models import Membership, User
from issuer.accounts.roles import Role
from issuer.db import db
from issuer.learning.certificate_rules import owed
from issuer.learning.certificate_rules.models import CompletionIssuance
from issuer.mail import deliver_task

log = logging.getLogger(__name__)


# A task hands what is left to a new task after this share of the broker's visibility
# timeout, so no task outlives it (past it, Redis would give the task to a second worker).
SHARE_OF_VISIBILITY = 0.25
# A lock or deadlock lost to another writer: try again shortly (well inside the timeout).
RETRIED = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "retry_backoff_max": 60,
    "max_retries": 5,
}


def _chunks(
    run: Callable[[owed.Cursor | None], owed.RetryResult], after: owed.Cursor | None = None
) -> tuple[owed.RetryResult, bool]:
    """Run `run` a chunk per transaction until it claims less than a chunk or time is up.

    Returns the totals (with the last completion claimed) and whether work may remain.
    """
    budget = current_app.extensions["settings"].task_visibility_timeout * SHARE_OF_VISIBILITY
    deadline = time.monotonic() + budget
    issued = failed = 0
    while True:
        result = run(after)
        db.session.commit()  # a killed worker loses at most the chunk it was signing
        issued, failed, after = issued + result.issued, failed + result.failed, result.last or after
        more = result.claimed == owed.CHUNK
        if not more or time.monotonic() >= deadline:
            return owed.RetryResult(issued, failed, after), more


@shared_task(name="certificates.retry_owed", **RETRIED)
def retry_owed(after: list[str] | None = None) -> dict[str, int]:
    """Retry every owed issuance (queued, or failed before) after `after`, oldest first.

    Celery beat starts it every 15 minutes; past its time share it hands on where it got to.
    """
    cursor = (datetime.fromisoformat(after[0]), uuid.UUID(after[1])) if after else None
    total, more = _chunks(lambda at: owed.retry_failed(limit=owed.CHUNK, after=at), cursor)
    if more and total.last is not None:
        retry_owed.delay([total.last[0].isoformat(), str(total.last[1])])
    return {"issued": total.issued, "failed": total.failed}


@shared_task(name="certificates.issue_queued", **RETRIED)
def issue_queued(tenant_id: str) -> dict[str, int]:
    """Issue a tenant's queued completions (after a bulk import committed them)."""
    total, more = _chunks(lambda _: owed.issue_queued(uuid.UUID(tenant_id)))
    if more:
        issue_queued.delay(tenant_id)  # the rest, a new task: this one never outlives its share
    return {"issued": total.issued, "failed": total.failed}


@shared_task(name="certificates.report_owed")
def report_owed() -> dict[str, int]:
    """The daily report: mail each tenant's admins how many learners are owed a credential."""
    counts = db.session.execute(
        select(CompletionIssuance.tenant_id, func.count())
        .where(CompletionIssuance.status.in_(owed.OWED))
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
