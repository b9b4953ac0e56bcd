"""The earner's say over their credentials: who the earner is, what the public sees, name fixes.

The earner of a credential is the account that proved control of the credential's recipient
address (`Credential.earner_email`, matched to a verified `User.email`); only that account
changes its display or asks for a new name, and only the issuer's staff (revoke and issue
permissions) approve a new name.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import select, update

from issuer import clock
from issuer.accounts.models import User
from issuer.audit import services as audit
from issuer.db import db
from issuer.earners.models import CredentialDisplay, NameChangeRequest
from issuer.errors import Conflict, NotFound
from issuer.issuance import revocation
from issuer.issuance import services as issuance
from issuer.issuance.models import Credential


@dataclass(frozen=True)
class Display:
    """What the public sees of a credential."""

    hidden: bool = False
    show_name: bool = True
    show_evidence: bool = True


DISPLAY_FIELDS = ("hidden", "show_name", "show_evidence")


def display_of(credential: Credential) -> Display:
    row = db.session.get(CredentialDisplay, credential.id)
    return Display() if row is None else Display(*(getattr(row, f) for f in DISPLAY_FIELDS))


def is_earner(user: User | None, credential: Credential) -> bool:
    """Whether `user` proved control of the address `credential` was issued to."""
    return (
        user is not None
        and user.email_verified_at is not None
        and credential.earner_email is not None
        and user.email == credential.earner_email
    )


def owned(user: User, credential_id: uuid.UUID) -> Credential:
    """`user`'s own credential; any other answers 404, so existence never leaks."""
    credential = db.session.get(Credential, credential_id)
    if credential is None or not is_earner(user, credential):
        raise NotFound("No such credential among yours.")
    return credential


def earned(user: User) -> Any:
    """The statement of `user`'s credentials, newest first."""
    stmt = select(Credential).where(Credential.earner_email == user.email)
    if user.email_verified_at is None:  # an unproved address owns nothing
        stmt = stmt.where(sa.false())
    return stmt.order_by(Credential.created_at.desc(), Credential.id)


def public_credential(credential_id: uuid.UUID, viewer: Callable[[], User | None]) -> Credential:
    """A credential for its public URLs: 404 when its earner hid it, except to the earner.

    `viewer` gives the person asking; it is called only for a hidden credential, so asking
    for a shown one never needs a token.
    """
    credential = db.session.get(Credential, credential_id)
    if credential is None:
        raise NotFound("No such credential.")
    if display_of(credential).hidden and not is_earner(viewer(), credential):
        raise NotFound("No such credential.")
    return credential


def set_display(actor: audit.Actor, credential: Credential, changes: dict[str, bool]) -> Display:
    """Change what the public sees; only the fields in `changes`."""
    row = db.session.get(CredentialDisplay, credential.id)
    if row is None:
        row = CredentialDisplay(credential_id=credential.id, **vars(Display()))
        db.session.add(row)
    for field, value in changes.items():
        setattr(row, field, value)
    row.updated_at = clock.now()
    db.session.flush()
    audit.record(actor, "credential.display", credential, tenant_id=credential.tenant_id, **changes)
    return display_of(credential)


def pending_request(credential: Credential) -> NameChangeRequest | None:
    return db.session.scalar(
        select(NameChangeRequest).where(
            NameChangeRequest.credential_id == credential.id,
            NameChangeRequest.status == "pending",
        )
    )


def latest_request(credential: Credential) -> NameChangeRequest | None:
    """The most recent name-change request on `credential`, whatever its state."""
    return db.session.scalar(
        select(NameChangeRequest)
        .where(NameChangeRequest.credential_id == credential.id)
        .order_by(NameChangeRequest.created_at.desc(), NameChangeRequest.id)
        .limit(1)
    )


def request_name_change(
    actor: audit.Actor, user: User, credential: Credential, *, name: str, comment: str = ""
) -> NameChangeRequest:
    """Ask the issuer to reissue `credential` under `name`.

    Raises:
        Conflict: The credential is not active, already carries that name, or has a request
            waiting for a decision.
    """
    if credential.status != "active":
        raise Conflict(
            f"Only an active credential can be corrected; this one is {credential.status}."
        )
    if name == credential.recipient_name:
        raise Conflict("The credential already carries this name.")
    if pending_request(credential) is not None:
        raise Conflict("A name change for this credential is already waiting for the issuer.")
    change = NameChangeRequest(
        tenant_id=credential.tenant_id,
        credential_id=credential.id,
        requested_by=user.id,
        current_name=credential.recipient_name,
        requested_name=name,
        comment=comment,
        status="pending",
        decision_reason="",
        created_at=clock.now(),
    )
    db.session.add(change)
    db.session.flush()
    audit.record(actor, "name_change.request", change, tenant_id=credential.tenant_id)
    return change


def _decide(actor: audit.Actor, change: NameChangeRequest, status: str, reason: str) -> None:
    """Record the one final decision; a concurrent or repeated decision gets a Conflict."""
    decided = db.session.execute(
        update(NameChangeRequest)
        .where(NameChangeRequest.id == change.id, NameChangeRequest.status == "pending")
        .values(status=status, decided_by=actor[1], decision_reason=reason, decided_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    if decided.rowcount != 1:  # type: ignore[attr-defined]
        db.session.refresh(change)
        raise Conflict(f"This request was already decided: {change.status}.")
    db.session.refresh(change)


def approve(actor: audit.Actor, change: NameChangeRequest) -> Credential:
    """Issue the corrected credential and revoke the old one as superseded by it.

    Raises:
        Conflict: The request was already decided, or the credential is no longer active.
    """
    old = change.credential
    if old.status != "active" and change.status == "pending":
        raise Conflict(f"The credential is {old.status} now; it cannot be corrected.")
    _decide(actor, change, "approved", "")
    new = issuance.reissue(actor, old, name=change.requested_name)
    revocation.supersede(actor, old, new)
    change.replacement_id = new.id
    db.session.flush()
    audit.record(actor, "name_change.approve", change, tenant_id=change.tenant_id)
    return new


def reject(actor: audit.Actor, change: NameChangeRequest, *, reason: str) -> NameChangeRequest:
    """Turn the request down with a reason the earner reads.

    Raises:
        Conflict: The request was already decided.
    """
    _decide(actor, change, "rejected", reason)
    audit.record(actor, "name_change.reject", change, tenant_id=change.tenant_id, reason=reason)
    return change
