"""HTTP contract of attached certificates, issue rules, decisions and dry runs."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate


class PathCertificateSchema(ma.Schema):
    id = ma.fields.UUID(dump_only=True)
    path_id = ma.fields.UUID(dump_only=True)
    achievement_id = ma.fields.UUID(required=True)
    template_version = ma.fields.Integer(
        allow_none=True,
        validate=validate.Range(min=1),
        metadata={"description": "The issuer's certificate template version; null: current."},
    )
    certificate_type = ma.fields.String(
        load_default="completion", validate=validate.OneOf(["completion", "merit"])
    )
    rules = ma.fields.Dict(
        allow_none=True,
        load_default=None,
        metadata={
            "description": "Issue rules (GET /api/issue-rules/schema); null: every completion."
        },
    )
    created_at = ma.fields.AwareDateTime(dump_only=True)
    ended_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)


class DryRunSchema(ma.Schema):
    cohort_id = ma.fields.UUID(required=True)
    rules = ma.fields.Dict(allow_none=True, load_default=None)


class DryRunRowSchema(ma.Schema):
    enrolment_id = ma.fields.UUID()
    user_id = ma.fields.UUID()
    would_receive = ma.fields.Boolean()
    failed_rules = ma.fields.List(ma.fields.Dict())


class DecisionSchema(ma.Schema):
    decision = ma.fields.String(
        metadata={
            "description": "issued, not_eligible, failed, not_completed, none or "
            "completed_before_attachment."
        }
    )
    reason = ma.fields.String()
    path_certificate_id = ma.fields.UUID(allow_none=True)
    credential_id = ma.fields.UUID(allow_none=True)
    failed_rules = ma.fields.List(
        ma.fields.Dict(), metadata={"description": "Each: field, op, value, seen, passed."}
    )
    trace = ma.fields.Dict(allow_none=True)
    decided_at = ma.fields.AwareDateTime(allow_none=True)


class OwedSchema(ma.Schema):
    id = ma.fields.UUID()
    enrolment_id = ma.fields.UUID()
    path_certificate_id = ma.fields.UUID()
    failure = ma.fields.String()
    attempts = ma.fields.Integer()
    decided_at = ma.fields.AwareDateTime()


class RetrySchema(ma.Schema):
    issued = ma.fields.Integer()
    failed = ma.fields.Integer()
