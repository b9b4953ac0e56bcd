"""POST /credentials/issue and /credentials/verify (CCG VC-API), for API clients' tokens."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from flask import current_app
from flask.views import MethodView

from issuer.accounts.access import authenticate, authorize, requires
from issuer.accounts.roles import Permission
from issuer.audit import services as audit
from issuer.db import db
from issuer.errors import FieldError, NotFound, ValidationError
from issuer.extensions import Blueprint
from issuer.issuance import revocation, services, signing
from issuer.issuance.models import Credential
from issuer.keys.services import site_did
from issuer.public.resolver import verify_here
from issuer.tenants.models import Issuer
from issuer.vcapi.schemas import (
    IssueRequestSchema,
    IssueResponseSchema,
    UpdateStatusRequestSchema,
    VerifyRequestSchema,
    VerifyResponseSchema,
)
from verifier.checks.schema import check_schema
from verifier.errors import UndefinedTerm, VerifierError
from verifier.jsonld import expand_safely

blp = Blueprint("vcapi", __name__, url_prefix="/credentials", description="W3C VC-API.")


def _invalid(detail: str, pointer: str) -> ValidationError:
    return ValidationError(detail, errors=[FieldError(detail, pointer=pointer)])


def _issuer_of(credential: Mapping[str, Any]) -> Issuer:
    """The issuer that `credential.issuer` names, if it is one of ours."""
    named = credential.get("issuer")
    named = named.get("id") if isinstance(named, Mapping) else named
    prefix = site_did(current_app.extensions["settings"]) + ":issuers:"
    issuer = None
    if isinstance(named, str) and named.startswith(prefix):
        try:
            issuer = db.session.get(Issuer, uuid.UUID(named.removeprefix(prefix)))
        except ValueError:
            issuer = None
    if issuer is None:
        raise _invalid(
            f"credential.issuer must be the did:web of an issuer of yours ({prefix}<id>).",
            "#/credential/issuer",
        )
    return issuer


@blp.route("/issue")
class Issue(MethodView):
    @requires(Permission.CREDENTIALS_ISSUE)
    @blp.arguments(IssueRequestSchema)
    @blp.response(201, IssueResponseSchema)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Sign the submitted credential for its issuer: Data Integrity (default) or VC-JWT."""
        credential = body["credential"]
        issuer = _issuer_of(credential)
        principal = authorize(issuer.tenant_id)
        if issuer.archived_at is not None:
            raise _invalid("This issuer is archived and signs nothing new.", "#/credential/issuer")
        if "proof" in credential:
            raise _invalid("Submit the credential without a proof.", "#/credential/proof")
        try:
            expand_safely(credential)
        except UndefinedTerm as exc:
            raise _invalid(str(exc), "#/credential") from None
        except VerifierError as exc:
            raise _invalid(f"The credential is not valid JSON-LD: {exc}", "#/credential") from None
        schema = check_schema(credential)
        if schema.outcome == "failed":
            raise _invalid(schema.message, "#/credential")
        if body["options"]["format"] == "jwt_vc_json":
            signed: Any = signing.vc_jwt_token(issuer, credential)
        else:
            signed = signing.data_integrity_proof(issuer, credential)
        audit.record(
            principal.actor,
            "credential.issue",
            issuer,
            tenant_id=issuer.tenant_id,
            format=body["options"]["format"],
            credential=str(credential.get("id", "")),
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
        submitted = body["verifiableCredential"]
        if not isinstance(submitted, Mapping | str):
            raise _invalid("Give a credential object or a compact JWT.", "#/verifiableCredential")
        try:
            report = verify_here(submitted)
        except VerifierError as exc:
            raise _invalid(str(exc), "#/verifiableCredential") from None
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


def _credential_named(credential_id: str) -> Credential:
    """Our credential whose id (its URL) or UUID is `credential_id`; 404 otherwise."""
    prefix = services.urls().credential("")
    try:
        key = uuid.UUID(credential_id.removeprefix(prefix))
    except ValueError:
        key = None
    found = db.session.get(Credential, key) if key is not None else None
    if found is None:
        raise NotFound(f"No credential of yours has the id {credential_id!r}.")
    return found


@blp.route("/status")
class UpdateStatus(MethodView):
    @requires(Permission.CREDENTIALS_REVOKE)
    @blp.arguments(UpdateStatusRequestSchema)
    @blp.response(200, description="The status was changed.")
    @blp.alt_response(409, description="The credential cannot take that status now.")
    def post(self, body: dict[str, Any]) -> None:
        """Revoke, suspend or reinstate a credential (Bitstring Status List entry)."""
        credential = _credential_named(body["credentialId"])
        principal = authorize(credential.tenant_id)
        (entry,) = body["credentialStatus"]
        revocation.set_status(principal.actor, credential, entry["status"], reason=entry["reason"])
        db.session.commit()


API_BLUEPRINTS = [blp]
BLUEPRINTS: list[Any] = []
