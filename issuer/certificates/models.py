"""Certificate templates (versioned per issuer) and rendered PDFs, kept once rendered."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from issuer.db import Base, IdMixin


class CertificateTemplate(IdMixin, Base):
    """One version of an issuer's certificate template, named by its `templates/` folder."""

    __tablename__ = "certificate_templates"
    __table_args__ = (UniqueConstraint("issuer_id", "version"),)

    issuer_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("issuers.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int]
    name: Mapped[str] = mapped_column(String(63))  # templates/certificates/<name>/
    created_at: Mapped[datetime]


class CertificatePdf(Base):
    """A credential's certificate as first rendered; never re-rendered, so it never changes."""

    __tablename__ = "certificate_pdfs"

    credential_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("credentials.id", ondelete="CASCADE"), primary_key=True
    )
    template_name: Mapped[str] = mapped_column(String(63))
    template_version: Mapped[int]
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    downloads: Mapped[int] = mapped_column(default=0)  # earner downloads, for the ratio metric
    created_at: Mapped[datetime]


class CertificateChoice(Base):
    """The template version chosen when a credential was issued (e.g. by a path's attached
    certificate); without one, a certificate uses the issuer's template current at rendering."""

    __tablename__ = "certificate_choices"

    credential_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("credentials.id", ondelete="CASCADE"), primary_key=True
    )
    template_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("certificate_templates.id"))
