"""Renderings of public pages kept once: a credential never changes, so neither do they."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary
from sqlalchemy.orm import Mapped, mapped_column

from issuer.db import Base


class ShareImage(Base):
    """The 1200×627 Open Graph image of a credential, rendered on first request."""

    __tablename__ = "share_images"

    credential_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("credentials.id", ondelete="CASCADE"), primary_key=True
    )
    png: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
