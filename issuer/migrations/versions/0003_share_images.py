"""share images: the cached Open Graph image of each credential

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 03:25:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "share_images",
        sa.Column("credential_id", sa.Uuid(), nullable=False),
        sa.Column("png", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["credentials.id"],
            name=op.f("fk_share_images_credential_id_credentials"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("credential_id", name=op.f("pk_share_images")),
    )


def downgrade() -> None:
    op.drop_table("share_images")
