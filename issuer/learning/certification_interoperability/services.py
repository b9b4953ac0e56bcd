"""Mapping local paths to the ids an external system (an LMS) knows them by.

A mapping says "system S knows path P as X". Within a tenant, an external id of a system names
one path and a path has one id per system, so rows keyed by external ids resolve unambiguously.
Paths of another tenant are never matched: every look-up goes through the tenant's mappings.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Select, select

from issuer import clock, references
from issuer.audit import services as audit
from issuer.db import db
from issuer.errors import Conflict
from issuer.learning.certification_interoperability import tables
from issuer.learning.certification_interoperability.models import InteropMapping
from issuer.learning.certification_interoperability.schemas import MappingRowSchema
from issuer.learning.certification_path_management.models import CertificationPath
from issuer.tenants.models import Tenant


@dataclass(frozen=True)
class Imported:
    """What an import did; `unchanged` rows had been imported before."""

    rows: int
    created: int
    unchanged: int
    users_created: int = 0
    completed: int = 0


def mappings(tenant_id: uuid.UUID, system: str | None = None) -> Select[InteropMapping]:
    """The tenant's mappings (of one system), by system and external id."""
    stmt = select(InteropMapping).where(InteropMapping.tenant_id == tenant_id)
    if system is not None:
        stmt = stmt.where(InteropMapping.system == system)
    return stmt.order_by(InteropMapping.system, InteropMapping.external_id, InteropMapping.id)


def by_external_id(tenant_id: uuid.UUID, system: str) -> dict[str, InteropMapping]:
    return {m.external_id: m for m in db.session.scalars(mappings(tenant_id, system))}


def create_mapping(
    actor: audit.Actor, tenant: Tenant, *, path_id: uuid.UUID, system: str, external_id: str
) -> InteropMapping:
    """Map one of the tenant's paths to `external_id` in `system`.

    Raises:
        UnknownReference: the path is not the tenant's.
        Conflict: the external id, or the path, is already mapped in `system`.
    """
    references.resolve(
        CertificationPath,
        path_id,
        pointer="#/path_id",
        tenant_id=tenant.id,
        what="certification path",
    )
    taken = by_external_id(tenant.id, system).get(external_id)
    if taken is not None:
        raise Conflict(f"{system} id {external_id!r} already maps path {taken.path_id}.")
    mapped = db.session.scalar(
        select(InteropMapping).where(
            InteropMapping.path_id == path_id, InteropMapping.system == system
        )
    )
    if mapped is not None:
        raise Conflict(f"This path is already mapped to {system} id {mapped.external_id!r}.")
    return _add(actor, tenant, path_id, system, external_id)


def _add(
    actor: audit.Actor, tenant: Tenant, path_id: uuid.UUID, system: str, external_id: str
) -> InteropMapping:
    mapping = InteropMapping(
        tenant_id=tenant.id,
        path_id=path_id,
        system=system,
        external_id=external_id,
        created_at=clock.now(),
    )
    db.session.add(mapping)
    db.session.flush()
    audit.record(
        actor,
        "interop.mapping.create",
        mapping,
        tenant_id=tenant.id,
        system=system,
        external_id=external_id,
    )
    return mapping


def delete_mapping(actor: audit.Actor, mapping: InteropMapping) -> None:
    audit.record(
        actor,
        "interop.mapping.delete",
        mapping,
        tenant_id=mapping.tenant_id,
        system=mapping.system,
        external_id=mapping.external_id,
    )
    db.session.delete(mapping)
    db.session.flush()


def import_mappings(
    actor: audit.Actor, tenant: Tenant, system: str, table: tables.Table
) -> Imported:
    """Create the mappings of `table`'s rows (external_id, path_id), all or none.

    A row equal to an existing mapping is unchanged; one that contradicts a mapping, or
    another row, is an error of that row.
    """
    rows = tables.load(table, MappingRowSchema())
    existing = by_external_id(tenant.id, system)
    by_path = {m.path_id: m for m in existing.values()}
    wanted = {r["path_id"] for r in rows if r is not None}
    owned = set(
        db.session.scalars(
            select(CertificationPath.id).where(
                CertificationPath.id.in_(wanted), CertificationPath.tenant_id == tenant.id
            )
        )
    )
    new: dict[str, uuid.UUID] = {}  # external id -> path, of the rows to create
    new_paths: set[uuid.UUID] = set()
    for index, row in enumerate(rows):
        if row is None:
            continue
        external_id, path_id = row["external_id"], row["path_id"]
        known = existing.get(external_id) or by_path.get(path_id)
        if path_id not in owned:
            table.refuse(index, "path_id", "No such path in this tenant.")
        elif known is not None and (known.external_id, known.path_id) == (external_id, path_id):
            continue  # imported before
        elif external_id in existing or new.get(external_id, path_id) != path_id:
            table.refuse(index, "external_id", f"{external_id!r} already maps another path.")
        elif known is not None or (external_id not in new and path_id in new_paths):
            table.refuse(index, "path_id", f"This path already has a {system} id.")
        else:
            new[external_id] = path_id
            new_paths.add(path_id)
    table.check()
    for external_id, path_id in new.items():
        _add(actor, tenant, path_id, system, external_id)
    return Imported(rows=len(rows), created=len(new), unchanged=len(rows) - len(new))
