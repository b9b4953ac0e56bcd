"""Public badge images: baked PNG and SVG downloads (OB 3.0 and 2.0), and the share image."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from flask import Blueprint, Response, request

from issuer.earners.services import display_of
from issuer.earners.views import public_credential
from issuer.public import badges, share

blueprint = Blueprint("badges", __name__)

# A credential never changes and its art is immutable, so neither do these bytes; revocation
# is published in the status list, never in the image.
IMMUTABLE = "public, max-age=31536000, immutable"
SVG_MEDIA_TYPE = "image/svg+xml"
# Uploaded SVG is sanitised; this stops anything that slipped through from running.
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox"


@blueprint.get("/c/<uuid:credential_id>/badge.png")
def ob3_png(credential_id: uuid.UUID) -> Response:
    """The badge PNG with the OB 3.0 credential baked in (iTXt `openbadgecredential`)."""
    baked = badges.baked_png(public_credential(credential_id), "ob3")
    return _image(baked, "image/png", download=f"badge-{credential_id}.png")


@blueprint.get("/c/<uuid:credential_id>/badge.svg")
def ob3_svg(credential_id: uuid.UUID) -> Response:
    """The badge SVG with the OB 3.0 credential baked in (`<openbadges:credential>`)."""
    baked = badges.baked_svg(public_credential(credential_id), "ob3")
    return _image(baked, SVG_MEDIA_TYPE, download=f"badge-{credential_id}.svg")


@blueprint.get("/ob2/assertions/<uuid:credential_id>/badge.png")
def ob2_png(credential_id: uuid.UUID) -> Response:
    """The badge PNG with the OB 2.0 signed assertion baked in (iTXt `openbadges`)."""
    baked = badges.baked_png(public_credential(credential_id), "ob2")
    return _image(baked, "image/png", download=f"badge-ob2-{credential_id}.png")


@blueprint.get("/ob2/assertions/<uuid:credential_id>/badge.svg")
def ob2_svg(credential_id: uuid.UUID) -> Response:
    """The badge SVG with the OB 2.0 signed assertion baked in (`<openbadges:assertion>`)."""
    baked = badges.baked_svg(public_credential(credential_id), "ob2")
    return _image(baked, SVG_MEDIA_TYPE, download=f"badge-ob2-{credential_id}.svg")


@blueprint.get("/c/<uuid:credential_id>/share.png")
def share_image(credential_id: uuid.UUID) -> Response:
    """The 1200×627 Open Graph / Twitter card image of a credential."""
    credential = public_credential(credential_id)
    with_name = display_of(credential).show_name
    return _image(share.share_png(credential, with_name=with_name), "image/png")


def _image(data: bytes, media_type: str, *, download: str | None = None) -> Response:
    response = Response(data, mimetype=media_type)
    response.headers["Cache-Control"] = IMMUTABLE
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Content-Security-Policy"] = CSP
    if download:
        response.headers["Content-Disposition"] = f'attachment; filename="{download}"'
    response.set_etag(hashlib.sha256(data).hexdigest()[:32])
    response.make_conditional(request)  # 304 when If-None-Match names this ETag
    return response


API_BLUEPRINTS: list[Any] = []
BLUEPRINTS = [blueprint]
