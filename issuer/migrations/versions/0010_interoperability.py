"""certification interoperability: mappings of local paths to external systems

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 04:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "interop_mappings",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("path_id", sa.Uuid(), nullable=False),
        sa.Column("system", sa.String(length=64), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["path_id"],
            ["certification_paths.id"],
            name=op.f("fk_interop_mappings_path_id_certification_paths"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_interop_mappings_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interop_mappings")),
        sa.UniqueConstraint("path_id", "system", name=op.f("uq_interop_mappings_path_id")),
        sa.UniqueConstraint(
            "tenant_id", "system", "external_id", name=op.f("uq_interop_mappings_tenant_id")
        ),
    )
    with op.batch_alter_table("interop_mappings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_interop_mappings_path_id"), ["path_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_interop_mappings_tenant_id"), ["tenant_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("interop_mappings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interop_mappings_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_interop_mappings_path_id"))

    op.drop_table("interop_mappings")
