"""HTTP contract of achievements and credentials (OB spellings for OB fields)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from issuer.fields import SingleLine

ACHIEVEMENT_TYPES = [
    "Achievement",
    "ApprenticeshipCertificate",
    "Assessment",
    "Assignment",
    "AssociateDegree",
    "Award",
    "Badge",
    "BachelorDegree",
    "Certificate",
    "CertificateOfCompletion",
    "Certification",
    "CommunityService",
    "Competency",
    "Course",
    "CoCurricular",
    "Degree",
    "Diploma",
    "DoctoralDegree",
    "Fieldwork",
    "GeneralEducationDevelopment",
    "JourneymanCertificate",
    "LearningProgram",
    "License",
    "Membership",
    "ProfessionalDoctorate",
    "QualityAssuranceCredential",
    "MasterCertificate",
    "MasterDegree",
    "MicroCredential",
    "ResearchDoctorate",
    "SecondarySchoolDiploma",
]  # OB 3.0 AchievementType enumeration; "ext:" extensions are also allowed
TEXT = validate.Length(min=1, max=5000)
URL = ma.fields.Url(schemes={"http", "https"}, validate=validate.Length(max=2048))


def _achievement_type(value: str) -> bool:
    if value in ACHIEVEMENT_TYPES or (value.startswith("ext:") and 4 < len(value) <= 100):
        return True
    raise ma.ValidationError("Use an OB 3.0 AchievementType or an 'ext:' extension.")


class CriteriaSchema(ma.Schema):
    id = URL
    narrative = ma.fields.String(validate=TEXT)

    @ma.validates_schema
    def _either(self, data: dict[str, object], **_: object) -> None:
        if not data:
            raise ma.ValidationError("Give a criteria narrative, a criteria URL (id), or both.")


class AlignmentSchema(ma.Schema):
    targetName = ma.fields.String(required=True, validate=validate.Length(min=1, max=500))
    targetUrl = ma.fields.Url(required=True, schemes={"http", "https"})
    targetDescription = ma.fields.String(validate=TEXT)
    targetFramework = ma.fields.String(validate=validate.Length(max=500))
    targetCode = ma.fields.String(validate=validate.Length(max=200))
    targetType = ma.fields.String(
        validate=validate.OneOf(
            [
                "ceasn:Competency",
                "ceterms:Credential",
                "CFItem",
                "CFRubric",
                "CFRubricCriterion",
                "CFRubricCriterionLevel",
                "CTDL",
            ]
        )
    )


class AchievementSchema(ma.Schema):
    id = ma.fields.UUID(dump_only=True)
    issuer_id = ma.fields.UUID(dump_only=True)
    version = ma.fields.Integer(dump_only=True)
    name = SingleLine(required=True, validate=validate.Length(min=1, max=500))
    description = ma.fields.String(required=True, validate=TEXT)
    criteria = ma.fields.Nested(CriteriaSchema, required=True)
    achievementType = ma.fields.String(validate=_achievement_type)
    alignment = ma.fields.List(ma.fields.Nested(AlignmentSchema), validate=validate.Length(max=50))
    tag = ma.fields.List(
        ma.fields.String(validate=validate.Length(min=1, max=100)), validate=validate.Length(max=50)
    )
    inLanguage = ma.fields.String(validate=validate.Regexp(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$"))
    humanCode = ma.fields.String(validate=validate.Length(max=100))
    fieldOfStudy = ma.fields.String(validate=validate.Length(max=200))
    image_id = ma.fields.UUID(allow_none=True, metadata={"description": "An uploaded image."})
    url = ma.fields.String(dump_only=True)
    archived_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)


class AchievementUpdateSchema(AchievementSchema):
    """Fields to change; load it with `partial=True` (every field optional)."""


class RecipientSchema(ma.Schema):
    type = ma.fields.String(
        load_default="email", validate=validate.OneOf(["email", "external", "url"])
    )
    identity = ma.fields.String(required=True, validate=validate.Length(min=1, max=320))
    hashed = ma.fields.Boolean(
        load_default=True, metadata={"description": "Salt and hash the identity (OB)."}
    )
    name = SingleLine(validate=validate.Length(max=200))
    id = ma.fields.String(
        validate=validate.Regexp(
            r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$", error="Give a URI such as a DID."
        ),
        metadata={"description": "The recipient's own identifier (e.g. their DID)."},
    )

    @ma.validates_schema
    def _email(self, data: dict[str, str], **_: object) -> None:
        if data.get("type", "email") == "email":
            ma.fields.Email().deserialize(data.get("identity", ""))


class EvidenceSchema(ma.Schema):
    id = URL
    name = ma.fields.String(validate=validate.Length(max=500))
    narrative = ma.fields.String(validate=TEXT)
    description = ma.fields.String(validate=TEXT)


class ResultSchema(ma.Schema):
    value = ma.fields.String(validate=validate.Length(max=200))
    status = ma.fields.String(
        validate=validate.OneOf(
            ["Completed", "Enrolled", "Failed", "InProgress", "OnHold", "Provisional", "Withdrew"]
        )
    )


class AwardSchema(ma.Schema):
    recipient = ma.fields.Nested(RecipientSchema, required=True)
    validFrom = ma.fields.AwareDateTime()
    validUntil = ma.fields.AwareDateTime()
    evidence = ma.fields.List(ma.fields.Nested(EvidenceSchema), validate=validate.Length(max=20))
    result = ma.fields.List(ma.fields.Nested(ResultSchema), validate=validate.Length(max=20))
    statusPurpose = ma.fields.String(
        load_default="revocation", validate=validate.OneOf(["revocation", "suspension"])
    )


class FormatLinksSchema(ma.Schema):
    ob3_json = ma.fields.String()
    ob3_jwt = ma.fields.String()
    ob2_hosted = ma.fields.String()
    ob2_signed = ma.fields.String()


class CredentialSchema(ma.Schema):
    id = ma.fields.UUID()
    url = ma.fields.String()
    issuer_id = ma.fields.UUID()
    achievement_id = ma.fields.UUID()
    achievement_version = ma.fields.Integer()
    validFrom = ma.fields.AwareDateTime()
    validUntil = ma.fields.AwareDateTime(allow_none=True)
    created_at = ma.fields.AwareDateTime()
    formats = ma.fields.Nested(FormatLinksSchema)
    status = ma.fields.String(metadata={"description": "active, suspended or revoked."})
    statusPurpose = ma.fields.String(metadata={"description": "revocation or suspension."})
    statusReason = ma.fields.String()
    statusChangedAt = ma.fields.AwareDateTime(allow_none=True)
    supersededBy = ma.fields.String(
        allow_none=True, metadata={"description": "URL of the corrected credential replacing it."}
    )


class StatusChangeSchema(ma.Schema):
    reason = ma.fields.String(
        load_default="",
        validate=validate.Length(max=1000),
        metadata={"description": "Why; shown to verifiers (OB 2.0 revocationReason)."},
    )
