"""Fixtures: a migrated real database per run, a fresh app per test rolled back after it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from issuer import create_app, migrate
from issuer.clock import FrozenClock
from issuer.db import db
from issuer.extensions import limiter
from issuer.settings import Settings
from tests.databases import fresh_database
from tests.factories import Factories
from verifier.resolver import Offline

pytest_plugins = ["tests.mailbox", "tests.committing"]

MASTER_KEY = Fernet.generate_key().decode()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """SQLite in a temp dir, or a fresh schema in DATABASE_URL's PostgreSQL, dropped after."""
    with fresh_database(
        os.environ.get("DATABASE_URL"), tmp_path_factory.mktemp("db"), "test"
    ) as url:
        yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    """The run's engine, with every migration applied once (which also tests them)."""
    app = create_app(_settings(database_url))
    engine = db.state(app).engine
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


def _settings(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "secret_key": "test-secret-" + "x" * 32,
        "database_url": database_url,
        "public_url": "https://certs.example.test",
        "master_keys": (MASTER_KEY,),
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return _settings(database_url, evidence_dir=tmp_path / "evidence")  # never the repo's


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


@pytest.fixture
def app(settings: Settings, clock: FrozenClock, engine: Engine) -> Iterator[Flask]:
    """A fresh app whose sessions join one outer transaction, rolled back after the test."""
    app = create_app(settings, clock_=clock)
    app.testing = True
    state = db.state(app)
    state.engine.dispose()
    connection = engine.connect()
    transaction = connection.begin()
    state.sessionmaker = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    limiter.reset()
    app.extensions["resolver"] = Offline()  # tests have no network; some inject AppResolver
    yield app
    transaction.rollback()
    connection.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def factories(app: Flask) -> Factories:
    return Factories(app)
