"""Operator commands: `flask --app wsgi migrate | seed-demo | create-admin | settings |
rotate-master-key`."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from issuer import migrate
from issuer.accounts import services as accounts
from issuer.accounts.roles import CLIENT_SCOPES, Role
from issuer.audit.services import SYSTEM
from issuer.db import db
from issuer.keys import services as keys
from issuer.keys.master import MasterKeyError, master_keys
from issuer.settings import describe
from issuer.tenants import services as tenants
from issuer.tenants.models import Tenant

DEMO_FILE = Path("instance/demo.json")


@click.command("migrate")
@with_appcontext
def migrate_command() -> None:
    """Apply all database migrations."""
    migrate.upgrade(db.state().engine)
    click.echo("Database is up to date.")


@click.command("make-migration")
@with_appcontext
@click.option("-m", "--message", required=True, help="What the migration changes.")
def make_migration_command(message: str) -> None:
    """Autogenerate a migration from the models (development)."""
    migrate.revision(db.state().engine, message)


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Create the demo tenant, issuer, admin and API client once; print their credentials."""
    if db.session.scalar(select(Tenant).where(Tenant.slug == "demo")) is None:
        demo = _seed()
        DEMO_FILE.parent.mkdir(parents=True, exist_ok=True)
        DEMO_FILE.write_text(json.dumps(demo, indent=2) + "\n")
        DEMO_FILE.chmod(0o600)
    if not DEMO_FILE.exists():
        raise click.ClickException(
            f"The demo tenant exists but {DEMO_FILE} is gone; reset the database."
        )
    demo = json.loads(DEMO_FILE.read_text())
    base = current_app.extensions["settings"].public_url
    click.echo(
        f"Demo admin:  {demo['admin_email']} / {demo['admin_password']}\n"
        f"API client:  {demo['client_id']} / {demo['client_secret']}\n"
        f"Issuer:      {demo['issuer_id']}  ({base}/issuers/{demo['issuer_id']}/did.json)\n"
        f"Saved in {DEMO_FILE}; API docs at {base}/api/docs"
    )


def _seed() -> dict[str, str]:
    tenant = tenants.create_tenant(SYSTEM, slug="demo", name="Demo Teacher Training Institute")
    issuer = tenants.create_issuer(
        SYSTEM,
        tenant,
        {
            "name": "Demo Academy",
            "url": "https://demo.certifikation.example",
            "email": "badges@demo.certifikation.example",
            "description": "A demonstration issuer created by `make run`.",
            "signatory_name": "Ada Lovelace",
            "signatory_title": "Director of Studies",
        },
    )
    password = secrets.token_urlsafe(12)
    admin = accounts.create_user(
        "admin@demo.test", "Demo Admin", password=password, is_platform_admin=True, verified=True
    )
    accounts.set_roles(SYSTEM, tenant, admin, [Role.ISSUER_ADMIN])
    client, secret = accounts.create_client(
        SYSTEM, tenant, name="Demo LMS", scopes=sorted(CLIENT_SCOPES)
    )
    db.session.commit()
    return {
        "admin_email": admin.email,
        "admin_password": password,
        "client_id": client.client_id,
        "client_secret": secret,
        "issuer_id": str(issuer.id),
        "tenant_id": str(tenant.id),
    }


@click.command("create-admin")
@with_appcontext
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.password_option()
def create_admin_command(email: str, name: str, password: str) -> None:
    """Create a platform administrator (first production login)."""
    if accounts.find_user(email) is not None:
        raise click.ClickException(f"{email} already has an account.")
    accounts.create_user(email, name, password=password, is_platform_admin=True, verified=True)
    db.session.commit()
    click.echo(f"Platform admin {email} created.")


@click.command("settings")
@with_appcontext
def settings_command() -> None:
    """List every environment variable the service reads, with its default."""
    for name, default, help_text in describe():
        click.echo(f"{name}\t{default}\t{help_text}")


@click.command("rotate-master-key")
@with_appcontext
def rotate_master_key_command() -> None:
    """Re-encrypt every issuer key under the first CERTIFIKATION_MASTER_KEY."""
    try:
        moved, kept = keys.reencrypt_all(master_keys(current_app.extensions["settings"]))
    except MasterKeyError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(
        f"Re-encrypted {moved} issuer key(s) under the first CERTIFIKATION_MASTER_KEY "
        f"({kept} already were); the other master keys can now be removed."
    )


def init_app(app: Flask) -> None:
    for command in (
        migrate_command,
        make_migration_command,
        seed_demo_command,
        create_admin_command,
        settings_command,
        rotate_master_key_command,
    ):
        app.cli.add_command(command)
