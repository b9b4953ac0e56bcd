"""API of achievements and credentials: /api/v1/issuers/<id>/achievements, /api/v1/credentials."""

from __future__ import annotations

import uuid
from typing import Any

from flask import current_app
from flask.views import MethodView
from sqlalchemy import select

from issuer import clock
from issuer.accounts.access import authorize, requires
from issuer.accounts.roles import Permission
from issuer.audit import services as audit
from issuer.db import db, page
from issuer.errors import get_or_404
from issuer.extensions import Blueprint
from issuer.images import services as images
from issuer.images.upload import IMAGE_BODY, uploaded_bytes
from issuer.issuance import revocation, services
from issuer.issuance.models import Achievement, AchievementVersion, Credential
from issuer.issuance.schemas import (
    AchievementSchema,
    AchievementUpdateSchema,
    AwardSchema,
    CredentialSchema,
    StatusChangeSchema,
)
from issuer.tenants.models import Issuer

blp = Blueprint(
    "issuance", __name__, url_prefix="/api/v1", description="Achievements and credentials."
)


def present_achievement(achievement: Achievement) -> dict[str, Any]:
    version = services.current_version(achievement)
    return {
        **version.content,
        "id": achievement.id,
        "issuer_id": achievement.issuer_id,
        "version": version.version,
        "image_id": version.image_id,
        "url": services.urls().achievement(achievement.id),
        "archived_at": achievement.archived_at,
        "created_at": achievement.created_at,
    }


def present_credential(credential: Credential) -> dict[str, Any]:
    version = credential.achievement_version
    where = services.urls()
    url = where.credential(credential.id)
    return {
        "id": credential.id,
        "url": url,
        "issuer_id": credential.issuer_id,
        "achievement_id": version.achievement_id,
        "achievement_version": version.version,
        "validFrom": credential.valid_from,
        "validUntil": credential.valid_until,
        "created_at": credential.created_at,
        "formats": {
            "ob3_json": f"{url}/credential.json",
            "ob3_jwt": f"{url}/credential.jwt",
            "ob2_hosted": where.ob2_assertion(credential.id),
            "ob2_signed": f"{where.ob2_assertion(credential.id)}/signed",
        },
        "status": credential.status,
        "statusPurpose": revocation.purpose_of(credential),
        "statusReason": credential.status_reason,
        "statusChangedAt": credential.status_changed_at,
        "supersededBy": where.credential(credential.superseded_by_id)
        if credential.superseded_by_id
        else None,
    }


def _content(data: dict[str, Any]) -> tuple[dict[str, Any], uuid.UUID | None]:
    return data, data.pop("image_id", None)


@blp.route("/issuers/<uuid:issuer_id>/achievements")
class Achievements(MethodView):
    @requires(Permission.ACHIEVEMENTS_READ)
    @blp.response(200, AchievementSchema(many=True))
    @blp.paginate()
    def get(self, issuer_id: uuid.UUID, pagination_parameters: Any) -> list[dict[str, Any]]:
        """List an issuer's achievements (current versions)."""
        issuer = get_or_404(Issuer, issuer_id)
        authorize(issuer.tenant_id)
        stmt = (
            select(Achievement)
            .where(Achievement.issuer_id == issuer_id)
            .order_by(Achievement.created_at, Achievement.id)
        )
        return [present_achievement(a) for a in page(stmt, pagination_parameters)]

    @requires(Permission.ACHIEVEMENTS_WRITE)
    @blp.arguments(AchievementSchema)
    @blp.response(201, AchievementSchema)
    def post(self, data: dict[str, Any], issuer_id: uuid.UUID) -> dict[str, Any]:
        """Define an achievement (OB3 Achievement, OB2 BadgeClass)."""
        issuer = get_or_404(Issuer, issuer_id)
        principal = authorize(issuer.tenant_id)
        content, image_id = _content(data)
        achievement = services.create_achievement(principal.actor, issuer, content, image_id)
        db.session.commit()
        return present_achievement(achievement)


def _achievement(achievement_id: uuid.UUID) -> tuple[audit.Actor, Achievement]:
    achievement = get_or_404(Achievement, achievement_id)
    return authorize(achievement.tenant_id).actor, achievement


@blp.route("/achievements/<uuid:achievement_id>")
class AchievementItem(MethodView):
    @requires(Permission.ACHIEVEMENTS_READ)
    @blp.response(200, AchievementSchema)
    def get(self, achievement_id: uuid.UUID) -> dict[str, Any]:
        """Show an achievement's current version."""
        return present_achievement(_achievement(achievement_id)[1])

    @requires(Permission.ACHIEVEMENTS_WRITE)
    @blp.arguments(AchievementUpdateSchema(partial=True))
    @blp.response(200, AchievementSchema)
    def patch(self, changes: dict[str, Any], achievement_id: uuid.UUID) -> dict[str, Any]:
        """Revise: a new version; credentials already issued are never changed."""
        actor, achievement = _achievement(achievement_id)
        services.revise_achievement(actor, achievement, changes)
        db.session.commit()
        return present_achievement(achievement)

    @requires(Permission.ACHIEVEMENTS_WRITE)
    @blp.response(204)
    def delete(self, achievement_id: uuid.UUID) -> None:
        """Archive: no new awards; issued credentials stay valid."""
        actor, achievement = _achievement(achievement_id)
        if achievement.archived_at is None:
            achievement.archived_at = clock.now()
            audit.record(actor, "achievement.archive", achievement, tenant_id=achievement.tenant_id)
        db.session.commit()


