"""Creating jobs and running them: each kind's runner is registered by the domain it serves.

A runner does its whole work in the job's transaction, or commits in idempotent chunks, so a
job whose worker died runs again from the start with nothing done twice.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from issuer import clock
from issuer.audit.services import Actor
from issuer.db import db
from issuer.errors import IssuerError
from issuer.jobs.models import Job

log = logging.getLogger(__name__)
Runner = Callable[[Job], dict[str, int]]  # does the work; returns the counts to report
_runners: dict[str, Runner] = {}


def runner(kind: str) -> Callable[[Runner], Runner]:
    """Register the function that runs jobs of `kind`."""

    def register(run: Runner) -> Runner:
        _runners[kind] = run
        return run

    return register


def create(
    actor: Actor,
    tenant_id: uuid.UUID,
    kind: str,
    *,
    params: dict[str, Any] | None = None,
    input: bytes | None = None,
    input_type: str = "",
) -> Job:
    """A queued job; the caller commits, then queues `tasks.run` with its id."""
    assert kind in _runners, f"no runner for {kind}"
    job = Job(
        tenant_id=tenant_id,
        kind=kind,
        state="queued",
        actor_type=actor[0],
        actor_id=actor[1],
        params=params or {},
        input=input,
        input_type=input_type,
        errors=[],
        detail="",
        created_at=clock.now(),
    )
    db.session.add(job)
    db.session.flush()
    return job


def actor_of(job: Job) -> Actor:
    return (job.actor_type, job.actor_id)


def run(job_id: uuid.UUID) -> Job | None:
    """Run a queued (or interrupted) job to its end, committing its outcome; done jobs stay."""
    job = db.session.get(Job, job_id)
    if job is None or job.state in ("succeeded", "failed"):
        return job
    job.state, job.started_at = "running", clock.now()
    db.session.commit()
    try:
        counts = _runners[job.kind](job)
    except IssuerError as exc:  # refused input: the caller reads why, row by row
        db.session.rollback()
        _finish(job, "failed", detail=exc.detail, errors=[e.as_dict() for e in exc.errors])
        return job
    except Exception:
        db.session.rollback()
        log.exception("job %s (%s) failed", job.id, job.kind)
        _finish(job, "failed", detail="The job failed unexpectedly; it was logged.")
        return job
    _finish(job, "succeeded", counts=counts)
    return job


def _finish(
    job: Job,
    state: str,
    *,
    counts: dict[str, int] | None = None,
    detail: str = "",
    errors: list[dict[str, str]] | None = None,
) -> None:
    job.state, job.counts, job.detail, job.errors = state, counts, detail, errors or []
    job.input, job.finished_at = None, clock.now()
    db.session.commit()
