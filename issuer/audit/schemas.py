"""HTTP contract of the audit log."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate


class AuditEventSchema(ma.Schema):
    id = ma.fields.UUID()
    tenant_id = ma.fields.UUID(allow_none=True)
    actor_type = ma.fields.String()
    actor_id = ma.fields.String()
    action = ma.fields.String()
    target_type = ma.fields.String()
    target_id = ma.fields.String()
    details = ma.fields.Dict()
    at = ma.fields.AwareDateTime()


class AuditQuerySchema(ma.Schema):
    action = ma.fields.String(validate=validate.Length(max=64))
