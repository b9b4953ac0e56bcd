"""An earner's display choices for a credential's page, and requests to correct their name."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from issuer.db import Base, IdMixin
from issuer.issuance.models import Credential


class CredentialDisplay(Base):
    """What the public sees of one credential; no row means the defaults (all shown)."""

    __tablename__ = "credential_displays"

    credential_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("credentials.id", ondelete="CASCADE"), primary_key=True
    )
    hidden: Mapped[bool] = mapped_column(default=False)  # every public URL answers 404
    show_name: Mapped[bool] = mapped_column(default=True)
    show_evidence: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime]


class NameChangeRequest(IdMixin, Base):
    """An earner asks for the name on a credential to be corrected; the issuer decides."""

    __tablename__ = "name_change_requests"

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), index=True
    )
    credential_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("credentials.id", ondelete="CASCADE"), index=True
    )
    requested_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    current_name: Mapped[str] = mapped_column(String(200))
    requested_name: Mapped[str] = mapped_column(String(200))
    comment: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    decided_by: Mapped[str | None] = mapped_column(String(64))  # actor id, as audit records it
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None]
    replacement_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("credentials.id"))
    created_at: Mapped[datetime]

    credential: Mapped[Credential] = relationship(foreign_keys=[credential_id])
