"""SQLAlchemy 2.0 set-up: declarative base, one engine per app, a session per app context."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app
from flask.globals import app_ctx
from sqlalchemy import DateTime, Engine, MetaData, Select, create_engine, event, func, select
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    scoped_session,
    sessionmaker,
)
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    """Base of every model; constraint names follow NAMING_CONVENTION for Alembic."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


class IdMixin:
    """A random UUID primary key: ids in URLs never reveal counts or order."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)


@dataclass
class _State:
    engine: Engine
    sessionmaker: sessionmaker[Session]


def make_engine(url: str, *, busy_timeout: float = 5.0) -> Engine:
    """Create an engine; SQLite gets foreign keys, real SAVEPOINTs and concurrent writers.

    SQLite: the WAL journal lets readers run beside the one writer, and a writer that finds
    the database locked waits up to `busy_timeout` seconds instead of failing at once (a
    transaction that read first fails at once; transactions.unit_of_work runs it again).
    """
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy emit BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


def _app_context_id() -> int:
    return id(app_ctx._get_current_object())  # type: ignore[attr-defined]


class Database:
    """Bound to an app by `init_app`; `db.session` is the current app context's session."""

    def __init__(self) -> None:
        self.session: scoped_session[Session] = scoped_session(
            self._new_session,  # type: ignore[arg-type]  # any Session factory works
            scopefunc=_app_context_id,
        )

    def init_app(self, app: Flask, url: str, *, busy_timeout: float = 5.0) -> None:
        engine = make_engine(url, busy_timeout=busy_timeout)
        app.extensions["sqlalchemy"] = _State(engine, sessionmaker(engine, expire_on_commit=False))
        app.teardown_appcontext(self._remove)

    @staticmethod
    def state(app: Flask | None = None) -> _State:
        state: _State = (app or current_app).extensions["sqlalchemy"]
        return state

    def _new_session(self) -> Session:
        return self.state().sessionmaker()

    def _remove(self, _exc: BaseException | None) -> None:
        self.session.remove()


db = Database()


def page(stmt: Select[Any], pagination: Any) -> list[Any]:
    """One page of `stmt` for flask-smorest's `@blp.paginate()`, setting the total count."""
    pagination.item_count = db.session.scalar(
        select(func.count()).select_from(stmt.order_by(None).subquery())
    )
    offset = (pagination.page - 1) * pagination.page_size
    if offset >= pagination.item_count:  # past the end; a huge offset also overflows the driver
        return []
    return list(db.session.scalars(stmt.offset(offset).limit(pagination.page_size)))
