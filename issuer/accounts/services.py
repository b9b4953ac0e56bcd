"""Users, memberships, API clients, and the ways to obtain an access token.

Accounts are created only by the person (claims.py, invitations.py) or the operator (the CLI);
staff change roles and clients, and every change that narrows access bumps a token version.
"""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Iterable

from flask import current_app
from sqlalchemy import delete, select

from issuer import clock
from issuer.accounts import throttle, tokens
from issuer.accounts.models import ApiClient, Membership, User
from issuer.accounts.passwords import (
    digest_client_secret,
    hash_secret,
    is_digest,
    verify_client_secret,
    verify_secret,
)
from issuer.accounts.roles import CLIENT_SCOPES, Role
from issuer.audit import services as audit
from issuer.db import db
from issuer.errors import BadRequest, Unauthorized
from issuer.tenants.models import Tenant


def normalise_email(email: str) -> str:
    """The one stored and compared form of an address: NFC, trimmed, lower case."""
    return unicodedata.normalize("NFC", email).strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(
    email: str,
    name: str,
    *,
    password: str | None = None,
    is_platform_admin: bool = False,
    verified: bool = False,
) -> User:
    """A new user; `verified` only when the address was proved (a claim) or the operator
    vouches for it (the CLI). Unverified users can neither sign in nor see credentials."""
    now = clock.now()
    user = User(
        email=normalise_email(email),
        name=name,
        password_hash=hash_secret(password) if password else None,
        is_platform_admin=is_platform_admin,
        created_at=now,
        email_verified_at=now if verified else None,
    )
    db.session.add(user)
    db.session.flush()
    return user


def login(email: str, password: str, *, address: str) -> tuple[str, int]:
    """A user token for valid credentials; the same error whether email or password is wrong.

    Failures slow down this (email, address) pair only (throttle.py), checked first.
    """
    email = normalise_email(email)
    throttle.check(email, address)
    user = find_user(email)
    valid = verify_secret(user.password_hash if user else None, password)
    if user is None or not valid or not user.is_active:
        throttle.record_failure(email, address)
        raise Unauthorized("The email or password is incorrect.")
    throttle.record_success(email, address)
    if user.email_verified_at is None:
        raise Unauthorized("Confirm your address first: ask for a password reset link, sent to it.")
    return user_token(user)


def user_token(user: User) -> tuple[str, int]:
    """A fresh access token for `user` at their current token version."""
    return tokens.issue(
        current_app.extensions["settings"],
        sub=str(user.id),
        kind="user",
        version=user.token_version,
    )


def end_tokens(row: User | ApiClient) -> None:
    """Refuse every token issued to `row` so far (see tokens.py)."""
    row.token_version += 1


def change_password(user: User, current: str, new: str) -> None:
    if not verify_secret(user.password_hash, current):
        raise Unauthorized("The current password is incorrect.")
    user.password_hash = hash_secret(new)
    end_tokens(user)
    audit.record(("user", str(user.id)), "user.password.change", user, tenant_id=None)


def set_roles(
    actor: audit.Actor, tenant: Tenant, user: User, roles: Iterable[str]
) -> list[Membership]:
    """Give `user` exactly `roles` in `tenant`."""
    wanted = {Role(r) for r in roles}
    current = {m.role: m for m in user.memberships if m.tenant_id == tenant.id}
    for role, membership in current.items():
        if role not in wanted:
            user.memberships.remove(membership)
    for role in wanted - current.keys():
        user.memberships.append(Membership(tenant_id=tenant.id, role=role, created_at=clock.now()))
    if current.keys() - wanted:  # fewer roles: tokens minted under the old ones end
        end_tokens(user)
    db.session.flush()
    audit.record(
        actor, "member.roles", user, tenant_id=tenant.id, roles=sorted(r.value for r in wanted)
    )
    return [m for m in user.memberships if m.tenant_id == tenant.id]


def remove_member(actor: audit.Actor, tenant: Tenant, user: User) -> None:
    db.session.execute(
        delete(Membership).where(Membership.tenant_id == tenant.id, Membership.user_id == user.id)
    )
    db.session.expire(user, ["memberships"])
    end_tokens(user)
    audit.record(actor, "member.remove", user, tenant_id=tenant.id)


def _check_scopes(scopes: Iterable[str]) -> list[str]:
    unknown = sorted(set(scopes) - CLIENT_SCOPES)
    if unknown:
        raise BadRequest(f"Unknown or forbidden scopes: {', '.join(unknown)}.")
    return sorted(set(scopes))


def create_client(
    actor: audit.Actor, tenant: Tenant, *, name: str, scopes: list[str]
) -> tuple[ApiClient, str]:
    """A new API client; the secret is returned once and stored only as a digest."""
    secret = secrets.token_urlsafe(32)
    client = ApiClient(
        tenant_id=tenant.id,
        name=name,
        client_id="ck_" + secrets.token_urlsafe(16),
        secret_hash=digest_client_secret(secret),
        scopes=_check_scopes(scopes),
        created_at=clock.now(),
    )
    db.session.add(client)
    db.session.flush()
    audit.record(actor, "client.create", client, tenant_id=tenant.id, scopes=client.scopes)
    return client, secret


def update_client(actor: audit.Actor, client: ApiClient, changes: dict[str, object]) -> ApiClient:
    if "scopes" in changes:
        changes["scopes"] = _check_scopes(changes["scopes"])  # type: ignore[arg-type]
    scopes = changes.get("scopes")
    narrowed = isinstance(scopes, list) and not set(client.scopes) <= set(scopes)
    if narrowed or changes.get("is_active") is False:  # reactivation must not revive tokens
        end_tokens(client)
    for name, value in changes.items():
        setattr(client, name, value)
    audit.record(actor, "client.update", client, tenant_id=client.tenant_id, fields=sorted(changes))
    return client


def rotate_client_secret(actor: audit.Actor, client: ApiClient) -> str:
    secret = secrets.token_urlsafe(32)
    client.secret_hash = digest_client_secret(secret)
    end_tokens(client)
    audit.record(actor, "client.secret.rotate", client, tenant_id=client.tenant_id)
    return secret


def delete_client(actor: audit.Actor, client: ApiClient) -> None:
    audit.record(actor, "client.delete", client, tenant_id=client.tenant_id, name=client.name)
    db.session.delete(client)


def client_credentials_token(
    client_id: str, secret: str, requested: str | None
) -> tuple[str, int, tuple[str, ...]]:
    """RFC 6749 §4.4: a client token with the requested scopes (default: all it holds)."""
    client = db.session.scalar(select(ApiClient).where(ApiClient.client_id == client_id))
    valid = verify_client_secret(client.secret_hash if client else None, secret)
    if client is None or not valid or not client.is_active:
        raise Unauthorized(
            "Client authentication failed.",
            error="invalid_client",
            headers={"WWW-Authenticate": 'Basic realm="certifikation"'},
        )
    if not is_digest(client.secret_hash):  # made under Argon2: upgrade, now the secret is known
        client.secret_hash = digest_client_secret(secret)
    granted = set(client.scopes)
    wanted = set(requested.split()) if requested else granted
    if not wanted <= granted:
        raise BadRequest(
            f"This client may not request: {', '.join(sorted(wanted - granted))}.",
            error="invalid_scope",
        )
    scopes = tuple(sorted(wanted))
    token, ttl = tokens.issue(
        current_app.extensions["settings"],
        sub=str(client.id),
        kind="client",
        scopes=scopes,
        version=client.token_version,
    )
    return token, ttl, scopes
