"""Defining achievements and awarding them: every credential is built, signed and stored once."""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from blinker import Namespace
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from issuer import clock, references
from issuer.accounts.services import normalise_email
from issuer.audit import services as audit
from issuer.db import db
from issuer.errors import Conflict, FieldError, ValidationError
from issuer.images.models import Image
from issuer.issuance import documents, revocation, signing, status
from issuer.issuance.documents import Urls
from issuer.issuance.models import Achievement, AchievementVersion, Credential
from issuer.keys.services import issuer_did
from issuer.tenants.models import Issuer
from verifier.errors import UndefinedTerm

signals = Namespace()
# Sent with each newly awarded Credential as sender, inside the awarding transaction.
credential_awarded = signals.signal("credential-awarded")


def urls() -> Urls:
    return Urls(current_app.extensions["settings"].public_url)


def create_achievement(
    actor: audit.Actor, issuer: Issuer, content: dict[str, Any], image_id: uuid.UUID | None = None
) -> Achievement:
    """A new achievement of `issuer` with its first version.

    Raises:
        Conflict: the issuer is archived.
        UnknownReference: `image_id` names no image.
    """
    if issuer.archived_at is not None:
        raise Conflict("This issuer is archived; it cannot define achievements.")
    _check_image(image_id)
    achievement = Achievement(
        tenant_id=issuer.tenant_id, issuer_id=issuer.id, current_version=1, created_at=clock.now()
    )
    db.session.add(achievement)
    db.session.flush()
    _add_version(achievement, 1, content, image_id)
    audit.record(actor, "achievement.create", achievement, tenant_id=issuer.tenant_id)
    return achievement


def revise_achievement(
    actor: audit.Actor, achievement: Achievement, changes: dict[str, Any]
) -> Achievement:
    """A new version with `changes`; credentials already issued keep the version they cite."""
    current = current_version(achievement)
    _check_image(changes.get("image_id"))
    image_id = changes.pop("image_id", current.image_id)
    content = {**current.content, **changes}
    achievement.current_version += 1
    _add_version(achievement, achievement.current_version, content, image_id)
    audit.record(
        actor,
        "achievement.revise",
        achievement,
        tenant_id=achievement.tenant_id,
        version=achievement.current_version,
        fields=sorted(changes),
    )
    return achievement


def _check_image(image_id: uuid.UUID | None) -> None:
    # Images are stored once, whoever uploads the same bytes, and served publicly: an id is
    # shared by design, so it needs only to exist (no tenant owns it).
    if image_id is not None:
        references.resolve(Image, image_id, pointer="#/image_id", tenant_id=None)


def _add_version(
    achievement: Achievement, version: int, content: dict[str, Any], image_id: uuid.UUID | None
) -> None:
    db.session.add(
        AchievementVersion(
            achievement_id=achievement.id,
            version=version,
            content=content,
            image_id=image_id,
            created_at=clock.now(),
        )
    )
    db.session.flush()
    db.session.expire(achievement, ["versions"])


def current_version(achievement: Achievement) -> AchievementVersion:
    return next(v for v in achievement.versions if v.version == achievement.current_version)


def issuer_profile(issuer: Issuer) -> dict[str, Any]:
    """The issuer fields the documents need."""
    return {
        "did": issuer_did(current_app.extensions["settings"], issuer.id),
        "name": issuer.name,
        "url": issuer.url,
        "email": issuer.email,
        "description": issuer.description,
        "image": urls().image(issuer.logo_id) if issuer.logo_id else None,
    }


def _recipient(spec: dict[str, Any]) -> dict[str, Any]:
    identity = spec["identity"].strip()
    if spec["type"] == "email":
        identity = identity.lower()
    if not spec.get("hashed", True):
        return {"type": spec["type"], "identity": identity, "hashed": False}
    salt = secrets.token_hex(16)
    hashed = documents.hash_identity(identity, salt)
    return {"type": spec["type"], "identity": hashed, "hashed": True, "salt": salt}


def award(
    actor: audit.Actor,
    achievement: Achievement,
    *,
    recipient: dict[str, Any],
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    evidence: list[dict[str, Any]] | None = None,
    results: list[dict[str, Any]] | None = None,
    status_purpose: status.Purpose = "revocation",
    award_key: str | None = None,
) -> Credential:
    """Award the current version of `achievement`: build, sign and store every format.

    With `award_key` (what the award is for, e.g. "enrolment:<id>") the award is idempotent:
    when a credential with that key exists, committed by anyone, it is returned unchanged and
    nothing new is signed; the key is unique in the database, so concurrent workers cannot
    both store one.
    """
    if award_key is not None and (done := _awarded(award_key)) is not None:
        return done
    valid_from = valid_from or clock.now()
    if valid_until is not None and valid_until <= valid_from:
        raise ValidationError(
            "validUntil must be after validFrom.",
            errors=[FieldError("must be after validFrom", pointer="#/validUntil")],
        )
    is_email = recipient["type"] == "email"
    try:
        with db.session.begin_nested():  # the loser of a race gives back its status slot too
            credential = _issue(
                achievement,
                current_version(achievement),
                Recipient(
                    stored=_recipient(recipient),
                    name=recipient.get("name", ""),
                    subject_id=recipient.get("id") or f"urn:uuid:{uuid.uuid4()}",
                    email=normalise_email(recipient["identity"]) if is_email else None,
                ),
                valid_from=valid_from,
                valid_until=valid_until,
                evidence=evidence,
                results=results,
                status_purpose=status_purpose,
                award_key=award_key,
            )
    except IntegrityError:
        if award_key is None or (done := _awarded(award_key)) is None:
            raise
        return done  # another worker stored it first: already done
    audit.record(
        actor,
        "credential.award",
        credential,
        tenant_id=credential.tenant_id,
        achievement=str(achievement.id),
        version=achievement.current_version,
    )
    credential_awarded.send(credential)
    return credential


