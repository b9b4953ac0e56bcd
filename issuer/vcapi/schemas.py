"""Request and response shapes of the CCG VC-API (issue and verify)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate


class IssueOptionsSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE  # VC-API options we do not act on are ignored, as the spec allows

    format = ma.fields.String(
        load_default="ldp_vc", validate=validate.OneOf(["ldp_vc", "jwt_vc_json"])
    )


class IssueRequestSchema(ma.Schema):
    credential = ma.fields.Dict(required=True, metadata={"description": "An unsigned credential."})
    options = ma.fields.Nested(IssueOptionsSchema, load_default=lambda: {"format": "ldp_vc"})


class IssueResponseSchema(ma.Schema):
    verifiableCredential = ma.fields.Raw(
        metadata={"description": "The signed credential (ldp_vc) or compact JWT (jwt_vc_json)."}
    )


class VerifyRequestSchema(ma.Schema):
    verifiableCredential = ma.fields.Raw(
        required=True, metadata={"description": "A credential (JSON) or a compact VC-JWT."}
    )
    options = ma.fields.Dict(load_default=dict)


class CheckSchema(ma.Schema):
    id = ma.fields.String()
    outcome = ma.fields.String()
    message = ma.fields.String()


class VerifyResponseSchema(ma.Schema):
    verified = ma.fields.Boolean()
    format = ma.fields.String()
    checks = ma.fields.List(ma.fields.String(), metadata={"description": "Checks that passed."})
    warnings = ma.fields.List(ma.fields.String())
    errors = ma.fields.List(ma.fields.String())
    results = ma.fields.List(
        ma.fields.Nested(CheckSchema), metadata={"description": "Every check."}
    )


class StatusEntrySchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    type = ma.fields.String(
        load_default="BitstringStatusListEntry",
        validate=validate.Equal("BitstringStatusListEntry"),
    )
    status = ma.fields.String(
        required=True, validate=validate.OneOf(["revoked", "suspended", "active"])
    )
    reason = ma.fields.String(load_default="", validate=validate.Length(max=1000))


class UpdateStatusRequestSchema(ma.Schema):
    credentialId = ma.fields.String(
        required=True, metadata={"description": "The credential's id (its URL) or its UUID."}
    )
    credentialStatus = ma.fields.List(
        ma.fields.Nested(StatusEntrySchema), required=True, validate=validate.Length(equal=1)
    )
