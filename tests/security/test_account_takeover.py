"""Accounts belong to people: no tenant's staff can make, open or reveal another's login.

The attack this file replays: tenant A's admin created `x@b.example` with a password of their
choosing, signed in as tenant B's earner, and later as B's admin once B added the address.
"""

from __future__ import annotations

import uuid

from flask import Flask
from flask.testing import FlaskClient

from issuer.accounts import services as accounts
from issuer.accounts.roles import Role
from issuer.clock import FrozenClock
from issuer.db import db
from tests.factories import PASSWORD, Factories
from tests.mailbox import Mailbox

VICTIM = "x@b.example"
CHOSEN = "the victim's own passphrase"
ATTACKER = "the attacker's passphrase"


def _login(client: FlaskClient, email: str, password: str) -> int:
    return client.post(
        "/api/v1/auth/login", json={"email": email, "password": password}
    ).status_code


def _invite(client: FlaskClient, tenant: uuid.UUID, headers: dict[str, str], **body: object):
    body = {"email": VICTIM, "name": "X", "roles": ["earner"], **body}
    return client.post(f"/api/v1/tenants/{tenant}/members", json=body, headers=headers)


def test_staff_cannot_set_a_password_or_create_a_login(
    client: FlaskClient, factories: Factories, mailbox: Mailbox
) -> None:
    tenant_a = factories.tenant()
    admin_a = factories.person(tenant_a, [Role.ISSUER_ADMIN]).headers
    refused = _invite(client, tenant_a, admin_a, password=ATTACKER)
    assert refused.status_code == 422 and "password" in refused.get_data(as_text=True)
    assert _invite(client, tenant_a, admin_a).status_code == 201  # an invitation, not a login
    assert _login(client, VICTIM, ATTACKER) == 401
    with client.application.app_context():
        assert accounts.find_user(VICTIM) is None  # nothing exists until the person accepts


def test_the_invited_address_alone_can_accept_and_choose_the_password(
    client: FlaskClient, factories: Factories, mailbox: Mailbox
) -> None:
    tenant_a, tenant_b = factories.tenant(), factories.tenant()
    admin_a = factories.person(tenant_a, [Role.ISSUER_ADMIN]).headers
    admin_b = factories.person(tenant_b, [Role.ISSUER_ADMIN]).headers
    _invite(client, tenant_a, admin_a)
    a_token = mailbox.token(VICTIM)  # only the victim's mailbox holds it
    assert _invite(client, tenant_b, admin_b, roles=["issuer_admin"]).status_code == 201
    accepted = client.post(
        "/api/v1/invitations/accept", json={"token": mailbox.token(VICTIM), "password": CHOSEN}
    )
    assert accepted.status_code == 200 and accepted.json["roles"] == ["issuer_admin"]
    assert _login(client, VICTIM, CHOSEN) == 200
    # A's token joins A's tenant only, and cannot replace the password the victim chose
    again = client.post("/api/v1/invitations/accept", json={"token": a_token})
    assert again.status_code == 200 and again.json["tenant_id"] == str(tenant_a)
    assert _login(client, VICTIM, CHOSEN) == 200
    reused = client.post("/api/v1/invitations/accept", json={"token": a_token})
    assert reused.status_code == 422  # single use
    assert reused.json["errors"][0]["pointer"] == "/token"


def test_a_password_set_before_the_address_was_proved_never_opens_the_account(
    client: FlaskClient, app: Flask, factories: Factories, mailbox: Mailbox
) -> None:
    """An account made the old way (by staff, with their password) is a placeholder now."""
    with app.app_context():
        accounts.create_user(VICTIM, "X", password=ATTACKER)
        db.session.commit()
    assert _login(client, VICTIM, ATTACKER) == 401  # unverified: no sign-in at all
    tenant_b = factories.tenant()
    admin_b = factories.person(tenant_b, [Role.ISSUER_ADMIN]).headers
    _invite(client, tenant_b, admin_b, roles=["issuer_admin"])
    token = mailbox.token(VICTIM)
    assert client.post("/api/v1/invitations/accept", json={"token": token}).status_code == 200
    assert _login(client, VICTIM, ATTACKER) == 401  # proving the address dropped it


