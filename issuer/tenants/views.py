"""API of tenants and issuers: /api/v1/tenants, /api/v1/issuers."""

from __future__ import annotations

import uuid
from typing import Any

from flask import current_app
from flask.views import MethodView
from sqlalchemy import select

from issuer.accounts.access import authorize, authorize_listing, requires
from issuer.accounts.roles import Permission
from issuer.db import db, page
from issuer.errors import get_or_404
from issuer.extensions import Blueprint
from issuer.images.upload import IMAGE_BODY, uploaded_bytes
from issuer.keys.services import issuer_did
from issuer.tenants import services
from issuer.tenants.models import Issuer, Tenant
from issuer.tenants.schemas import (
    IssuerSchema,
    IssuerUpdateSchema,
    TenantSchema,
    TenantUpdateSchema,
)

blp = Blueprint("tenants", __name__, url_prefix="/api/v1", description="Tenants and their issuers.")


def present(issuer: Issuer) -> dict[str, Any]:
    """An issuer as the API shows it, with its DID and public image URLs."""
    settings = current_app.extensions["settings"]
    base = settings.public_url

    def image_url(image_id: uuid.UUID | None) -> str | None:
        return f"{base}/images/{image_id}" if image_id else None

    return {
        **{c.key: getattr(issuer, c.key) for c in Issuer.__table__.columns},
        "did": issuer_did(settings, issuer.id),
        "logo_url": image_url(issuer.logo_id),
        "signature_url": image_url(issuer.signature_id),
    }


@blp.route("/tenants")
class Tenants(MethodView):
    @requires(Permission.TENANTS_READ)
    @blp.response(200, TenantSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters: Any) -> list[Tenant]:
        """List the tenants you belong to (all of them for platform admins)."""
        _, visible = authorize_listing()
        stmt = select(Tenant).order_by(Tenant.slug)
        if visible is not None:
            stmt = stmt.where(Tenant.id.in_(visible))
        return page(stmt, pagination_parameters)

    @requires(Permission.TENANTS_ADMIN)
    @blp.arguments(TenantSchema)
    @blp.response(201, TenantSchema)
    def post(self, data: dict[str, Any]) -> Tenant:
        """Create a tenant (platform admins)."""
        principal = authorize(None)
        tenant = services.create_tenant(principal.actor, **data)
        db.session.commit()
        return tenant


@blp.route("/tenants/<uuid:tenant_id>")
class TenantItem(MethodView):
    @requires(Permission.TENANTS_READ)
    @blp.response(200, TenantSchema)
    def get(self, tenant_id: uuid.UUID) -> Tenant:
        """Show a tenant."""
        authorize(tenant_id)
        return get_or_404(Tenant, tenant_id)

    @requires(Permission.TENANTS_WRITE)
    @blp.arguments(TenantUpdateSchema)
    @blp.response(200, TenantSchema)
    def patch(self, changes: dict[str, Any], tenant_id: uuid.UUID) -> Tenant:
        """Rename a tenant."""
        principal = authorize(tenant_id)
        tenant = services.update_tenant(principal.actor, get_or_404(Tenant, tenant_id), changes)
        db.session.commit()
        return tenant

    @requires(Permission.TENANTS_ADMIN)
    @blp.response(204)
    def delete(self, tenant_id: uuid.UUID) -> None:
        """Delete a tenant that has no issuers (platform admins)."""
        principal = authorize(tenant_id)
        services.delete_tenant(principal.actor, get_or_404(Tenant, tenant_id))
        db.session.commit()


@blp.route("/tenants/<uuid:tenant_id>/issuers")
class Issuers(MethodView):
    @requires(Permission.ISSUERS_READ)
    @blp.response(200, IssuerSchema(many=True))
    @blp.paginate()
    def get(self, tenant_id: uuid.UUID, pagination_parameters: Any) -> list[dict[str, Any]]:
        """List a tenant's issuers."""
        authorize(tenant_id)
        stmt = select(Issuer).where(Issuer.tenant_id == tenant_id).order_by(Issuer.name, Issuer.id)
        return [present(i) for i in page(stmt, pagination_parameters)]

    @requires(Permission.ISSUERS_WRITE)
    @blp.arguments(IssuerSchema)
    @blp.response(201, IssuerSchema)
    def post(self, data: dict[str, Any], tenant_id: uuid.UUID) -> dict[str, Any]:
        """Create an issuer; its Ed25519 and RSA keys are generated with it."""
        principal = authorize(tenant_id)
        issuer = services.create_issuer(principal.actor, get_or_404(Tenant, tenant_id), data)
        db.session.commit()
        return present(issuer)


def _issuer(issuer_id: uuid.UUID) -> tuple[Any, Issuer]:
    issuer = get_or_404(Issuer, issuer_id)
    return authorize(issuer.tenant_id), issuer


@blp.route("/issuers/<uuid:issuer_id>")
class IssuerItem(MethodView):
    @requires(Permission.ISSUERS_READ)
    @blp.response(200, IssuerSchema)
    def get(self, issuer_id: uuid.UUID) -> dict[str, Any]:
        """Show an issuer."""
        _, issuer = _issuer(issuer_id)
        return present(issuer)

    @requires(Permission.ISSUERS_WRITE)
    @blp.arguments(IssuerUpdateSchema)
    @blp.response(200, IssuerSchema)
    def patch(self, changes: dict[str, Any], issuer_id: uuid.UUID) -> dict[str, Any]:
        """Change an issuer's details."""
        principal, issuer = _issuer(issuer_id)
        services.update_issuer(principal.actor, issuer, changes)
        db.session.commit()
        return present(issuer)

    @requires(Permission.ISSUERS_WRITE)
    @blp.response(204)
    def delete(self, issuer_id: uuid.UUID) -> None:
        """Archive an issuer: it issues nothing more, and its keys stay published."""
        principal, issuer = _issuer(issuer_id)
        services.archive_issuer(principal.actor, issuer)
        db.session.commit()


@blp.route("/issuers/<uuid:issuer_id>/<any(logo, signature):slot>")
class IssuerImage(MethodView):
    @requires(Permission.ISSUERS_WRITE)
    @blp.doc(requestBody=IMAGE_BODY)
    @blp.response(200, IssuerSchema)
    def put(self, issuer_id: uuid.UUID, slot: services.ImageSlot) -> dict[str, Any]:
        """Upload the logo or signature: PNG, JPEG or SVG (sanitised), raw or as `file`."""
        principal, issuer = _issuer(issuer_id)
        services.set_image(principal.actor, issuer, slot, uploaded_bytes())
        db.session.commit()
        return present(issuer)

    @requires(Permission.ISSUERS_WRITE)
    @blp.response(200, IssuerSchema)
    def delete(self, issuer_id: uuid.UUID, slot: services.ImageSlot) -> dict[str, Any]:
        """Remove the logo or signature."""
        principal, issuer = _issuer(issuer_id)
        services.remove_image(principal.actor, issuer, slot)
        db.session.commit()
        return present(issuer)


API_BLUEPRINTS = [blp]
BLUEPRINTS: list[Any] = []
