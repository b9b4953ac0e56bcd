"""Mappings of local certification paths to the ids an external system (an LMS) knows them by."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from issuer.db import Base, IdMixin


class InteropMapping(IdMixin, Base):
    """One path as one external system knows it: each id names one path, each path one id."""

    __tablename__ = "interop_mappings"
    __table_args__ = (
        UniqueConstraint("tenant_id", "system", "external_id"),
        UniqueConstraint("path_id", "system"),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), index=True
    )
    path_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("certification_paths.id", ondelete="CASCADE"), index=True
    )
    system: Mapped[str] = mapped_column(String(64))  # a slug: moodle, canvas, sunbird, ...
    external_id: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
