"""Rows a request body names by id, loaded only where the caller may reach them.

Every service that takes an id from a body resolves it here, scoped to the caller's tenant
(or, for a person's own things, to the person), so another tenant's id and a made-up one
answer alike: 404 problem+json naming the field, and nothing is stored.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, select

from issuer.db import Base, db
from issuer.errors import FieldError, NotFound

_M = TypeVar("_M", bound=Base)


class UnknownReference(NotFound):
    """An id in the body names nothing the caller may use; `errors` points at the field."""

    slug, title = "unknown-reference", "Unknown reference"


def unknown(pointer: str, what: str) -> UnknownReference:
    """The error for `pointer` naming no `what` the caller may use."""
    detail = f"No such {what} here."
    return UnknownReference(detail, errors=[FieldError(detail, pointer=pointer)])


def resolve(
    model: type[_M],
    key: uuid.UUID,
    *,
    pointer: str,
    tenant_id: uuid.UUID | None,
    where: Iterable[ColumnElement[bool]] = (),
    join: Any = None,
    what: str | None = None,
) -> _M:
    """The row of `model` with id `key` in `tenant_id` that also meets `where`.

    Args:
        pointer: the JSON Pointer of the body field that named `key`.
        tenant_id: the caller's tenant; None when `where` scopes the row instead (a
            person's own rows, across their tenants) or it is shared by design (images).
        where: further conditions, e.g. the owning person or path.
        join: an entity to join for `where`, or the parent that holds the tenant.
        what: the thing named in the message; default: from the table name.

    Raises:
        UnknownReference: no such row in scope.
    """
    return resolve_all(
        model, [key], pointer=pointer, tenant_id=tenant_id, where=where, join=join, what=what
    )[0]


def resolve_all(
    model: type[_M],
    keys: Collection[uuid.UUID],
    *,
    pointer: str,
    tenant_id: uuid.UUID | None,
    where: Iterable[ColumnElement[bool]] = (),
    join: Any = None,
    what: str | None = None,
) -> list[_M]:
    """The rows of `model` with ids `keys`, in their order, all in scope (see `resolve`).

    Raises:
        UnknownReference: any of `keys` is not in scope.
    """
    columns: Any = model.__table__.c
    holder: Any = model if "tenant_id" in columns else join
    if not keys:
        return []
    stmt = select(model)
    if join is not None:
        stmt = stmt.join(join)
    stmt = stmt.where(columns.id.in_(set(keys)), *where)
    if tenant_id is not None:
        stmt = stmt.where(holder.tenant_id == tenant_id)
    found: dict[uuid.UUID, _M] = {row.id: row for row in db.session.scalars(stmt)}  # type: ignore[attr-defined]
    if any(k not in found for k in keys):
        raise unknown(pointer, what or model.__tablename__.removesuffix("s").replace("_", " "))
    return [found[k] for k in keys]
