"""HTTP contract of issuer keys."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from issuer.keys.services import ALGORITHMS


class KeySchema(ma.Schema):
    id = ma.fields.UUID(dump_only=True)
    algorithm = ma.fields.String(required=True, validate=validate.OneOf(ALGORITHMS))
    verification_method = ma.fields.String(dump_only=True)
    public_jwk = ma.fields.Dict(dump_only=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)
    retired_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
