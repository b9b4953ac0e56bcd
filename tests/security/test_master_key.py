"""Attack (operator error): start with a lost or wrong master key, or drop an old one too soon.

Each test has its own migrated SQLite file, so keys written by one app are really committed
and read back by the next one, as after a restart with other settings.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from flask import Flask

from issuer import create_app, migrate
from issuer.db import db
from issuer.settings import Settings, SettingsError
from tests.factories import Factories


def _app(database: Path, *master_keys: str) -> Flask:
    settings = Settings(
        secret_key="test-secret-" + "x" * 32,
        database_url=f"sqlite:///{database}",
        public_url="https://certs.example.test",
        master_keys=master_keys,
    )
    app = create_app(settings)
    migrate.upgrade(db.state(app).engine)
    return app


def _issue(app: Flask) -> None:
    factories = Factories(app)
    issuer = factories.issuer(factories.tenant())
    factories.credential(factories.achievement(issuer))  # signs with Ed25519 and RSA


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "keys.sqlite3"


def test_an_empty_database_starts_with_any_master_key(database: Path) -> None:
    _app(database, Fernet.generate_key().decode())
    _app(database, Fernet.generate_key().decode())  # still no stored key to open


def test_a_wrong_master_key_stops_start_up_naming_the_setting(database: Path) -> None:
    _issue(_app(database, Fernet.generate_key().decode()))
    with pytest.raises(SettingsError, match="CERTIFIKATION_MASTER_KEY") as raised:
        _app(database, Fernet.generate_key().decode())
    assert "cannot decrypt issuer key" in str(raised.value)
    assert len(raised.value.key_ids) == 2  # type: ignore[attr-defined]  # oldest and newest


def test_rotate_master_key_lets_the_old_key_be_dropped(database: Path) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    _issue(_app(database, old))

    rotating = _app(database, new, old)
    result = rotating.test_cli_runner().invoke(args=["rotate-master-key"])
    assert result.exit_code == 0, result.output
    assert "Re-encrypted 2 issuer key(s)" in result.output and "(0 already were)" in result.output
    again = rotating.test_cli_runner().invoke(args=["rotate-master-key"])
    assert "Re-encrypted 0 issuer key(s)" in again.output and "(2 already were)" in again.output

    _issue(_app(database, new))  # the old issuer's keys open and a new issuer's are made
    with pytest.raises(SettingsError, match="CERTIFIKATION_MASTER_KEY"):
        _app(database, old)  # nothing is left under the old key


def test_rotate_master_key_changes_nothing_when_a_key_cannot_be_opened(database: Path) -> None:
    kept, lost, new = (Fernet.generate_key().decode() for _ in range(3))
    _issue(_app(database, kept))
    _issue(_app(database, lost, kept))  # a middle issuer's keys, under a key about to be lost
    _issue(_app(database, kept, lost))

    starts = _app(database, new, kept)  # the oldest and newest keys open: start-up passes
    failed = starts.test_cli_runner().invoke(args=["rotate-master-key"])
    assert failed.exit_code == 1 and "CERTIFIKATION_MASTER_KEY" in failed.output
    assert len(re.findall(r"[0-9a-f]{8}-[0-9a-f-]{27}", failed.output)) == 2  # the middle two

    complete = _app(database, new, kept, lost).test_cli_runner()
    result = complete.invoke(args=["rotate-master-key"])
    assert "Re-encrypted 6 issuer key(s)" in result.output  # the failed run moved none


def test_the_start_up_check_leaves_no_connection_open(database: Path) -> None:
    """A server forking workers after create_app (gunicorn --preload) must share no socket."""
    key = Fernet.generate_key().decode()
    _issue(_app(database, key))
    settings = Settings(
        secret_key="test-secret-" + "x" * 32,
        database_url=f"sqlite:///{database}",
        public_url="https://certs.example.test",
        master_keys=(key,),
    )
    engine = db.state(create_app(settings)).engine
    assert engine.pool.checkedin() == 0 and engine.pool.checkedout() == 0
