"""HTTP contract of the earner's display settings and name-change requests."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from issuer.fields import SingleLine

NAME = validate.Length(min=1, max=200)


class DisplaySchema(ma.Schema):
    hidden = ma.fields.Boolean(
        metadata={"description": "Every public URL of the credential answers 404 to others."}
    )
    show_name = ma.fields.Boolean(
        metadata={
            "description": "Show your name on the public page, share image and PDF; the "
            "signed credential and the badges baked with it always carry it."
        }
    )
    show_evidence = ma.fields.Boolean(metadata={"description": "List evidence on the page."})


class NameChangeCreateSchema(ma.Schema):
    name = SingleLine(required=True, validate=NAME)
    comment = ma.fields.String(load_default="", validate=validate.Length(max=2000))

    @ma.post_load
    def _strip(self, data: dict[str, str], **_: object) -> dict[str, str]:
        data["name"] = data["name"].strip()
        if not data["name"]:
            raise ma.ValidationError("Give the name as it should read.", "name")
        return data


class NameChangeSchema(ma.Schema):
    id = ma.fields.UUID()
    credential_id = ma.fields.UUID()
    current_name = ma.fields.String()
    requested_name = ma.fields.String()
    comment = ma.fields.String()
    status = ma.fields.String(metadata={"description": "pending, approved or rejected."})
    decision_reason = ma.fields.String()
    decided_at = ma.fields.AwareDateTime(allow_none=True)
    replacement_id = ma.fields.UUID(allow_none=True)
    replacement_url = ma.fields.String(allow_none=True)
    created_at = ma.fields.AwareDateTime()


class NameChangeQuerySchema(ma.Schema):
    status = ma.fields.String(
        load_default="pending", validate=validate.OneOf(["pending", "approved", "rejected"])
    )


class RejectSchema(ma.Schema):
    reason = ma.fields.String(
        required=True,
        validate=validate.Length(min=1, max=1000),
        metadata={"description": "Why; the earner reads it."},
    )


class EarnedCredentialSchema(ma.Schema):
    id = ma.fields.UUID()
    url = ma.fields.String()
    achievement = ma.fields.String(metadata={"description": "The achievement's name."})
    issuer = ma.fields.String(metadata={"description": "The issuer's name."})
    name = ma.fields.String(metadata={"description": "Your name as the credential states it."})
    status = ma.fields.String()
    superseded_by = ma.fields.UUID(allow_none=True)
    created_at = ma.fields.AwareDateTime()
    display = ma.fields.Nested(DisplaySchema)
    name_change = ma.fields.Nested(
        NameChangeSchema, allow_none=True, metadata={"description": "Your latest request."}
    )
