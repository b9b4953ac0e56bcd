"""Public documents, no login: credentials by URL, and OB 2.0 hosted-verification documents."""

from __future__ import annotations

import uuid
from typing import Any

from cryptography.hazmat.primitives import serialization
from flask import Blueprint, Response, current_app, json, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from issuer import clock
from issuer.db import db
from issuer.earners.services import display_of
from issuer.earners.views import public_credential
from issuer.errors import NotAcceptable, NotFound, get_or_404
from issuer.issuance import documents, revocation, services, status
from issuer.issuance.models import Achievement, AchievementVersion, Credential, StatusList
from issuer.keys.models import IssuerKey
from issuer.keys.services import keys_of
from issuer.public import page
from issuer.tenants.models import Issuer
from verifier.multikey import public_key_from_jwk

public = Blueprint("public", __name__)

LD_JSON = "application/ld+json"
VC_JWT = "application/vc+jwt"


def _document(
    body: str | dict[str, Any],
    media_type: str,
    *,
    download: str | None = None,
    max_age: int = 300,
) -> Response:
    text = body if isinstance(body, str) else json.dumps(body)
    response = Response(text, mimetype=media_type)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    if download:
        response.headers["Content-Disposition"] = f'attachment; filename="{download}"'
    return response


# What /c/<id> can answer, best first for a client that accepts anything: the credential.
JSON_TYPES = ("application/ld+json", "application/vc+ld+json", "application/vc", "application/json")
DOWNLOADS = {  # served by whichever view owns the download URL
    "application/pdf": "certificate.pdf",
    "image/png": "badge.png",
    "image/svg+xml": "badge.svg",
}
OFFERED = (*JSON_TYPES, "text/html", VC_JWT, *DOWNLOADS)


@public.get("/c/<uuid:credential_id>")
def credential(credential_id: uuid.UUID) -> Response:
    """The credential's permanent URL, for people (HTML) and machines (JSON-LD, JWT, files)."""
    stored = public_credential(credential_id)
    accept = request.accept_mimetypes
    best = accept.best_match(OFFERED) if accept else JSON_TYPES[0]
    if best is None:
        raise NotAcceptable(
            f"This URL can answer {', '.join(OFFERED)}.", headers={"Vary": "Accept"}
        )
    if best == "text/html":
        response = _page(stored)
    elif best in JSON_TYPES:
        response = _document(stored.ob3_json, LD_JSON if best == "application/json" else best)
    elif best == VC_JWT:
        response = _document(stored.ob3_jwt, VC_JWT)
    else:
        response = _download(f"/c/{credential_id}/{DOWNLOADS[best]}")
        response.headers.pop("Content-Disposition", None)
    # The page's language follows Accept-Language (issuer.i18n); the documents have none.
    response.headers["Vary"] = "Accept, Accept-Language" if best == "text/html" else "Accept"
    return response


def _page(stored: Credential) -> Response:
    issuer = stored.issuer
    report = page.check_credential(stored, now=clock.now())
    where = services.urls()
    shown = display_of(stored)
    context = page.context(stored, report)
    if not shown.show_name:
        context["recipient_name"] = ""
    if not shown.show_evidence:
        context["evidence"] = []
    replacement = stored.superseded_by_id
    html = render_template(
        "public/credential.html",
        **context,
        superseded_by=where.credential(replacement) if replacement else None,
        name_hidden=not shown.show_name,
        issuer_row=issuer,
        # 96 px on the page: 2x renditions, never a full upload (the phone budget is 100 KB).
        logo_url=f"{where.image(issuer.logo_id)}/w192" if issuer.logo_id else None,
        badge_url=_badge_rendition(stored, where),
    )
    response = Response(html, mimetype="text/html")
    response.headers["Cache-Control"] = "no-cache"  # status can change: always revalidate
    return response


def _badge_rendition(stored: Credential, where: documents.Urls) -> str:
    """The achievement's uploaded art at 192 px, or the (small) generated badge."""
    version = db.session.get(AchievementVersion, stored.achievement_version_id)
    if version is not None and version.image_id is not None:
        return f"{where.image(version.image_id)}/w192"
    return f"{where.credential(stored.id)}/badge.png"


def _download(path: str) -> Response:
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        endpoint, args = adapter.match(path, method="GET")
    except HTTPException:
        raise NotAcceptable("That representation is not available here yet.") from None
    return make_response(current_app.view_functions[endpoint](**args))


@public.get("/c/<uuid:credential_id>/credential.json")
def credential_json(credential_id: uuid.UUID) -> Response:
    """The signed OB 3.0 credential as a download."""
    stored = public_credential(credential_id)
    return _document(stored.ob3_json, LD_JSON, download=f"credential-{credential_id}.json")


@public.get("/c/<uuid:credential_id>/credential.jwt")
def credential_jwt(credential_id: uuid.UUID) -> Response:
    """The same credential as a VC-JWT."""
    stored = public_credential(credential_id)
    return _document(stored.ob3_jwt, VC_JWT, download=f"credential-{credential_id}.jwt")


@public.get("/achievements/<uuid:achievement_id>")
def achievement(achievement_id: uuid.UUID) -> Response:
    """An achievement's current version as an OB 3.0 Achievement."""
    found = get_or_404(Achievement, achievement_id)
    version = services.current_version(found)
    issuer = found.issuer
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
    """A Bitstring Status List credential, signed by its issuer; revalidated with its ETag."""
    published = status.published_status_list(get_or_404(StatusList, list_id))
    response = _document(published.text, LD_JSON)
    response.headers["Cache-Control"] = f"public, max-age={status.STATUS_LIST_TTL}"
    response.set_etag(published.etag)
    response.make_conditional(request)  # 304 when If-None-Match names this version
    return response


@public.get("/ob2/assertions/<uuid:credential_id>")
def ob2_assertion(credential_id: uuid.UUID) -> Response:
    """The OB 2.0 hosted assertion; once revoked, its id, `revoked: true` and the reason."""
    hosted = revocation.ob2_hosted(public_credential(credential_id))
    return _document(hosted, LD_JSON, max_age=60)  # a revocation shows within a minute


@public.get("/ob2/assertions/<uuid:credential_id>/signed")
def ob2_signed(credential_id: uuid.UUID) -> Response:
    """The OB 2.0 signed assertion (compact JWS)."""
    stored = public_credential(credential_id)
    return _document(stored.ob2_jws, "application/jose", download=f"assertion-{credential_id}.jws")


@public.get("/ob2/badges/<uuid:version_id>")
def ob2_badge(version_id: uuid.UUID) -> Response:
    """An achievement version as an OB 2.0 BadgeClass."""
    version = get_or_404(AchievementVersion, version_id)
    where = services.urls()
    found = version.achievement
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
        revocation_list=where.ob2_revocations(issuer.id),
    )
    return _document(body, LD_JSON)


@public.get("/ob2/issuers/<uuid:issuer_id>/revocations")
def ob2_revocations(issuer_id: uuid.UUID) -> Response:
    """The issuer's OB 2.0 RevocationList, read by verifiers of signed assertions."""
    issuer = get_or_404(Issuer, issuer_id)
    response = _document(revocation.ob2_revocation_list(issuer.id, services.urls()), LD_JSON)
    response.headers["Cache-Control"] = f"public, max-age={status.STATUS_LIST_TTL}"
    return response


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
