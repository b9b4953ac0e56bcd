"""A learner's portfolio: its fields, evidence items, validated skills and path evidence.

Every person has at most one portfolio, made on first use. Evidence bytes go to storage
before their row is written, and leave it only after the row's deletion is committed, so a
row never points at nothing; a failed transaction can leave an unreferenced file behind.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from issuer import clock, references
from issuer.accounts.models import Membership, User
from issuer.audit import services as audit
from issuer.db import db
from issuer.earners.services import display_of, earned
from issuer.errors import NotFound
from issuer.issuance import services as issuance
from issuer.issuance.models import Credential
from issuer.learning.automated_evaluation.models import Evaluation
from issuer.learning.certification_path_management.models import (
    CertificationPath,
    Cohort,
    Enrolment,
)
from issuer.learning.skills_portfolio import media
from issuer.learning.skills_portfolio.models import Portfolio, PortfolioItem
from issuer.learning.skills_portfolio.storage import Storage, new_key, storage_for

VIDEO_HOSTS = {
    "youtube.com",
    "www.youtube.com",
    "m.youtube.com",
    "youtu.be",
    "vimeo.com",
    "www.vimeo.com",
    "player.vimeo.com",
}


def storage() -> Storage:
    """The app's evidence store, made from its settings on first use."""
    extensions = current_app.extensions
    if "evidence_storage" not in extensions:
        extensions["evidence_storage"] = storage_for(extensions["settings"])
    found: Storage = extensions["evidence_storage"]
    return found


