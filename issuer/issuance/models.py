"""Achievements (versioned), credentials (immutable once signed) and status-list slots."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from issuer.db import Base, IdMixin


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


class Credential(IdMixin, Base):
    """An awarded credential; `id` is its public, unguessable URL segment. Never edited."""

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
    subject_id: Mapped[str] = mapped_column(String(2048))
    status_list_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("status_lists.id"))
    status_index: Mapped[int]
    valid_from: Mapped[datetime]
    valid_until: Mapped[datetime | None]
    # The signed formats, stored as the exact text served, so bytes never drift.
    ob3_json: Mapped[str] = mapped_column(Text)  # OB 3.0 with a Data Integrity proof
    ob3_jwt: Mapped[str] = mapped_column(Text)  # the same credential as a VC-JWT
    ob2_json: Mapped[str] = mapped_column(Text)  # OB 2.0 hosted assertion
    ob2_jws: Mapped[str] = mapped_column(Text)  # OB 2.0 signed assertion
    created_at: Mapped[datetime]
