"""certificates attached to paths, issue rules, automatic issuance and its failures

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23 04:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "path_certificates",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("path_id", sa.Uuid(), nullable=False),
        sa.Column("achievement_id", sa.Uuid(), nullable=False),
        sa.Column("template_version", sa.Integer(), nullable=True),
        sa.Column("certificate_type", sa.String(length=16), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["achievement_id"],
            ["achievements.id"],
            name=op.f("fk_path_certificates_achievement_id_achievements"),
        ),
        sa.ForeignKeyConstraint(
            ["path_id"],
            ["certification_paths.id"],
            name=op.f("fk_path_certificates_path_id_certification_paths"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_path_certificates_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_path_certificates")),
    )
    with op.batch_alter_table("path_certificates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_path_certificates_path_id"), ["path_id"])
        batch_op.create_index(batch_op.f("ix_path_certificates_tenant_id"), ["tenant_id"])
        batch_op.create_index(batch_op.f("ix_path_certificates_ended_at"), ["ended_at"])

    op.create_table(
        "completion_issuances",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("enrolment_id", sa.Uuid(), nullable=False),
        sa.Column("path_certificate_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("trace", sa.JSON(), nullable=False),
        sa.Column("credential_id", sa.Uuid(), nullable=True),
        sa.Column("failure", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["credentials.id"],
            name=op.f("fk_completion_issuances_credential_id_credentials"),
        ),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["enrolments.id"],
            name=op.f("fk_completion_issuances_enrolment_id_enrolments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["path_certificate_id"],
            ["path_certificates.id"],
            name=op.f("fk_completion_issuances_path_certificate_id_path_certificates"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_completion_issuances_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_completion_issuances")),
        sa.UniqueConstraint("enrolment_id", name=op.f("uq_completion_issuances_enrolment_id")),
    )
    with op.batch_alter_table("completion_issuances", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_completion_issuances_status"), ["status"])
        batch_op.create_index(batch_op.f("ix_completion_issuances_tenant_id"), ["tenant_id"])

    op.create_table(
        "certificate_choices",
        sa.Column("credential_id", sa.Uuid(), nullable=False),
        sa.Column("template_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["credentials.id"],
            name=op.f("fk_certificate_choices_credential_id_credentials"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["certificate_templates.id"],
            name=op.f("fk_certificate_choices_template_id_certificate_templates"),
        ),
        sa.PrimaryKeyConstraint("credential_id", name=op.f("pk_certificate_choices")),
    )


def downgrade() -> None:
    op.drop_table("certificate_choices")
    op.drop_table("completion_issuances")
    op.drop_table("path_certificates")
