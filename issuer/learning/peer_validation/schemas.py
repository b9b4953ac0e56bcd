"""HTTP contract of mentor assignments, validation queues and decisions."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from issuer.learning.certification_path_management.schemas import SLUG, TEXT


class PathMentorSchema(ma.Schema):
    path_id = ma.fields.UUID()
    user_id = ma.fields.UUID()
    assigned_at = ma.fields.AwareDateTime()


class EvidenceDecisionSchema(ma.Schema):
    decision = ma.fields.String(required=True, validate=validate.OneOf(["approved", "rejected"]))
    comment = ma.fields.String(load_default="", validate=TEXT)
    rubric_scores = ma.fields.Dict(
        keys=ma.fields.String(validate=SLUG),
        values=ma.fields.String(validate=SLUG),
        load_default=dict,
        metadata={"description": "By criterion id, the level id awarded (the step's rubric)."},
    )


class ValidationQueueArgs(ma.Schema):
    status = ma.fields.String(
        load_default="awaiting_validation",
        validate=validate.OneOf(["awaiting_validation", "approved", "rejected"]),
    )