@blp.route("/achievements/<uuid:achievement_id>/image")
class AchievementImage(MethodView):
    @requires(Permission.ACHIEVEMENTS_WRITE)
    @blp.doc(requestBody=IMAGE_BODY)
    @blp.response(200, AchievementSchema)
    def put(self, achievement_id: uuid.UUID) -> dict[str, Any]:
        """Upload the badge image (PNG, JPEG or SVG): a new version of the achievement."""
        actor, achievement = _achievement(achievement_id)
        settings = current_app.extensions["settings"]
        image = images.store(uploaded_bytes(), max_bytes=settings.max_image_bytes)
        services.revise_achievement(actor, achievement, {"image_id": image.id})
        db.session.commit()
        return present_achievement(achievement)


@blp.route("/achievements/<uuid:achievement_id>/credentials")
class Awards(MethodView):
    @requires(Permission.CREDENTIALS_ISSUE)
    @blp.arguments(AwardSchema)
    @blp.response(201, CredentialSchema)
    def post(self, data: dict[str, Any], achievement_id: uuid.UUID) -> dict[str, Any]:
        """Award the achievement to a recipient; every format is signed at once."""
        actor, achievement = _achievement(achievement_id)
        credential = services.award(
            actor,
            achievement,
            recipient=data["recipient"],
            valid_from=data.get("validFrom"),
            valid_until=data.get("validUntil"),
            evidence=data.get("evidence"),
            results=data.get("result"),
            status_purpose=data["statusPurpose"],
        )
        db.session.commit()
        return present_credential(credential)

    @requires(Permission.CREDENTIALS_READ)
    @blp.response(200, CredentialSchema(many=True))
    @blp.paginate()
    def get(self, achievement_id: uuid.UUID, pagination_parameters: Any) -> list[dict[str, Any]]:
        """List the credentials awarded for an achievement, newest first."""
        _achievement(achievement_id)
        versions = select(AchievementVersion.id).where(
            AchievementVersion.achievement_id == achievement_id
        )
        stmt = (
            select(Credential)
            .where(Credential.achievement_version_id.in_(versions))
            .order_by(Credential.created_at.desc(), Credential.id)
        )
        return [present_credential(c) for c in page(stmt, pagination_parameters)]


@blp.route("/credentials/<uuid:credential_id>")
class CredentialItem(MethodView):
    @requires(Permission.CREDENTIALS_READ)
    @blp.response(200, CredentialSchema)
    def get(self, credential_id: uuid.UUID) -> dict[str, Any]:
        """Show a credential's metadata and the links to each of its formats."""
        credential = get_or_404(Credential, credential_id)
        authorize(credential.tenant_id)
        return present_credential(credential)


def _change_status(credential_id: uuid.UUID, change: Any, reason: str) -> dict[str, Any]:
    credential = get_or_404(Credential, credential_id)
    actor = authorize(credential.tenant_id).actor
    change(actor, credential, reason=reason)
    db.session.commit()
    return present_credential(credential)


@blp.route("/credentials/<uuid:credential_id>/revoke")
class CredentialRevoke(MethodView):
    @requires(Permission.CREDENTIALS_REVOKE)
    @blp.arguments(StatusChangeSchema)
    @blp.response(200, CredentialSchema)
    @blp.alt_response(409, description="Already revoked.")
    def post(self, data: dict[str, Any], credential_id: uuid.UUID) -> dict[str, Any]:
        """Revoke for good: its status list bit is set; the record is kept."""
        return _change_status(credential_id, revocation.revoke, data["reason"])


@blp.route("/credentials/<uuid:credential_id>/suspend")
class CredentialSuspend(MethodView):
    @requires(Permission.CREDENTIALS_REVOKE)
    @blp.arguments(StatusChangeSchema)
    @blp.response(200, CredentialSchema)
    @blp.alt_response(409, description="Issued without suspension support, or not active.")
    def post(self, data: dict[str, Any], credential_id: uuid.UUID) -> dict[str, Any]:
        """Suspend until unsuspended; only credentials awarded with statusPurpose suspension."""
        return _change_status(credential_id, revocation.suspend, data["reason"])


@blp.route("/credentials/<uuid:credential_id>/unsuspend")
class CredentialUnsuspend(MethodView):
    @requires(Permission.CREDENTIALS_REVOKE)
    @blp.arguments(StatusChangeSchema)
    @blp.response(200, CredentialSchema)
    @blp.alt_response(409, description="Not suspended (a revoked credential stays revoked).")
    def post(self, data: dict[str, Any], credential_id: uuid.UUID) -> dict[str, Any]:
        """Lift a suspension: the credential is active again."""
        return _change_status(credential_id, revocation.unsuspend, data["reason"])


API_BLUEPRINTS = [blp]
BLUEPRINTS: list[Any] = []
