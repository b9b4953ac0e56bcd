"""API of proving an address: claim an account, reset a password, sign in by link, accept an
invitation. Requests answer 202 whatever exists; confirmations spend the mailed token."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, request
from flask.views import MethodView

from issuer.accounts import claims, invitations
from issuer.accounts.addresses import Purpose
from issuer.accounts.models import User
from issuer.accounts.schemas import (
    AcceptedSchema,
    AcceptInvitationSchema,
    AddressSchema,
    ClaimSchema,
    PasswordResetSchema,
    TokenOnlySchema,
    TokenSchema,
)
from issuer.accounts.services import normalise_email, user_token
from issuer.db import db
from issuer.extensions import Blueprint, limiter

blp = Blueprint(
    "claims",
    __name__,
    url_prefix="/api/v1",
    description="Accounts belong to people: claim, password reset, sign-in links, invitations.",
)
SENT = "If this address can receive it, a message is on its way; it holds a single-use token."


def _per_ip() -> str:
    limit: str = current_app.extensions["settings"].login_rate_limit
    return limit


def _per_email() -> str:
    limit: str = current_app.extensions["settings"].address_token_rate_limit
    return limit


def _email_key() -> str:
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # `silent` covers only ValueError; the parser answers 400
        body = None
    email = body.get("email") if isinstance(body, dict) else None
    return f"address:{normalise_email(email)}" if isinstance(email, str) else "address:-"


LIMITS: list[Callable[..., Any]] = [
    limiter.limit(_per_ip),
    limiter.limit(_per_email, key_func=_email_key),
]
CONFIRM_LIMITS: list[Callable[..., Any]] = [limiter.limit(_per_ip)]


def _request(purpose: Purpose, email: str) -> tuple[dict[str, str], int]:
    claims.request_token(purpose, email)
    db.session.commit()
    return {"detail": SENT}, 202


def _signed_in(user: User) -> dict[str, Any]:
    token, ttl = user_token(user)
    return {"access_token": token, "token_type": "Bearer", "expires_in": ttl}


@blp.route("/account/claim")
class Claim(MethodView):
    decorators = LIMITS

    @blp.arguments(AddressSchema)
    @blp.response(202)
    @blp.alt_response(429, description="Too many requests; see Retry-After.")
    def post(self, data: dict[str, str]) -> tuple[dict[str, str], int]:
        """Mail a token proving this address, to create (or take over) its account."""
        return _request("claim", data["email"])


@blp.route("/account/claim/confirm")
class ClaimConfirm(MethodView):
    decorators = CONFIRM_LIMITS

    @blp.arguments(ClaimSchema)
    @blp.response(201, TokenSchema)
    def post(self, data: dict[str, str]) -> dict[str, Any]:
        """Spend a claim token: your account, with the password you chose, and a token."""
        user = claims.claim(data["token"], name=data["name"], password=data["password"])
        db.session.commit()
        return _signed_in(user)


@blp.route("/auth/password-reset")
class PasswordReset(MethodView):
    decorators = LIMITS

    @blp.arguments(AddressSchema)
    @blp.response(202)
    @blp.alt_response(429, description="Too many requests; see Retry-After.")
    def post(self, data: dict[str, str]) -> tuple[dict[str, str], int]:
        """Mail a password-reset token to the address, if it has an account."""
        return _request("reset", data["email"])


@blp.route("/auth/password-reset/confirm")
class PasswordResetConfirm(MethodView):
    decorators = CONFIRM_LIMITS

    @blp.arguments(PasswordResetSchema)
    @blp.response(200, TokenSchema)
    def post(self, data: dict[str, str]) -> dict[str, Any]:
        """Spend a reset token: the new password ends every older token."""
        user = claims.reset_password(data["token"], data["password"])
        db.session.commit()
        return _signed_in(user)


@blp.route("/auth/sign-in-link")
class SignInLink(MethodView):
    decorators = LIMITS

    @blp.arguments(AddressSchema)
    @blp.response(202)
    @blp.alt_response(429, description="Too many requests; see Retry-After.")
    def post(self, data: dict[str, str]) -> tuple[dict[str, str], int]:
        """Mail a passwordless sign-in token to the address, if it has an account."""
        return _request("sign_in", data["email"])


@blp.route("/auth/sign-in-link/confirm")
class SignInLinkConfirm(MethodView):
    decorators = CONFIRM_LIMITS

    @blp.arguments(TokenOnlySchema)
    @blp.response(200, TokenSchema)
    def post(self, data: dict[str, str]) -> dict[str, Any]:
        """Spend a sign-in token for an access token."""
        user = claims.sign_in(data["token"])
        db.session.commit()
        return _signed_in(user)


@blp.route("/invitations/accept")
class AcceptInvitation(MethodView):
    decorators = CONFIRM_LIMITS

    @blp.arguments(AcceptInvitationSchema)
    @blp.response(200, AcceptedSchema)
    def post(self, data: dict[str, str]) -> dict[str, Any]:
        """Spend an invitation token: its roles are yours (an account is made if needed)."""
        user, invitation = invitations.accept(data["token"], password=data.get("password"))
        db.session.commit()
        return _signed_in(user) | {"tenant_id": invitation.tenant_id, "roles": invitation.roles}


API_BLUEPRINTS = [blp]
BLUEPRINTS: list[Any] = []
