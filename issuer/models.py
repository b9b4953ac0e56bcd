"""Every model, imported in one place so Alembic and `create_all` see the whole schema."""

from __future__ import annotations

from issuer.accounts.models import ApiClient, Membership, RevokedToken, User
from issuer.audit.models import AuditEvent
from issuer.certificates.models import CertificateChoice, CertificatePdf, CertificateTemplate
from issuer.db import Base
from issuer.earners.models import CredentialDisplay, NameChangeRequest
from issuer.images.models import Image
from issuer.issuance.models import Achievement, AchievementVersion, Credential, StatusList
from issuer.jobs.models import Job
from issuer.keys.models import IssuerKey
from issuer.learning.automated_evaluation.models import (
    Evaluation,
    Question,
    Quiz,
    Rubric,
    ValidationDecision,
)
from issuer.learning.certificate_rules.models import CompletionIssuance, PathCertificate
from issuer.learning.certification_interoperability.models import InteropMapping
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
from issuer.learning.peer_validation.models import PathMentor
from issuer.learning.skills_portfolio.models import Portfolio, PortfolioItem
from issuer.public.models import ShareImage
from issuer.tenants.models import Issuer, Tenant

__all__ = [
    "Achievement",
    "AchievementVersion",
    "ApiClient",
    "AuditEvent",
    "Base",
    "CertificateChoice",
    "CertificatePdf",
    "CertificateTemplate",
    "CertificationPath",
    "Cohort",
    "CompetencyFramework",
    "CompetencyItem",
    "CompletionIssuance",
    "Credential",
    "CredentialDisplay",
    "Enrolment",
    "Evaluation",
    "Image",
    "InteropMapping",
    "Invitation",
    "Issuer",
    "IssuerKey",
    "Job",
    "LearningPolicy",
    "Membership",
    "NameChangeRequest",
    "PathCertificate",
    "PathMentor",
    "PathVersion",
    "Portfolio",
    "PortfolioItem",
    "Question",
    "Quiz",
    "RevokedToken",
    "Rubric",
    "ShareImage",
    "StatusList",
    "Tenant",
    "User",
    "ValidationDecision",
]
