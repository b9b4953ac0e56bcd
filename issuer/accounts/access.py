"""Who is calling (the Principal) and whether they may act in a tenant.

A view marked `requires(permission)` must call `authorize` (or `authorize_listing`) before
it writes: a flush or commit of the request's session before that raises
`UnauthorizedWrite`, so nothing reaches the database, and a view that returns without
authorising never answers.
"""

from __future__ import annotations

import copy
import functools
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session, UOWTransaction

from issuer.accounts import tokens
from issuer.accounts.models import ApiClient, User
from issuer.accounts.roles import (
    CLIENT_SCOPES,
    PLATFORM_PERMISSIONS,
    ROLE_PERMISSIONS,
    Permission,
)
from issuer.db import db
from issuer.errors import Forbidden, NotFound, Unauthorized

F = TypeVar("F", bound=Callable[..., Any])


class UnauthorizedWrite(RuntimeError):
    """A view marked `requires` wrote before calling `authorize()`: a bug, answered 500."""


@dataclass(frozen=True)
class Principal:
    """An authenticated user or API client, with the token that proved it."""

    claims: tokens.TokenClaims
    user: User | None = None
    client: ApiClient | None = None

    @property
    def actor(self) -> tuple[str, str]:
        """(type, id) as the audit log records it."""
        return (self.claims.kind, self.claims.sub)

    @property
    def is_platform_admin(self) -> bool:
        return self.user is not None and self.user.is_platform_admin

    def tenant_ids(self) -> set[uuid.UUID] | None:
        """Tenants this principal belongs to; None means all (platform admin)."""
        if self.is_platform_admin:
            return None
        if self.client is not None:
            return {self.client.tenant_id}
        assert self.user is not None
        return {m.tenant_id for m in self.user.memberships}

    def permissions(self, tenant_id: uuid.UUID) -> frozenset[Permission] | None:
        """What this principal may do in `tenant_id`; None when it may not see the tenant."""
        if self.is_platform_admin:
            return PLATFORM_PERMISSIONS
        if self.client is not None:
            if self.client.tenant_id != tenant_id:
                return None
            held = CLIENT_SCOPES.intersection(self.client.scopes)
            return frozenset(Permission(s) for s in self.claims.scopes if s in held)
        assert self.user is not None
        roles = [m.role for m in self.user.memberships if m.tenant_id == tenant_id]
        if not roles:
            return None
        return frozenset().union(*(ROLE_PERMISSIONS[r] for r in roles))


def authenticate() -> Principal:
    """The caller of the current request, from its Bearer token; raise Unauthorized."""
    if "principal" in g:
        principal: Principal = g.principal
        return principal
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Send an access token as `Authorization: Bearer <token>`.")
    claims = tokens.decode(current_app.extensions["settings"], token.strip())
    if claims.kind == "user":
        user = _get(User, claims.sub)
        if user is None or not user.is_active:
            raise Unauthorized("The account behind this token is disabled or gone.")
        _check_version(claims, user.token_version)
        principal = Principal(claims, user=user)
    else:
        client = db.session.get(ApiClient, _uuid(claims.sub))
        if client is None or not client.is_active:
            raise Unauthorized("The API client behind this token is disabled or gone.")
        _check_version(claims, client.token_version)
        principal = Principal(claims, client=client)
    g.principal = principal
    return principal


def _check_version(claims: tokens.TokenClaims, current: int) -> None:
    if claims.version != current:
        raise Unauthorized(
            "The access token predates a change to its account or client "
            "(password, secret, scopes or roles); request a new one."
        )


def _get(model: type[User], key: str) -> User | None:
    return db.session.get(model, _uuid(key))


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def requires(permission: Permission) -> Callable[[F], F]:
    """Mark a view as needing `permission`; the view must then call `authorize` (checked)."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            authenticate()
            g.required_permission = permission
            g.authorized = False
            result = view(*args, **kwargs)
            if not g.authorized:  # a view that forgot to authorise must never answer
                raise UnauthorizedWrite(f"{view.__qualname__} did not call authorize()")
            return result

        wrapper.required_permission = permission  # type: ignore[attr-defined]
        doc = copy.deepcopy(getattr(wrapper, "_apidoc", {}))
        doc.setdefault("manual_doc", {}).update(
            {"security": [{"bearerAuth": []}], "x-permission": str(permission)}
        )
        wrapper._apidoc = doc  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def authorize(tenant_id: uuid.UUID | None) -> Principal:
    """Allow the request if the caller holds the view's permission in `tenant_id`.

    A tenant the caller cannot see answers 404, so existence never leaks; a visible tenant
    where the caller lacks the permission answers 403. `tenant_id=None` is platform scope.
    """
    principal = authenticate()
    permission: Permission = g.required_permission
    granted = (
        (PLATFORM_PERMISSIONS if principal.is_platform_admin else None)
        if tenant_id is None
        else principal.permissions(tenant_id)
    )
    if granted is None and tenant_id is not None:
        raise NotFound("No such resource.")
    if granted is None or permission not in granted:
        raise Forbidden(f"This requires the `{permission}` permission.")
    g.authorized = True
    return principal


def authorize_listing() -> tuple[Principal, set[uuid.UUID] | None]:
    """For collection views spanning tenants: the tenants whose rows the caller may list."""
    principal = authenticate()
    permission: Permission = g.required_permission
    g.authorized = True
    visible = principal.tenant_ids()
    if visible is None:
        return principal, None
    return principal, {t for t in visible if permission in (principal.permissions(t) or ())}


def authorize_person() -> Principal:
    """Allow any signed-in person, whatever their tenant: for what is open to every account
    (a public path). API clients act for no person: 403."""
    principal = authenticate()
    if principal.user is None:
        raise Forbidden("Only a signed-in person can do this, not an API client.")
    g.authorized = True
    return principal


def _unauthorized_write() -> None:
    """Raise when the current request is a `requires` view that has not authorised yet.

    Only the session of the request's own app context is checked: `g` belongs to that
    context, so a task run in a context of its own, a CLI command or a test has no
    `required_permission` and is exempt, as are views not marked `requires`. A unit of work
    that runs a view again passes through `requires` again, which clears `g.authorized`.
    """
    if has_request_context() and "required_permission" in g and not g.get("authorized"):
        raise UnauthorizedWrite(
            f"{request.endpoint} wrote before calling authorize(); nothing was written"
        )


@event.listens_for(Session, "before_flush")
def _before_flush(_session: Session, _context: UOWTransaction, _instances: Any) -> None:
    _unauthorized_write()


@event.listens_for(Session, "before_commit")
def _before_commit(_session: Session) -> None:
    _unauthorized_write()  # also catches writes that bypass the flush (UPDATE statements)
