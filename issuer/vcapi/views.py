"""POST /credentials/issue and /credentials/verify (CCG VC-API), for API clients' tokens."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from issuer.accounts.access import authenticate, authorize, requires
from issuer.accounts.roles import Permission
from issuer.db import db
from issuer.extensions import Blueprint
from issuer.issuance import revocation
from issuer.vcapi import services
from issuer.vcapi.schemas import (
    IssueRequestSchema,
    IssueResponseSchema,
    UpdateStatusRequestSchema,
    VerifyRequestSchema,
    VerifyResponseSchema,
)

blp = Blueprint("vcapi", __name__, url_prefix="/credentials", description="W3C VC-API.")


@blp.route("/issue")
class Issue(MethodView):
    @requires(Permission.CREDENTIALS_ISSUE)
    @blp.arguments(IssueRequestSchema)
    @blp.response(201, IssueResponseSchema)
    @blp.alt_response(409, description="The issuer is archived and signs nothing new.")
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Sign the submitted credential for its issuer: Data Integrity (default) or VC-JWT."""
        credential = body["credential"]
        issuer = services.issuer_named(credential)
        principal = authorize(issuer.tenant_id)
        signed = services.issue(
            principal.actor, issuer, credential, format=body["options"]["format"]
        )
        db.session.commit()
        return {"verifiableCredential": signed}


@blp.route("/verify")
class Verify(MethodView):
    @blp.arguments(VerifyRequestSchema)
    @blp.response(200, VerifyResponseSchema, description="Verified.")
    @blp.alt_response(422, schema=VerifyResponseSchema, description="Not verified.")
    @blp.doc(security=[{"bearerAuth": []}])
    def post(self, body: dict[str, Any]) -> tuple[dict[str, Any], int]:
        """Verify a credential (ours or anyone's); 200 when verified, 422 with the report if not."""
        authenticate()
        report = services.verify(body["verifiableCredential"])
        checks = report.checks
        result = {
            "verified": report.verified,
            "format": report.format,
            "checks": [c.id for c in checks if c.outcome == "passed"],
            "warnings": [c.message for c in checks if c.outcome in ("warning", "unknown")],
            "errors": [c.message for c in checks if c.outcome == "failed"],
            "results": [c.as_dict() for c in checks],
        }
        return result, 200 if report.verified else 422


@blp.route("/status")
class UpdateStatus(MethodView):
    @requires(Permission.CREDENTIALS_REVOKE)
    @blp.arguments(UpdateStatusRequestSchema)
    @blp.response(200, description="The status was changed.")
    @blp.alt_response(409, description="The credential cannot take that status now.")
    def post(self, body: dict[str, Any]) -> None:
        """Revoke, suspend or reinstate a credential (Bitstring Status List entry)."""
        credential = services.credential_named(body["credentialId"])
        principal = authorize(credential.tenant_id)
        (entry,) = body["credentialStatus"]
        revocation.set_status(principal.actor, credential, entry["status"], reason=entry["reason"])
        db.session.commit()


API_BLUEPRINTS = [blp]
BLUEPRINTS: list[Any] = []
