"""Tenants and issuers through the API: create, change, archive, images."""

from __future__ import annotations

import io
import uuid

from flask.testing import FlaskClient
from PIL import Image

from issuer.accounts.roles import Role
from tests.factories import Factories
from tests.mailbox import Mailbox

ISSUER = {"name": "State Teacher Board", "url": "https://board.example", "email": "b@board.example"}


def _png(size: tuple[int, int] = (40, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "teal").save(out, "PNG")
    return out.getvalue()


def test_duplicate_tenant_slug_is_a_conflict(client: FlaskClient, factories: Factories) -> None:
    admin = factories.person(platform_admin=True)
    body = {"slug": "college", "name": "College"}
    assert client.post("/api/v1/tenants", json=body, headers=admin.headers).status_code == 201
    r = client.post("/api/v1/tenants", json=body, headers=admin.headers)
    assert r.status_code == 409 and "college" in r.json["detail"]


def test_invalid_slug_names_the_field(client: FlaskClient, factories: Factories) -> None:
    admin = factories.person(platform_admin=True)
    r = client.post(
        "/api/v1/tenants", json={"slug": "Bad Slug", "name": "x"}, headers=admin.headers
    )
    assert r.status_code == 422
    assert r.json["errors"][0]["pointer"] == "#/slug"


def test_issuer_lifecycle_create_update_archive(client: FlaskClient, factories: Factories) -> None:
    tenant = factories.tenant()
    admin = factories.person(tenant, [Role.ISSUER_ADMIN]).headers
    created = client.post(f"/api/v1/tenants/{tenant}/issuers", json=ISSUER, headers=admin)
    assert created.status_code == 201
    issuer = created.json
    assert issuer["did"] == f"did:web:certs.example.test:issuers:{issuer['id']}"
    r = client.patch(
        f"/api/v1/issuers/{issuer['id']}",
        json={"signatory_name": "Dr. Jane Roe", "signatory_title": "Registrar"},
        headers=admin,
    )
    assert r.json["signatory_name"] == "Dr. Jane Roe" and r.json["name"] == ISSUER["name"]
    assert client.delete(f"/api/v1/issuers/{issuer['id']}", headers=admin).status_code == 204
    archived = client.get(f"/api/v1/issuers/{issuer['id']}", headers=admin).json
    assert archived["archived_at"] is not None
    # the archived issuer's keys stay resolvable for credentials it signed earlier
    assert client.get(f"/issuers/{issuer['id']}/did.json").status_code == 200


def test_tenant_with_issuers_cannot_be_deleted(client: FlaskClient, factories: Factories) -> None:
    tenant = factories.tenant()
    factories.issuer(tenant)
    admin = factories.person(platform_admin=True)
    r = client.delete(f"/api/v1/tenants/{tenant}", headers=admin.headers)
    assert r.status_code == 409
    assert client.get(f"/api/v1/tenants/{tenant}", headers=admin.headers).status_code == 200
    empty = factories.tenant()
    assert client.delete(f"/api/v1/tenants/{empty}", headers=admin.headers).status_code == 204


def test_logo_upload_raw_and_multipart_is_served_publicly(
    client: FlaskClient, factories: Factories
) -> None:
    tenant = factories.tenant()
    issuer = factories.issuer(tenant)
    admin = factories.person(tenant, [Role.ISSUER_ADMIN]).headers
    png = _png()
    r = client.put(
        f"/api/v1/issuers/{issuer}/logo", data=png, content_type="image/png", headers=admin
    )
    assert r.status_code == 200, r.json
    served = client.get(r.json["logo_url"].removeprefix("https://certs.example.test"))
    assert served.data == png and served.mimetype == "image/png"
    assert "immutable" in served.headers["Cache-Control"]
    again = client.get(
        r.json["logo_url"].removeprefix("https://certs.example.test"),
        headers={"If-None-Match": served.headers["ETag"]},
    )
    assert again.status_code == 304
    r = client.put(
        f"/api/v1/issuers/{issuer}/signature",
        data={"file": (io.BytesIO(png), "signature.png")},
        content_type="multipart/form-data",
        headers=admin,
    )
    assert r.status_code == 200 and r.json["signature_url"]
    removed = client.delete(f"/api/v1/issuers/{issuer}/signature", headers=admin)
    assert removed.json["signature_url"] is None


def test_svg_logo_is_sanitised(client: FlaskClient, factories: Factories) -> None:
    tenant = factories.tenant()
    issuer = factories.issuer(tenant)
    admin = factories.person(tenant, [Role.ISSUER_ADMIN]).headers
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert(1)">'
        b"<script>alert(2)</script><rect width='10' height='10'/></svg>"
    )
    r = client.put(
        f"/api/v1/issuers/{issuer}/logo", data=svg, content_type="image/svg+xml", headers=admin
    )
    assert r.status_code == 200
    served = client.get(r.json["logo_url"].removeprefix("https://certs.example.test"))
    assert b"script" not in served.data and b"onload" not in served.data
    assert "sandbox" in served.headers["Content-Security-Policy"]


