"""Recording and reading the audit log."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, select

from issuer import clock
from issuer.audit.models import AuditEvent
from issuer.db import db

Actor = tuple[str, str]  # (user | client | system, id)
SYSTEM: Actor = ("system", "certifikation")


def record(
    actor: Actor,
    action: str,
    target: Any,
    *,
    tenant_id: uuid.UUID | None,
    **details: Any,
) -> AuditEvent:
    """Add an audit event for `action` on `target` to the current transaction."""
    event = AuditEvent(
        tenant_id=tenant_id,
        actor_type=actor[0],
        actor_id=actor[1],
        action=action,
        target_type=type(target).__tablename__,
        target_id=str(target.id),
        details=details,
        at=clock.now(),
    )
    db.session.add(event)
    return event


def query(tenant_id: uuid.UUID, *, action: str | None = None) -> Select[AuditEvent]:
    """Events of one tenant, newest first, optionally of one action."""
    stmt = select(AuditEvent).where(AuditEvent.tenant_id == tenant_id)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    return stmt.order_by(AuditEvent.at.desc(), AuditEvent.id)
