"""API of jobs: GET /api/v1/jobs/<id>, where a 202 answer's Location points."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response, current_app, jsonify, request, url_for
from flask.views import MethodView

from issuer.accounts.access import authorize, requires
from issuer.accounts.roles import Permission
from issuer.db import db
from issuer.errors import get_or_404
from issuer.extensions import Blueprint
from issuer.jobs import tasks
from issuer.jobs.models import Job
from issuer.jobs.schemas import JobSchema

blp = Blueprint(
    "jobs", __name__, url_prefix="/api/v1", description="Background jobs of long requests."
)


def wants_async(rows: int = 0) -> bool:
    """Whether to answer with a job: the caller sent `Prefer: respond-async` (RFC 7240), or
    the request has more `rows` of work than CERTIFIKATION_BACKGROUND_ROWS."""
    return rows > current_app.extensions["settings"].background_rows or _prefers_async()


def _prefers_async() -> bool:
    prefer = request.headers.get("Prefer", "")
    return any(p.split("=")[0].strip().lower() == "respond-async" for p in prefer.split(","))


def accepted(job: Job) -> Response:
    """Queue `job` (already committed) and answer 202 with its status resource's Location."""
    tasks.run.delay(str(job.id))
    db.session.refresh(job)  # in-process (no broker) it has run already
    response = jsonify(JobSchema().dump(job))
    response.status_code = 202
    response.headers["Location"] = url_for("jobs.JobItem", job_id=job.id)
    if _prefers_async():
        response.headers["Preference-Applied"] = "respond-async"
    return response


@blp.route("/jobs/<uuid:job_id>")
class JobItem(MethodView):
    @requires(Permission.LEARNERS_READ)
    @blp.response(200, JobSchema)
    def get(self, job_id: uuid.UUID) -> Job:
        """A job's state and, once it ended, its counts, or why it failed (row by row)."""
        job = get_or_404(Job, job_id)
        authorize(job.tenant_id)
        return job


API_BLUEPRINTS = [blp]
BLUEPRINTS: list[Any] = []
