"""award keys: one credential per completion, held by a unique key on credentials

Credentials already issued keep no key (NULL is never a duplicate); completions still owed
get theirs when they are issued, so no worker can sign a second one.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 18:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("credentials") as batch_op:
        batch_op.add_column(sa.Column("award_key", sa.String(length=200), nullable=True))
        batch_op.create_unique_constraint(op.f("uq_credentials_award_key"), ["award_key"])


def downgrade() -> None:
    with op.batch_alter_table("credentials") as batch_op:
        batch_op.drop_constraint(op.f("uq_credentials_award_key"), type_="unique")
        batch_op.drop_column("award_key")
