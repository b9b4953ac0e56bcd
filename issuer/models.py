"""Every model, imported in one place so Alembic and `create_all` see the whole schema."""

from __future__ import annotations

from issuer.accounts.models import ApiClient, Membership, RevokedToken, User
from issuer.audit.models import AuditEvent
from issuer.certificates.models import CertificatePdf, CertificateTemplate
from issuer.db import Base
from issuer.earners.models import CredentialDisplay, NameChangeRequest
from issuer.images.models import Image
from issuer.issuance.models import Achievement, AchievementVersion, Credential, StatusList
from issuer.keys.models import IssuerKey
from issuer.learning.certification_path_management.models import (
    CertificationPath,
    Cohort,
    CompetencyFramework,
    CompetencyItem,
    Enrolment,
    Invitation,
    LearningPolicy,
    PathVersion,
)
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
    "CertificationPath",
    "Cohort",
    "CompetencyFramework",
    "CompetencyItem",
    "Credential",
    "CredentialDisplay",
    "Enrolment",
    "Image",
    "Invitation",
    "Issuer",
    "IssuerKey",
    "LearningPolicy",
    "Membership",
    "NameChangeRequest",
    "PathVersion",
    "RevokedToken",
    "ShareImage",
    "StatusList",
    "Tenant",
    "User",
]
