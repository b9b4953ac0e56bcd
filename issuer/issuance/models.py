"""Achievements (versioned), credentials (immutable once signed) and status-list slots."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from issuer.db import Base, IdMixin
from issuer.tenants.models import Issuer


class Achievement(IdMixin, Base):
    """What can be earned; its content lives in versions so issued credentials never change."""

    __tablename__ = "achievements"

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), index=True
    )
    issuer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("issuers.id"), index=True)
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime]
    archived_at: Mapped[datetime | None]

    versions: Mapped[list[AchievementVersion]] = relationship(
        back_populates="achievement", order_by="AchievementVersion.version", lazy="selectin"
    )
    issuer: Mapped[Issuer] = relationship()


class AchievementVersion(IdMixin, Base):
    """One immutable revision of an achievement's content (OB3 Achievement fields)."""

    __tablename__ = "achievement_versions"
    __table_args__ = (UniqueConstraint("achievement_id", "version"),)

    achievement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("achievements.id", ondelete="CASCADE")
    )
    version: Mapped[int]
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    image_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("images.id"))
    created_at: Mapped[datetime]

    achievement: Mapped[Achievement] = relationship(back_populates="versions")


class StatusList(IdMixin, Base):
    """One Bitstring Status List of an issuer for one purpose; slots are handed out once."""

    __tablename__ = "status_lists"

    issuer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("issuers.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))  # revocation | suspension
    size: Mapped[int]
    allocated: Mapped[int] = mapped_column(default=0)
    # index = (stride * n + offset) mod size: a bijection for odd stride and size 2^k, so
    # consecutive credentials land far apart (herd privacy) and no index is used twice.
    stride: Mapped[int]
    offset: Mapped[int]
    created_at: Mapped[datetime]
    # When a bit last changed: the published list's validFrom, so its text (and ETag) is a
    # function of the stored state, the same from every worker.
    updated_at: Mapped[datetime | None]

    issuer: Mapped[Issuer] = relationship()


class Credential(IdMixin, Base):
    """An awarded credential; `id` is its public, unguessable URL segment.

    Its signed documents never change; only its status does (revocation.py), never deleted.
    """

    __tablename__ = "credentials"

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), index=True
    )
    issuer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("issuers.id"), index=True)
    achievement_version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("achievement_versions.id"), index=True
    )
    recipient: Mapped[dict[str, Any]] = mapped_column(JSON)  # type, identity (maybe hashed)
    recipient_name: Mapped[str] = mapped_column(String(200), default="")
    # The earner's address in plain text for email recipients, never published: it tells
    # which account may set the page's display (issuer/earners) and survives reissues.
    earner_email: Mapped[str | None] = mapped_column(String(254), index=True)
    subject_id: Mapped[str] = mapped_column(String(2048))
    status_list_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("status_lists.id"), index=True)
    status_index: Mapped[int]
    valid_from: Mapped[datetime]
    valid_until: Mapped[datetime | None]
    # The signed formats, stored as the exact text served, so bytes never drift.
    ob3_json: Mapped[str] = mapped_column(Text)  # OB 3.0 with a Data Integrity proof
    ob3_jwt: Mapped[str] = mapped_column(Text)  # the same credential as a VC-JWT
    ob2_json: Mapped[str] = mapped_column(Text)  # OB 2.0 hosted assertion
    ob2_jws: Mapped[str] = mapped_column(Text)  # OB 2.0 signed assertion
    created_at: Mapped[datetime]
    # The current state; CredentialStatusChange keeps how it got there.
    status: Mapped[str] = mapped_column(String(16), default="active", server_default="active")
    status_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    status_changed_at: Mapped[datetime | None]
    # Set when a corrected credential replaced this one (revoked with reason "superseded").
    superseded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("credentials.id"))
    # What this award is for, when the caller names it ("enrolment:<id>"): unique, so a
    # second award for the same thing, by any worker at any time, fails at the database.
    award_key: Mapped[str | None] = mapped_column(String(200), unique=True)

    issuer: Mapped[Issuer] = relationship()
    achievement_version: Mapped[AchievementVersion] = relationship()
    status_list: Mapped[StatusList] = relationship()


class CredentialStatusChange(IdMixin, Base):
    """One change of a credential's status, append-only: who, when, to what, and why."""

    __tablename__ = "credential_status_changes"

    credential_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("credentials.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16))  # active | suspended | revoked
    reason: Mapped[str] = mapped_column(Text, default="")
    actor_type: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
