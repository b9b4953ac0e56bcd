"""HTTP contract of tenants and issuers."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from issuer.fields import SingleLine

SLUG = validate.Regexp(
    r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$",
    error="Use 1-63 lowercase letters, digits and hyphens, not starting or ending with a hyphen.",
)
NAME = validate.Length(min=1, max=200)


class TenantSchema(ma.Schema):
    id = ma.fields.UUID(dump_only=True)
    slug = ma.fields.String(required=True, validate=SLUG)
    name = SingleLine(required=True, validate=NAME)
    created_at = ma.fields.AwareDateTime(dump_only=True)


class TenantUpdateSchema(ma.Schema):
    name = SingleLine(validate=NAME)


class IssuerSchema(ma.Schema):
    id = ma.fields.UUID(dump_only=True)
    tenant_id = ma.fields.UUID(dump_only=True)
    name = SingleLine(required=True, validate=NAME)
    url = ma.fields.Url(
        required=True, schemes={"http", "https"}, validate=validate.Length(max=2048)
    )
    email = ma.fields.Email(required=True, validate=validate.Length(max=254))
    description = ma.fields.String(load_default="", validate=validate.Length(max=5000))
    signatory_name = SingleLine(load_default="", validate=validate.Length(max=200))
    signatory_title = SingleLine(load_default="", validate=validate.Length(max=200))
    did = ma.fields.String(dump_only=True)
    logo_url = ma.fields.String(dump_only=True, allow_none=True)
    signature_url = ma.fields.String(dump_only=True, allow_none=True)
    archived_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)


class IssuerUpdateSchema(ma.Schema):
    name = SingleLine(validate=NAME)
    url = ma.fields.Url(schemes={"http", "https"}, validate=validate.Length(max=2048))
    email = ma.fields.Email(validate=validate.Length(max=254))
    description = ma.fields.String(validate=validate.Length(max=5000))
    signatory_name = SingleLine(validate=validate.Length(max=200))
    signatory_title = SingleLine(validate=validate.Length(max=200))
