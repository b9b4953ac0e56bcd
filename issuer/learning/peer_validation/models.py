"""Mentors assigned to paths, and their one final decision on each piece of evidence."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from issuer.db import Base, IdMixin


class PathMentor(Base):
    """`user_id` validates evidence on `path_id` (while holding the mentor role there)."""

    __tablename__ = "path_mentors"

    path_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("certification_paths.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    assigned_at: Mapped[datetime]


class ValidationDecision(IdMixin, Base):
    """The final decision on one evidence evaluation: unique, so there is never a second."""

    __tablename__ = "validation_decisions"

    evaluation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("evaluations.id", ondelete="CASCADE"), unique=True
    )
    decided_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    decision: Mapped[str] = mapped_column(String(16))  # approved | rejected
    comment: Mapped[str] = mapped_column(Text, default="")
    rubric_scores: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    decided_at: Mapped[datetime]
