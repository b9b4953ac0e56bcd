"""Completions owed a credential (queued or failed), claimed a chunk at a time and issued.

Any number of workers may run these at once: each claims rows no one else holds, and the
award key keeps every completion to one credential whatever happens.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, tuple_

from issuer.db import db
from issuer.jobs import services as jobs
from issuer.jobs.models import Job
from issuer.learning.certificate_rules.models import CompletionIssuance
from issuer.learning.certificate_rules.services import issue

OWED = ("queued", "failed")
CHUNK = 100  # completions claimed and signed per transaction: seconds of work, not minutes
Cursor = tuple[datetime, uuid.UUID]  # (decided_at, id) of a completion: where a run got to


def owed(tenant_id: uuid.UUID | None = None, statuses: tuple[str, ...] = OWED) -> Select[Any]:
    """Completions that qualified but hold no credential yet (queued or failed), oldest first."""
    stmt = select(CompletionIssuance).where(CompletionIssuance.status.in_(statuses))
    if tenant_id is not None:
        stmt = stmt.where(CompletionIssuance.tenant_id == tenant_id)
    return stmt.order_by(CompletionIssuance.decided_at, CompletionIssuance.id)


def count_owed(tenant_id: uuid.UUID) -> int:
    """How many completions of `tenant_id` are owed a credential (queued or failed)."""
    stmt = select(func.count()).select_from(owed(tenant_id).order_by(None).subquery())
    return db.session.scalar(stmt) or 0


def claim(
    statuses: tuple[str, ...] = OWED,
    *,
    tenant_id: uuid.UUID | None = None,
    after: Cursor | None = None,
    limit: int = CHUNK,
) -> list[CompletionIssuance]:
    """Lock up to `limit` owed completions (after `after`) that no other transaction holds.

    PostgreSQL's `FOR UPDATE SKIP LOCKED` gives each worker its own rows until it commits or
    dies, so any number can run. SQLite has no row locks (writers take turns there); the
    award key still holds each completion to one credential.
    """
    stmt = owed(tenant_id, statuses)
    if after is not None:
        stmt = stmt.where(tuple_(CompletionIssuance.decided_at, CompletionIssuance.id) > after)
    stmt = stmt.limit(limit).with_for_update(skip_locked=True)
    return list(db.session.scalars(stmt.execution_options(populate_existing=True)))


@dataclass(frozen=True)
class RetryResult:
    issued: int
    failed: int
    last: Cursor | None = None  # the last completion claimed: the next chunk starts after it

    @property
    def claimed(self) -> int:
        return self.issued + self.failed


def _issue_all(records: list[CompletionIssuance]) -> RetryResult:
    issued = sum(issue(record) is not None for record in records)
    last = (records[-1].decided_at, records[-1].id) if records else None
    return RetryResult(issued, len(records) - issued, last)


def retry_failed(
    tenant_id: uuid.UUID | None = None, *, limit: int = 1000, after: Cursor | None = None
) -> RetryResult:
    """Issue up to `limit` owed completions (queued, or failed before) that no one else is
    issuing, each with the certificate in force at completion; the caller commits."""
    return _issue_all(claim(OWED, tenant_id=tenant_id, after=after, limit=limit))


def issue_queued(tenant_id: uuid.UUID, *, limit: int = CHUNK) -> RetryResult:
    """Issue up to `limit` of a tenant's queued completions that no one else is issuing;
    the caller commits (a bulk import's task, a chunk per transaction)."""
    return _issue_all(claim(("queued",), tenant_id=tenant_id, limit=limit))


@jobs.runner("owed-retry")
def _run_retry(job: Job) -> dict[str, int]:
    """A tenant's owed credentials retried as a background job, a committed chunk at a time."""
    issued = failed = 0
    after: Cursor | None = None
    while True:
        result = retry_failed(job.tenant_id, limit=CHUNK, after=after)
        db.session.commit()
        issued, failed, after = issued + result.issued, failed + result.failed, result.last
        if result.claimed < CHUNK:
            return {"issued": issued, "failed": failed}
