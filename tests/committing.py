"""Fixtures for tests that commit for real (concurrency): a database of their own.

The `app` fixture's database joins one outer transaction per test, so no second connection
sees its rows and nothing two transactions do to each other can be tested there. Use the
fixture `live`; tests/conftest.py registers this module as a plugin, as it does tests/mailbox.py.
The database lives for the run, so each test makes tenants of its own.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from cryptography.fernet import Fernet
from flask import Flask

from issuer import create_app, migrate
from issuer.db import db
from issuer.settings import Settings
from tests.databases import fresh_database

ANSWERS = {200, 201, 204, 409, 503}  # what a client can act on: done, conflict, come back


@pytest.fixture(scope="session")
def own_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database these tests may commit to: a temp SQLite file or a fresh schema."""
    with fresh_database(
        os.environ.get("DATABASE_URL"), tmp_path_factory.mktemp("committing"), "test_cw"
    ) as url:
        yield url


@pytest.fixture(scope="session")
def migrated(own_database: str) -> str:
    app = create_app(_settings(own_database))
    migrate.upgrade(db.state(app).engine)
    db.state(app).engine.dispose()
    return own_database


_MASTER_KEY = Fernet.generate_key().decode()


def _settings(url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "secret_key": "test-secret-" + "x" * 32,
        "database_url": url,
        "public_url": "https://certs.example.test",
        "master_keys": (_MASTER_KEY,),
    }
    return Settings(**{**values, **overrides})


@pytest.fixture
def live(migrated: str, tmp_path: Any) -> Iterator[Callable[..., Flask]]:
    """Build an app on the committing database, with settings overridden as given."""
    made: list[Flask] = []

    def build(**overrides: Any) -> Flask:
        app = create_app(_settings(migrated, evidence_dir=tmp_path / "evidence", **overrides))
        app.testing = True
        made.append(app)
        return app

    yield build
    for app in made:
        db.state(app).engine.dispose()


def at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run `calls` in threads released together; return their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        results[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def answered(response: Any) -> None:
    """A response is one of the answers a client can act on; 503 says when to come back."""
    assert response.status_code in ANSWERS, (response.status_code, response.get_data(True))
    if response.status_code == 503:
        assert response.mimetype == "application/problem+json"
        assert int(response.headers["Retry-After"]) > 0
