"""A database of a run's own: a SQLite file in a temp dir, or a fresh PostgreSQL schema.

Tests pass DATABASE_URL, benchmarks their own URL; the schema is dropped afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, make_url


@contextmanager
def fresh_database(url: str | None, directory: Path, name: str) -> Iterator[str]:
    """An empty database called `name`: a file in `directory` without `url`, else a schema
    in `url`'s PostgreSQL."""
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
