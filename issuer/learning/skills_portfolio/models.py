"""A learner's portfolio and its items: stored evidence files and links."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from issuer.db import Base, IdMixin


class Portfolio(IdMixin, Base):
    """One per person; `id` is its public, unguessable URL segment once made public."""

    __tablename__ = "portfolios"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True
    )
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[str] = mapped_column(String(16), default="private")  # | public
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class PortfolioItem(IdMixin, Base):
    """An evidence file (kind file) or an http(s) link (kind link, or video for known hosts)."""

    __tablename__ = "portfolio_items"

    portfolio_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("portfolios.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # file | link | video
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    # Files only: the sniffed type (never the client's), size, digest and where the bytes are.
    media_type: Mapped[str | None] = mapped_column(String(200))
    size: Mapped[int | None]
    sha256: Mapped[str | None] = mapped_column(String(64))
    storage_key: Mapped[str | None] = mapped_column(String(64))
    url: Mapped[str | None] = mapped_column(String(2048))  # links only
    path_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("certification_paths.id", ondelete="SET NULL"), index=True
    )
    # No foreign key: the evaluations table (0008) was written concurrently with this one,
    # so the link is by id only and a vanished evaluation leaves the item as it was.
    evaluation_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    created_at: Mapped[datetime]
