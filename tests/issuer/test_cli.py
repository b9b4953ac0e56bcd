"""Operator commands: the demo seed that `make run` relies on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient


def test_seed_demo_saves_credentials_that_work(
    app: Flask, client: FlaskClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    demo = json.loads((tmp_path / "instance" / "demo.json").read_text())
    assert {"admin_email", "admin_password", "client_id", "client_secret", "issuer_id"} <= set(demo)
    assert demo["admin_password"] in result.output and demo["client_secret"] in result.output
    assert (tmp_path / "instance" / "demo.json").stat().st_mode & 0o077 == 0

    login = client.post(
        "/api/v1/auth/login",
        json={"email": demo["admin_email"], "password": demo["admin_password"]},
    )
    assert login.status_code == 200
    token = client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": demo["client_id"],
            "client_secret": demo["client_secret"],
        },
    )
    assert token.status_code == 200
    headers = {"Authorization": f"Bearer {token.json['access_token']}"}
    assert client.get(f"/api/v1/issuers/{demo['issuer_id']}", headers=headers).status_code == 200
    assert client.get(f"/issuers/{demo['issuer_id']}/did.json").status_code == 200

    again = app.test_cli_runner().invoke(args=["seed-demo"])
    assert again.exit_code == 0 and demo["client_secret"] in again.output  # idempotent


def test_settings_command_lists_variables(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["settings"])
    assert "DATABASE_URL" in result.output and "CERTIFIKATION_MASTER_KEY" in result.output