def portfolio_of(user: User) -> Portfolio:
    """`user`'s portfolio, made (private, titled after them) if they have none yet."""
    found = db.session.scalar(select(Portfolio).where(Portfolio.user_id == user.id))
    if found is not None:
        return found
    now = clock.now()
    portfolio = Portfolio(
        user_id=user.id,
        title=f"{user.name}'s portfolio"[:500],
        description="",
        visibility="private",
        created_at=now,
        updated_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(portfolio)
    except IntegrityError:  # a concurrent first request made it
        return db.session.scalars(select(Portfolio).where(Portfolio.user_id == user.id)).one()
    return portfolio


def update(actor: audit.Actor, portfolio: Portfolio, changes: dict[str, Any]) -> Portfolio:
    """Change the title, description or visibility; only the learner's own calls reach here."""
    for name, value in changes.items():
        setattr(portfolio, name, value)
    portfolio.updated_at = clock.now()
    db.session.flush()
    audit.record(
        actor,
        "portfolio.update",
        portfolio,
        tenant_id=None,
        fields=sorted(changes),
        visibility=portfolio.visibility,
    )
    return portfolio


def items_of(portfolio: Portfolio) -> list[PortfolioItem]:
    return list(
        db.session.scalars(
            select(PortfolioItem)
            .where(PortfolioItem.portfolio_id == portfolio.id)
            .order_by(PortfolioItem.created_at, PortfolioItem.id)
        )
    )


def add_file(
    actor: audit.Actor, portfolio: Portfolio, data: bytes, fields: dict[str, Any]
) -> PortfolioItem:
    """Store an evidence file whose type is sniffed from its bytes and whose size is bounded.

    Raises:
        EvidenceTooLarge: over CERTIFIKATION_MAX_EVIDENCE_BYTES.
        UnsupportedEvidence: not an accepted type.
        UnknownReference: `path_id` or `evaluation_id` is not the learner's to name.
    """
    settings = current_app.extensions["settings"]
    media_type = media.check_evidence(
        data,
        max_bytes=settings.max_evidence_bytes,
        check_seconds=settings.evidence_check_seconds,
        max_unpacked=settings.max_evidence_unpacked_bytes,
    )
    _check_references(portfolio, fields)
    key = new_key()
    storage().put(key, data)
    try:
        item = _add(
            portfolio,
            kind="file",
            media_type=media_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            storage_key=key,
            **fields,
        )
    except BaseException:
        storage().delete(key)
        raise
    audit.record(actor, "portfolio.item.add", item, tenant_id=None, kind="file", size=len(data))
    return item


def add_link(actor: audit.Actor, portfolio: Portfolio, fields: dict[str, Any]) -> PortfolioItem:
    """Add an http(s) link; YouTube and Vimeo links are kind `video`.

    Raises:
        UnknownReference: `path_id` or `evaluation_id` is not the learner's to name.
    """
    _check_references(portfolio, fields)
    host = (urlsplit(fields["url"]).hostname or "").lower()
    item = _add(portfolio, kind="video" if host in VIDEO_HOSTS else "link", **fields)
    audit.record(actor, "portfolio.item.add", item, tenant_id=None, kind=item.kind)
    return item


def _add(portfolio: Portfolio, **values: Any) -> PortfolioItem:
    item = PortfolioItem(portfolio_id=portfolio.id, created_at=clock.now(), **values)
    db.session.add(item)
    portfolio.updated_at = item.created_at
    db.session.flush()
    return item


def _check_references(portfolio: Portfolio, fields: dict[str, Any]) -> None:
    """A path of a tenant the learner belongs to or is enrolled with; their own evaluation."""
    user_id = portfolio.user_id
    if fields.get("path_id") is not None:
        tenants = select(Membership.tenant_id).where(Membership.user_id == user_id)
        enrolled = select(Cohort.path_id).join(Enrolment).where(Enrolment.user_id == user_id)
        references.resolve(
            CertificationPath,
            fields["path_id"],
            pointer="#/path_id",
            tenant_id=None,  # the learner's tenants, below
            where=[
                or_(CertificationPath.tenant_id.in_(tenants), CertificationPath.id.in_(enrolled))
            ],
            what="certification path",
        )
    if fields.get("evaluation_id") is not None:
        references.resolve(
            Evaluation,
            fields["evaluation_id"],
            pointer="#/evaluation_id",
            tenant_id=None,  # the learner's own, in whichever tenant
            where=[Evaluation.user_id == user_id],
        )


def own_item(user: User, item_id: uuid.UUID) -> PortfolioItem:
    """One of `user`'s items; anyone else's answers 404, so existence never leaks."""
    item = db.session.get(PortfolioItem, item_id)
    portfolio = db.session.get(Portfolio, item.portfolio_id) if item else None
    if item is None or portfolio is None or portfolio.user_id != user.id:
        raise NotFound("No such item in your portfolio.")
    return item


def remove(actor: audit.Actor, item: PortfolioItem) -> str | None:
    """Delete the item's row; returns its storage key, for `discard` once that is committed."""
    db.session.delete(item)
    db.session.flush()
    audit.record(actor, "portfolio.item.remove", item, tenant_id=None, kind=item.kind)
    return item.storage_key


def discard(key: str | None) -> None:
    """Delete stored bytes no row refers to any more."""
    if key is not None:
        storage().delete(key)


def file_of(item: PortfolioItem) -> bytes:
    if item.storage_key is None:
        raise NotFound("This item is a link; it has no file.")
    return storage().get(item.storage_key)


def public_portfolio(portfolio_id: uuid.UUID) -> Portfolio:
    """A portfolio its learner made public; a private or unknown one answers 404 alike."""
    portfolio = db.session.get(Portfolio, portfolio_id)
    if portfolio is None or portfolio.visibility != "public":
        raise NotFound("No such portfolio.")
    return portfolio


def public_url(portfolio: Portfolio) -> str:
    return f"{current_app.extensions['settings'].public_url}/portfolios/{portfolio.id}"


def public_file_url(item: PortfolioItem) -> str:
    """Where anyone downloads the file while its portfolio is public (stable: ids only)."""
    base = current_app.extensions["settings"].public_url
    return f"{base}/portfolios/{item.portfolio_id}/items/{item.id}/file"


def skills(user: User, *, public: bool = False) -> list[dict[str, Any]]:
    """Achievements of `user`'s active, unexpired credentials; `public` leaves out hidden ones."""
    now = clock.now()
    stmt = earned(user).where(Credential.status == "active")
    found = []
    for credential in db.session.scalars(stmt):
        if credential.valid_until is not None and credential.valid_until <= now:
            continue
        if public and display_of(credential).hidden:
            continue
        document = json.loads(credential.ob3_json)
        achievement = document["credentialSubject"]["achievement"]
        issuer = document.get("issuer")
        found.append(
            {
                "name": achievement.get("name", ""),
                "description": achievement.get("description", ""),
                "achievement_id": achievement.get("id"),
                "issuer": issuer.get("name", "") if isinstance(issuer, dict) else "",
                "alignment": achievement.get("alignment", []),
                "credential_url": issuance.urls().credential(credential.id),
                "valid_from": credential.valid_from,
            }
        )
    return found


def credentials_of(user: User) -> list[dict[str, Any]]:
    """Every credential issued to `user`, whatever its status, as its signed OB 3.0 JSON."""
    return [json.loads(c.ob3_json) for c in db.session.scalars(earned(user))]


def evidence_for(user: User, path_id: uuid.UUID) -> list[dict[str, Any]]:
    """OB 3.0 Evidence for the items `user` attached to `path_id`, oldest first.

    The shape is `issuance.schemas.EvidenceSchema`'s plus OB 3.0's `genre` (the item's
    kind); `documents.ob3_credential` adds `type`. A link's `id` is its URL; a file's is its
    public URL while the portfolio is public, and it has no `id` while it is private.

    Returns:
        A list of dicts with name, description, genre and, when there is one, id.
    """
    portfolio = db.session.scalar(select(Portfolio).where(Portfolio.user_id == user.id))
    if portfolio is None:
        return []
    items = db.session.scalars(
        select(PortfolioItem)
        .where(PortfolioItem.portfolio_id == portfolio.id, PortfolioItem.path_id == path_id)
        .order_by(PortfolioItem.created_at, PortfolioItem.id)
    )
    evidence = []
    for item in items:
        entry: dict[str, Any] = {"name": item.title, "genre": item.kind}
        if item.description:
            entry["description"] = item.description
        if item.url is not None:
            entry["id"] = item.url
        elif portfolio.visibility == "public":
            entry["id"] = public_file_url(item)
        evidence.append(entry)
    return evidence
