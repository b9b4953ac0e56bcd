"""Settings come from the environment; bad ones fail at start naming the variable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from issuer import create_app
from issuer.settings import Settings, SettingsError, describe
from tests.paths import ROOT

PRODUCTION = {
    "SECRET_KEY": "s" * 40,
    "CERTIFIKATION_MASTER_KEY": Fernet.generate_key().decode(),
    "DATABASE_URL": "sqlite://",
}


def test_environment_values_are_parsed_by_type() -> None:
    settings = Settings.from_env(
        {
            **PRODUCTION,
            "CERTIFIKATION_USER_TOKEN_TTL": "60",
            "CERTIFIKATION_DEBUG": "no",
            "CERTIFIKATION_MASTER_KEY": "a, b",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
        }
        | {"CERTIFIKATION_DEBUG": "true", "CERTIFIKATION_MASTER_KEY": "k1,k2"}
    )
    assert settings.user_token_ttl == 60
    assert settings.debug is True
    assert settings.master_keys == ("k1", "k2")
    assert settings.redis_url == "redis://127.0.0.1:6379/0"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("CERTIFIKATION_USER_TOKEN_TTL", "an hour"),
        ("CERTIFIKATION_USER_TOKEN_TTL", "0"),
        ("CERTIFIKATION_DEBUG", "maybe"),
        ("DATABASE_URL", "mysql://localhost/x"),
        ("CERTIFIKATION_PUBLIC_URL", "certs.example.org"),
        ("CERTIFIKATION_PUBLIC_URL", "https://certs.example.org/sub/path"),
        ("CERTIFIKATION_LOGIN_RATE_LIMIT", "lots"),
        ("SECRET_KEY", "dev"),
        ("SECRET_KEY", "short"),
    ],
)
def test_a_malformed_setting_fails_naming_its_variable(variable: str, value: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(variable)):
        Settings.from_env({**PRODUCTION, variable: value})


def test_production_requires_a_master_key() -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != "CERTIFIKATION_MASTER_KEY"}
    with pytest.raises(SettingsError, match="CERTIFIKATION_MASTER_KEY"):
        Settings.from_env(env)


def test_an_unusable_master_key_fails_at_start() -> None:
    settings = Settings.from_env({**PRODUCTION, "CERTIFIKATION_MASTER_KEY": "not-a-fernet-key"})
    with pytest.raises(SettingsError, match="CERTIFIKATION_MASTER_KEY"):
        create_app(settings)


def test_debug_creates_a_private_dev_master_key(tmp_path: Path) -> None:
    key_file = tmp_path / "keys" / "dev-master.key"
    create_app(Settings(debug=True, database_url="sqlite://", master_key_file=key_file))
    assert key_file.exists() and key_file.stat().st_mode & 0o077 == 0
    first = key_file.read_text()
    create_app(Settings(debug=True, database_url="sqlite://", master_key_file=key_file))
    assert key_file.read_text() == first  # kept, so stored issuer keys stay readable


def test_readme_documents_every_variable() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = [name for name, _, _ in describe() if f"`{name}`" not in readme]
    assert not missing, f"README.md lacks {missing}"
