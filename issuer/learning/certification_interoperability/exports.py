"""What an external system reads back: its mapped paths and their completions, by its ids."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select

from issuer.accounts.models import User
from issuer.db import db
from issuer.issuance import services as issuance
from issuer.learning.certificate_rules.models import CompletionIssuance
from issuer.learning.certification_interoperability.models import InteropMapping
from issuer.learning.certification_path_management.models import (
    CertificationPath,
    Cohort,
    Enrolment,
    PathVersion,
)


def exported_paths(tenant_id: uuid.UUID, system: str) -> list[dict[str, Any]]:
    """The mapped paths as the external system sees them: one row per mapping."""
    found = db.session.execute(
        select(InteropMapping, CertificationPath)
        .join(CertificationPath, CertificationPath.id == InteropMapping.path_id)
        .where(
            InteropMapping.tenant_id == tenant_id,
            InteropMapping.system == system,
            CertificationPath.tenant_id == tenant_id,
        )
        .order_by(InteropMapping.external_id)
    ).all()
    versions: dict[uuid.UUID, list[PathVersion]] = {}
    for version in db.session.scalars(
        select(PathVersion)
        .where(PathVersion.path_id.in_({path.id for _, path in found}))
        .order_by(PathVersion.version)
    ):
        versions.setdefault(version.path_id, []).append(version)
    return [_path_row(mapping, path, versions[path.id]) for mapping, path in found]


def _path_row(
    mapping: InteropMapping, path: CertificationPath, versions: list[PathVersion]
) -> dict[str, Any]:
    """One path's row; its name is the published version's, else the draft's."""
    current = next((v for v in versions if v.version == path.published_version), versions[-1])
    # status_of's rule, from the versions loaded for every path at once
    if path.retired_at is not None:
        status = "retired"
    elif path.published_version is not None:
        status = "published"
    else:
        status = current.status
    return {
        "external_id": mapping.external_id,
        "path_id": path.id,
        "name": current.content["name"],
        "version": path.published_version,
        "status": status,
        "visibility": path.visibility,
    }


def exported_completions(
    tenant_id: uuid.UUID, system: str, since: datetime | None = None
) -> list[dict[str, Any]]:
    """Completed enrolments on the paths mapped in `system`, oldest first.

    `credential_url` is the credential issued for the completion (by the certificate attached
    to the path), or null while there is none.
    """
    stmt = (
        select(
            InteropMapping.external_id,
            User.email,
            Enrolment.completed_at,
            Enrolment.score,
            CompletionIssuance.credential_id,
        )
        .join(Cohort, Cohort.path_id == InteropMapping.path_id)
        .join(Enrolment, Enrolment.cohort_id == Cohort.id)
        .join(User, User.id == Enrolment.user_id)
        .outerjoin(CompletionIssuance, CompletionIssuance.enrolment_id == Enrolment.id)
        .where(
            InteropMapping.tenant_id == tenant_id,
            InteropMapping.system == system,
            Enrolment.tenant_id == tenant_id,
            Enrolment.status == "completed",
        )
        .order_by(Enrolment.completed_at, Enrolment.id)
    )
    if since is not None:
        stmt = stmt.where(Enrolment.completed_at >= since)
    urls = issuance.urls()
    return [
        {
            "external_id": external_id,
            "email": email,
            "completed_at": completed_at,
            "score": score,
            "credential_url": urls.credential(credential_id) if credential_id else None,
        }
        for external_id, email, completed_at, score, credential_id in db.session.execute(stmt)
    ]
