"""Paths and their versions, cohorts, enrolments with progress, and competency frameworks."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from issuer.db import Base, IdMixin

PERCENT = Numeric(5, 2)  # exact, so 79.99 never rounds up to a pass


class LearningPolicy(Base):
    """A tenant's own pass mark and retry cooldown; without a row, the settings' defaults."""

    __tablename__ = "learning_policies"

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    pass_percent: Mapped[Decimal] = mapped_column(PERCENT)
    retry_cooldown_min: Mapped[int]
    updated_at: Mapped[datetime]


class CertificationPath(IdMixin, Base):
    """A program learners follow; what they follow is one of its published versions."""

    __tablename__ = "certification_paths"

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), index=True
    )
    issuer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("issuers.id"), index=True)
    visibility: Mapped[str] = mapped_column(String(16))  # public | tenant | invite
    published_version: Mapped[int | None]  # what new enrolments follow
    retired_at: Mapped[datetime | None]  # no new enrolments; learners under way finish
    created_at: Mapped[datetime]


class PathVersion(IdMixin, Base):
    """One revision: draft → in_review → published (or back to draft); then never edited.

    Publishing freezes the tenant's pass mark and cooldown into the version, so changing
    the policy later never re-judges anyone's attempts.
    """

    __tablename__ = "path_versions"
    __table_args__ = (UniqueConstraint("path_id", "version"),)

    path_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("certification_paths.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int]
    status: Mapped[str] = mapped_column(String(16))  # draft | in_review | published
    # name, description, steps, milestones, required_achievements (see schemas.PathContent)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    pass_percent: Mapped[Decimal | None] = mapped_column(PERCENT)
    retry_cooldown_min: Mapped[int | None]
    review_comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    published_at: Mapped[datetime | None]


class Cohort(IdMixin, Base):
    """A batch of learners taking a path together."""

    __tablename__ = "cohorts"

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), index=True
    )
    path_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("certification_paths.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    enrolment: Mapped[str] = mapped_column(String(16))  # open | invite
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class Invitation(IdMixin, Base):
    """Leave for one email address to join an invite-only cohort (or path)."""

    __tablename__ = "cohort_invitations"
    __table_args__ = (UniqueConstraint("cohort_id", "email"),)

    cohort_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cohorts.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime]


class Enrolment(IdMixin, Base):
    """One learner in one cohort, on the path version current when they joined."""

    __tablename__ = "enrolments"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), index=True
    )
    cohort_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cohorts.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    path_version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("path_versions.id"))
    status: Mapped[str] = mapped_column(String(16), default="enrolled")  # | completed
    completed_steps: Mapped[list[str]] = mapped_column(JSON, default=list)
    progress: Mapped[int] = mapped_column(default=0)  # 0–100, of the required steps
    score: Mapped[Decimal | None] = mapped_column(PERCENT)  # best passing evaluation, in %
    time_spent_seconds: Mapped[int] = mapped_column(default=0)
    enrolled_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]


class CompetencyFramework(IdMixin, Base):
    """A CASE 1.0 CFDocument with its items, imported or defined here."""

    __tablename__ = "competency_frameworks"
    __table_args__ = (UniqueConstraint("tenant_id", "identifier"),)

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), index=True
    )
    identifier: Mapped[str] = mapped_column(String(200))  # the CFDocument's identifier
    uri: Mapped[str] = mapped_column(String(2048))
    title: Mapped[str] = mapped_column(String(500))
    document: Mapped[dict[str, Any]] = mapped_column(JSON)  # the CFDocument as given
    associations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime]


class CompetencyItem(IdMixin, Base):
    """A CASE CFItem: the target of OB 3.0 alignments with targetType CFItem."""

    __tablename__ = "competency_items"
    __table_args__ = (UniqueConstraint("framework_id", "identifier"),)

    framework_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("competency_frameworks.id", ondelete="CASCADE"), index=True
    )
    identifier: Mapped[str] = mapped_column(String(200))
    uri: Mapped[str] = mapped_column(String(2048))
    full_statement: Mapped[str] = mapped_column(Text)
    human_coding_scheme: Mapped[str] = mapped_column(String(200), default="")
    item_type: Mapped[str] = mapped_column(String(200), default="")
