"""certification paths, cohorts, enrolments, competency frameworks

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 04:24:09.986430
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "competency_frameworks",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("identifier", sa.String(length=200), nullable=False),
        sa.Column("uri", sa.String(length=2048), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("associations", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_competency_frameworks_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competency_frameworks")),
        sa.UniqueConstraint(
            "tenant_id", "identifier", name=op.f("uq_competency_frameworks_tenant_id")
        ),
    )
    with op.batch_alter_table("competency_frameworks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_competency_frameworks_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "learning_policies",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("pass_percent", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("retry_cooldown_min", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_learning_policies_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_learning_policies")),
    )
    op.create_table(
        "certification_paths",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("issuer_id", sa.Uuid(), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("published_version", sa.Integer(), nullable=True),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["issuer_id"], ["issuers.id"], name=op.f("fk_certification_paths_issuer_id_issuers")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_certification_paths_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certification_paths")),
    )
    with op.batch_alter_table("certification_paths", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_certification_paths_issuer_id"), ["issuer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_certification_paths_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "competency_items",
        sa.Column("framework_id", sa.Uuid(), nullable=False),
        sa.Column("identifier", sa.String(length=200), nullable=False),
        sa.Column("uri", sa.String(length=2048), nullable=False),
        sa.Column("full_statement", sa.Text(), nullable=False),
        sa.Column("human_coding_scheme", sa.String(length=200), nullable=False),
        sa.Column("item_type", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["framework_id"],
            ["competency_frameworks.id"],
            name=op.f("fk_competency_items_framework_id_competency_frameworks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competency_items")),
        sa.UniqueConstraint(
            "framework_id", "identifier", name=op.f("uq_competency_items_framework_id")
        ),
    )
    with op.batch_alter_table("competency_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_competency_items_framework_id"), ["framework_id"], unique=False
        )

    op.create_table(
        "cohorts",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("path_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("enrolment", sa.String(length=16), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["path_id"],
            ["certification_paths.id"],
            name=op.f("fk_cohorts_path_id_certification_paths"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_cohorts_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cohorts")),
    )
    with op.batch_alter_table("cohorts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cohorts_path_id"), ["path_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cohorts_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "path_versions",
        sa.Column("path_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("pass_percent", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("retry_cooldown_min", sa.Integer(), nullable=True),
        sa.Column("review_comment", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["path_id"],
            ["certification_paths.id"],
            name=op.f("fk_path_versions_path_id_certification_paths"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_path_versions")),
        sa.UniqueConstraint("path_id", "version", name=op.f("uq_path_versions_path_id")),
    )
    with op.batch_alter_table("path_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_path_versions_path_id"), ["path_id"], unique=False)

    op.create_table(
        "cohort_invitations",
        sa.Column("cohort_id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohorts.id"],
            name=op.f("fk_cohort_invitations_cohort_id_cohorts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cohort_invitations")),
        sa.UniqueConstraint("cohort_id", "email", name=op.f("uq_cohort_invitations_cohort_id")),
    )
    with op.batch_alter_table("cohort_invitations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cohort_invitations_cohort_id"), ["cohort_id"], unique=False
        )

    op.create_table(
        "enrolments",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("cohort_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("path_version_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("completed_steps", sa.JSON(), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("score", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("time_spent_seconds", sa.Integer(), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohorts.id"],
            name=op.f("fk_enrolments_cohort_id_cohorts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["path_version_id"],
            ["path_versions.id"],
            name=op.f("fk_enrolments_path_version_id_path_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_enrolments_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_enrolments_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrolments")),
        sa.UniqueConstraint("cohort_id", "user_id", name=op.f("uq_enrolments_cohort_id")),
    )
    with op.batch_alter_table("enrolments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enrolments_cohort_id"), ["cohort_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_enrolments_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_enrolments_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("enrolments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrolments_user_id"))
        batch_op.drop_index(batch_op.f("ix_enrolments_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_enrolments_cohort_id"))

    op.drop_table("enrolments")
    with op.batch_alter_table("cohort_invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cohort_invitations_cohort_id"))

    op.drop_table("cohort_invitations")
    with op.batch_alter_table("path_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_path_versions_path_id"))

    op.drop_table("path_versions")
    with op.batch_alter_table("cohorts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cohorts_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_cohorts_path_id"))

    op.drop_table("cohorts")
    with op.batch_alter_table("competency_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_competency_items_framework_id"))

    op.drop_table("competency_items")
    with op.batch_alter_table("certification_paths", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certification_paths_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_certification_paths_issuer_id"))

    op.drop_table("certification_paths")
    op.drop_table("learning_policies")
    with op.batch_alter_table("competency_frameworks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_competency_frameworks_tenant_id"))

    op.drop_table("competency_frameworks")
