"""A certificate attached to a path (each change a new row) and one issuance per completion."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from issuer.db import Base, IdMixin


class PathCertificate(IdMixin, Base):
    """What a path awards on completion, and to whom (rules); never edited in place.

    Attaching adds a row; updating ends it and adds another; removing ends it. A completion
    is judged by the row in force when it happened, so later changes never alter it.
    """

    __tablename__ = "path_certificates"

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), index=True
    )
    path_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("certification_paths.id", ondelete="CASCADE"), index=True
    )
    achievement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("achievements.id"))
    template_version: Mapped[int | None]  # the issuer's certificate template; None: current
    certificate_type: Mapped[str] = mapped_column(String(16))  # completion | merit
    rules: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # None: every completion
    created_at: Mapped[datetime]
    ended_at: Mapped[datetime | None] = mapped_column(index=True)


class CompletionIssuance(IdMixin, Base):
    """The decision for one completion: at most one per enrolment, so never two credentials."""

    __tablename__ = "completion_issuances"

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), index=True
    )
    enrolment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("enrolments.id", ondelete="CASCADE"), unique=True
    )
    path_certificate_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("path_certificates.id"))
    # issued | not_eligible | queued (bulk imports) | failed (retried until issued)
    status: Mapped[str] = mapped_column(String(16), index=True)
    trace: Mapped[dict[str, Any]] = mapped_column(JSON)  # the rules' verdicts and values seen
    credential_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("credentials.id"))
    failure: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(default=0)
    decided_at: Mapped[datetime]
    issued_at: Mapped[datetime | None]
