"""API of a tenant's people: members with roles, and invitations pending acceptance."""

from __future__ import annotations

import uuid
from typing import Any

from flask import url_for
from flask.views import MethodView
from sqlalchemy import select

from issuer import clock
from issuer.accounts import invitations, services
from issuer.accounts.access import authorize, requires
from issuer.accounts.models import Invitation, Membership, User
from issuer.accounts.roles import Permission
from issuer.accounts.schemas import InvitationSchema, MemberRolesSchema, MemberSchema
from issuer.db import db, page
from issuer.errors import NotFound, get_or_404
from issuer.extensions import Blueprint
from issuer.tenants.models import Tenant

blp = Blueprint(
    "api-members", __name__, url_prefix="/api/v1", description="A tenant's people and invitations."
)


def _member(user: User, tenant_id: uuid.UUID) -> dict[str, Any]:
    roles = sorted(m.role for m in user.memberships if m.tenant_id == tenant_id)
    return {"user_id": user.id, "email": user.email, "name": user.name, "roles": roles}


@blp.route("/tenants/<uuid:tenant_id>/members")
class Members(MethodView):
    @requires(Permission.MEMBERS_READ)
    @blp.response(200, MemberSchema(many=True))
    @blp.paginate()
    def get(self, tenant_id: uuid.UUID, pagination_parameters: Any) -> list[dict[str, Any]]:
        """List the people of a tenant with their roles."""
        authorize(tenant_id)
        stmt = (
            select(User)
            .where(User.id.in_(select(Membership.user_id).where(Membership.tenant_id == tenant_id)))
            .order_by(User.email)
        )
        return [_member(u, tenant_id) for u in page(stmt, pagination_parameters)]

    @requires(Permission.MEMBERS_WRITE)
    @blp.arguments(MemberSchema)
    @blp.response(201, InvitationSchema)
    @blp.alt_response(409, description="The address is already a member of this tenant.")
    def post(
        self, data: dict[str, Any], tenant_id: uuid.UUID
    ) -> tuple[dict[str, Any], int, dict[str, str]]:
        """Invite a person to roles: they are mailed a token, and become a member on accepting.

        The answer is the same whether or not the address has an account anywhere.
        """
        principal = authorize(tenant_id)
        invitation, _ = invitations.invite(principal.actor, get_or_404(Tenant, tenant_id), **data)
        db.session.commit()
        location = url_for(
            "api-members.InvitationItem", tenant_id=tenant_id, invitation_id=invitation.id
        )
        return _invitation(invitation), 201, {"Location": location}


@blp.route("/tenants/<uuid:tenant_id>/members/<uuid:user_id>")
class MemberItem(MethodView):
    def _load(self, tenant_id: uuid.UUID, user_id: uuid.UUID) -> User:
        user = db.session.get(User, user_id)
        if user is None or not any(m.tenant_id == tenant_id for m in user.memberships):
            raise NotFound("No such member.")
        return user

    @requires(Permission.MEMBERS_READ)
    @blp.response(200, MemberSchema)
    def get(self, tenant_id: uuid.UUID, user_id: uuid.UUID) -> dict[str, Any]:
        """Show a member's roles."""
        authorize(tenant_id)
        return _member(self._load(tenant_id, user_id), tenant_id)

    @requires(Permission.MEMBERS_WRITE)
    @blp.arguments(MemberRolesSchema)
    @blp.response(200, MemberSchema)
    def put(self, data: dict[str, Any], tenant_id: uuid.UUID, user_id: uuid.UUID) -> dict[str, Any]:
        """Replace a member's roles."""
        principal = authorize(tenant_id)
        user = self._load(tenant_id, user_id)
        services.set_roles(principal.actor, get_or_404(Tenant, tenant_id), user, data["roles"])
        db.session.commit()
        return _member(user, tenant_id)

    @requires(Permission.MEMBERS_WRITE)
    @blp.response(204)
    def delete(self, tenant_id: uuid.UUID, user_id: uuid.UUID) -> None:
        """Remove a person from the tenant (their account remains)."""
        principal = authorize(tenant_id)
        user = self._load(tenant_id, user_id)
        services.remove_member(principal.actor, get_or_404(Tenant, tenant_id), user)
        db.session.commit()


def _invitation(invitation: Invitation) -> dict[str, Any]:
    return {
        "id": invitation.id,
        "tenant_id": invitation.tenant_id,
        "email": invitation.email,
        "name": invitation.name,
        "roles": invitation.roles,
        "status": _status(invitation),
        "created_at": invitation.created_at,
        "expires_at": invitation.token.expires_at,
    }


def _status(invitation: Invitation) -> str:
    if invitation.accepted_at is not None:
        return "accepted"
    if invitation.revoked_at is not None:
        return "withdrawn"
    return "expired" if invitation.token.expires_at <= clock.now() else "invited"


@blp.route("/tenants/<uuid:tenant_id>/invitations")
class Invitations(MethodView):
    @requires(Permission.MEMBERS_READ)
    @blp.response(200, InvitationSchema(many=True))
    def get(self, tenant_id: uuid.UUID) -> list[dict[str, Any]]:
        """List the invitations still pending (not accepted, withdrawn or expired)."""
        authorize(tenant_id)
        return [_invitation(i) for i in invitations.pending(get_or_404(Tenant, tenant_id))]


@blp.route("/tenants/<uuid:tenant_id>/invitations/<uuid:invitation_id>")
class InvitationItem(MethodView):
    def _load(self, tenant_id: uuid.UUID, invitation_id: uuid.UUID) -> Invitation:
        invitation = db.session.get(Invitation, invitation_id)
        if invitation is None or invitation.tenant_id != tenant_id:
            raise NotFound("No such invitation.")
        return invitation

    @requires(Permission.MEMBERS_READ)
    @blp.response(200, InvitationSchema)
    def get(self, tenant_id: uuid.UUID, invitation_id: uuid.UUID) -> dict[str, Any]:
        """Show an invitation."""
        authorize(tenant_id)
        return _invitation(self._load(tenant_id, invitation_id))

    @requires(Permission.MEMBERS_WRITE)
    @blp.response(204)
    def delete(self, tenant_id: uuid.UUID, invitation_id: uuid.UUID) -> None:
        """Withdraw an invitation: its token stops working."""
        principal = authorize(tenant_id)
        invitations.revoke(principal.actor, self._load(tenant_id, invitation_id))
        db.session.commit()


API_BLUEPRINTS = [blp]
BLUEPRINTS: list[Any] = []
