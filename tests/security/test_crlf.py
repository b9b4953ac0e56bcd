"""Line breaks never reach a mail header: refused at input, flattened for legacy values.

The attack: a tenant named "Evil\\r\\nBcc: x@y" was stored, and every later invitation of that
tenant (its subject names the tenant) failed with a 500. Now such a name is refused with a
422 naming the field, and mail built from a value stored before that rule is still sent,
on one line, with no header injected.
"""

from __future__ import annotations

import uuid

import pytest
from flask import Flask
from flask.testing import FlaskClient

from issuer import mail
from issuer.accounts.roles import Role
from issuer.db import db
from issuer.errors import get_or_404
from issuer.tenants.models import Tenant
from tests.factories import Factories
from tests.mailbox import Mailbox

EVIL = "Evil\r\nBcc: x@y"


def test_a_tenant_named_with_a_line_break_is_refused(
    client: FlaskClient, factories: Factories
) -> None:
    admin = factories.person(platform_admin=True)
    r = client.post("/api/v1/tenants", json={"slug": "evil", "name": EVIL}, headers=admin.headers)
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    assert [e["pointer"] for e in r.json["errors"]] == ["#/name"]
    assert "line breaks" in r.json["errors"][0]["detail"]
    listed = client.get("/api/v1/tenants", headers=admin.headers).json
    assert "evil" not in {t["slug"] for t in listed}


@pytest.mark.parametrize(
    ("method", "url", "body", "pointer"),
    [
        ("PATCH", "/api/v1/tenants/{tenant}", {"name": EVIL}, "#/name"),
        (
            "POST",
            "/api/v1/tenants/{tenant}/issuers",
            {"name": EVIL, "url": "https://e.example", "email": "e@e.example"},
            "#/name",
        ),
        ("PATCH", "/api/v1/issuers/{issuer}", {"signatory_name": "A\nB"}, "#/signatory_name"),
        (
            "POST",
            "/api/v1/issuers/{issuer}/achievements",
            {"name": "Badge\rX", "description": "D", "criteria": {"narrative": "C"}},
            "#/name",
        ),
        (
            "POST",
            "/api/v1/tenants/{tenant}/members",
            {"email": "m@school.test", "name": "Mo\u2028Bcc: x@y", "roles": ["earner"]},
            "#/name",
        ),
    ],
    ids=["tenant-rename", "issuer", "signatory", "achievement", "member"],
)
def test_names_that_reach_mail_or_documents_must_be_one_line(
    client: FlaskClient,
    factories: Factories,
    method: str,
    url: str,
    body: dict[str, object],
    pointer: str,
) -> None:
    tenant = factories.tenant()
    issuer = factories.issuer(tenant)
    admin = factories.person(tenant, [Role.ISSUER_ADMIN])
    r = client.open(
        url.format(tenant=tenant, issuer=issuer), method=method, json=body, headers=admin.headers
    )
    assert r.status_code == 422, r.json
    assert [e["pointer"] for e in r.json["errors"]] == [pointer]


def _store_legacy_name(app: Flask, tenant: uuid.UUID) -> None:
    with app.app_context():
        get_or_404(Tenant, tenant).name = EVIL  # as stored before names were checked
        db.session.commit()


def test_mail_naming_a_legacy_tenant_name_is_sent_on_one_line(
    client: FlaskClient, app: Flask, factories: Factories, mailbox: Mailbox
) -> None:
    tenant = factories.tenant()
    admin = factories.person(tenant, [Role.ISSUER_ADMIN])
    _store_legacy_name(app, tenant)
    r = client.post(
        f"/api/v1/tenants/{tenant}/members",
        json={"email": "new@school.test", "name": "New", "roles": ["earner"]},
        headers=admin.headers,
    )
    assert r.status_code == 201, r.json
    [message] = mailbox.to("new@school.test")
    assert message["Subject"] == "Invitation to Evil Bcc: x@y on Certifikation"
    assert message["Bcc"] is None
    assert [m["To"] for m in mailbox.messages] == ["new@school.test"]


def test_a_recipient_with_a_line_break_is_never_mailed(app: Flask, mailbox: Mailbox) -> None:
    with app.app_context():
        mail.deliver("a@school.test\r\nBcc: x@y", "Hello", "Body")
        mail.deliver("b@school.test", "Hi\r\nBcc: x@y", "Body")
    assert [(m["To"], m["Subject"], m["Bcc"]) for m in mailbox.messages] == [
        ("b@school.test", "Hi Bcc: x@y", None)
    ]
