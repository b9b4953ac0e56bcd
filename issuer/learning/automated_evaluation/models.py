"""Quizzes and their question banks, rubrics, evaluations (quiz attempts and evidence) and
a mentor's one final decision on a piece of evidence."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from issuer.db import Base, IdMixin
from issuer.learning.certification_path_management.models import PERCENT


class Quiz(IdMixin, Base):
    """An auto-graded quiz: a bank of questions, of which each attempt draws `draw`."""

    __tablename__ = "quizzes"

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(500))
    draw: Mapped[int | None]  # questions per attempt; None: the whole bank
    created_at: Mapped[datetime]


class Question(IdMixin, Base):
    """One question of a bank; retired rather than edited, so past attempts still grade."""

    __tablename__ = "questions"

    quiz_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("quizzes.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # single | multiple | numeric | text
    prompt: Mapped[str] = mapped_column(Text)
    choices: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)  # [{id, text}]
    # single: a choice id; multiple: choice ids; numeric: {value, tolerance}; text: [accepted]
    answer: Mapped[Any] = mapped_column(JSON)
    points: Mapped[int] = mapped_column(default=1)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    retired_at: Mapped[datetime | None]


class Rubric(IdMixin, Base):
    """Criteria × levels with points, with which mentors score one evidence step of a path."""

    __tablename__ = "rubrics"
    __table_args__ = (UniqueConstraint("path_id", "step_id"),)

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), index=True
    )
    path_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("certification_paths.id", ondelete="CASCADE"), index=True
    )
    step_id: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(500))
    # [{id, name, levels: [{id, name, points}]}]
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Evaluation(IdMixin, Base):
    """One quiz attempt or one piece of evidence, and how it was judged.

    Quiz: started → graded (passed set). Evidence: awaiting_validation → approved | rejected,
    or approved at once on a step without peer validation.
    """

    __tablename__ = "evaluations"

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    path_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("certification_paths.id", ondelete="CASCADE"), index=True
    )
    enrolment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("enrolments.id", ondelete="CASCADE"), index=True
    )
    step_id: Mapped[str] = mapped_column(String(64))
    quiz_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("quizzes.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # quiz | evidence
    status: Mapped[str] = mapped_column(String(24), index=True)
    raw_score: Mapped[int | None]
    max_score: Mapped[int | None]
    percent: Mapped[Decimal | None] = mapped_column(PERCENT)
    passed: Mapped[bool | None]  # None until graded or decided
    # answers, per-question outcome, rubric scores, duration, the attempt's draw and seed
    details: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, default=dict)
    started_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decision: Mapped[ValidationDecision | None] = relationship(viewonly=True)


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
