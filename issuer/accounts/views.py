"""API of logins and tokens (/api/v1/auth, /oauth), the caller (/api/v1/me), members, clients."""

from __future__ import annotations

import base64
import binascii
import hashlib
import uuid
from typing import Any
from urllib.parse import unquote

from flask import current_app, request
from flask.views import MethodView
from sqlalchemy import select

from issuer.accounts import services, tokens
from issuer.accounts.access import authenticate, authorize, requires
from issuer.accounts.models import ApiClient
from issuer.accounts.roles import Permission
from issuer.accounts.schemas import (
    ClientCredentialsSchema,
    ClientSchema,
    ClientSecretSchema,
    ClientUpdateSchema,
    LoginSchema,
    MeSchema,
    PasswordChangeSchema,
    RevokeSchema,
    TokenSchema,
)
from issuer.db import db, page
from issuer.errors import BadRequest, Unauthorized, get_or_404
from issuer.extensions import Blueprint, limiter
from issuer.tenants.models import Tenant

blp = Blueprint(
    "accounts", __name__, url_prefix="/api/v1", description="Logins, people, API clients."
)
oauth = Blueprint("oauth", __name__, url_prefix="/oauth", description="OAuth 2.0 for API clients.")


def _login_limit() -> str:
    limit: str = current_app.extensions["settings"].login_rate_limit
    return limit


@blp.route("/auth/login")
class Login(MethodView):
    # Per address; per (account, address) the service backs off. No limit per account alone:
    # a stranger exhausting it would lock the owner out.
    decorators = [limiter.limit(_login_limit)]

    @blp.arguments(LoginSchema)
    @blp.response(200, TokenSchema)
    @blp.alt_response(401, description="Wrong email or password.")
    @blp.alt_response(429, description="Too many attempts from your address; see Retry-After.")
    def post(self, data: dict[str, str]) -> dict[str, Any]:
        """Log in with email and password; returns a Bearer token."""
        token, ttl = services.login(
            data["email"], data["password"], address=request.remote_addr or "-"
        )
        return {"access_token": token, "token_type": "Bearer", "expires_in": ttl}


@blp.route("/auth/logout")
class Logout(MethodView):
    @blp.response(204)
    @blp.doc(security=[{"bearerAuth": []}])
    def post(self) -> None:
        """Revoke the token this request carries."""
        tokens.revoke(authenticate().claims)
        db.session.commit()


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, MeSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def get(self) -> dict[str, Any]:
        """Who you are: your account or API client, memberships and scopes."""
        principal = authenticate()
        if principal.user is not None:
            user = principal.user
            return {
                "kind": "user",
                "id": str(user.id),
                "email": user.email,
                "name": user.name,
                "is_platform_admin": user.is_platform_admin,
                "memberships": user.memberships,
            }
        assert principal.client is not None
        return {
            "kind": "client",
            "id": str(principal.client.id),
            "name": principal.client.name,
            "memberships": [{"tenant_id": principal.client.tenant_id, "role": "api_client"}],
            "scopes": list(principal.claims.scopes),
        }


@blp.route("/me/password")
class MyPassword(MethodView):
    @blp.arguments(PasswordChangeSchema)
    @blp.response(204)
    @blp.doc(security=[{"bearerAuth": []}])
    def put(self, data: dict[str, str]) -> None:
        """Change your password."""
        principal = authenticate()
        if principal.user is None:
            raise BadRequest("API clients have secrets, not passwords; rotate the secret instead.")
        services.change_password(principal.user, data["current_password"], data["new_password"])
        db.session.commit()


@blp.route("/tenants/<uuid:tenant_id>/clients")
class Clients(MethodView):
    @requires(Permission.CLIENTS_READ)
    @blp.response(200, ClientSchema(many=True))
    @blp.paginate()
    def get(self, tenant_id: uuid.UUID, pagination_parameters: Any) -> list[ApiClient]:
        """List a tenant's API clients."""
        authorize(tenant_id)
        stmt = select(ApiClient).where(ApiClient.tenant_id == tenant_id).order_by(ApiClient.name)
        return page(stmt, pagination_parameters)

    @requires(Permission.CLIENTS_WRITE)
    @blp.arguments(ClientSchema)
    @blp.response(201, ClientSecretSchema)
    def post(self, data: dict[str, Any], tenant_id: uuid.UUID) -> dict[str, Any]:
        """Create an API client; the response shows its secret, once."""
        principal = authorize(tenant_id)
        client, secret = services.create_client(
            principal.actor, get_or_404(Tenant, tenant_id), **data
        )
        db.session.commit()
        return _with_secret(client, secret)


def _with_secret(client: ApiClient, secret: str) -> dict[str, Any]:
    """The client's fields plus its new secret, which is shown this once."""
    return {c.key: getattr(client, c.key) for c in ApiClient.__table__.columns} | {
        "client_secret": secret
    }


