"""earner display settings, name-change requests, superseded credentials

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 04:18:22.629789
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "credential_displays",
        sa.Column("credential_id", sa.Uuid(), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("show_name", sa.Boolean(), nullable=False),
        sa.Column("show_evidence", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["credentials.id"],
            name=op.f("fk_credential_displays_credential_id_credentials"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("credential_id", name=op.f("pk_credential_displays")),
    )
    op.create_table(
        "name_change_requests",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("credential_id", sa.Uuid(), nullable=False),
        sa.Column("requested_by", sa.Uuid(), nullable=False),
        sa.Column("current_name", sa.String(length=200), nullable=False),
        sa.Column("requested_name", sa.String(length=200), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("replacement_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["credentials.id"],
            name=op.f("fk_name_change_requests_credential_id_credentials"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["replacement_id"],
            ["credentials.id"],
            name=op.f("fk_name_change_requests_replacement_id_credentials"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"], ["users.id"], name=op.f("fk_name_change_requests_requested_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_name_change_requests_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_name_change_requests")),
    )
    with op.batch_alter_table("name_change_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_name_change_requests_credential_id"), ["credential_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_name_change_requests_status"), ["status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_name_change_requests_tenant_id"), ["tenant_id"], unique=False
        )

    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.add_column(sa.Column("earner_email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("superseded_by_id", sa.Uuid(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_credentials_earner_email"), ["earner_email"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_credentials_superseded_by_id_credentials"),
            "credentials",
            ["superseded_by_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_credentials_superseded_by_id_credentials"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_credentials_earner_email"))
        batch_op.drop_column("superseded_by_id")
        batch_op.drop_column("earner_email")

    with op.batch_alter_table("name_change_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_name_change_requests_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_name_change_requests_status"))
        batch_op.drop_index(batch_op.f("ix_name_change_requests_credential_id"))

    op.drop_table("name_change_requests")
    op.drop_table("credential_displays")
