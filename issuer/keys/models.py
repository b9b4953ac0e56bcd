"""Issuer signing keys: public part in clear, private part encrypted with the master key."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from issuer.db import Base, IdMixin


class IssuerKey(IdMixin, Base):
    """One key pair; `retired_at` set means it no longer signs but still verifies."""

    __tablename__ = "issuer_keys"

    issuer_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("issuers.id", ondelete="CASCADE"), index=True
    )
    algorithm: Mapped[str] = mapped_column(String(16))  # Ed25519 | P-256 | RSA
    fragment: Mapped[str] = mapped_column(String(64))  # RFC 7638 JWK thumbprint
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSON)
    encrypted_private_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    retired_at: Mapped[datetime | None]
