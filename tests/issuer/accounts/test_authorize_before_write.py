"""The safety net of `requires`: a view that writes before `authorize()` writes nothing."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from issuer import clock, transactions
from issuer.accounts.access import authorize, requires
from issuer.accounts.roles import Permission, Role
from issuer.db import db
from issuer.tenants.models import Tenant
from tests.factories import Factories, Person


def _add_tenant(slug: str) -> None:
    db.session.add(Tenant(slug=slug, name="Written", created_at=clock.now()))


def _mount(app: Flask, name: str, body: Callable[[uuid.UUID], None]) -> str:
    """A test-only view marked `requires`, wrapped as every real view is (a unit of work)."""

    @requires(Permission.TENANTS_WRITE)
    def view(tenant_id: uuid.UUID) -> str:
        body(tenant_id)
        return "written"

    view.__name__ = name
    url = f"/test-only/{name}/<uuid:tenant_id>"
    app.add_url_rule(url, name, transactions.unit_of_work(view), methods=["POST"])
    return url.replace("<uuid:tenant_id>", "{}")


@pytest.fixture
def admin(factories: Factories) -> tuple[uuid.UUID, Person]:
    tenant = factories.tenant()
    return tenant, factories.person(tenant, [Role.ISSUER_ADMIN])


def _tenant(app: Flask, **where: str) -> Tenant | None:
    with app.app_context():
        stmt = select(Tenant).filter_by(**where)
        found: Tenant | None = db.session.scalar(stmt)
        return found


def test_adding_and_committing_before_authorize_leaves_nothing(
    app: Flask, client: FlaskClient, admin: tuple[uuid.UUID, Person]
) -> None:
    def body(tenant_id: uuid.UUID) -> None:
        _add_tenant("forgot-authorize")
        db.session.commit()

    url = _mount(app, "forgot", body)
    r = client.post(url.format(admin[0]), headers=admin[1].headers)
    assert r.status_code == 500 and r.mimetype == "application/problem+json"
    assert _tenant(app, slug="forgot-authorize") is None


def test_an_update_statement_before_authorize_is_stopped_at_commit(
    app: Flask, client: FlaskClient, admin: tuple[uuid.UUID, Person]
) -> None:
    def body(tenant_id: uuid.UUID) -> None:  # bypasses the flush: only commit can see it
        db.session.execute(update(Tenant).where(Tenant.id == tenant_id).values(name="Renamed"))
        db.session.commit()

    url = _mount(app, "bulk", body)
    assert client.post(url.format(admin[0]), headers=admin[1].headers).status_code == 500
    assert _tenant(app, name="Renamed") is None


def test_authorizing_after_the_write_is_too_late(
    app: Flask, client: FlaskClient, admin: tuple[uuid.UUID, Person]
) -> None:
    def body(tenant_id: uuid.UUID) -> None:
        _add_tenant("late-authorize")
        db.session.flush()
        authorize(tenant_id)
        db.session.commit()

    url = _mount(app, "late", body)
    assert client.post(url.format(admin[0]), headers=admin[1].headers).status_code == 500
    assert _tenant(app, slug="late-authorize") is None


def test_a_view_that_authorizes_first_writes(
    app: Flask, client: FlaskClient, admin: tuple[uuid.UUID, Person]
) -> None:
    def body(tenant_id: uuid.UUID) -> None:
        authorize(tenant_id)
        _add_tenant("authorized-first")
        db.session.commit()

    url = _mount(app, "first", body)
    r = client.post(url.format(admin[0]), headers=admin[1].headers)
    assert r.status_code == 200 and r.get_data(as_text=True) == "written"
    assert _tenant(app, slug="authorized-first") is not None


def test_the_net_is_for_requests_only(app: Flask) -> None:
    with app.app_context():  # a CLI command, task or factory has no view to authorise it
        _add_tenant("outside-a-request")
        db.session.commit()
    assert _tenant(app, slug="outside-a-request") is not None