def _awarded(award_key: str) -> Credential | None:
    """The credential stored for `award_key`, if any (as committed now, not as cached)."""
    return db.session.scalar(
        select(Credential)
        .where(Credential.award_key == award_key)
        .execution_options(populate_existing=True)
    )


def reissue(actor: audit.Actor, old: Credential, *, name: str) -> Credential:
    """A corrected copy of `old` under the recipient name `name`: same achievement version,
    recipient, dates, evidence, results and status purpose; newly signed at a new URL.

    The caller revokes `old` (revocation.supersede); this only issues the replacement.
    """
    version = old.achievement_version
    achievement = version.achievement
    document = json.loads(old.ob3_json)
    credential = _issue(
        achievement,
        version,
        Recipient(old.recipient, name, old.subject_id, old.earner_email),
        valid_from=old.valid_from,
        valid_until=old.valid_until,
        evidence=_untyped(document.get("evidence")),
        results=_untyped(document["credentialSubject"].get("result")),
        status_purpose=revocation.purpose_of(old),  # type: ignore[arg-type]
    )
    audit.record(
        actor, "credential.reissue", credential, tenant_id=old.tenant_id, replaces=str(old.id)
    )
    return credential


def _untyped(items: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    """Issued evidence or results as they were given (ob3_credential adds the `type`)."""
    return [{k: v for k, v in item.items() if k != "type"} for item in items] if items else None


@dataclass(frozen=True)
class Recipient:
    """Who a credential is issued to, as stored: `stored` is the (maybe hashed) identity."""

    stored: dict[str, Any]
    name: str
    subject_id: str
    email: str | None  # the plain address of an email recipient, kept unpublished


def _issue(
    achievement: Achievement,
    version: AchievementVersion,
    recipient: Recipient,
    *,
    valid_from: datetime,
    valid_until: datetime | None,
    evidence: list[dict[str, Any]] | None,
    results: list[dict[str, Any]] | None,
    status_purpose: status.Purpose,
    award_key: str | None = None,
) -> Credential:
    """Build, sign and store every format of one credential."""
    issuer = achievement.issuer
    if issuer.archived_at is not None or achievement.archived_at is not None:
        raise Conflict("Archived issuers and achievements award nothing new.")
    credential_id = uuid.uuid4()
    where = urls()
    status_list, index = status.allocate(issuer, status_purpose)
    profile = issuer_profile(issuer)
    content = dict(version.content)
    if version.image_id:
        content["image"] = where.image(version.image_id)
    ob3 = documents.ob3_credential(
        credential_url=where.credential(credential_id),
        issuer=profile,
        achievement=documents.ob3_achievement(
            where.achievement(achievement.id), version.version, content, profile
        ),
        subject_id=recipient.subject_id,
        recipient=recipient.stored,
        valid_from=valid_from,
        valid_until=valid_until,
        status=documents.bitstring_entry(where.status_list(status_list.id), index, status_purpose),
        evidence=evidence,
        results=results,
        recipient_name=recipient.name,
    )
    try:
        signed = signing.data_integrity_proof(issuer, ob3)
    except UndefinedTerm as exc:  # safe mode: never sign a field that would be dropped
        raise ValidationError(str(exc)) from None
    hosted = documents.ob2_assertion(
        assertion_url=where.ob2_assertion(credential_id),
        badge_url=where.ob2_badge(version.id),
        recipient=recipient.stored,
        issued_on=valid_from,
        expires=valid_until,
        verification={"type": "HostedBadge"},
        evidence=evidence,
    )
    credential = Credential(
        id=credential_id,
        tenant_id=issuer.tenant_id,
        issuer_id=issuer.id,
        achievement_version_id=version.id,
        recipient=recipient.stored,
        recipient_name=recipient.name,
        earner_email=recipient.email,
        subject_id=recipient.subject_id,
        status_list_id=status_list.id,
        status_index=index,
        valid_from=valid_from,
        valid_until=valid_until,
        ob3_json=json.dumps(signed, ensure_ascii=False),
        ob3_jwt=signing.vc_jwt_token(issuer, ob3),
        ob2_json=json.dumps(hosted, ensure_ascii=False),
        ob2_jws=signing.ob2_signed_assertion(issuer, hosted, where),
        created_at=clock.now(),
        award_key=award_key,
    )
    db.session.add(credential)
    db.session.flush()
    return credential
