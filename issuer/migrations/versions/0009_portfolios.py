"""skills portfolio: portfolios and their items (evidence files and links)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 04:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "portfolios",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_portfolios_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portfolios")),
        sa.UniqueConstraint("user_id", name=op.f("uq_portfolios_user_id")),
    )

    op.create_table(
        "portfolio_items",
        sa.Column("portfolio_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("media_type", sa.String(length=200), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("storage_key", sa.String(length=64), nullable=True),
        sa.Column("url", sa.String(length=2048), nullable=True),
        sa.Column("path_id", sa.Uuid(), nullable=True),
        # No foreign key: evaluations (0008) were written concurrently; linked by id only.
        sa.Column("evaluation_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["path_id"],
            ["certification_paths.id"],
            name=op.f("fk_portfolio_items_path_id_certification_paths"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["portfolio_id"],
            ["portfolios.id"],
            name=op.f("fk_portfolio_items_portfolio_id_portfolios"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portfolio_items")),
    )
    with op.batch_alter_table("portfolio_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_portfolio_items_evaluation_id"), ["evaluation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_portfolio_items_path_id"), ["path_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_portfolio_items_portfolio_id"), ["portfolio_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("portfolio_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_portfolio_items_portfolio_id"))
        batch_op.drop_index(batch_op.f("ix_portfolio_items_path_id"))
        batch_op.drop_index(batch_op.f("ix_portfolio_items_evaluation_id"))

    op.drop_table("portfolio_items")
    op.drop_table("portfolios")