def test_non_image_upload_is_refused_and_nothing_changes(
    client: FlaskClient, factories: Factories
) -> None:
    tenant = factories.tenant()
    issuer = factories.issuer(tenant)
    admin = factories.person(tenant, [Role.ISSUER_ADMIN]).headers
    r = client.put(
        f"/api/v1/issuers/{issuer}/logo",
        data=b"%PDF-1.7 ...",
        content_type="image/png",
        headers=admin,
    )
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    assert client.get(f"/api/v1/issuers/{issuer}", headers=admin).json["logo_url"] is None


def test_members_are_invited_changed_and_removed(
    client: FlaskClient, factories: Factories, mailbox: Mailbox
) -> None:
    tenant = factories.tenant()
    admin = factories.person(tenant, [Role.ISSUER_ADMIN]).headers
    body = {"email": "Mentor@School.test", "name": "Mo", "roles": ["mentor", "endorser"]}
    r = client.post(f"/api/v1/tenants/{tenant}/members", json=body, headers=admin)
    assert r.status_code == 201 and r.json["email"] == "mentor@school.test"
    assert r.json["roles"] == ["endorser", "mentor"] and r.json["status"] == "invited"
    assert client.get(r.headers["Location"], headers=admin).json["status"] == "invited"
    accept = {"token": mailbox.token("mentor@school.test"), "password": "a long new password"}
    accepted = client.post("/api/v1/invitations/accept", json=accept)
    assert accepted.status_code == 200 and accepted.json["roles"] == ["endorser", "mentor"]
    listed = client.get(f"/api/v1/tenants/{tenant}/members", headers=admin).json
    user = next(m["user_id"] for m in listed if m["email"] == "mentor@school.test")
    r = client.put(
        f"/api/v1/tenants/{tenant}/members/{user}", json={"roles": ["earner"]}, headers=admin
    )
    assert r.json["roles"] == ["earner"]
    assert (
        client.delete(f"/api/v1/tenants/{tenant}/members/{user}", headers=admin).status_code == 204
    )
    assert client.get(f"/api/v1/tenants/{tenant}/members/{user}", headers=admin).status_code == 404


def test_a_member_of_two_tenants_is_told_apart(
    client: FlaskClient, factories: Factories, mailbox: Mailbox
) -> None:
    first, second = factories.tenant(), factories.tenant()
    body = {"email": "shared@example.test", "name": "Sam", "roles": ["earner"]}
    password = "a long new password"
    for n, tenant in enumerate((first, second)):
        admin = factories.person(tenant, [Role.ISSUER_ADMIN]).headers
        roles = {**body, "roles": ["earner"] if n == 0 else ["mentor"]}
        r = client.post(f"/api/v1/tenants/{tenant}/members", json=roles, headers=admin)
        assert r.status_code == 201
        token = mailbox.token("shared@example.test")
        accept = {"token": token} | ({"password": password} if n == 0 else {})
        assert client.post("/api/v1/invitations/accept", json=accept).status_code == 200
    admin_first = factories.person(first, [Role.ISSUER_ADMIN]).headers
    members = client.get(f"/api/v1/tenants/{first}/members", headers=admin_first).json
    assert [m["roles"] for m in members if m["email"] == "shared@example.test"] == [["earner"]]


def test_lists_are_paginated(client: FlaskClient, factories: Factories) -> None:
    tenant = factories.tenant()
    for n in range(3):
        factories.issuer(tenant, name=f"Issuer {n}")
    admin = factories.person(tenant, [Role.ISSUER_ADMIN]).headers
    r = client.get(f"/api/v1/tenants/{tenant}/issuers?page=2&page_size=2", headers=admin)
    assert [i["name"] for i in r.json] == ["Issuer 2"]
    assert '"total": 3' in r.headers["X-Pagination"]


def test_unknown_ids_are_404(client: FlaskClient, factories: Factories) -> None:
    admin = factories.person(platform_admin=True).headers
    for path in (f"/api/v1/issuers/{uuid.uuid4()}", f"/api/v1/tenants/{uuid.uuid4()}"):
        assert client.get(path, headers=admin).status_code == 404
