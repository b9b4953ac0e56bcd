"""evaluations: quizzes, questions, attempts and evidence, rubrics; mentors and decisions

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 04:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "quizzes",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("draw", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_quizzes_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quizzes")),
    )
    with op.batch_alter_table("quizzes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quizzes_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "questions",
        sa.Column("quiz_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["quiz_id"],
            ["quizzes.id"],
            name=op.f("fk_questions_quiz_id_quizzes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questions")),
    )
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_questions_quiz_id"), ["quiz_id"], unique=False)

    op.create_table(
        "path_mentors",
        sa.Column("path_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["path_id"],
            ["certification_paths.id"],
            name=op.f("fk_path_mentors_path_id_certification_paths"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_path_mentors_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("path_id", "user_id", name=op.f("pk_path_mentors")),
    )
    with op.batch_alter_table("path_mentors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_path_mentors_user_id"), ["user_id"], unique=False)

    op.create_table(
        "rubrics",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("path_id", sa.Uuid(), nullable=False),
        sa.Column("step_id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["path_id"],
            ["certification_paths.id"],
            name=op.f("fk_rubrics_path_id_certification_paths"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_rubrics_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rubrics")),
        sa.UniqueConstraint("path_id", "step_id", name=op.f("uq_rubrics_path_id")),
    )
    with op.batch_alter_table("rubrics", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rubrics_path_id"), ["path_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_rubrics_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "evaluations",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("path_id", sa.Uuid(), nullable=False),
        sa.Column("enrolment_id", sa.Uuid(), nullable=False),
        sa.Column("step_id", sa.String(length=64), nullable=False),
        sa.Column("quiz_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("raw_score", sa.Integer(), nullable=True),
        sa.Column("max_score", sa.Integer(), nullable=True),
        sa.Column("percent", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("metadata", sa.JSON(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["enrolments.id"],
            name=op.f("fk_evaluations_enrolment_id_enrolments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["path_id"],
            ["certification_paths.id"],
            name=op.f("fk_evaluations_path_id_certification_paths"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["quiz_id"], ["quizzes.id"], name=op.f("fk_evaluations_quiz_id_quizzes")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_evaluations_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_evaluations_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluations")),
    )
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evaluations_enrolment_id"), ["enrolment_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_evaluations_path_id"), ["path_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evaluations_quiz_id"), ["quiz_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evaluations_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_evaluations_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evaluations_user_id"), ["user_id"], unique=False)

    op.create_table(
        "validation_decisions",
        sa.Column("evaluation_id", sa.Uuid(), nullable=False),
        sa.Column("decided_by", sa.Uuid(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("rubric_scores", sa.JSON(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["users.id"], name=op.f("fk_validation_decisions_decided_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["evaluations.id"],
            name=op.f("fk_validation_decisions_evaluation_id_evaluations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_validation_decisions")),
        sa.UniqueConstraint("evaluation_id", name=op.f("uq_validation_decisions_evaluation_id")),
    )
    with op.batch_alter_table("validation_decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_validation_decisions_decided_by"), ["decided_by"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("validation_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_validation_decisions_decided_by"))

    op.drop_table("validation_decisions")
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluations_user_id"))
        batch_op.drop_index(batch_op.f("ix_evaluations_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_evaluations_status"))
        batch_op.drop_index(batch_op.f("ix_evaluations_quiz_id"))
        batch_op.drop_index(batch_op.f("ix_evaluations_path_id"))
        batch_op.drop_index(batch_op.f("ix_evaluations_enrolment_id"))

    op.drop_table("evaluations")
    with op.batch_alter_table("rubrics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rubrics_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_rubrics_path_id"))

    op.drop_table("rubrics")
    with op.batch_alter_table("path_mentors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_path_mentors_user_id"))

    op.drop_table("path_mentors")
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_questions_quiz_id"))

    op.drop_table("questions")
    with op.batch_alter_table("quizzes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quizzes_tenant_id"))

    op.drop_table("quizzes")
