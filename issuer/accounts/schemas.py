"""HTTP contract of logins, tokens, members and API clients."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from issuer.accounts.roles import CLIENT_SCOPES, Role
from issuer.fields import SingleLine

ROLES = validate.OneOf([r.value for r in Role])
SCOPES = validate.OneOf(sorted(CLIENT_SCOPES))
PASSWORD = validate.Length(min=12, max=200, error="Use 12 to 200 characters.")
NAME = validate.Length(min=1, max=200)


class LoginSchema(ma.Schema):
    email = ma.fields.Email(required=True, validate=validate.Length(max=254))
    password = ma.fields.String(required=True, validate=validate.Length(max=200))


class TokenSchema(ma.Schema):
    access_token = ma.fields.String(required=True)
    token_type = ma.fields.String(required=True)
    expires_in = ma.fields.Integer(required=True)
    scope = ma.fields.String()


class ClientCredentialsSchema(ma.Schema):
    """RFC 6749 §4.4.2 (client authentication may instead come as HTTP Basic)."""

    class Meta:
        unknown = ma.EXCLUDE  # RFC 6749 §3.2: unrecognised parameters MUST be ignored

    grant_type = ma.fields.String(required=True)
    scope = ma.fields.String(validate=validate.Length(max=1000))
    client_id = ma.fields.String(validate=validate.Length(max=64))
    client_secret = ma.fields.String(validate=validate.Length(max=200))


class RevokeSchema(ma.Schema):
    """RFC 7009 §2.1."""

    class Meta:
        unknown = ma.EXCLUDE  # RFC 7009 §2.1 extends RFC 6749, whose §3.2 ignores the unknown

    token = ma.fields.String(required=True, validate=validate.Length(max=4096))
    token_type_hint = ma.fields.String()


class MembershipSchema(ma.Schema):
    tenant_id = ma.fields.UUID()
    role = ma.fields.String()


class MeSchema(ma.Schema):
    kind = ma.fields.String()
    id = ma.fields.String()
    email = ma.fields.String()
    name = ma.fields.String()
    is_platform_admin = ma.fields.Boolean()
    memberships = ma.fields.List(ma.fields.Nested(MembershipSchema))
    scopes = ma.fields.List(ma.fields.String())


class PasswordChangeSchema(ma.Schema):
    current_password = ma.fields.String(required=True, validate=validate.Length(max=200))
    new_password = ma.fields.String(required=True, validate=PASSWORD)


class MemberSchema(ma.Schema):
    user_id = ma.fields.UUID(dump_only=True)
    email = ma.fields.Email(required=True, validate=validate.Length(max=254))
    name = SingleLine(required=True, validate=NAME)
    roles = ma.fields.List(
        ma.fields.String(validate=ROLES), required=True, validate=validate.Length(min=1)
    )


class MemberRolesSchema(ma.Schema):
    roles = ma.fields.List(
        ma.fields.String(validate=ROLES), required=True, validate=validate.Length(min=1)
    )


class ClientSchema(ma.Schema):
    id = ma.fields.UUID(dump_only=True)
    tenant_id = ma.fields.UUID(dump_only=True)
    name = SingleLine(required=True, validate=NAME)
    client_id = ma.fields.String(dump_only=True)
    scopes = ma.fields.List(ma.fields.String(validate=SCOPES), required=True)
    is_active = ma.fields.Boolean(dump_only=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)


class ClientSecretSchema(ClientSchema):
    client_secret = ma.fields.String(dump_only=True, metadata={"description": "Shown once."})


class ClientUpdateSchema(ma.Schema):
    name = SingleLine(validate=NAME)
    scopes = ma.fields.List(ma.fields.String(validate=SCOPES))
    is_active = ma.fields.Boolean()


class InvitationSchema(ma.Schema):
    """Roles offered to an address, pending until its holder accepts (nothing is revealed
    about any account the address may have)."""

    id = ma.fields.UUID(dump_only=True)
    tenant_id = ma.fields.UUID(dump_only=True)
    email = ma.fields.Email(dump_only=True)
    name = ma.fields.String(dump_only=True)
    roles = ma.fields.List(ma.fields.String(), dump_only=True)
    status = ma.fields.String(
        dump_only=True, metadata={"description": "invited, accepted, withdrawn or expired."}
    )
    created_at = ma.fields.AwareDateTime(dump_only=True)
    expires_at = ma.fields.AwareDateTime(dump_only=True)


class AddressSchema(ma.Schema):
    email = ma.fields.Email(required=True, validate=validate.Length(max=254))


class TokenOnlySchema(ma.Schema):
    token = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))


class ClaimSchema(TokenOnlySchema):
    name = SingleLine(required=True, validate=NAME)
    password = ma.fields.String(required=True, validate=PASSWORD)


class PasswordResetSchema(TokenOnlySchema):
    password = ma.fields.String(required=True, validate=PASSWORD)


class AcceptInvitationSchema(TokenOnlySchema):
    password = ma.fields.String(
        validate=PASSWORD,
        metadata={"description": "Required when the address has no account yet."},
    )


class AcceptedSchema(TokenSchema):
    tenant_id = ma.fields.UUID()
    roles = ma.fields.List(ma.fields.String())
