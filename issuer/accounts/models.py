"""People, their roles in tenants, invitations, address proofs, API clients, revoked tokens.

An account belongs to its person: it exists with a password only once someone proved control
of the address (an `AddressToken` sent there). Staff never set passwords; they invite.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from issuer.accounts.roles import Role
from issuer.db import Base, IdMixin


class User(IdMixin, Base):
    __tablename__ = "users"

    email: Mapped[str] = mapped_column(String(254), unique=True)  # normalise_email() form
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    is_platform_admin: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    # When the person last proved they receive mail at `email`; None: an unclaimed placeholder
    # (e.g. a learner an LMS import named), which can neither sign in nor see credentials.
    email_verified_at: Mapped[datetime | None]
    # Bumped by every change that must end live tokens (password, roles, removal).
    token_version: Mapped[int] = mapped_column(default=0)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )


class Membership(IdMixin, Base):
    """One role of one user in one tenant; a user may hold several."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("tenant_id", "user_id", "role"),)

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(String(32))
    created_at: Mapped[datetime]

    user: Mapped[User] = relationship(back_populates="memberships")


class Invitation(IdMixin, Base):
    """Roles offered to an address in a tenant, pending until its holder accepts by token."""

    __tablename__ = "invitations"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254), index=True)
    name: Mapped[str] = mapped_column(String(200))
    roles: Mapped[list[str]] = mapped_column(JSON)
    token_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("address_tokens.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    token: Mapped[AddressToken] = relationship(lazy="joined")


class AddressToken(IdMixin, Base):
    """A single-use secret mailed to an address; only its SHA-256 is stored."""

    __tablename__ = "address_tokens"

    purpose: Mapped[str] = mapped_column(String(16))  # invite | claim | reset | sign_in
    email: Mapped[str] = mapped_column(String(254), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class ApiClient(IdMixin, Base):
    """An institution's system calling the API with the client-credentials grant."""

    __tablename__ = "api_clients"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(200))
    scopes: Mapped[list[str]] = mapped_column(JSON)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    token_version: Mapped[int] = mapped_column(default=0)  # bumped by rotation, re-scoping


class RevokedToken(Base):
    """A token id refused until its expiry; kept only as long as the token would live."""

    __tablename__ = "revoked_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)
