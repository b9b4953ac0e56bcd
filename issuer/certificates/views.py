"""Certificates: the public PDF download, the issuer's preview and the download counts."""

from __future__ import annotations

import uuid
from typing import Any

import marshmallow as ma
from flask import Blueprint as FlaskBlueprint
from flask import Response
from flask.views import MethodView

from issuer.accounts.access import authorize, requires
from issuer.accounts.roles import Permission
from issuer.certificates import services
from issuer.db import db
from issuer.earners.services import display_of
from issuer.earners.views import public_credential, requested_by_earner
from issuer.errors import get_or_404
from issuer.extensions import Blueprint
from issuer.issuance.models import Achievement
from issuer.tenants.models import Issuer

public = FlaskBlueprint("certificates", __name__)
blp = Blueprint(
    "certificates_api", __name__, url_prefix="/api/v1", description="Printable certificates."
)

PDF_RESPONSE = {
    "200": {
        "description": "A one-page PDF certificate.",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _pdf(data: bytes, filename: str, *, cache: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = cache
    return response


@public.get("/c/<uuid:credential_id>/certificate.pdf")
def certificate(credential_id: uuid.UUID) -> Response:
    """The credential's certificate, rendered on first download and then kept; counted.

    When the earner hid their name, others get it without the name and without the signed
    credential attached (which names them); the earner, signed in, still gets it whole.
    """
    credential = public_credential(credential_id)
    stored = services.certificate(credential)
    services.count_download(credential.id)
    db.session.commit()
    filename = f"certificate-{credential_id}.pdf"
    if display_of(credential).show_name:
        # private: a shared cache would swallow the downloads the ratio metric counts
        response = _pdf(stored.pdf, filename, cache="private, max-age=300")
    elif requested_by_earner(credential):
        response = _pdf(stored.pdf, filename, cache="private, no-store")
    else:
        response = _pdf(services.without_name(credential, stored), filename, cache="no-cache")
    response.headers["Vary"] = "Authorization"
    return response


class DownloadStatsSchema(ma.Schema):
    credentials = ma.fields.Integer(metadata={"description": "Credentials awarded."})
    downloads = ma.fields.Integer(metadata={"description": "Certificate downloads."})
    ratio = ma.fields.Float(metadata={"description": "Downloads per credential."})


@blp.route("/achievements/<uuid:achievement_id>/downloads")
class Downloads(MethodView):
    @requires(Permission.CREDENTIALS_READ)
    @blp.response(200, DownloadStatsSchema)
    def get(self, achievement_id: uuid.UUID) -> services.DownloadStats:
        """Count the certificate downloads of an achievement's credentials."""
        achievement = get_or_404(Achievement, achievement_id)
        authorize(achievement.tenant_id)
        return services.download_stats(achievement)


@blp.route("/issuers/<uuid:issuer_id>/certificate-preview.pdf")
class Preview(MethodView):
    @requires(Permission.ISSUERS_READ)
    @blp.doc(responses=PDF_RESPONSE)
    def get(self, issuer_id: uuid.UUID) -> Response:
        """Preview the issuer's current certificate template with sample data."""
        issuer = get_or_404(Issuer, issuer_id)
        authorize(issuer.tenant_id)
        return _pdf(services.preview(issuer), "certificate-preview.pdf", cache="no-store")


API_BLUEPRINTS = [blp]
BLUEPRINTS: list[Any] = [public]