def _client(client_id: uuid.UUID) -> tuple[Any, ApiClient]:
    client = get_or_404(ApiClient, client_id)
    return authorize(client.tenant_id), client


@blp.route("/clients/<uuid:client_id>")
class ClientItem(MethodView):
    @requires(Permission.CLIENTS_READ)
    @blp.response(200, ClientSchema)
    def get(self, client_id: uuid.UUID) -> ApiClient:
        """Show an API client."""
        return _client(client_id)[1]

    @requires(Permission.CLIENTS_WRITE)
    @blp.arguments(ClientUpdateSchema)
    @blp.response(200, ClientSchema)
    def patch(self, changes: dict[str, Any], client_id: uuid.UUID) -> ApiClient:
        """Rename, re-scope, or disable an API client."""
        principal, client = _client(client_id)
        services.update_client(principal.actor, client, changes)
        db.session.commit()
        return client

    @requires(Permission.CLIENTS_WRITE)
    @blp.response(204)
    def delete(self, client_id: uuid.UUID) -> None:
        """Delete an API client; its tokens stop working at once."""
        principal, client = _client(client_id)
        services.delete_client(principal.actor, client)
        db.session.commit()


@blp.route("/clients/<uuid:client_id>/secret")
class ClientSecret(MethodView):
    @requires(Permission.CLIENTS_WRITE)
    @blp.response(200, ClientSecretSchema)
    def post(self, client_id: uuid.UUID) -> dict[str, Any]:
        """Issue a new secret; the old one stops working."""
        principal, client = _client(client_id)
        secret = services.rotate_client_secret(principal.actor, client)
        db.session.commit()
        return _with_secret(client, secret)


def _basic_credentials() -> tuple[str, str] | None:
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        client_id, sep, secret = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        sep = ""
    if not sep:
        raise Unauthorized("Malformed HTTP Basic credentials.", error="invalid_client")
    return unquote(client_id), unquote(secret)  # RFC 6749 §2.3.1 form-encodes both


def _token_limit() -> str:
    limit: str = current_app.extensions["settings"].token_rate_limit
    return limit


def _token_client_id() -> str:
    """The rate-limit key of the client a token request names (Basic first, then the form)."""
    try:
        client_id = (_basic_credentials() or (request.form.get("client_id", ""),))[0]
    except Unauthorized:  # malformed Basic credentials: the view answers invalid_client
        client_id = ""
    # Hashed: any string of any length may arrive, and only equality matters for the count.
    return "token:" + hashlib.sha256(client_id.encode("utf-8", "surrogatepass")).hexdigest()


@oauth.route("/token")
class Token(MethodView):
    # Counted before the body is parsed or any secret compared (flask-limiter runs first).
    decorators = [
        limiter.limit(_token_limit),  # per address
        limiter.limit(_token_limit, key_func=_token_client_id),  # per client id, any address
    ]

    @oauth.arguments(ClientCredentialsSchema, location="form")
    @oauth.response(200, TokenSchema)
    @oauth.alt_response(400, description="invalid_request, invalid_scope or unsupported_grant_type")
    @oauth.alt_response(401, description="invalid_client")
    @oauth.alt_response(429, description="Too many requests; see Retry-After.")
    def post(self, form: dict[str, str]) -> tuple[dict[str, Any], int, dict[str, str]]:
        """Client-credentials grant (RFC 6749 §4.4): a short-lived, scoped Bearer token."""
        if form["grant_type"] != "client_credentials":
            raise BadRequest(
                "Only grant_type=client_credentials is supported.", error="unsupported_grant_type"
            )
        credentials = _basic_credentials() or (
            form.get("client_id", ""),
            form.get("client_secret", ""),
        )
        if not all(credentials):
            raise Unauthorized("Send client_id and client_secret.", error="invalid_client")
        token, ttl, scopes = services.client_credentials_token(*credentials, form.get("scope"))
        db.session.commit()  # a secret stored under Argon2 is now its digest
        body = {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": ttl,
            "scope": " ".join(scopes),
        }
        return body, 200, {"Cache-Control": "no-store", "Pragma": "no-cache"}


@oauth.route("/revoke")
class Revoke(MethodView):
    @oauth.arguments(RevokeSchema, location="form")
    @oauth.response(200)
    def post(self, form: dict[str, str]) -> dict[str, Any]:
        """Token revocation (RFC 7009): the token stops working; unknown tokens are ignored."""
        try:
            claims = tokens.decode(current_app.extensions["settings"], form["token"])
        except Unauthorized:
            return {}  # RFC 7009 §2.2: invalid tokens do not cause an error
        tokens.revoke(claims)
        db.session.commit()
        return {}


API_BLUEPRINTS = [blp, oauth]
BLUEPRINTS: list[Any] = []
