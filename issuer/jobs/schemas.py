"""The JSON contract of a job's status resource."""

from __future__ import annotations

import marshmallow as ma


class JobErrorSchema(ma.Schema):
    detail = ma.fields.String()
    pointer = ma.fields.String()
    parameter = ma.fields.String()


class JobSchema(ma.Schema):
    id = ma.fields.UUID()
    tenant_id = ma.fields.UUID()
    kind = ma.fields.String()
    state = ma.fields.String(metadata={"enum": ["queued", "running", "succeeded", "failed"]})
    counts = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer(), allow_none=True)
    detail = ma.fields.String()
    errors = ma.fields.List(ma.fields.Nested(JobErrorSchema))
    created_at = ma.fields.AwareDateTime()
    started_at = ma.fields.AwareDateTime(allow_none=True)
    finished_at = ma.fields.AwareDateTime(allow_none=True)
