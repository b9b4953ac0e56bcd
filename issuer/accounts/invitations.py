"""Staff invite an address to roles in their tenant; whoever reads the mail there accepts.

Inviting never creates an account nor looks at one: the answer is the same whether or not the
address has an account anywhere. Accepting spends the mailed token, which proves the address;
only then are roles granted, and an account created with the password its holder chose.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from sqlalchemy import select

from issuer import clock, mail
from issuer.accounts import addresses
from issuer.accounts.claims import confirm_address, needs
from issuer.accounts.models import AddressToken, Invitation, Membership, User
from issuer.accounts.roles import Role
from issuer.accounts.services import create_user, find_user, normalise_email, set_roles
from issuer.audit import services as audit
from issuer.db import db
from issuer.errors import Conflict, NotFound
from issuer.tenants.models import Tenant


def invite(
    actor: audit.Actor, tenant: Tenant, *, email: str, name: str, roles: Iterable[str]
) -> tuple[Invitation, str]:
    """Offer `roles` in `tenant` to `email`; a newer invitation replaces a pending one."""
    email = normalise_email(email)
    wanted = sorted({Role(r).value for r in roles})
    if db.session.scalar(
        select(Membership.id)
        .join(User, User.id == Membership.user_id)
        .where(Membership.tenant_id == tenant.id, User.email == email)
        .limit(1)
    ):
        raise Conflict(
            "This address is already a member of the tenant; change their roles instead."
        )
    for old in pending(tenant, email=email):
        _end(old)
    token, secret = addresses.issue("invite", email)
    invitation = Invitation(
        tenant_id=tenant.id,
        email=email,
        name=name,
        roles=wanted,
        token_id=token.id,
        created_at=clock.now(),
    )
    db.session.add(invitation)
    db.session.flush()
    audit.record(actor, "member.invite", invitation, tenant_id=tenant.id, roles=wanted)
    mail.deliver_task.delay(
        email,
        f"Invitation to {tenant.name} on Certifikation",
        f"Hello {name},\n\n{tenant.name} invites you to these roles: {', '.join(wanted)}.\n\n"
        f"To accept, send this token to {_base()}/api/v1/invitations/accept "
        f"(valid for 7 days, once):\n\n{secret}\n\n"
        "If you did not expect this, ignore this message: nothing happens without you.\n",
    )
    return invitation, secret


def pending(tenant: Tenant, *, email: str | None = None) -> list[Invitation]:
    """Invitations of `tenant` neither accepted, revoked nor expired, oldest first."""
    stmt = (
        select(Invitation)
        .join(Invitation.token)
        .where(
            Invitation.tenant_id == tenant.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            AddressToken.expires_at > clock.now(),
        )
        .order_by(Invitation.created_at, Invitation.id)
    )
    if email is not None:
        stmt = stmt.where(Invitation.email == email)
    return list(db.session.scalars(stmt))


def revoke(actor: audit.Actor, invitation: Invitation) -> None:
    """Withdraw a pending invitation; its token stops working."""
    if invitation.accepted_at is not None:
        raise Conflict("This invitation was accepted; remove the member instead.")
    _end(invitation)
    audit.record(actor, "member.invite.revoke", invitation, tenant_id=invitation.tenant_id)


def accept(secret: str, *, password: str | None = None) -> tuple[User, Invitation]:
    """Spend the invitation token: grant its roles, creating the account if there is none."""
    token = addresses.use("invite", secret)
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_id == token.id))
    if invitation is None or invitation.revoked_at is not None:
        raise NotFound("This invitation was withdrawn.")
    user = find_user(token.email)
    if user is None:
        if not password:
            raise needs("password", "Choose a password (12 to 200 characters).")
        user = create_user(token.email, invitation.name, password=password, verified=True)
    else:
        confirm_address(user, password)
    tenant = db.session.get(Tenant, invitation.tenant_id)
    assert tenant is not None  # invitations cascade with their tenant
    held = {m.role for m in user.memberships if m.tenant_id == tenant.id}
    set_roles(("user", str(user.id)), tenant, user, sorted(held | set(invitation.roles)))
    invitation.accepted_at = clock.now()
    audit.record(("user", str(user.id)), "member.invite.accept", invitation, tenant_id=tenant.id)
    return user, invitation


def _end(invitation: Invitation) -> None:
    invitation.revoked_at = clock.now()
    invitation.token.used_at = invitation.token.used_at or clock.now()


def _base() -> str:
    base: str = current_app.extensions["settings"].public_url
    return base