def test_inviting_reveals_nothing_about_accounts_in_other_tenants(
    client: FlaskClient, factories: Factories, mailbox: Mailbox
) -> None:
    tenant_a, tenant_b = factories.tenant(), factories.tenant()
    factories.person(tenant_b, [Role.ISSUER_ADMIN], email="known@b.example")
    admin_a = factories.person(tenant_a, [Role.ISSUER_ADMIN]).headers
    known = _invite(client, tenant_a, admin_a, email="Known@B.example", name="K")
    unknown = _invite(client, tenant_a, admin_a, email="nobody@b.example", name="K")
    assert known.status_code == unknown.status_code == 201
    varying = {"id", "email", "created_at", "expires_at"}
    assert {k: v for k, v in known.json.items() if k not in varying} == {
        k: v for k, v in unknown.json.items() if k not in varying
    }
    assert known.json["email"] == "known@b.example"  # normalised once, compared as such
    assert {name for name, _ in known.headers} == {name for name, _ in unknown.headers}


def test_an_unverified_account_sees_no_credentials(
    client: FlaskClient, app: Flask, factories: Factories, mailbox: Mailbox
) -> None:
    achievement = factories.achievement(factories.issuer(factories.tenant()))
    recipient = {"type": "email", "identity": "Lee@School.test", "name": "Lee"}
    factories.credential(achievement, recipient=recipient)
    with app.app_context():  # a learner an LMS import named: no password, address unproved
        accounts.create_user("lee@school.test", "Lee")
        db.session.commit()
    assert client.post("/api/v1/account/claim", json={"email": "LEE@school.test"}).status_code == (
        202
    )
    claim = {"token": mailbox.token("lee@school.test"), "name": "Lee", "password": CHOSEN}
    claimed = client.post("/api/v1/account/claim/confirm", json=claim)
    assert claimed.status_code == 201
    headers = {"Authorization": f"Bearer {claimed.json['access_token']}"}
    assert len(client.get("/api/v1/me/credentials", headers=headers).json) == 1
    with app.app_context():
        user = accounts.find_user("lee@school.test")
        assert user is not None
        user.email_verified_at = None
        db.session.commit()
    fresh = accounts_token(app, "lee@school.test")
    assert client.get("/api/v1/me/credentials", headers=fresh).json == []


def accounts_token(app: Flask, email: str) -> dict[str, str]:
    with app.app_context():
        user = accounts.find_user(email)
        assert user is not None
        return {"Authorization": f"Bearer {accounts.user_token(user)[0]}"}


def test_claim_and_reset_tokens_are_single_use_and_expire(
    client: FlaskClient, factories: Factories, mailbox: Mailbox, clock: FrozenClock
) -> None:
    person = factories.person(email="reset@example.test")
    assert client.post(
        "/api/v1/auth/password-reset", json={"email": "ghost@example.test"}
    ).json == (client.post("/api/v1/auth/password-reset", json={"email": person.email}).json)
    assert mailbox.to("ghost@example.test") == []
    token = mailbox.token(person.email)
    body = {"token": token, "password": CHOSEN}
    assert client.post("/api/v1/auth/password-reset/confirm", json=body).status_code == 200
    assert client.get("/api/v1/me", headers=person.headers).status_code == 401  # tokens end
    assert _login(client, person.email, PASSWORD) == 401
    assert _login(client, person.email, CHOSEN) == 200
    assert client.post("/api/v1/auth/password-reset/confirm", json=body).status_code == 422
    client.post("/api/v1/auth/password-reset", json={"email": person.email})
    late = {"token": mailbox.token(person.email), "password": PASSWORD}
    clock.advance(hours=1, seconds=1)
    assert client.post("/api/v1/auth/password-reset/confirm", json=late).status_code == 422
    assert _login(client, person.email, CHOSEN) == 200


def test_a_sign_in_link_opens_the_account_once(
    client: FlaskClient, factories: Factories, mailbox: Mailbox
) -> None:
    person = factories.person(email="link@example.test")
    assert client.post(
        "/api/v1/auth/sign-in-link", json={"email": "LINK@example.test"}
    ).status_code == (202)
    body = {"token": mailbox.token(person.email)}
    signed = client.post("/api/v1/auth/sign-in-link/confirm", json=body)
    assert signed.status_code == 200
    me = client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {signed.json['access_token']}"}
    )
    assert me.json["email"] == person.email
    assert client.post("/api/v1/auth/sign-in-link/confirm", json=body).status_code == 422


def test_mail_requests_are_rate_limited_per_address(
    client: FlaskClient, factories: Factories, mailbox: Mailbox
) -> None:
    answers = [
        client.post("/api/v1/account/claim", json={"email": "flood@example.test"}).status_code
        for _ in range(6)
    ]
    assert answers == [202] * 5 + [429]
    assert len(mailbox.to("flood@example.test")) == 5
