"""A completions import, now or as a background job, and the signing it leaves to workers."""

from __future__ import annotations

import dataclasses

from issuer.audit.services import Actor
from issuer.db import db
from issuer.errors import get_or_404
from issuer.jobs import services as jobs
from issuer.jobs.models import Job
from issuer.learning.certificate_rules import services as certificate_rules
from issuer.learning.certificate_rules.tasks import issue_queued
from issuer.learning.certification_interoperability import completions, tables
from issuer.learning.certification_interoperability.schemas import COMPLETION_COLUMNS
from issuer.learning.certification_interoperability.services import Imported
from issuer.tenants.models import Tenant

KIND = "completions-import"


def import_completions(actor: Actor, tenant: Tenant, system: str, table: tables.Table) -> Imported:
    """Import and commit the rows, then queue the signing of what they earned."""
    with certificate_rules.deferred():  # sign after the commit, not row by row in here
        result = completions.import_completions(actor, tenant, system, table)
    db.session.commit()
    issue_queued.delay(str(tenant.id))  # a worker's job with a broker; in-process without
    return result


def queue_import(actor: Actor, tenant: Tenant, system: str, body: bytes, mimetype: str) -> Job:
    """A job importing `body` (CSV or JSON rows) later; the caller commits and queues it."""
    return jobs.create(
        actor, tenant.id, KIND, params={"system": system}, input=body, input_type=mimetype
    )


@jobs.runner(KIND)
def _run(job: Job) -> dict[str, int]:
    table = tables.parse(
        job.input or b"",
        job.input_type,
        "completions",
        columns=COMPLETION_COLUMNS,
        required=("external_id", "email"),
    )
    tenant = get_or_404(Tenant, job.tenant_id)
    result = import_completions(jobs.actor_of(job), tenant, job.params["system"], table)
    return dataclasses.asdict(result)
