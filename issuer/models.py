"""Every model, imported in one place so Alembic and `create_all` see the whole schema."""

from __future__ import annotations

from issuer.accounts.models import ApiClient, Membership, RevokedToken, User
from issuer.audit.models import AuditEvent
from issuer.certificates.models import CertificatePdf, CertificateTemplate
from issuer.db import Base
from issuer.images.models import Image
from issuer.issuance.models import Achievement, AchievementVersion, Credential, StatusList
from issuer.keys.models import IssuerKey
from issuer.public.models import ShareImage
from issuer.tenants.models import Issuer, Tenant

__all__ = [
    "Achievement",
    "AchievementVersion",
    "ApiClient",
    "AuditEvent",
    "Base",
    "CertificatePdf",
    "CertificateTemplate",
    "Credential",
    "Image",
    "Issuer",
    "IssuerKey",
    "Membership",
    "RevokedToken",
    "ShareImage",
    "StatusList",
    "Tenant",
    "User",
]
