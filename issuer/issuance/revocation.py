"""Revoking, suspending and reinstating credentials; the record is kept, its status changes.

Each credential has one BitstringStatusListEntry, whose purpose was chosen at award:

- revocation: `revoke` sets its bit for good; it cannot be suspended (409), as its list
  cannot say "suspended".
- suspension: `suspend` sets its bit and `unsuspend` clears it; `revoke` sets it for good.

The database always knows the exact state (`Credential.status`), and every change adds a
`CredentialStatusChange` row and an audit event. See docs/standards-notes.md.
"""

from __future__ import annotations

import json
import uuid
from typing import Any, Literal

from sqlalchemy import select

from issuer import clock
from issuer.audit import services as audit
from issuer.db import db
from issuer.errors import Conflict
from issuer.issuance import documents
from issuer.issuance.documents import Urls
from issuer.issuance.models import Credential, CredentialStatusChange, StatusList

Status = Literal["active", "suspended", "revoked"]
STATUSES: tuple[Status, ...] = ("active", "suspended", "revoked")

# The states whose bit is set, per list purpose.
_FLAGGED: dict[str, tuple[Status, ...]] = {
    "revocation": ("revoked",),
    "suspension": ("suspended", "revoked"),
}


def purpose_of(credential: Credential) -> str:
    """The statusPurpose of the credential's (only) status entry."""
    return credential.status_list.purpose


def revoke(actor: audit.Actor, credential: Credential, *, reason: str = "") -> Credential:
    """Revoke `credential` for good: its bit is set and stays set.

    Raises:
        Conflict: It is already revoked.
    """
    if credential.status == "revoked":
        raise Conflict("This credential is already revoked; revocation is permanent.")
    return _change(actor, credential, "revoked", reason)


def suspend(actor: audit.Actor, credential: Credential, *, reason: str = "") -> Credential:
    """Suspend `credential` until `unsuspend`; only for credentials issued to allow it.

    Raises:
        Conflict: It was issued with a revocation-purpose entry, or is not active.
    """
    if purpose_of(credential) != "suspension":
        raise Conflict(
            "This credential was issued without suspension support (its credentialStatus has "
            'statusPurpose "revocation"), so its status list cannot say "suspended". Revoke '
            'it instead, or award credentials with statusPurpose "suspension" to suspend them.'
        )
    if credential.status != "active":
        raise Conflict(
            f"Only an active credential can be suspended; this one is {credential.status}."
        )
    return _change(actor, credential, "suspended", reason)


def unsuspend(actor: audit.Actor, credential: Credential, *, reason: str = "") -> Credential:
    """Lift a suspension: the credential is active again.

    Raises:
        Conflict: It is not suspended (a revoked credential can never be reinstated).
    """
    if credential.status != "suspended":
        raise Conflict(
            f"Only a suspended credential can be unsuspended; this one is {credential.status}."
        )
    return _change(actor, credential, "active", reason)


SUPERSEDED = "superseded"


def supersede(actor: audit.Actor, old: Credential, new: Credential) -> Credential:
    """Revoke `old` with reason "superseded", pointing at its replacement `new`.

    Raises:
        Conflict: `old` is already revoked.
    """
    revoke(actor, old, reason=SUPERSEDED)
    old.superseded_by_id = new.id
    db.session.flush()
    return old


def set_status(
    actor: audit.Actor, credential: Credential, status: Status, *, reason: str = ""
) -> Credential:
    """Bring `credential` to `status` (VC-API /credentials/status): revoke, suspend or lift."""
    if status == "revoked":
        return revoke(actor, credential, reason=reason)
    if status == "suspended":
        return suspend(actor, credential, reason=reason)
    return unsuspend(actor, credential, reason=reason)


def flagged_indexes(status_list: StatusList) -> list[int]:
    """The indexes of `status_list` whose bit is set: credentials its purpose marks."""
    return list(
        db.session.scalars(
            select(Credential.status_index)
            .where(
                Credential.status_list_id == status_list.id,
                Credential.status.in_(_FLAGGED[status_list.purpose]),
            )
            .order_by(Credential.status_index)
        )
    )


def history(credential: Credential) -> list[CredentialStatusChange]:
    """Every status change of `credential`, oldest first."""
    return list(
        db.session.scalars(
            select(CredentialStatusChange)
            .where(CredentialStatusChange.credential_id == credential.id)
            .order_by(CredentialStatusChange.at, CredentialStatusChange.id)
        )
    )


def ob2_hosted(credential: Credential) -> str:
    """The hosted OB 2.0 assertion as served: the stored text, or its revoked form.

    OB 2.0 cannot say "suspended", so a suspended assertion reads as revoked until lifted.
    """
    if credential.status == "active":
        return credential.ob2_json
    stored = json.loads(credential.ob2_json)
    return json.dumps(documents.ob2_revoked_assertion(stored, _ob2_reason(credential)))


def ob2_revocation_list(issuer_id: uuid.UUID, where: Urls) -> dict[str, Any]:
    """The issuer's OB 2.0 RevocationList: every assertion not active now."""
    rows = db.session.execute(
        select(Credential.id, Credential.status, Credential.status_reason)
        .where(Credential.issuer_id == issuer_id, Credential.status != "active")
        .order_by(Credential.status_changed_at, Credential.id)
    )
    return documents.ob2_revocation_list(
        list_url=where.ob2_revocations(issuer_id),
        issuer_url=where.ob2_issuer(issuer_id),
        revoked=[(where.ob2_assertion(id_), _ob2_reason_of(s, r)) for id_, s, r in rows],
    )


def _ob2_reason(credential: Credential) -> str:
    return _ob2_reason_of(credential.status, credential.status_reason)


def _ob2_reason_of(status: str, reason: str) -> str:
    if status == "suspended":
        return f"Suspended: {reason}" if reason else "Suspended"
    return reason


def _change(actor: audit.Actor, credential: Credential, status: Status, reason: str) -> Credential:
    now = clock.now()
    before = credential.status
    credential.status = status
    credential.status_reason = reason
    credential.status_changed_at = now
    db.session.add(
        CredentialStatusChange(
            credential_id=credential.id,
            status=status,
            reason=reason,
            actor_type=actor[0],
            actor_id=actor[1],
            at=now,
        )
    )
    status_list = credential.status_list
    if (before in _FLAGGED[status_list.purpose]) != (status in _FLAGGED[status_list.purpose]):
        status_list.updated_at = now  # the published list changes: a new validFrom and ETag
    db.session.flush()
    action = {"revoked": "credential.revoke", "suspended": "credential.suspend"}.get(
        status, "credential.unsuspend"
    )
    audit.record(actor, action, credential, tenant_id=credential.tenant_id, reason=reason)
    return credential
