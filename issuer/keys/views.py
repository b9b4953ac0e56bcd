"""Key rotation (/api/v1/issuers/<id>/keys) and public key documents (DID, JWKS)."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint as FlaskBlueprint
from flask import Response, current_app, json
from flask.views import MethodView
from sqlalchemy import select

from issuer.accounts.access import authorize, requires
from issuer.accounts.roles import Permission
from issuer.db import db
from issuer.errors import get_or_404
from issuer.extensions import Blueprint
from issuer.keys import documents, services
from issuer.keys.models import IssuerKey
from issuer.keys.schemas import KeySchema
from issuer.tenants.models import Issuer

blp = Blueprint("keys", __name__, url_prefix="/api/v1", description="Issuer signing keys.")
public = FlaskBlueprint("key_documents", __name__)


def _present(key: IssuerKey) -> dict[str, Any]:
    settings = current_app.extensions["settings"]
    return {
        "id": key.id,
        "algorithm": key.algorithm,
        "verification_method": services.verification_method(settings, key),
        "public_jwk": documents.public_jwk(settings, key),
        "created_at": key.created_at,
        "retired_at": key.retired_at,
    }


@blp.route("/issuers/<uuid:issuer_id>/keys")
class Keys(MethodView):
    @requires(Permission.KEYS_READ)
    @blp.response(200, KeySchema(many=True))
    def get(self, issuer_id: uuid.UUID) -> list[dict[str, Any]]:
        """List an issuer's public keys, active and retired."""
        issuer = get_or_404(Issuer, issuer_id)
        authorize(issuer.tenant_id)
        return [_present(k) for k in services.keys_of(issuer)]

    @requires(Permission.KEYS_WRITE)
    @blp.arguments(KeySchema)
    @blp.response(201, KeySchema)
    def post(self, data: dict[str, Any], issuer_id: uuid.UUID) -> dict[str, Any]:
        """Rotate: a new key of `algorithm` signs from now on; the old one stays published."""
        issuer = get_or_404(Issuer, issuer_id)
        principal = authorize(issuer.tenant_id)
        key = services.rotate(issuer, data["algorithm"], principal.actor)
        db.session.commit()
        return _present(key)


def _json(document: dict[str, Any], media_type: str) -> Response:
    response = Response(json.dumps(document), mimetype=media_type)
    response.headers["Cache-Control"] = f"public, max-age={services.DID_DOCUMENT_MAX_AGE}"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _all_keys() -> list[IssuerKey]:
    return list(db.session.scalars(select(IssuerKey).order_by(IssuerKey.created_at, IssuerKey.id)))


@public.get("/.well-known/jwks.json")
def site_jwks() -> Response:
    """Every issuer's public keys as one JWK Set."""
    settings = current_app.extensions["settings"]
    return _json(documents.jwks(settings, _all_keys()), "application/jwk-set+json")


@public.get("/.well-known/did.json")
def site_did() -> Response:
    """The deployment's did:web document."""
    settings = current_app.extensions["settings"]
    document = documents.did_document(settings, services.site_did(settings), _all_keys())
    return _json(document, "application/did+json")


def _issuer_keys(issuer_id: uuid.UUID) -> list[IssuerKey]:
    return services.keys_of(get_or_404(Issuer, issuer_id))


@public.get("/issuers/<uuid:issuer_id>/did.json")
def issuer_did(issuer_id: uuid.UUID) -> Response:
    """One issuer's did:web document."""
    settings = current_app.extensions["settings"]
    doc = documents.issuer_did_document(settings, issuer_id, _issuer_keys(issuer_id))
    return _json(doc, "application/did+json")


@public.get("/issuers/<uuid:issuer_id>/jwks.json")
def issuer_jwks(issuer_id: uuid.UUID) -> Response:
    """One issuer's JWK Set."""
    settings = current_app.extensions["settings"]
    return _json(documents.jwks(settings, _issuer_keys(issuer_id)), "application/jwk-set+json")


API_BLUEPRINTS = [blp]
BLUEPRINTS = [public]
