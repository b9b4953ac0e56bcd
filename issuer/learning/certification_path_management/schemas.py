"""HTTP contract of paths, cohorts, enrolments and competency frameworks."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import marshmallow as ma
from marshmallow import validate

from issuer.fields import SingleLine

NAME = validate.Length(min=1, max=500)
TEXT = validate.Length(max=5000)
SLUG = validate.Regexp(r"^[a-z0-9][a-z0-9_-]{0,63}$", error="Use 1–64 of a-z, 0-9, _ and -.")
STEP_KINDS = ("lesson", "evaluation", "evidence")
VISIBILITY = ("public", "tenant", "invite")


class StepSchema(ma.Schema):
    id = ma.fields.String(required=True, validate=SLUG)
    kind = ma.fields.String(required=True, validate=validate.OneOf(STEP_KINDS))
    title = ma.fields.String(required=True, validate=NAME)
    required = ma.fields.Boolean(load_default=True)
    quiz_id = ma.fields.UUID(
        metadata={"description": "Evaluation steps: the quiz that completes it when passed."}
    )
    peer_validation = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "Evidence steps: a mentor's approval completes it."},
    )


class MilestoneSchema(ma.Schema):
    id = ma.fields.String(required=True, validate=SLUG)
    name = SingleLine(required=True, validate=NAME)
    steps = ma.fields.List(ma.fields.String(validate=SLUG), required=True)
    alignment = ma.fields.List(
        ma.fields.UUID(),
        load_default=list,
        metadata={"description": "Competency items (CASE CFItem) this milestone shows."},
    )


class PathContentSchema(ma.Schema):
    name = SingleLine(required=True, validate=NAME)
    description = ma.fields.String(load_default="", validate=TEXT)
    steps = ma.fields.List(
        ma.fields.Nested(StepSchema), required=True, validate=validate.Length(min=1, max=200)
    )
    milestones = ma.fields.List(
        ma.fields.Nested(MilestoneSchema), load_default=list, validate=validate.Length(max=100)
    )
    required_achievements = ma.fields.List(
        ma.fields.UUID(),
        load_default=list,
        validate=validate.Length(max=50),
        metadata={"description": "Achievements a learner must already hold (stackable)."},
    )

    @ma.validates_schema
    def _references(self, data: dict[str, Any], **_: object) -> None:
        ids = [s["id"] for s in data.get("steps", [])]
        if len(set(ids)) != len(ids):
            raise ma.ValidationError("Step ids must be unique.", "steps")
        for milestone in data.get("milestones", []):
            unknown = sorted(set(milestone["steps"]) - set(ids))
            if unknown:
                raise ma.ValidationError(f"Unknown steps: {', '.join(unknown)}.", "milestones")


class PathCreateSchema(PathContentSchema):
    issuer_id = ma.fields.UUID(required=True, metadata={"description": "Who awards it."})
    visibility = ma.fields.String(load_default="tenant", validate=validate.OneOf(VISIBILITY))


class PathUpdateSchema(PathContentSchema):
    """Fields to change in the working draft; load with the top-level fields partial (each
    given step or milestone is still whole)."""

    visibility = ma.fields.String(validate=validate.OneOf(VISIBILITY))


class VersionSchema(ma.Schema):
    version = ma.fields.Integer()
    status = ma.fields.String(metadata={"description": "draft, in_review or published."})
    content = ma.fields.Dict()
    pass_percent = ma.fields.Decimal(as_string=True, allow_none=True)
    retry_cooldown_min = ma.fields.Integer(allow_none=True)
    review_comment = ma.fields.String()
    published_at = ma.fields.AwareDateTime(allow_none=True)


class PathSchema(ma.Schema):
    id = ma.fields.UUID()
    tenant_id = ma.fields.UUID()
    issuer_id = ma.fields.UUID()
    visibility = ma.fields.String()
    status = ma.fields.String(metadata={"description": "draft, in_review, published, retired."})
    published_version = ma.fields.Integer(allow_none=True)
    published = ma.fields.Nested(VersionSchema, allow_none=True)
    working = ma.fields.Nested(
        VersionSchema, allow_none=True, metadata={"description": "The draft or version in review."}
    )
    retired_at = ma.fields.AwareDateTime(allow_none=True)
    created_at = ma.fields.AwareDateTime()


class ReviewSchema(ma.Schema):
    comment = ma.fields.String(load_default="", validate=TEXT)


class PolicySchema(ma.Schema):
    pass_percent = ma.fields.Decimal(
        required=True,
        as_string=True,
        places=2,
        metadata={"description": "More than 0, at most 100; two decimals."},
    )
    retry_cooldown_min = ma.fields.Integer(
        required=True, validate=validate.Range(min=0, max=60 * 24 * 30)
    )

    @ma.validates("pass_percent")
    def _percent(self, value: Decimal, **_: object) -> None:
        if not (value.is_finite() and 0 < value <= 100):
            raise ma.ValidationError("Give a percentage above 0 and at most 100.")


class CohortSchema(ma.Schema):
    id = ma.fields.UUID(dump_only=True)
    path_id = ma.fields.UUID(dump_only=True)
    name = SingleLine(required=True, validate=NAME)
    enrolment = ma.fields.String(load_default="open", validate=validate.OneOf(["open", "invite"]))
    starts_at = ma.fields.AwareDateTime(allow_none=True)
    ends_at = ma.fields.AwareDateTime(allow_none=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)


class InvitationsSchema(ma.Schema):
    emails = ma.fields.List(
        ma.fields.Email(), required=True, validate=validate.Length(min=1, max=10_000)
    )


class StepDoneSchema(ma.Schema):
    time_spent_seconds = ma.fields.Integer(
        load_default=0, validate=validate.Range(min=0, max=24 * 3600)
    )


class EnrolmentSchema(ma.Schema):
    id = ma.fields.UUID()
    cohort_id = ma.fields.UUID()
    user_id = ma.fields.UUID()
    path_version = ma.fields.Integer()
    status = ma.fields.String(metadata={"description": "enrolled or completed."})
    completed_steps = ma.fields.List(ma.fields.String())
    progress = ma.fields.Integer(metadata={"description": "0–100, of the required steps."})
    score = ma.fields.Decimal(as_string=True, allow_none=True)
    time_spent_seconds = ma.fields.Integer()
    enrolled_at = ma.fields.AwareDateTime()
    completed_at = ma.fields.AwareDateTime(allow_none=True)
    milestones = ma.fields.List(ma.fields.String(), metadata={"description": "Reached."})


class CaseItemSchema(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE

    identifier = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))
    uri = ma.fields.Url(required=True, schemes={"http", "https"})
    fullStatement = ma.fields.String(required=True, validate=validate.Length(min=1, max=10_000))
    humanCodingScheme = ma.fields.String(load_default="", validate=validate.Length(max=200))
    CFItemType = ma.fields.String(load_default="", validate=validate.Length(max=200))


class CaseDocumentSchema(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE

    identifier = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))
    uri = ma.fields.Url(required=True, schemes={"http", "https"})
    title = ma.fields.String(required=True, validate=NAME)


class CasePackageSchema(ma.Schema):
    """A CASE 1.0 CFPackage: the document, its items and their associations."""

    class Meta:
        unknown = ma.EXCLUDE

    CFDocument = ma.fields.Nested(CaseDocumentSchema, required=True)
    CFItems = ma.fields.List(
        ma.fields.Nested(CaseItemSchema), load_default=list, validate=validate.Length(max=20_000)
    )
    CFAssociations = ma.fields.List(
        ma.fields.Dict(), load_default=list, validate=validate.Length(max=50_000)
    )


class CompetencyItemSchema(ma.Schema):
    id = ma.fields.UUID()
    identifier = ma.fields.String()
    uri = ma.fields.String()
    full_statement = ma.fields.String()
    human_coding_scheme = ma.fields.String()
    item_type = ma.fields.String()
    alignment = ma.fields.Dict(metadata={"description": "As an OB 3.0 Alignment."})


class FrameworkSchema(ma.Schema):
    id = ma.fields.UUID()
    identifier = ma.fields.String()
    uri = ma.fields.String()
    title = ma.fields.String()
    items = ma.fields.List(ma.fields.Nested(CompetencyItemSchema))
    created_at = ma.fields.AwareDateTime()
