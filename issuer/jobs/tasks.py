"""The worker's side of jobs: run one by id."""

from __future__ import annotations

import uuid

from celery import shared_task

from issuer.jobs import services


@shared_task(name="jobs.run")
def run(job_id: str) -> str | None:
    """Run the job; a redelivered one that already ended is left as it is."""
    job = services.run(uuid.UUID(job_id))
    return job.state if job is not None else None
