"""A database of a test run's own: a SQLite file in a temp dir, or a fresh PostgreSQL schema.

DATABASE_URL selects PostgreSQL; the schema is created for the run and dropped after it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, make_url


@contextmanager
def fresh_database(directory: Path, name: str) -> Iterator[str]:
    """The URL of an empty database called `name` (a file in `directory`, or a schema)."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        yield f"sqlite:///{directory}/{name}.sqlite3"
        return
    schema = f"{name}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield scoped.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()
