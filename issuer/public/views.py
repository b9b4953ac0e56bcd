"""Public documents, no login: credentials by URL, and OB 2.0 hosted-verification documents."""

from __future__ import annotations

import uuid
from typing import Any

from cryptography.hazmat.primitives import serialization
from flask import Blueprint, Response, json

from issuer.db import db, get_or_404
from issuer.errors import NotFound
from issuer.issuance import documents, services
from issuer.issuance.models import Achievement, AchievementVersion, Credential, StatusList
from issuer.keys.models import IssuerKey
from issuer.keys.services import keys_of
from issuer.tenants.models import Issuer
from verifier.multikey import public_key_from_jwk

public = Blueprint("public", __name__)

LD_JSON = "application/ld+json"
VC_JWT = "application/vc+jwt"


def _document(
    body: str | dict[str, Any], media_type: str, *, download: str | None = None
) -> Response:
    text = body if isinstance(body, str) else json.dumps(body)
    response = Response(text, mimetype=media_type)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=300"
    if download:
        response.headers["Content-Disposition"] = f'attachment; filename="{download}"'
    return response


@public.get("/c/<uuid:credential_id>")
def credential(credential_id: uuid.UUID) -> Response:
    """The signed OB 3.0 credential at its permanent URL (its `id`)."""
    return _document(get_or_404(Credential, credential_id).ob3_json, LD_JSON)


@public.get("/c/<uuid:credential_id>/credential.json")
def credential_json(credential_id: uuid.UUID) -> Response:
    """The signed OB 3.0 credential as a download."""
    stored = get_or_404(Credential, credential_id)
    return _document(stored.ob3_json, LD_JSON, download=f"credential-{credential_id}.json")


@public.get("/c/<uuid:credential_id>/credential.jwt")
def credential_jwt(credential_id: uuid.UUID) -> Response:
    """The same credential as a VC-JWT."""
    stored = get_or_404(Credential, credential_id)
    return _document(stored.ob3_jwt, VC_JWT, download=f"credential-{credential_id}.jwt")


@public.get("/achievements/<uuid:achievement_id>")
def achievement(achievement_id: uuid.UUID) -> Response:
    """An achievement's current version as an OB 3.0 Achievement."""
    found = get_or_404(Achievement, achievement_id)
    version = services.current_version(found)
    issuer = db.session.get(Issuer, found.issuer_id)
    assert issuer is not None
    where = services.urls()
    content = dict(version.content)
    if version.image_id:
        content["image"] = where.image(version.image_id)
    body = documents.ob3_achievement(
        where.achievement(found.id), version.version, content, services.issuer_profile(issuer)
    )
    return _document({"@context": documents.OB3_CONTEXTS, **body}, LD_JSON)


@public.get("/status/<uuid:list_id>")
def status_list(list_id: uuid.UUID) -> Response:
    """A Bitstring Status List credential, signed by its issuer."""
    credential = services.status_list_credential(get_or_404(StatusList, list_id))
    return _document(credential, LD_JSON)


@public.get("/ob2/assertions/<uuid:credential_id>")
def ob2_assertion(credential_id: uuid.UUID) -> Response:
    """The OB 2.0 hosted assertion."""
    return _document(get_or_404(Credential, credential_id).ob2_json, LD_JSON)


@public.get("/ob2/assertions/<uuid:credential_id>/signed")
def ob2_signed(credential_id: uuid.UUID) -> Response:
    """The OB 2.0 signed assertion (compact JWS)."""
    stored = get_or_404(Credential, credential_id)
    return _document(stored.ob2_jws, "application/jose", download=f"assertion-{credential_id}.jws")


@public.get("/ob2/badges/<uuid:version_id>")
def ob2_badge(version_id: uuid.UUID) -> Response:
    """An achievement version as an OB 2.0 BadgeClass."""
    version = get_or_404(AchievementVersion, version_id)
    where = services.urls()
    found = db.session.get(Achievement, version.achievement_id)
    assert found is not None
    body = documents.ob2_badge_class(
        badge_url=where.ob2_badge(version.id),
        issuer_url=where.ob2_issuer(found.issuer_id),
        content=version.content,
        image=where.image(version.image_id) if version.image_id else None,
    )
    return _document(body, LD_JSON)


@public.get("/ob2/issuers/<uuid:issuer_id>")
def ob2_issuer(issuer_id: uuid.UUID) -> Response:
    """An issuer as an OB 2.0 Issuer Profile."""
    issuer = get_or_404(Issuer, issuer_id)
    where = services.urls()
    rsa = [k for k in keys_of(issuer) if k.algorithm == "RSA"]
    body = documents.ob2_issuer(
        issuer_url=where.ob2_issuer(issuer.id),
        issuer=services.issuer_profile(issuer),
        key_urls=[where.ob2_key(k.id) for k in rsa],
    )
    return _document(body, LD_JSON)


@public.get("/ob2/keys/<uuid:key_id>")
def ob2_key(key_id: uuid.UUID) -> Response:
    """An issuer's RSA public key as an OB 2.0 CryptographicKey."""
    key = get_or_404(IssuerKey, key_id)
    if key.algorithm != "RSA":  # only RSA keys sign OB 2.0
        raise NotFound("No such OB 2.0 key.")
    pem = public_key_from_jwk(key.public_jwk).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    where = services.urls()
    body = documents.ob2_key(
        key_url=where.ob2_key(key.id),
        owner_url=where.ob2_issuer(key.issuer_id),
        public_key_pem=pem.decode(),
    )
    return _document(body, LD_JSON)


API_BLUEPRINTS: list[Any] = []
BLUEPRINTS = [public]
