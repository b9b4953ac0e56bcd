"""certificates: template versions per issuer, and each credential's PDF as first rendered

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 03:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "certificate_templates",
        sa.Column("issuer_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=63), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["issuer_id"],
            ["issuers.id"],
            name=op.f("fk_certificate_templates_issuer_id_issuers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate_templates")),
        sa.UniqueConstraint("issuer_id", "version", name=op.f("uq_certificate_templates_issuer_id")),
    )
    with op.batch_alter_table("certificate_templates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_certificate_templates_issuer_id"), ["issuer_id"], unique=False
        )

    op.create_table(
        "certificate_pdfs",
        sa.Column("credential_id", sa.Uuid(), nullable=False),
        sa.Column("template_name", sa.String(length=63), nullable=False),
        sa.Column("template_version", sa.Integer(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("downloads", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["credentials.id"],
            name=op.f("fk_certificate_pdfs_credential_id_credentials"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("credential_id", name=op.f("pk_certificate_pdfs")),
    )


def downgrade() -> None:
    op.drop_table("certificate_pdfs")
    with op.batch_alter_table("certificate_templates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certificate_templates_issuer_id"))
    op.drop_table("certificate_templates")
