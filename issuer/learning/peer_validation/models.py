"""Mentors assigned to paths (their decisions are kept with the evaluations they judge)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from issuer.db import Base


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
