"""API of earners (/api/v1/me/credentials) and of the issuer deciding name changes."""

from __future__ import annotations

import json
import uuid
from typing import Any

from flask import after_this_request, request
from flask.views import MethodView
from sqlalchemy import select
from werkzeug import Response

from issuer.accounts.access import authenticate, authorize, authorize_listing, requires
from issuer.accounts.models import User
from issuer.accounts.roles import Permission
from issuer.db import db, page
from issuer.earners import services
from issuer.earners.models import NameChangeRequest
from issuer.earners.schemas import (
    DisplaySchema,
    EarnedCredentialSchema,
    NameChangeCreateSchema,
    NameChangeQuerySchema,
    NameChangeSchema,
    RejectSchema,
)
from issuer.errors import Forbidden, get_or_404
from issuer.extensions import Blueprint
from issuer.issuance import services as issuance
from issuer.issuance.models import Credential

blp = Blueprint(
    "earners",
    __name__,
    url_prefix="/api/v1",
    description="What earners control: their credentials' public pages and name corrections.",
)
EARNER: dict[str, Any] = {"security": [{"bearerAuth": []}]}


def earner_user() -> User:
    """The signed-in person calling an earner endpoint; API clients act for no earner."""
    user = authenticate().user
    if user is None:
        raise Forbidden("Only the earner, signed in as a person, manages their credentials.")
    return user


def bearer_user() -> User | None:
    """The person whose token this request carries, if it carries one (a bad one: 401)."""
    return authenticate().user if "Authorization" in request.headers else None


def requested_by_earner(credential: Credential) -> bool:
    """Whether this request carries the bearer token of `credential`'s own earner."""
    return services.is_earner(bearer_user(), credential)


def public_credential(credential_id: uuid.UUID) -> Credential:
    """The credential of a public URL; a hidden one, shown to its earner, is never cached."""
    credential = services.public_credential(credential_id, bearer_user)
    if services.display_of(credential).hidden:

        @after_this_request
        def _private(response: Response) -> Response:
            response.headers["Cache-Control"] = "private, no-store"
            return response

    return credential


def present_change(change: NameChangeRequest) -> dict[str, Any]:
    replacement = change.replacement_id
    return {
        **{c: getattr(change, c) for c in NameChangeSchema().fields if hasattr(change, c)},
        "replacement_url": issuance.urls().credential(replacement) if replacement else None,
    }


def present_earned(credential: Credential) -> dict[str, Any]:
    document = json.loads(credential.ob3_json)
    latest = services.latest_request(credential)
    return {
        "id": credential.id,
        "url": issuance.urls().credential(credential.id),
        "achievement": document["credentialSubject"]["achievement"]["name"],
        "issuer": document["issuer"].get("name", ""),
        "name": credential.recipient_name,
        "status": credential.status,
        "superseded_by": credential.superseded_by_id,
        "created_at": credential.created_at,
        "display": vars(services.display_of(credential)),
        "name_change": present_change(latest) if latest else None,
    }


@blp.route("/me/credentials")
class MyCredentials(MethodView):
    @blp.response(200, EarnedCredentialSchema(many=True))
    @blp.paginate()
    @blp.doc(**EARNER)
    def get(self, pagination_parameters: Any) -> list[dict[str, Any]]:
        """Your credentials: those issued to your account's email address."""
        user = earner_user()
        return [present_earned(c) for c in page(services.earned(user), pagination_parameters)]


@blp.route("/me/credentials/<uuid:credential_id>/display")
class MyCredentialDisplay(MethodView):
    @blp.response(200, DisplaySchema)
    @blp.doc(**EARNER)
    def get(self, credential_id: uuid.UUID) -> dict[str, bool]:
        """What the public sees of one of your credentials."""
        return vars(services.display_of(services.owned(earner_user(), credential_id)))

    @blp.arguments(DisplaySchema)
    @blp.response(200, DisplaySchema)
    @blp.doc(**EARNER)
    def patch(self, data: dict[str, bool], credential_id: uuid.UUID) -> dict[str, bool]:
        """Hide the credential entirely, or choose what its page shows. Only you can."""
        user = earner_user()
        credential = services.owned(user, credential_id)
        actor = ("user", str(user.id))
        display = services.set_display(actor, credential, data)
        db.session.commit()
        return vars(display)


@blp.route("/me/credentials/<uuid:credential_id>/name-change")
class MyNameChange(MethodView):
    @blp.arguments(NameChangeCreateSchema)
    @blp.response(201, NameChangeSchema)
    @blp.alt_response(409, description="Not active, same name, or a request is pending.")
    @blp.doc(**EARNER)
    def post(self, data: dict[str, str], credential_id: uuid.UUID) -> dict[str, Any]:
        """Ask the issuer to correct your name; once approved, a new credential replaces it."""
        user = earner_user()
        credential = services.owned(user, credential_id)
        change = services.request_name_change(
            ("user", str(user.id)), user, credential, name=data["name"], comment=data["comment"]
        )
        db.session.commit()
        return present_change(change)


@blp.route("/name-changes")
class NameChanges(MethodView):
    @requires(Permission.CREDENTIALS_REVOKE)
    @blp.arguments(NameChangeQuerySchema, location="query")
    @blp.response(200, NameChangeSchema(many=True))
    @blp.paginate()
    def get(self, query: dict[str, str], pagination_parameters: Any) -> list[dict[str, Any]]:
        """Name-change requests of the tenants where you decide them, oldest first."""
        _, tenants = authorize_listing()
        stmt = select(NameChangeRequest).where(NameChangeRequest.status == query["status"])
        if tenants is not None:
            stmt = stmt.where(NameChangeRequest.tenant_id.in_(tenants))
        stmt = stmt.order_by(NameChangeRequest.created_at, NameChangeRequest.id)
        return [present_change(c) for c in page(stmt, pagination_parameters)]


def _decider(change_id: uuid.UUID) -> tuple[NameChangeRequest, tuple[str, str]]:
    change = get_or_404(NameChangeRequest, change_id)
    principal = authorize(change.tenant_id)
    if Permission.CREDENTIALS_ISSUE not in (principal.permissions(change.tenant_id) or ()):
        raise Forbidden(f"Approving also issues: this requires `{Permission.CREDENTIALS_ISSUE}`.")
    return change, principal.actor


@blp.route("/name-changes/<uuid:change_id>/approve")
class NameChangeApprove(MethodView):
    @requires(Permission.CREDENTIALS_REVOKE)
    @blp.response(200, NameChangeSchema)
    @blp.alt_response(409, description="Already decided, or the credential is not active.")
    def post(self, change_id: uuid.UUID) -> dict[str, Any]:
        """Approve: issue the corrected credential and revoke the old one as superseded."""
        change, actor = _decider(change_id)
        services.approve(actor, change)
        db.session.commit()
        return present_change(change)


@blp.route("/name-changes/<uuid:change_id>/reject")
class NameChangeReject(MethodView):
    @requires(Permission.CREDENTIALS_REVOKE)
    @blp.arguments(RejectSchema)
    @blp.response(200, NameChangeSchema)
    @blp.alt_response(409, description="Already decided.")
    def post(self, data: dict[str, str], change_id: uuid.UUID) -> dict[str, Any]:
        """Turn the request down with a reason the earner reads."""
        change, actor = _decider(change_id)
        services.reject(actor, change, reason=data["reason"])
        db.session.commit()
        return present_change(change)


API_BLUEPRINTS = [blp]
BLUEPRINTS: list[Any] = []
