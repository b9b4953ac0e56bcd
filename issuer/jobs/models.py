"""A background job: what a long request asked for, its state and, when done, its outcome."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from issuer.db import Base, IdMixin


class Job(IdMixin, Base):
    """One job of a tenant: queued, running, then succeeded or failed; kept for its caller."""

    __tablename__ = "jobs"

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))  # a registered runner: completions-import ...
    state: Mapped[str] = mapped_column(String(16), default="queued")
    actor_type: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The request body as sent (an import's rows), dropped once the job has run.
    input: Mapped[bytes | None] = mapped_column(LargeBinary)
    input_type: Mapped[str] = mapped_column(String(100), default="")
    counts: Mapped[dict[str, int] | None] = mapped_column(JSON)
    detail: Mapped[str] = mapped_column(Text, default="")  # why it failed, in words
    errors: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)  # as problems'
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
