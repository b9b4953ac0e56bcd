"""API of the audit log: /api/v1/tenants/<id>/audit-events."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from issuer.accounts.access import authorize, requires
from issuer.accounts.roles import Permission
from issuer.audit import services
from issuer.audit.models import AuditEvent
from issuer.audit.schemas import AuditEventSchema, AuditQuerySchema
from issuer.db import page
from issuer.extensions import Blueprint

blp = Blueprint("audit", __name__, url_prefix="/api/v1", description="Who changed what, when.")


@blp.route("/tenants/<uuid:tenant_id>/audit-events")
class AuditEvents(MethodView):
    @requires(Permission.AUDIT_READ)
    @blp.arguments(AuditQuerySchema, location="query")
    @blp.response(200, AuditEventSchema(many=True))
    @blp.paginate()
    def get(
        self, query: dict[str, Any], tenant_id: uuid.UUID, pagination_parameters: Any
    ) -> list[AuditEvent]:
        """List a tenant's audit events, newest first."""
        authorize(tenant_id)
        return page(services.query(tenant_id, action=query.get("action")), pagination_parameters)


API_BLUEPRINTS = [blp]
BLUEPRINTS: list[Any] = []
