"""The VC-API workflow: find the issuer a credential names, check it, sign it, verify any."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, Literal

from flask import current_app

from issuer.audit import services as audit
from issuer.db import db
from issuer.errors import Conflict, FieldError, NotFound, ValidationError
from issuer.issuance import services as issuance
from issuer.issuance import signing
from issuer.issuance.models import Credential
from issuer.keys.services import issuer_did, issuer_id_of
from issuer.public.resolver import verify_here
from issuer.tenants.models import Issuer
from verifier.checks.schema import check_schema
from verifier.errors import UndefinedTerm, VerifierError
from verifier.jsonld import expand_safely
from verifier.report import Report

Format = Literal["ldp_vc", "jwt_vc_json"]


def _invalid(detail: str, pointer: str) -> ValidationError:
    return ValidationError(detail, errors=[FieldError(detail, pointer=pointer)])


def issuer_named(credential: Mapping[str, Any]) -> Issuer:
    """The issuer that `credential.issuer` names by its did:web, if it is one of ours."""
    named = credential.get("issuer")
    named = named.get("id") if isinstance(named, Mapping) else named
    settings = current_app.extensions["settings"]
    issuer_id = issuer_id_of(settings, named) if isinstance(named, str) else None
    issuer = db.session.get(Issuer, issuer_id) if issuer_id is not None else None
    if issuer is None:
        raise _invalid(
            "credential.issuer must be the did:web of an issuer of yours "
            f"({issuer_did(settings, '<id>')}).",
            "#/credential/issuer",
        )
    return issuer


def issue(actor: audit.Actor, issuer: Issuer, credential: dict[str, Any], *, format: Format) -> Any:
    """Sign `credential` for `issuer` as `format` and audit it; the caller commits.

    Returns:
        The credential with a Data Integrity proof (ldp_vc), or a compact VC-JWT.

    Raises:
        Conflict: The issuer is archived (as when awarding through issuance).
        ValidationError: The credential has a proof, is not valid JSON-LD or fails its schema.
    """
    if issuer.archived_at is not None:
        detail = "This issuer is archived and signs nothing new."
        raise Conflict(detail, errors=[FieldError(detail, pointer="#/credential/issuer")])
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
    if format == "jwt_vc_json":
        signed: Any = signing.vc_jwt_token(issuer, credential)
    else:
        signed = signing.data_integrity_proof(issuer, credential)
    audit.record(
        actor,
        "credential.issue",
        issuer,
        tenant_id=issuer.tenant_id,
        format=format,
        credential=str(credential.get("id", "")),
    )
    return signed


def verify(submitted: object) -> Report:
    """Verify a credential object or compact JWT, ours or anyone's.

    Raises:
        ValidationError: It is neither, or the verifier cannot say (unreadable input).
    """
    if not isinstance(submitted, Mapping | str):
        raise _invalid("Give a credential object or a compact JWT.", "#/verifiableCredential")
    try:
        return verify_here(submitted)
    except VerifierError as exc:
        raise _invalid(str(exc), "#/verifiableCredential") from None


def credential_named(credential_id: str) -> Credential:
    """Our credential whose id (its URL) or UUID is `credential_id`.

    Raises:
        NotFound: No credential has that id.
    """
    prefix = issuance.urls().credential("")
    try:
        key = uuid.UUID(credential_id.removeprefix(prefix))
    except ValueError:
        key = None
    found = db.session.get(Credential, key) if key is not None else None
    if found is None:
        raise NotFound(f"No credential of yours has the id {credential_id!r}.")
    return found
