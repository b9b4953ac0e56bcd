"""Tenants and issuers: create, change, archive; every change audited."""

from __future__ import annotations

from typing import Any, Literal

from flask import current_app
from sqlalchemy import exists, select

from issuer import clock
from issuer.audit import services as audit
from issuer.db import db
from issuer.errors import Conflict
from issuer.images import services as images
from issuer.keys import services as keys
from issuer.tenants.models import Issuer, Tenant

ImageSlot = Literal["logo", "signature"]


def create_tenant(actor: audit.Actor, *, slug: str, name: str) -> Tenant:
    """A new tenant; its slug must be unused."""
    if db.session.scalar(select(exists().where(Tenant.slug == slug))):
        raise Conflict(f"A tenant with slug {slug!r} already exists.")
    tenant = Tenant(slug=slug, name=name, created_at=clock.now())
    db.session.add(tenant)
    db.session.flush()
    audit.record(actor, "tenant.create", tenant, tenant_id=tenant.id, slug=slug)
    return tenant


def update_tenant(actor: audit.Actor, tenant: Tenant, changes: dict[str, Any]) -> Tenant:
    _apply(tenant, changes)
    audit.record(actor, "tenant.update", tenant, tenant_id=tenant.id, fields=sorted(changes))
    return tenant


def delete_tenant(actor: audit.Actor, tenant: Tenant) -> None:
    """Delete an empty tenant; one that has issuers is kept, since it holds credentials' keys."""
    if db.session.scalar(select(exists().where(Issuer.tenant_id == tenant.id))):
        raise Conflict("This tenant has issuers; archive them instead of deleting the tenant.")
    audit.record(actor, "tenant.delete", tenant, tenant_id=None, slug=tenant.slug)
    db.session.delete(tenant)


def create_issuer(actor: audit.Actor, tenant: Tenant, data: dict[str, Any]) -> Issuer:
    """A new issuing organisation in `tenant`, with its signing keys."""
    issuer = Issuer(tenant_id=tenant.id, created_at=clock.now(), **data)
    db.session.add(issuer)
    db.session.flush()
    keys.ensure_keys(issuer)
    audit.record(actor, "issuer.create", issuer, tenant_id=tenant.id, name=issuer.name)
    return issuer


def update_issuer(actor: audit.Actor, issuer: Issuer, changes: dict[str, Any]) -> Issuer:
    _apply(issuer, changes)
    audit.record(actor, "issuer.update", issuer, tenant_id=issuer.tenant_id, fields=sorted(changes))
    return issuer


def archive_issuer(actor: audit.Actor, issuer: Issuer) -> None:
    """Stop `issuer` from issuing; its profile and keys stay published for verifiers."""
    if issuer.archived_at is None:
        issuer.archived_at = clock.now()
        audit.record(actor, "issuer.archive", issuer, tenant_id=issuer.tenant_id)


def set_image(actor: audit.Actor, issuer: Issuer, slot: ImageSlot, data: bytes) -> Issuer:
    """Validate and attach a logo or signature image."""
    settings = current_app.extensions["settings"]
    image = images.store(data, max_bytes=settings.max_image_bytes)
    setattr(issuer, f"{slot}_id", image.id)
    audit.record(
        actor, f"issuer.{slot}.set", issuer, tenant_id=issuer.tenant_id, image=str(image.id)
    )
    return issuer


def remove_image(actor: audit.Actor, issuer: Issuer, slot: ImageSlot) -> Issuer:
    setattr(issuer, f"{slot}_id", None)
    audit.record(actor, f"issuer.{slot}.remove", issuer, tenant_id=issuer.tenant_id)
    return issuer


def _apply(row: Tenant | Issuer, changes: dict[str, Any]) -> None:
    for name, value in changes.items():
        setattr(row, name, value)
