"""Alembic environment: migrates the database of the app (or connection) it is given."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context

from issuer.db import UTCDateTime
from issuer.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations through `flask --app wsgi migrate`, which binds the app.")


def render_item(kind: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Render app column types as plain SQLAlchemy ones, so migrations never import the app."""
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things: Alembic copies the table instead
    compare_type=True,
    render_item=render_item,
)
with context.begin_transaction():
    context.run_migrations()
