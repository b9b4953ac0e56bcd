"""credential status: revoked or suspended, with an append-only history of changes

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 03:17:40.849072
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "credential_status_changes",
        sa.Column("credential_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor_type", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["credentials.id"],
            name=op.f("fk_credential_status_changes_credential_id_credentials"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credential_status_changes")),
    )
    with op.batch_alter_table("credential_status_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_credential_status_changes_credential_id"),
            ["credential_id"],
            unique=False,
        )

    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=16), server_default="active", nullable=False)
        )
        batch_op.add_column(
            sa.Column("status_reason", sa.Text(), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            batch_op.f("ix_credentials_status_list_id"), ["status_list_id"], unique=False
        )

    with op.batch_alter_table("status_lists", schema=None) as batch_op:
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("status_lists", schema=None) as batch_op:
        batch_op.drop_column("updated_at")

    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credentials_status_list_id"))
        batch_op.drop_column("status_changed_at")
        batch_op.drop_column("status_reason")
        batch_op.drop_column("status")

    with op.batch_alter_table("credential_status_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credential_status_changes_credential_id"))

    op.drop_table("credential_status_changes")
